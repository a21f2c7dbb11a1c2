"""API plumbing shared by every app: pagination and the error format.

Errors: 400 with {"field": ["message"]} (rule violations under "non_field_errors"),
401/403 for authentication, 404 for objects the caller may not know exist, 409 for a
conflicting state change or a stale edit. Django's ValidationError and PermissionDenied raised by
services are translated here, so viewsets never re-implement a rule.

Optimistic concurrency (proposals and review drafts): ``GET`` answers with an ``ETag`` built
from the object's version; a ``PATCH`` may send that version back as ``version`` in the body
and/or as ``If-Match``, and is refused with 409 (``code: stale_version``) when the object was
saved since. A ``PATCH`` that sends neither is not checked, so scripts that do not care keep
working.
"""

import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class LateRowLookupPaginator(Paginator):
    """Page numbers that stay cheap deep into a long list.

    ``OFFSET 50000`` makes the database build every skipped row in full, with its joins and
    computed columns, only to throw it away (1.2 s at page 2,000 of 100,000 proposals). Past
    ``DEEP_OFFSET`` this reads the page's ids first, which walks an index, then loads only those
    rows, in the same order. Shallow pages, where it would only add a query, are read as usual.
    """

    DEEP_OFFSET = 1000

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < self.DEEP_OFFSET or not isinstance(self.object_list, QuerySet):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids], number, self)


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = LateRowLookupPaginator


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This change conflicts with the object's current state."
    default_code = "conflict"


def django_errors_to_dict(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def etag(kind: str, pk: int, version: int) -> str:
    """The strong ETag of a versioned object: ``"proposal-41-v3"``."""
    return f'"{kind}-{pk}-v{version}"'


def expected_version(request, *, kind: str, pk: int, body_version: int | None) -> int | None:
    """The version a client's edit is based on: ``version`` from the body and/or the ETag in
    ``If-Match`` (``*`` checks nothing). None when the client sent neither. 400 under
    ``version`` for an If-Match naming no single version of this object, or disagreeing with
    the body."""
    header = (request.headers.get("If-Match") or "").strip()
    from_header = None
    if header and header != "*":
        pattern = re.compile(rf'^"{re.escape(kind)}-{pk}-v(\d+)"$')
        found = {m.group(1) for tag in header.split(",") if (m := pattern.match(tag.strip()))}
        if len(found) != 1:
            raise ValidationError(
                {
                    "version": [
                        f"If-Match must be the one ETag this {kind} was read with, like "
                        f"{etag(kind, pk, 3)}."
                    ]
                }
            )
        from_header = int(found.pop())
    if from_header is not None and body_version is not None and from_header != body_version:
        raise ValidationError({"version": ["The version sent and If-Match disagree."]})
    return body_version if body_version is not None else from_header


def stale_version_body(exc) -> dict:
    return {
        "detail": f"{exc.summary} Read it again, merge your changes into it, and send them with "
        "the new version.",
        "code": "stale_version",
        "current_version": exc.current_version,
        "saved_at": exc.saved_at.isoformat() if exc.saved_at else None,
    }


def exception_handler(exc, context):
    # Imported here: grants.services imports models, which must not load with settings.
    from grants.services import InvalidTransition, StaleVersion

    if isinstance(exc, StaleVersion):
        return Response(stale_version_body(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(django_errors_to_dict(exc))
    elif isinstance(exc, InvalidTransition):
        exc = Conflict(str(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        return Response(
            {"detail": "You do not have permission to do this."},
            status=status.HTTP_403_FORBIDDEN,
        )
    return drf_exception_handler(exc, context)


def not_found(request, exception=None):
    """``handler404``: an API address that matches no route (``/api/v1/calls/abc/``, an id
    that is not a number) answers like every other API 404, in JSON; pages keep Django's."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


# ---- Error bodies (config.api.exception_handler produces them) -------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    """401, 403, 404, 409 and 429 bodies."""

    detail = serializers.CharField()


class StaleVersionErrorSerializer(serializers.Serializer):
    """409 body of an edit: ``detail`` alone for a state conflict; with ``code:
    stale_version`` and the version now stored for an edit based on an older version."""

    detail = serializers.CharField(help_text="What conflicts (when it was saved since).")
    code = serializers.ChoiceField([("stale_version", "stale_version")], required=False)
    current_version = serializers.IntegerField(required=False, help_text="The version now stored.")
    saved_at = serializers.DateTimeField(required=False, allow_null=True)


STALE_VERSION_RESPONSE = OpenApiResponse(
    StaleVersionErrorSerializer,
    description="Conflicts with the object's current state (for example a submitted review), "
    "or — `code: stale_version` — it was saved since the `version` or `If-Match` sent: nothing "
    "was saved. Read it again and resend your changes with its new version.",
)


class ValidationErrorSerializer(serializers.Serializer):
    """400 body: one key per field in error, each a list of messages; rule violations that
    belong to no single field are listed under ``non_field_errors``."""

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


_ERROR_DESCRIPTIONS = {
    400: 'Invalid input: `{"field": ["message"]}`, with rule violations under `non_field_errors`.',
    401: "Not signed in (no or an invalid token).",
    403: "Signed in, but not allowed to do this to this object (or not signed in).",
    404: "No such object, or one you may not know exists.",
    409: "Conflicts with the object's current state (for example submitting twice).",
    429: "Too many requests; retry after the number of seconds in `Retry-After`.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented error responses of an endpoint, for ``@extend_schema(responses=...)``."""
    responses = {}
    for code in codes:
        if code == 400:
            responses[code] = OpenApiResponse(
                ValidationErrorSerializer,
                description=_ERROR_DESCRIPTIONS[code],
                examples=[
                    OpenApiExample(
                        "Field error",
                        value={"field": ["This field is required."]},
                        response_only=True,
                        status_codes=["400"],
                    )
                ],
            )
        else:
            responses[code] = OpenApiResponse(
                ErrorDetailSerializer, description=_ERROR_DESCRIPTIONS[code]
            )
    return responses


READ_ERRORS = (401, 403, 404)
WRITE_ERRORS = (400, 401, 403, 404)


class PdfRenderer(BaseRenderer):
    """Lets a client ask for a download with ``Accept: application/pdf``; the file itself is a
    FileResponse, and error bodies are switched back to JSON (see the attachment download views)."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)
