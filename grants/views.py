"""Web pages for calls and proposals. Thin: look up through selectors, act through services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.choices import ApplicantType
from accounts.permissions import can
from config.uploads import stored_file_response

from . import selectors, services
from .exporters import ProposalPdf
from .forms import (
    AttachmentForm,
    BudgetLineForm,
    CallProposalFilterForm,
    EndorsementForm,
    OptionalReasonForm,
    ProposalSectionsForm,
    ReasonForm,
    TeamMemberForm,
)
from .models import Attachment, Award, BudgetLine, Endorsement, TeamMember
from .validators import word_count

CALL_PROPOSALS_PAGE_SIZE = 50


def _apply_errors(form, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form, by field where the form has that field."""
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            field = rename.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _fix_url(proposal, field: str) -> str:
    """Where the applicant fixes a checklist item."""
    pk = proposal.pk
    if field == "call":
        return reverse("grants:call_detail", args=[proposal.call_id])
    if field == "budget":
        return reverse("grants:proposal_budget", args=[pk])
    if field == "attachments":
        return reverse("grants:proposal_attachments", args=[pk])
    if field == "endorsement":
        return reverse("grants:proposal_team", args=[pk])
    if field == "eligibility":
        return reverse("accounts:profile")
    return reverse("grants:proposal_edit", args=[pk]) + f"#id_{field}"


def _proposal_context(proposal, **extra):
    blockers = [
        {"field": b.field, "message": b.message, "fix_url": _fix_url(proposal, b.field)}
        for b in (selectors.proposal_blockers(proposal) if proposal.is_editable else [])
    ]
    blockers_by_field: dict[str, list[str]] = {}
    for blocker in blockers:
        blockers_by_field.setdefault(blocker["field"], []).append(blocker["message"])
    return {
        "proposal": proposal,
        "call": proposal.call,
        "blockers": blockers,
        "blockers_by_field": blockers_by_field,
        "budget_total": sum((line.amount for line in proposal.budget_lines.all()), 0),
        "endorsement": proposal.endorsement_or_none,
        "is_trainee": getattr(getattr(proposal.pi, "profile", None), "is_trainee", False),
        "abstract_words": word_count(proposal.abstract),
        "aims_words": word_count(proposal.specific_aims),
        "strategy_words": word_count(proposal.research_strategy),
        "max_upload": settings.NORTHSTAR_MAX_UPLOAD_BYTES,
        **extra,
    }


@login_required
def call_list(request):
    return render(
        request,
        "grants/call_list.html",
        {"calls": selectors.calls_visible_to(request.user), "now": timezone.now()},
    )


