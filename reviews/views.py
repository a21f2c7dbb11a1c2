"""Committee pages: the reviewer's queue and review sheet, conflicts, the read phase, the
chair's assignment board and panel, funding decisions, and summary statements.

Thin: objects are looked up through selectors (404 for what the user may not know exists),
every change goes through a service, and the same permission rules as the API decide.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can
from config.uploads import stored_file_response
from grants import selectors as grant_selectors
from grants import services as grant_services
from grants.models import Attachment, FundingCall, Proposal

from . import conflicts, permissions, selectors, services
from .choices import REVIEW_STATES, SCORE_DESCRIPTORS, CriterionKind, ReviewPhase
from .exporters import SummaryStatementPdf
from .forms import (
    AssignForm,
    AttachCommitteeForm,
    CommitteeForm,
    ConflictForm,
    DecisionForm,
    DispositionForm,
    FinalScoreForm,
    MemberForm,
    ReopenForm,
    ResumeForm,
)
from .models import Assignment, Committee, CommitteeMembership, Review


def _flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _own_assignment(request, pk: int) -> Assignment:
    """The signed-in reviewer's own assignment, or 404."""
    return get_object_or_404(
        Assignment.objects.select_related(
            "proposal", "proposal__call", "proposal__call__call_review", "proposal__pi"
        ),
        pk=pk,
        reviewer=request.user,
    )


def _managed_call(request, pk: int) -> FundingCall:
    """A call whose review the user manages (administrator or its chair), or 404."""
    call = get_object_or_404(FundingCall.objects.select_related("program"), pk=pk)
    if not can(request.user, "reviews.manage_review", call):
        raise Http404("No such call.")
    return call


def _require_unconflicted(request, proposal: Proposal) -> None:
    """A chair or administrator conflicted with a proposal may not touch it: to them it is not
    there (the services refuse too; this keeps the answer a 404)."""
    if permissions.is_conflicted(request.user, proposal):
        raise Http404("No such proposal.")


def _reviewable_proposal(request, pk: int) -> Proposal:
    return get_object_or_404(selectors.proposals_visible_to_reviewer(request.user), pk=pk)


# ---- Reviewer --------------------------------------------------------------------------------


@never_cache
@login_required
def queue(request):
    assignments = list(selectors.reviewer_queue(request.user))
    chaired = FundingCall.objects.filter(
        Q(call_review__committee__chair=request.user)
    ).select_related("call_review")
    ballots = FundingCall.objects.filter(
        call_review__phase=ReviewPhase.PANEL,
        call_review__committee__memberships__user=request.user,
    ).distinct()
    return render(
        request,
        "reviews/queue.html",
        {"assignments": assignments, "chaired_calls": chaired, "ballot_calls": ballots},
    )


@never_cache
@login_required
def conflict_check(request, pk: int):
    """Before opening a proposal, the reviewer certifies no conflict or declares one."""
    assignment = _own_assignment(request, pk)
    proposal = assignment.proposal
    form = ConflictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "certify":
                services.conflict_certify_none(assignment=assignment, actor=request.user)
                messages.success(request, "Thank you. You may now read the proposal.")
                return redirect("reviews:proposal", pk=proposal.pk)
            if form.is_valid():
                services.conflict_declare(
                    proposal=proposal,
                    reviewer=request.user,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    explanation=form.cleaned_data["explanation"],
                )
                messages.success(
                    request,
                    "Your conflict is recorded. The proposal has been taken off your list; "
                    "you will not see it or its reviews.",
                )
                return redirect("reviews:queue")
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
    return render(
        request,
        "reviews/conflict_check.html",
        {"assignment": assignment, "proposal": proposal, "form": form},
    )


