"""The panel: the chair's table and discussion pages, and the members' ballots."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can
from grants.models import FundingCall, Proposal

from .. import selectors, services
from ..choices import REVIEW_STATES, SCORE_DESCRIPTORS
from ..forms import DispositionForm, FinalScoreForm, ResumeForm
from .common import flash_errors, managed_call


@never_cache
@login_required
def panel(request, pk: int):
    call = managed_call(request, pk)
    rows = selectors.panel_rows(call, viewer=request.user)
    return render(
        request,
        "reviews/panel.html",
        {
            "call": call,
            "setup": selectors.call_review_for(call),
            "rows": rows,
            "discussed": [r for r in rows if r.is_discussed and not r.hidden],
        },
    )


@login_required
@require_POST
def panel_disposition(request, pk: int, proposal_pk: int):
    call = managed_call(request, pk)
    proposal = get_object_or_404(Proposal, pk=proposal_pk, call=call)
    if not can(request.user, "reviews.run_panel", proposal):
        raise Http404("No such proposal.")
    form = DispositionForm(request.POST)
    if form.is_valid():
        try:
            services.panel_set_disposition(
                proposal=proposal,
                disposition=form.cleaned_data["disposition"],
                actor=request.user,
            )
        except ValidationError as exc:
            flash_errors(request, exc)
    return redirect("reviews:panel", pk=call.pk)


@never_cache
@login_required
def panel_proposal(request, pk: int, proposal_pk: int):
    """The chair's page for one discussed proposal: who has voted, and the resume."""
    call = managed_call(request, pk)
    # The panel rule decides: administrators run the panel too (when the chair is conflicted),
    # without opening proposals as a reviewer; nobody conflicted sees the proposal here.
    proposal = get_object_or_404(
        Proposal.objects.filter(status__in=REVIEW_STATES).select_related("call", "panel_entry"),
        pk=proposal_pk,
        call=call,
    )
    if not can(request.user, "reviews.run_panel", proposal):
        raise Http404("No such proposal.")
    entry = getattr(proposal, "panel_entry", None)
    form = ResumeForm(
        request.POST if request.method == "POST" else None,
        initial={"resume_of_discussion": entry.resume_of_discussion if entry else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_finalize(
                proposal=proposal,
                actor=request.user,
                resume_of_discussion=form.cleaned_data["resume_of_discussion"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Resume saved and the final score computed.")
            return redirect("reviews:panel", pk=call.pk)
    return render(
        request,
        "reviews/panel_proposal.html",
        {
            "call": call,
            "proposal": proposal,
            "entry": entry,
            "can_open": can(request.user, "reviews.open_proposal", proposal),
            "votes": selectors.final_score_status(proposal),
            "form": form,
        },
    )


@never_cache
@login_required
def ballot(request, pk: int):
    """Each committee member enters their own final scores for the discussed proposals."""
    call = get_object_or_404(FundingCall, pk=pk)
    rows = selectors.ballot_for(request.user, call)
    if not rows and not can(request.user, "reviews.manage_review", call):
        raise Http404("No ballot for you in this call.")
    errors: dict[int, list[str]] = {}
    if request.method == "POST":
        by_pk = {row.proposal.pk: row for row in rows}
        saved = 0
        for key, value in request.POST.items():
            if not key.startswith("score_") or not value:
                continue
            row = by_pk.get(int(key[6:])) if key[6:].isdigit() else None
            if row is None:
                continue
            form = FinalScoreForm({"score": value})
            if not form.is_valid():
                errors[row.proposal.pk] = form.errors["score"]
                continue
            try:
                services.final_score_record(
                    proposal=row.proposal, actor=request.user, score=form.cleaned_data["score"]
                )
                saved += 1
            except ValidationError as exc:
                errors[row.proposal.pk] = exc.messages
        if not errors:
            messages.success(request, f"{saved} final score{'s' if saved != 1 else ''} saved.")
            return redirect("reviews:ballot", pk=call.pk)
        rows = selectors.ballot_for(request.user, call)
    return render(
        request,
        "reviews/ballot.html",
        {
            "call": call,
            "rows": rows,
            "errors": errors,
            "scores": range(1, 10),
            "descriptors": SCORE_DESCRIPTORS,
        },
    )
