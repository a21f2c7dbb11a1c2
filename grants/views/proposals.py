"""A proposal's own pages: detail, the sections form, submit, withdraw, return, PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can

from .. import selectors, services
from ..exporters import ProposalPdf
from ..forms import OptionalReasonForm, ProposalSectionsForm, ReasonForm
from ..models import Award
from ._common import apply_errors, proposal_context


@never_cache
@login_required
def proposal_detail(request, pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    return render(
        request,
        "grants/proposal_detail.html",
        proposal_context(
            proposal,
            history=selectors.state_history(proposal),
            return_reason=selectors.latest_return_reason(proposal),
            can_edit=can(request.user, "grants.change_proposal", proposal),
            can_withdraw=can(request.user, "grants.withdraw_proposal", proposal),
            can_return=can(request.user, "grants.return_proposal", proposal),
            can_classify=can(request.user, "grants.correct_classification", proposal),
            released_decision=selectors.released_decision(proposal),
            award=Award.objects.filter(proposal=proposal).first(),
            # The summary statement goes to the PI (and the panel), not to the whole team:
            # offer the link only to those the reviews rule lets in.
            can_read_summary=can(request.user, "reviews.view_summary_statement", proposal),
        ),
    )


def _edit_refused(request, proposal, form, errors: list[str], autosave: bool):
    """A save from a stale page: nothing saved, 409, and the user's own text shown again (the
    bound form), never the database's."""
    if autosave:
        return JsonResponse(
            {"saved": False, "conflict": True, "errors": {"__all__": errors}}, status=409
        )
    form.add_error(None, errors)
    return render(
        request, "grants/proposal_edit.html", proposal_context(proposal, form=form), status=409
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
    return render(request, "grants/proposal_edit.html", proposal_context(proposal, form=form))


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
    return render(request, "grants/proposal_submit.html", proposal_context(proposal))


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
    return render(request, "grants/proposal_withdraw.html", proposal_context(proposal, form=form))


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
            apply_errors(form, exc)
        else:
            messages.success(
                request, "Returned to the applicant, who has been e-mailed the reason."
            )
            return redirect("grants:call_proposals", pk=proposal.call_id)
    return render(request, "grants/proposal_return.html", proposal_context(proposal, form=form))


@login_required
@require_POST
def proposal_mark_checked(request, pk: int):
    """The program office's check passed: the proposal waits for review (or is returned)."""
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    if not can(request.user, "grants.manage_calls"):
        raise PermissionDenied("Only an administrator checks a submitted proposal.")
    try:
        services.proposal_mark_checked(proposal=proposal, actor=request.user)
    except services.InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"NS-{proposal.pk} is marked as checked: ready for review.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("grants:proposal_detail", pk=proposal.pk)


@never_cache
@login_required
def proposal_pdf(request, pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    exporter = ProposalPdf(proposal=proposal, history=list(selectors.state_history(proposal)))
    response = HttpResponse(exporter.render(), content_type=exporter.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename}"'
    return response