@never_cache
@login_required
def proposal_view(request, pk: int):
    """The proposal as the committee reads it: no demographics, no history, no decisions."""
    proposal = grant_selectors.proposal_with_parts(
        queryset=selectors.proposals_visible_to_reviewer(request.user), pk=pk
    )
    assignment = selectors.assignment_for(request.user, proposal)
    return render(
        request,
        "reviews/proposal.html",
        {
            "proposal": proposal,
            "call": proposal.call,
            "assignment": assignment,
            "can_read_reviews": can(request.user, "reviews.read_reviews", proposal),
            "budget_total": sum((line.amount for line in proposal.budget_lines.all()), 0),
        },
    )


@never_cache
@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    proposal = _reviewable_proposal(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, proposal=proposal)
    try:
        return stored_file_response(
            attachment.file, filename=attachment.original_name, content_type="application/pdf"
        )
    except FileNotFoundError as exc:
        raise Http404("The stored file is missing.") from exc


def _sheet_rows(sheet, data=None, errors=None):
    """The review form's rows: each criterion with its current values and its errors."""
    errors = errors or {}
    rows = []
    for criterion in sheet.criteria:
        saved = sheet.scores.get(criterion.pk)
        prefix = f"c{criterion.pk}_"

        def value(name, saved_value, prefix=prefix):
            if data is not None and prefix + name in data:
                return data.get(prefix + name)
            return saved_value

        if criterion.kind == CriterionKind.SUFFICIENCY:
            saved_sufficient = (
                ""
                if saved is None or saved.sufficient is None
                else ("sufficient" if saved.sufficient else "insufficient")
            )
            current = value("sufficient", saved_sufficient)
        else:
            current = value("score", "" if saved is None or saved.score is None else saved.score)
        rows.append(
            {
                "criterion": criterion,
                "prefix": prefix,
                "is_score": criterion.kind == CriterionKind.SCORE,
                "current": str(current or ""),
                "explanation": value("explanation", saved.explanation if saved else ""),
                "strengths": value("strengths", saved.strengths if saved else ""),
                "weaknesses": value("weaknesses", saved.weaknesses if saved else ""),
                "errors": errors.get(f"criterion_{criterion.pk}_score", [])
                + errors.get(f"criterion_{criterion.pk}_sufficient", []),
                "explanation_errors": errors.get(f"criterion_{criterion.pk}_explanation", []),
                "strengths_errors": errors.get(f"criterion_{criterion.pk}_strengths", []),
                "weaknesses_errors": errors.get(f"criterion_{criterion.pk}_weaknesses", []),
            }
        )
    return rows


def _review_data(post) -> dict:
    criteria = {}
    for key in post:
        if key.startswith("c") and "_" in key:
            head, _, name = key.partition("_")
            if head[1:].isdigit() and name in {
                "score",
                "sufficient",
                "explanation",
                "strengths",
                "weaknesses",
            }:
                criteria.setdefault(head[1:], {})[name] = post.get(key)
    data = {"criteria": criteria}
    for name in (
        "overall_impact",
        "overall_paragraph",
        "comments_to_applicant",
        "confidential_comments",
    ):
        if name in post:
            data[name] = post.get(name)
    return data


def _posted_version(post) -> int | None:
    value = (post.get("version") or "").strip()
    return int(value) if value.isdigit() else None


