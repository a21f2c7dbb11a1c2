"""The chair's call page: set-up, phases and assignment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can
from grants import services as grant_services
from grants.models import FundingCall, Proposal

from .. import conflicts, selectors, services
from ..choices import PHASE_TRANSITIONS, ReviewPhase
from ..forms import AssignForm, AttachCommitteeForm
from ..models import Assignment, CommitteeMembership
from .common import flash_errors, managed_call, require_unconflicted


@never_cache
@login_required
def call_manage(request, pk: int):
    call = managed_call(request, pk)
    setup = selectors.call_review_for(call)
    attach_form = None
    if setup is None:
        attach_form = AttachCommitteeForm(
            request.POST if request.method == "POST" else None,
            committees=selectors.committees_list(),
            initial={"reviewers_per_proposal": call.reviewers_per_proposal},
        )
        if request.method == "POST" and attach_form.is_valid():
            data = attach_form.cleaned_data
            try:
                services.committee_attach_to_call(
                    committee=data["committee"],
                    call=call,
                    actor=request.user,
                    reviewers_per_proposal=data["reviewers_per_proposal"],
                    review_due_at=data["review_due_at"],
                )
            except ValidationError as exc:
                flash_errors(request, exc)
            else:
                messages.success(request, "Committee attached; the default criteria are set.")
                return redirect("reviews:call_manage", pk=call.pk)
    board = list(selectors.assignment_board(call)) if setup else []
    # Rows the user is conflicted on show no reviewers and no controls.
    conflicted = conflicts.conflicted_proposal_ids(request.user, [p.pk for p in board]) | {
        p.pk for p in board if p.pi_id == request.user.pk
    }
    members = (
        CommitteeMembership.objects.filter(committee=setup.committee).select_related("user")
        if setup
        else []
    )
    unstaffed = selectors.board_conflicts_and_choices(board, members)
    return render(
        request,
        "reviews/call_manage.html",
        {
            "call": call,
            "setup": setup,
            "attach_form": attach_form,
            "board": board,
            "conflicted": conflicted,
            "members": members,
            "assign_form": AssignForm(members=setup.committee.members.all() if setup else None)
            if setup
            else None,
            "next_phases": _next_phases(setup),
            "unstaffed": unstaffed,
            "criteria": selectors.criteria_for(call) if setup else [],
            "can_begin_review": call.status in ("open", "closed")
            and can(request.user, "grants.manage_calls"),
            "auto_result": request.session.pop("auto_assign_result", None),
            "late_conflicts": selectors.conflicts_declared_after_review_closed(
                call, viewer=request.user
            )
            if setup
            else [],
        },
    )


def _next_phases(setup):
    if setup is None:
        return []
    return [ReviewPhase(p) for p in PHASE_TRANSITIONS[setup.phase]]


@login_required
@require_POST
def call_begin_review(request, pk: int):
    # Moving a call to review changes the call's status: administrators only, not the chair.
    call = get_object_or_404(FundingCall, pk=pk)
    if not can(request.user, "grants.manage_calls"):
        raise Http404("No such call.")
    try:
        grant_services.call_begin_review(call=call, actor=request.user)
    except (ValidationError, grant_services.InvalidTransition) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
    else:
        messages.success(request, "The call is closed and its submitted proposals are in review.")
    return redirect("reviews:call_manage", pk=call.pk)


@login_required
@require_POST
def call_phase(request, pk: int):
    call = managed_call(request, pk)
    try:
        services.review_phase_transition(
            call=call, to=request.POST.get("to", ""), actor=request.user
        )
    except (ValidationError, services.InvalidTransition) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "The review phase has changed.")
    return redirect("reviews:call_manage", pk=call.pk)


@login_required
@require_POST
def call_auto_assign(request, pk: int):
    call = managed_call(request, pk)
    try:
        result = services.auto_assign(call=call, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, f"{len(result.created)} assignments made.")
        request.session["auto_assign_result"] = [
            # Titles repeat; the NS number tells the proposals apart.
            {
                "proposal": f"NS-{proposal.pk} {proposal.title or 'Untitled proposal'}",
                "reason": reason,
            }
            for proposal, reason in result.unstaffed
        ]
    return redirect("reviews:call_manage", pk=call.pk)


@login_required
@require_POST
def assignment_add(request, pk: int, proposal_pk: int):
    call = managed_call(request, pk)
    proposal = get_object_or_404(Proposal, pk=proposal_pk, call=call)
    require_unconflicted(request, proposal)
    setup = selectors.call_review_for(call)
    if setup is None:
        messages.error(request, "Attach a review committee to this call first.")
        return redirect("reviews:call_manage", pk=call.pk)
    form = AssignForm(request.POST, members=setup.committee.members.all())
    if form.is_valid():
        try:
            services.assignment_create(
                proposal=proposal, reviewer=form.cleaned_data["reviewer"], actor=request.user
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, "Reviewer assigned.")
    else:
        messages.error(request, "Choose a committee member.")
    return redirect("reviews:call_manage", pk=call.pk)


@login_required
@require_POST
def assignment_change(request, pk: int, assignment_pk: int):
    call = managed_call(request, pk)
    assignment = get_object_or_404(
        Assignment.objects.select_related("proposal"), pk=assignment_pk, proposal__call=call
    )
    require_unconflicted(request, assignment.proposal)
    try:
        if request.POST.get("action") == "remove":
            services.assignment_remove(assignment=assignment, actor=request.user)
            messages.success(request, "Assignment removed.")
        else:
            setup = selectors.call_review_for(call)
            form = AssignForm(request.POST, members=setup.committee.members.all())
            if not form.is_valid():
                messages.error(request, "Choose a committee member.")
            else:
                services.assignment_swap(
                    assignment=assignment,
                    reviewer=form.cleaned_data["reviewer"],
                    actor=request.user,
                )
                messages.success(request, "Assignment swapped.")
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("reviews:call_manage", pk=call.pk)
