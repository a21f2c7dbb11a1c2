"""What every app's API views share: scoped object lookup, the early permission refusal, and
service errors renamed to the request's fields.

Apart from config/api.py because DRF loads that module (pagination, exception handler) while
its own generic views are still importing; these helpers need those views.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.viewsets import GenericViewSet

from accounts.permissions import can
from config.api import PdfRenderer
from config.uploads import attachment_response


def require(user, perm: str, obj=None, message: str = "You may not do this.") -> None:
    """403 unless the shared rule (accounts.permissions.can) allows it. The services check
    again; this only makes a refusal come before input validation, as on the web pages."""
    if not can(user, perm, obj):
        raise PermissionDenied(message)


def renamed_errors(exc: DjangoValidationError, rename: dict[str, str]) -> DjangoValidationError:
    """A service's field errors under the names the API's request uses."""
    if not hasattr(exc, "error_dict"):
        return exc
    return DjangoValidationError(
        {rename.get(field, field): errors for field, errors in exc.error_dict.items()}
    )


class ScopedViewSet(GenericViewSet):
    """Numeric ids, looked up in the caller's scope only, so an object outside it is a 404
    (filters narrow lists, not one object: ``/proposals/5/?status=x`` is proposal 5)."""

    lookup_value_regex = "[0-9]+"

    def get_object(self):
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, obj)
        return obj


# For viewsets with an action that answers a stored PDF (proposal documents, and the same
# documents as a reviewer reads them): the file, and errors still as JSON when the client asked
# for ``Accept: application/pdf``. (A comment, not a docstring: drf-spectacular would publish a
# docstring as the description of every operation of the viewset.)
class PdfDownloadMixin:
    def pdf_response(self, attachment):
        return attachment_response(attachment)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(getattr(response, "accepted_renderer", None), PdfRenderer):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response