@never_cache
@login_required
def review_edit(request, pk: int):
    """Write, autosave and submit a review. Saving never loses text; scores outside 1–9 are
    field errors. A save from a sheet loaded before the review was last saved (another window)
    is refused with 409, keeping the reviewer's text on the page."""
    assignment = _own_assignment(request, pk)
    proposal = assignment.proposal
    if not can(request.user, "reviews.open_proposal", proposal):
        if assignment.certified_no_conflict_at is None:
            return redirect("reviews:conflict_check", pk=assignment.pk)
        raise Http404("No such review.")
    errors: dict[str, list[str]] = {}
    data = None
    status = 200
    posted_version = None
    if request.method == "POST":
        data = request.POST
        posted_version = _posted_version(request.POST)
        # What happened to the draft: "saved", "partly" (some values refused, the rest kept),
        # "refused" (nothing saved: the review is locked, or the phase is over) or "stale"
        # (nothing saved: the sheet was opened before the review's last save).
        outcome = "refused"
        try:
            if posted_version is None:
                raise ValidationError(
                    "This page did not say which version of the review it was opened at, so "
                    f"nothing was saved. {grant_services.STALE_ADVICE}"
                )
            services.review_save_draft(
                assignment=assignment,
                actor=request.user,
                data=_review_data(request.POST),
                expected_version=posted_version,
            )
            outcome = "saved"
            if request.POST.get("action") == "submit":
                services.review_submit(assignment=assignment, actor=request.user)
                messages.success(
                    request,
                    "Your review is submitted. You can now read the other reviews of this "
                    "proposal once the read phase opens.",
                )
                return redirect("reviews:queue")
        except services.ReviewDraftInvalid as exc:
            outcome = "partly"
            errors = exc.message_dict
        except services.StaleVersion as exc:
            outcome = "stale"
            errors = {"__all__": exc.messages}
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        if outcome == "refused" and posted_version is None:
            outcome = "stale"
        status = 409 if outcome == "stale" else 200
        if request.headers.get("X-Autosave") == "1":
            saved = outcome in ("saved", "partly")
            body = {
                "saved": saved,
                "saved_at": timezone.localtime().strftime("%-I:%M:%S %p"),
                "errors": errors,
            }
            if saved:
                body["version"] = Review.objects.get(assignment=assignment).version
            if outcome == "stale":
                body["conflict"] = True
            return JsonResponse(body, status=409 if outcome == "stale" else 400 if errors else 200)
        if not errors:
            messages.success(request, "Draft saved.")
            return redirect("reviews:review", pk=assignment.pk)
        if outcome == "partly":
            messages.error(request, "Saved, except the items marked below.")
        elif outcome == "saved":
            messages.error(
                request, "Your draft is saved. Complete the items marked below to submit it."
            )
        elif outcome != "stale":  # the stale message says it all, at the top of the sheet
            messages.error(request, "Nothing was saved.")
    sheet = selectors.review_sheet(assignment)
    review = sheet.review

    def current(name, default=""):
        if data is not None and name in data:
            return data.get(name)
        return getattr(review, name, default) if review else default

    return render(
        request,
        "reviews/review_edit.html",
        {
            "assignment": assignment,
            "proposal": proposal,
            "review": review,
            "rows": _sheet_rows(sheet, data, errors),
            "descriptors": list(SCORE_DESCRIPTORS.items()),
            "overall_impact": str(current("overall_impact") or ""),
            "overall_paragraph": current("overall_paragraph"),
            "comments_to_applicant": current("comments_to_applicant"),
            "confidential_comments": current("confidential_comments"),
            "errors": errors,
            "general_errors": errors.get("__all__", []) + errors.get("criteria", []),
            "submitted": review is not None and review.status == "submitted",
            "editable": can(request.user, "reviews.write_review", assignment),
            # A stale sheet keeps the version it was opened at: saving it again is refused
            # until the reviewer reloads. Otherwise, the version now stored.
            "version": posted_version
            if status == 409
            else (review.version if review is not None else 0),
        },
        status=status,
    )


@never_cache
@login_required
def proposal_reviews(request, pk: int):
    """The read phase: other submitted reviews, once the user may read them.

    The reading rule decides, not the opening one: an administrator may read the reviews (to
    run the panel) without opening the proposal as a reviewer.
    """
    proposal = get_object_or_404(
        Proposal.objects.filter(status__in=REVIEW_STATES).select_related("call", "pi"), pk=pk
    )
    can_open = can(request.user, "reviews.open_proposal", proposal)
    can_read = can(request.user, "reviews.read_reviews", proposal)
    if not can_open and not can_read:
        raise Http404("No such proposal.")
    if not can_read:
        messages.info(
            request,
            "You can read the other reviews after submitting your own, once the read phase opens.",
        )
        return redirect("reviews:proposal", pk=proposal.pk)
    reviews = selectors.reviews_readable_by(request.user, proposal)
    can_reopen = {r.pk: can(request.user, "reviews.reopen_review", r) for r in reviews}
    return render(
        request,
        "reviews/proposal_reviews.html",
        {
            "proposal": proposal,
            "can_open": can_open,
            "reviews": reviews,
            "can_reopen": can_reopen,
            "reopen_form": ReopenForm(),
        },
    )


