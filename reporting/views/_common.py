"""What the reporting pages share: the award looked up in the user's scope, service errors on
a form, and the administrators' gate to the reports."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.permissions import can
from grants.models import Award

from .. import selectors


def apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def visible_award(request, pk: int) -> Award:
    return get_object_or_404(selectors.awards_visible_to(request.user), pk=pk)


def require_reports(request) -> None:
    if not can(request.user, "reporting.view_reports"):
        raise Http404("No such page.")


def require_exports(request) -> None:
    require_reports(request)
    if not can(request.user, "reporting.export_reports"):
        raise Http404("No such page.")
