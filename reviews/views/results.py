"""What a call's review results in: the ranking with funding decisions and their release, and
the summary statements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can
from grants import lifecycle as grant_lifecycle
from grants import selectors as grant_selectors
from grants import services as grant_services
from grants.choices import DECIDABLE_STATES
from grants.models import Decision, Proposal

from .. import selectors
from ..exporters import SummaryStatementPdf
from ..forms import DecisionBatchForm, DecisionForm
from .common import deciding_call, flash_errors, form_errors, reviewed_proposal

# A national call ranks thousands of proposals; the page shows them fifty at a time, with
# every running total still counted from the top and a link to the page of the pay line.
RANKING_PAGE_SIZE = 50


@never_cache
@login_required
def ranking(request, pk: int):
    """Proposals ranked by final score with the running total and the pay line; the
    administrator decides and releases here."""
    call = deciding_call(request, pk)
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


def _decided_proposal(request, call, proposal_pk: int) -> Proposal:
    """A proposal of the call the administrator may decide; 404 for one hidden from them
    (conflicted, or assigned without their own review submitted) as for one not in the call."""
    proposal = get_object_or_404(
        Proposal.objects.select_related("pi", "panel_entry"), pk=proposal_pk, call=call
    )
    if proposal.pk in selectors.results_hidden_ids(request.user, [proposal.pk], call=call):
        raise Http404("No such proposal.")
    return proposal


def _decision_page(request, call, proposal, form):
    return render(
        request,
        "reviews/decision.html",
        {
            "call": call,
            "proposal": proposal,
            "form": form,
            "requested": grant_selectors.proposal_requested_total(proposal),
            "committed": grant_selectors.call_committed_amount(call),
            "nominees": (grant_selectors.call_nominees(call) if call.is_limited_submission else []),
            "current": Decision.objects.filter(proposal=proposal).first(),
            "decisions_problem": grant_lifecycle.decisions_problem(call),
            "decidable": proposal.status in DECIDABLE_STATES,
        },
    )


@never_cache
@login_required
def decision_form(request, pk: int, proposal_pk: int):
    """One proposal's decision with its own amount and reason (a reduced award); the ranking
    decides several at once at the requested amounts."""
    call = deciding_call(request, pk)
    proposal = _decided_proposal(request, call, proposal_pk)
    current = Decision.objects.filter(proposal=proposal).first()
    initial = (
        {"outcome": current.outcome, "amount": current.amount, "reason": current.reason}
        if current
        else {}
    )
    return _decision_page(request, call, proposal, DecisionForm(initial=initial, call=call))


@login_required
@require_POST
def decide(request, pk: int, proposal_pk: int):
    call = deciding_call(request, pk)
    proposal = _decided_proposal(request, call, proposal_pk)
    form = DecisionForm(request.POST, call=call)
    if form.is_valid():
        try:
            grant_services.decision_record(
                proposal=proposal,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                amount=form.cleaned_data.get("amount"),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        except grant_services.InvalidTransition as exc:
            messages.error(request, f"Not saved — {proposal.title}: {exc}")
            return redirect("reviews:ranking", pk=call.pk)
        except PermissionDenied:
            messages.error(request, f"Not saved — {proposal.title}: it cannot be decided now.")
            return redirect("reviews:ranking", pk=call.pk)
        else:
            messages.success(request, f"Decision recorded for “{proposal.title}”.")
            return redirect("reviews:ranking", pk=call.pk)
    # What was typed stays on the form, with each problem at its field.
    return _decision_page(request, call, proposal, form)


def _batch_from(request, call, data) -> tuple[DecisionBatchForm, selectors.DecisionBatch | None]:
    form = DecisionBatchForm(data)
    if not form.is_valid():
        return form, None
    return form, selectors.decision_batch(
        call,
        user=request.user,
        outcome=form.cleaned_data["outcome"],
        proposal_ids=form.cleaned_data["proposal"],
        rank_from=form.cleaned_data["rank_from"],
        rank_to=form.cleaned_data["rank_to"],
    )


@never_cache
@login_required
def decide_many(request, pk: int):
    """Several decisions at once (say, fund ranks 1–5 as requested): the GET is the
    confirmation, which shows the money before and after; its POST records them all or none."""
    call = deciding_call(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    form, batch = _batch_from(request, call, data)
    if request.method == "POST" and batch is not None and not batch.problem:
        try:
            recorded = grant_services.decisions_record_many(
                call=call,
                actor=request.user,
                proposals=batch.to_record,
                outcome=batch.outcome,
                confirmed_total=form.cleaned_data["confirmed_total"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        except grant_services.InvalidTransition as exc:
            messages.error(request, f"Nothing was saved: {exc}")
            return redirect("reviews:ranking", pk=call.pk)
        else:
            committed = grant_selectors.call_committed_amount(call)
            messages.success(
                request,
                f"{len(recorded)} decision{pluralize(len(recorded))} recorded. "
                f"${committed:,.2f} of the ${call.total_budget:,.2f} budget is committed; "
                f"${call.total_budget - committed:,.2f} remains. Nothing is released yet.",
            )
            return redirect("reviews:ranking", pk=call.pk)
    return render(
        request,
        "reviews/decide_many.html",
        {
            "call": call,
            "form": form,
            "batch": batch,
            "decisions_problem": grant_lifecycle.decisions_problem(call),
        },
    )


@login_required
@require_POST
def release(request, pk: int):
    call = deciding_call(request, pk)
    try:
        released = grant_services.decisions_release(call=call, actor=request.user)
    except ValidationError as exc:
        flash_errors(request, exc)
    except grant_services.InvalidTransition as exc:
        messages.error(request, f"Not released: {exc}")
    else:
        messages.success(request, f"{len(released)} decisions released; applicants are e-mailed.")
    return redirect("reviews:ranking", pk=call.pk)


def _summary_proposal(request, pk: int) -> Proposal:
    proposal = reviewed_proposal(pk)
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
        {
            "proposal": proposal,
            "summary": selectors.summary_statement(proposal, viewer=request.user),
        },
    )


@never_cache
@login_required
def summary_statement_pdf(request, pk: int):
    proposal = _summary_proposal(request, pk)
    exporter = SummaryStatementPdf(
        summary=selectors.summary_statement(proposal, viewer=request.user)
    )
    response = HttpResponse(exporter.render(), content_type=exporter.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename}"'
    return response