@login_required
@require_POST
def review_reopen(request, pk: int):
    review = get_object_or_404(
        Review.objects.select_related("assignment", "assignment__proposal"), pk=pk
    )
    proposal = review.assignment.proposal
    # Only the (non-conflicted) chair reopens; to anyone else the review is not there.
    if not permissions.may_reopen_reviews(request.user, proposal):
        raise Http404("No such review.")
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for reopening the review.")
    else:
        try:
            services.review_reopen(
                review=review, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, "The review is reopened; the reviewer can edit it again.")
    return redirect("reviews:proposal_reviews", pk=proposal.pk)


# ---- Committees (administrators) -------------------------------------------------------------


def _require_admin(request) -> None:
    if not can(request.user, "reviews.manage_committees"):
        raise Http404("No such page.")


@never_cache
@login_required
def committee_list(request):
    _require_admin(request)
    form = CommitteeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            committee = services.committee_create(
                actor=request.user,
                name=data["name"],
                chair=data["chair"],
                members=list(data["members"]),
                load_cap=data["load_cap"],
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, f"Committee “{committee.name}” created.")
            return redirect("reviews:committee_detail", pk=committee.pk)
    return render(
        request,
        "reviews/committee_list.html",
        {"committees": selectors.committees_list(), "form": form},
    )


