"""Funding calls: the list, one call, starting a proposal in it, and its proposals for
administrators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can

from .. import selectors, services
from ..forms import CallProposalFilterForm

CALL_PROPOSALS_PAGE_SIZE = 50


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
    letter = selectors.letter_of(call=call, user=request.user) if call.letter_of_intent else None
    # A two-stage call's full proposal is started only from an invitation (proposal_create).
    invited = not call.letter_of_intent or bool(
        letter and letter.is_invited and letter.proposal_id is None
    )
    return render(
        request,
        "grants/call_detail.html",
        {
            "call": call,
            "my_proposals": mine,
            "my_letter": letter,
            "may_start_proposal": invited and (not mine or not call.one_per_applicant),
            "rules": selectors.call_rules(call),
            "eligibility": selectors.eligibility_of(call=call, user=request.user),
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
