"""What the committee pages share: lookups that answer 404 for what the user may not know
exists, and service refusals shown on the page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.permissions import can
from grants.models import FundingCall, Proposal

from .. import permissions
from ..choices import REVIEW_STATES
from ..models import Assignment


def flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def own_assignment(request, pk: int) -> Assignment:
    """The signed-in reviewer's own assignment, or 404."""
    return get_object_or_404(
        Assignment.objects.select_related(
            "proposal", "proposal__call", "proposal__call__call_review", "proposal__pi"
        ),
        pk=pk,
        reviewer=request.user,
    )


def managed_call(request, pk: int) -> FundingCall:
    """A call whose review the user manages (administrator or its chair), or 404."""
    call = get_object_or_404(FundingCall.objects.select_related("program"), pk=pk)
    if not can(request.user, "reviews.manage_review", call):
        raise Http404("No such call.")
    return call


def require_unconflicted(request, proposal: Proposal) -> None:
    """A chair or administrator conflicted with a proposal may not touch it: to them it is not
    there (the services refuse too; this keeps the answer a 404)."""
    if permissions.is_conflicted(request.user, proposal):
        raise Http404("No such proposal.")


def reviewed_proposal(pk: int) -> Proposal:
    """A proposal under review (or past it), with its call and PI, or 404; the caller decides
    who may see it."""
    return get_object_or_404(
        Proposal.objects.filter(status__in=REVIEW_STATES).select_related("call", "pi"), pk=pk
    )


def deciding_call(request, pk: int) -> FundingCall:
    """A call, for an administrator, who decides its funding; 404 for anyone else."""
    call = get_object_or_404(FundingCall, pk=pk)
    if not can(request.user, "grants.manage_calls"):
        raise Http404("No such page.")
    return call


def form_errors(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form: each field's errors on that field, the rest (and
    errors of fields the form does not have) above it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
