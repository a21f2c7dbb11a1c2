"""A limited submission's nominees and their applications to the external sponsor
(administrators): the list, and recording one nominee's application and its result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from grants.models import FundingCall, Proposal

from .. import selectors, services
from ..forms import ExternalSubmissionForm
from ..models import ExternalSubmission
from ._common import apply_errors


def _limited_call(request, pk: int) -> FundingCall:
    return get_object_or_404(selectors.limited_calls_managed_by(request.user), pk=pk)


@never_cache
@login_required
def call_nominations(request, pk: int):
    call = _limited_call(request, pk)
    rows = selectors.call_nominations(call)
    return render(
        request,
        "reporting/call_nominations.html",
        {
            "call": call,
            "nominees": [row for row in rows if row.decision.outcome == "nominated"],
            "alternates": [row for row in rows if row.decision.outcome == "waitlisted"],
        },
    )


@never_cache
@login_required
def external_submission(request, pk: int, proposal_pk: int):
    call = _limited_call(request, pk)
    proposal = get_object_or_404(Proposal, pk=proposal_pk, call=call, status="nominated")
    record = ExternalSubmission.objects.filter(proposal=proposal).first()
    form = ExternalSubmissionForm(
        request.POST if request.method == "POST" else None,
        instance=record,
        initial=None if record else {"mechanism": call.sponsor_opportunity[:40]},
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data.get(name) for name in form.Meta.fields}
        try:
            saved = services.external_submission_save(
                actor=request.user, proposal=proposal, values=values
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            note = ""
            if saved.result == "awarded":
                note = (
                    " Added to the program's follow-on funding."
                    if saved.follow_on_id
                    else " Not added to follow-on funding: the nominee holds no award from "
                    "the program to attribute it to."
                )
            messages.success(request, f"NS-{proposal.pk}: the application is recorded.{note}")
            return redirect("reporting:call_nominations", call.pk)
    return render(
        request,
        "reporting/external_submission.html",
        {
            "call": call,
            "proposal": proposal,
            "form": form,
            "record": record,
            "awards": services.nominee_awards(proposal),
        },
    )
