"""What a call's review results in: the ranking with funding decisions and their release, and
the summary statements."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can
from grants import services as grant_services
from grants.models import Proposal

from .. import selectors
from ..exporters import SummaryStatementPdf
from ..forms import DecisionForm
from .common import deciding_call, flash_errors, reviewed_proposal

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


@login_required
@require_POST
def decide(request, pk: int, proposal_pk: int):
    call = deciding_call(request, pk)
    proposal = get_object_or_404(Proposal, pk=proposal_pk, call=call)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        problems = " ".join(error for errors in form.errors.values() for error in errors)
        messages.error(request, f"Not saved — NS-{proposal.pk} {proposal.title}: {problems}")
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