@never_cache
@login_required
def committee_detail(request, pk: int):
    _require_admin(request)
    committee = get_object_or_404(Committee.objects.select_related("chair"), pk=pk)
    form = MemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                user = get_object_or_404(
                    CommitteeMembership, committee=committee, user_id=request.POST.get("user")
                ).user
                services.committee_member_remove(committee=committee, user=user, actor=request.user)
                messages.success(request, f"{user.display_name} left the committee.")
                return redirect("reviews:committee_detail", pk=committee.pk)
            if form.is_valid():
                services.committee_member_add(
                    committee=committee,
                    user=form.cleaned_data["user"],
                    actor=request.user,
                    load_cap=form.cleaned_data["load_cap"],
                )
                messages.success(request, "Member added.")
                return redirect("reviews:committee_detail", pk=committee.pk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
    return render(
        request,
        "reviews/committee_detail.html",
        {
            "committee": committee,
            # The page shows each member's expertise keywords: one query, not one per member.
            "members": selectors.committee_members(committee).select_related("user__profile"),
            "form": form,
        },
    )


# ---- The chair's call page: set-up, phases, assignment ---------------------------------------


@never_cache
@login_required
def call_manage(request, pk: int):
    call = _managed_call(request, pk)
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
                _flash_errors(request, exc)
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
    from .choices import PHASE_TRANSITIONS

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
    call = _managed_call(request, pk)
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
    call = _managed_call(request, pk)
    try:
        result = services.auto_assign(call=call, actor=request.user)
    except ValidationError as exc:
        _flash_errors(request, exc)
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
    call = _managed_call(request, pk)
    proposal = get_object_or_404(Proposal, pk=proposal_pk, call=call)
    _require_unconflicted(request, proposal)
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
            _flash_errors(request, exc)
        else:
            messages.success(request, "Reviewer assigned.")
    else:
        messages.error(request, "Choose a committee member.")
    return redirect("reviews:call_manage", pk=call.pk)


@login_required
@require_POST
def assignment_change(request, pk: int, assignment_pk: int):
    call = _managed_call(request, pk)
    assignment = get_object_or_404(
        Assignment.objects.select_related("proposal"), pk=assignment_pk, proposal__call=call
    )
    _require_unconflicted(request, assignment.proposal)
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
        _flash_errors(request, exc)
    return redirect("reviews:call_manage", pk=call.pk)


# ---- The panel -------------------------------------------------------------------------------


@never_cache
@login_required
def panel(request, pk: int):
    call = _managed_call(request, pk)
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
    call = _managed_call(request, pk)
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
            _flash_errors(request, exc)
    return redirect("reviews:panel", pk=call.pk)


@never_cache
@login_required
def panel_proposal(request, pk: int, proposal_pk: int):
    """The chair's page for one discussed proposal: who has voted, and the resume."""
    call = _managed_call(request, pk)
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


# ---- Funding decisions -----------------------------------------------------------------------

# A national call ranks thousands of proposals; the page shows them fifty at a time, with
# every running total still counted from the top and a link to the page of the pay line.
RANKING_PAGE_SIZE = 50


@never_cache
@login_required
def ranking(request, pk: int):
    """Proposals ranked by final score with the running total and the pay line; the
    administrator decides and releases here."""
    call = get_object_or_404(FundingCall, pk=pk)
    if not can(request.user, "grants.manage_calls"):
        raise Http404("No such page.")
    return render(
        request,
        "reviews/ranking.html",
        {
            "call": call,
            "ranking": selectors.ranking_for(
                call, user=request.user, page=request.GET.get("page"), per_page=RANKING_PAGE_SIZE
            ),
        },
    )


@login_required
@require_POST
def decide(request, pk: int, proposal_pk: int):
    call = get_object_or_404(FundingCall, pk=pk)
    if not can(request.user, "grants.manage_calls"):
        raise Http404("No such page.")
    proposal = get_object_or_404(Proposal, pk=proposal_pk, call=call)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{proposal.title}: {field}: {error}")
        return redirect("reviews:ranking", pk=call.pk)
    try:
        grant_services.decision_record(
            proposal=proposal,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, f"Not saved — {proposal.title}: " + " ".join(exc.messages))
    except grant_services.InvalidTransition as exc:
        messages.error(request, f"Not saved — {proposal.title}: {exc}")
    except PermissionDenied:
        messages.error(request, f"Not saved — {proposal.title}: it cannot be decided now.")
    else:
        messages.success(request, f"Decision recorded for “{proposal.title}”.")
    return redirect("reviews:ranking", pk=call.pk)


@login_required
@require_POST
def release(request, pk: int):
    call = get_object_or_404(FundingCall, pk=pk)
    if not can(request.user, "grants.manage_calls"):
        raise Http404("No such page.")
    try:
        released = grant_services.decisions_release(call=call, actor=request.user)
    except ValidationError as exc:
        _flash_errors(request, exc)
    except grant_services.InvalidTransition as exc:
        messages.error(request, f"Not released: {exc}")
    else:
        messages.success(request, f"{len(released)} decisions released; applicants are e-mailed.")
    return redirect("reviews:ranking", pk=call.pk)


# ---- Summary statement -----------------------------------------------------------------------


def _summary_proposal(request, pk: int) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.filter(status__in=REVIEW_STATES).select_related("call", "pi"), pk=pk
    )
    if not can(request.user, "reviews.view_summary_statement", proposal):
        raise Http404("No such summary statement.")
    return proposal


@never_cache
@login_required
def summary_statement(request, pk: int):
    proposal = _summary_proposal(request, pk)
    return render(
        request,
        "reviews/summary_statement.html",
        {"proposal": proposal, "summary": selectors.summary_statement(proposal)},
    )


@never_cache
@login_required
def summary_statement_pdf(request, pk: int):
    proposal = _summary_proposal(request, pk)
    exporter = SummaryStatementPdf(summary=selectors.summary_statement(proposal))
    response = HttpResponse(exporter.render(), content_type=exporter.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename}"'
    return response
