"""API plumbing shared by every app: pagination and the error format.

Errors: 400 with {"field": ["message"]} (rule violations under "non_field_errors"),
401/403 for authentication, 404 for objects the caller may not know exist, 409 for a
conflicting state change. Django's ValidationError and PermissionDenied raised by services are
translated here, so viewsets never re-implement a rule.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
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