@login_required
def call_detail(request, pk: int):
    call = get_object_or_404(selectors.calls_visible_to(request.user), pk=pk)
    mine = selectors.proposals_of_applicant(request.user).filter(call=call, pi=request.user)
    return render(
        request,
        "grants/call_detail.html",
        {
            "call": call,
            "my_proposals": mine,
            "eligibility_problem": selectors.eligibility_problem(call=call, user=request.user),
            "eligible_labels": [
                ApplicantType(t).label
                for t in call.eligible_applicant_types or []
                if t in ApplicantType.values
            ],
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def proposal_start(request, call_pk: int):
    call = get_object_or_404(selectors.calls_visible_to(request.user), pk=call_pk)
    try:
        proposal = services.proposal_create(call=call, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("grants:call_detail", pk=call.pk)
    messages.success(request, "Your draft is started. It is saved every time you save or pause.")
    return redirect("grants:proposal_edit", pk=proposal.pk)


@never_cache
@login_required
def proposal_detail(request, pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    return render(
        request,
        "grants/proposal_detail.html",
        _proposal_context(
            proposal,
            history=selectors.state_history(proposal),
            return_reason=selectors.latest_return_reason(proposal),
            can_edit=can(request.user, "grants.change_proposal", proposal),
            can_withdraw=can(request.user, "grants.withdraw_proposal", proposal),
            can_return=can(request.user, "grants.return_proposal", proposal),
            released_decision=selectors.released_decision(proposal),
            award=Award.objects.filter(proposal=proposal).first(),
            # The summary statement goes to the PI (and the panel), not to the whole team:
            # offer the link only to those the reviews rule lets in.
            can_read_summary=can(request.user, "reviews.view_summary_statement", proposal),
        ),
    )


def _require_edit(request, proposal):
    if not can(request.user, "grants.change_proposal", proposal):
        raise PermissionDenied("This proposal cannot be edited now.")


def _edit_refused(request, proposal, form, errors: list[str], autosave: bool):
    """A save from a stale page: nothing saved, 409, and the user's own text shown again (the
    bound form), never the database's."""
    if autosave:
        return JsonResponse(
            {"saved": False, "conflict": True, "errors": {"__all__": errors}}, status=409
        )
    form.add_error(None, errors)
    return render(
        request, "grants/proposal_edit.html", _proposal_context(proposal, form=form), status=409
    )


@never_cache
@login_required
def proposal_edit(request, pk: int):
    """The sections form. Saves every valid field even when another field has an error, so
    nothing typed is lost; answers JSON to the autosave script. A save from a page loaded
    before the proposal was last saved (another window) is refused with 409, keeping the
    user's text on the page."""
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    if not can(request.user, "grants.change_proposal", proposal):
        messages.info(request, "This proposal is not editable in its current state.")
        return redirect("grants:proposal_detail", pk=proposal.pk)
    autosave = request.headers.get("X-Autosave") == "1"
    if request.method == "POST":
        form = ProposalSectionsForm(request.POST, instance=proposal)
        form.is_valid()
        valid = {
            name: value for name, value in form.cleaned_data.items() if name not in form.errors
        }
        version = valid.pop("version", None)
        if version is None:
            return _edit_refused(
                request,
                proposal,
                form,
                [
                    "This page did not say which version of the proposal it was opened at, so "
                    f"nothing was saved. {services.STALE_ADVICE}"
                ],
                autosave,
            )
        try:
            services.proposal_update(
                proposal=proposal, actor=request.user, data=valid, expected_version=version
            )
        except services.StaleVersion as exc:
            return _edit_refused(request, proposal, form, exc.messages, autosave)
        if autosave:
            return JsonResponse(
                {
                    "saved": True,
                    "saved_at": timezone.localtime().strftime("%-I:%M:%S %p"),
                    "version": proposal.version,
                    "errors": form.errors.get_json_data(),
                },
                status=200 if not form.errors else 400,
            )
        if not form.errors:
            messages.success(request, "Draft saved.")
            if "save_and_view" in request.POST:
                return redirect("grants:proposal_detail", pk=proposal.pk)
            return redirect("grants:proposal_edit", pk=proposal.pk)
        messages.error(
            request, "Saved everything except the fields marked below. Please correct them."
        )
        # Shown again, the page carries the version just saved, or its next save is refused.
        form.data = form.data.copy()
        form.data["version"] = proposal.version
    else:
        form = ProposalSectionsForm(instance=proposal)
    return render(request, "grants/proposal_edit.html", _proposal_context(proposal, form=form))


@never_cache
@login_required
def proposal_team(request, pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    form = TeamMemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        _require_edit(request, proposal)
        if form.is_valid():
            data = form.cleaned_data
            try:
                member = services.team_member_add(
                    proposal=proposal,
                    actor=request.user,
                    role=data["role"],
                    user=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    organisation=data["organisation"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc, rename={"user": "username"})
            else:
                messages.success(request, f"{member.name} is on the team.")
                return redirect("grants:proposal_team", pk=proposal.pk)
    return render(
        request,
        "grants/proposal_team.html",
        _proposal_context(
            proposal, form=form, can_edit=can(request.user, "grants.change_proposal", proposal)
        ),
    )


@login_required
@require_POST
def team_member_remove(request, pk: int, member_pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    member = get_object_or_404(TeamMember, pk=member_pk, proposal=proposal)
    _require_edit(request, proposal)
    services.team_member_remove(member=member, actor=request.user)
    messages.success(request, f"{member.name} was removed from the team.")
    return redirect("grants:proposal_team", pk=proposal.pk)


@never_cache
@login_required
def proposal_budget(request, pk: int, line_pk: int | None = None):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    line = get_object_or_404(BudgetLine, pk=line_pk, proposal=proposal) if line_pk else None
    initial = (
        {"category": line.category, "description": line.description, "amount": line.amount}
        if line
        else None
    )
    form = BudgetLineForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        _require_edit(request, proposal)
        if form.is_valid():
            try:
                services.budget_line_save(
                    proposal=proposal, actor=request.user, line=line, **form.cleaned_data
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "Budget line saved.")
                return redirect("grants:proposal_budget", pk=proposal.pk)
    return render(
        request,
        "grants/proposal_budget.html",
        _proposal_context(
            proposal,
            form=form,
            editing=line,
            can_edit=can(request.user, "grants.change_proposal", proposal),
        ),
    )


@login_required
@require_POST
def budget_line_remove(request, pk: int, line_pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    line = get_object_or_404(BudgetLine, pk=line_pk, proposal=proposal)
    _require_edit(request, proposal)
    services.budget_line_remove(line=line, actor=request.user)
    messages.success(request, "Budget line removed.")
    return redirect("grants:proposal_budget", pk=proposal.pk)


@never_cache
@login_required
def proposal_attachments(request, pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    form = AttachmentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST":
        _require_edit(request, proposal)
        if form.is_valid():
            try:
                attachment = services.attachment_add(
                    proposal=proposal,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    uploaded_file=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, f"“{attachment.original_name}” uploaded.")
                return redirect("grants:proposal_attachments", pk=proposal.pk)
    return render(
        request,
        "grants/proposal_attachments.html",
        _proposal_context(
            proposal, form=form, can_edit=can(request.user, "grants.change_proposal", proposal)
        ),
    )


@login_required
@require_POST
def attachment_remove(request, pk: int, attachment_pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, proposal=proposal)
    _require_edit(request, proposal)
    services.attachment_remove(attachment=attachment, actor=request.user)
    messages.success(request, "Document removed.")
    return redirect("grants:proposal_attachments", pk=proposal.pk)


@never_cache
@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, proposal=proposal)
    try:
        return stored_file_response(
            attachment.file, filename=attachment.original_name, content_type="application/pdf"
        )
    except FileNotFoundError as exc:
        raise Http404("The stored file is missing.") from exc


@login_required
@require_POST
def endorsement_request(request, pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    try:
        endorsement = services.endorsement_request(proposal=proposal, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, f"We e-mailed {endorsement.mentor.display_name} a link to endorse it."
        )
    return redirect("grants:proposal_team", pk=proposal.pk)


@never_cache
@login_required
def endorsement_respond(request, token: str):
    """The mentor's page from the e-mailed link. Anyone else gets 404."""
    endorsement = (
        Endorsement.objects.select_related("proposal", "mentor")
        .filter(token=token, mentor=request.user)
        .first()
    )
    if endorsement is None:
        raise Http404("No such endorsement request.")
    proposal = selectors.proposal_for_page(user=request.user, pk=endorsement.proposal_id)
    form = EndorsementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.endorsement_respond(
                endorsement=endorsement,
                actor=request.user,
                endorse=form.cleaned_data["decision"] == "endorse",
                statement=form.cleaned_data["statement"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Thank you — the applicant has been told.")
            return redirect("dashboard")
    return render(
        request,
        "grants/endorsement_respond.html",
        _proposal_context(proposal, form=form, endorsement_request=endorsement),
    )


@never_cache
@login_required
def proposal_submit(request, pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    if not can(request.user, "grants.submit_proposal", proposal):
        messages.info(request, "This proposal cannot be submitted in its current state.")
        return redirect("grants:proposal_detail", pk=proposal.pk)
    if request.method == "POST":
        try:
            services.proposal_submit(proposal=proposal, actor=request.user)
        except services.SubmissionRefused:
            messages.error(request, "Not submitted yet: fix the items in the checklist.")
        except services.InvalidTransition as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, "Submitted. We e-mailed you a receipt; you can download the PDF below."
            )
            return redirect("grants:proposal_detail", pk=proposal.pk)
    return render(request, "grants/proposal_submit.html", _proposal_context(proposal))


@login_required
def proposal_withdraw(request, pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    if not can(request.user, "grants.withdraw_proposal", proposal):
        raise PermissionDenied("This proposal cannot be withdrawn.")
    form = OptionalReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.proposal_withdraw(
            proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "The proposal is withdrawn.")
        return redirect("grants:proposal_detail", pk=proposal.pk)
    return render(request, "grants/proposal_withdraw.html", _proposal_context(proposal, form=form))


@login_required
def proposal_return(request, pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    if not can(request.user, "grants.return_proposal", proposal):
        raise PermissionDenied("Only a submitted proposal can be returned, by an administrator.")
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_return(
                proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, "Returned to the applicant, who has been e-mailed the reason."
            )
            return redirect("grants:call_proposals", pk=proposal.call_id)
    return render(request, "grants/proposal_return.html", _proposal_context(proposal, form=form))


@never_cache
@login_required
def proposal_pdf(request, pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    exporter = ProposalPdf(proposal=proposal, history=list(selectors.state_history(proposal)))
    response = HttpResponse(exporter.render(), content_type=exporter.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename}"'
    return response


@never_cache
@login_required
def call_proposals(request, pk: int):
    """The administrator's list of a call's submitted proposals."""
    if not can(request.user, "grants.view_call_proposals"):
        raise Http404("No such page.")
    call = get_object_or_404(selectors.calls_visible_to(request.user), pk=pk)
    form = CallProposalFilterForm(
        request.GET or None, statuses=selectors.ADMIN_LIST_STATES, auto_id="filter_%s"
    )
    filters = form.filters()
    proposals = selectors.proposals_of_call_for_admin(call, **filters)
    page = Paginator(proposals, CALL_PROPOSALS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "grants/call_proposals.html",
        {
            "call": call,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": bool(filters),
            "counts": selectors.call_proposal_counts(call),
        },
    )
