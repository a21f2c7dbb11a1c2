"""Funding calls: the list, one call, starting a proposal in it, and, for administrators,
its proposals and a new round copied from it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can

from .. import selectors, services
from ..forms import CallCopyForm, CallProposalFilterForm
from ._common import apply_errors

CALL_PROPOSALS_PAGE_SIZE = 50


@login_required
def call_list(request):
    return render(
        request,
        "grants/call_list.html",
        {
            "calls": selectors.calls_visible_to(request.user),
            "now": timezone.now(),
            "may_copy": can(request.user, "grants.manage_calls"),
        },
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


@never_cache
@login_required
def call_copy(request, pk: int):
    """A new round of a call (administrators; anyone else: 404): its title and dates, offered
    a year on and typed in the call's time zone; everything else is copied by
    ``services.call_copy``. Then the new draft's edit page."""
    if not can(request.user, "grants.manage_calls"):
        raise Http404("No such page.")
    source = get_object_or_404(selectors.calls_visible_to(request.user), pk=pk)
    with timezone.override(source.zone):
        form = CallCopyForm(
            request.POST if request.method == "POST" else None,
            source=source,
            initial=services.call_copy_defaults(source),
        )
        if request.method == "POST" and form.is_valid():
            try:
                new = services.call_copy(source=source, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return _copied(request, new)
        return render(request, "grants/call_copy.html", {"call": source, "form": form})


def _copied(request, new):
    """The copy's edit page: the Django admin's, for those who may use it; otherwise its
    page, saying where it is edited."""
    if request.user.is_staff and request.user.has_perm("grants.change_fundingcall"):
        messages.success(
            request,
            f"“{new.title}” is a new draft copied from “{new.copied_from.title}”. Check it and "
            "open it when it is ready; its criteria and committee (if any) are on its review page.",
        )
        return redirect(reverse("admin:grants_fundingcall_change", args=(new.pk,)))
    messages.success(
        request,
        f"“{new.title}” is a new draft copied from “{new.copied_from.title}”. It is edited "
        "in the administration site, which needs staff access.",
    )
    return redirect("grants:call_detail", pk=new.pk)
