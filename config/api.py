"""API plumbing shared by every app: pagination and the error format.

Errors: 400 with {"field": ["message"]} (rule violations under "non_field_errors"),
401/403 for authentication, 404 for objects the caller may not know exist, 409 for a
conflicting state change. Django's ValidationError and PermissionDenied raised by services are
translated here, so viewsets never re-implement a rule.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


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


def exception_handler(exc, context):
    # Imported here: grants.services imports models, which must not load with settings.
    from grants.services import InvalidTransition

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


# ---- Error bodies (config.api.exception_handler produces them) -------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    """401, 403, 404, 409 and 429 bodies."""

    detail = serializers.CharField()


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
