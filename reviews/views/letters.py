"""Letters of intent, the committee's and the office's side: a two-stage call's letters (each
member's own rating; the office's and the chair's mean and count), one letter (rate it, or
declare a conflict; the office reads every rating and decides), its PDF, and the call's move
into and out of letters triage (administrators).

Letters are looked up through ``selectors.letters_for_committee`` (404 outside it). A person
conflicted on a letter sees its title and nothing else of it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.choices import Role
from accounts.permissions import can
from config.uploads import letter_document_response
from grants import lifecycle
from grants import services as grant_services
from grants.choices import CallStatus, LetterStatus
from grants.models import FundingCall

from .. import conflicts, selectors, services
from ..forms import LetterConflictForm, LetterRatingForm, LetterTriageForm
from ..models import LetterRating
from .common import form_errors


def _call(request, pk: int) -> FundingCall:
    call = get_object_or_404(FundingCall.objects.select_related("program"), pk=pk)
    if not can(request.user, "reviews.view_call_letters", call):
        raise Http404("No such page.")
    return call


def _letter(request, pk: int):
    return get_object_or_404(selectors.letters_for_committee(request.user), pk=pk)


@never_cache
@login_required
def letters(request, pk: int):
    call = _call(request, pk)
    rows = selectors.letter_rows(call=call, user=request.user)
    is_admin = request.user.has_role(Role.ADMINISTRATOR)
    triage_over = lifecycle.letters_triage_over(call)
    return render(
        request,
        "reviews/letters.html",
        {
            "call": call,
            "rows": rows,
            "reads_ratings": selectors.reads_call_letter_ratings(call=call, user=request.user),
            "is_admin": is_admin,
            "waiting": sum(1 for row in rows if row.awaiting_triage),
            "triage_over": triage_over,
            "can_start_triage": is_admin and call.status == CallStatus.OPEN and not triage_over,
            "can_open_full": is_admin and call.status == CallStatus.LETTERS_TRIAGE,
            # Blind review: names reach only the office and the chair (selectors.identities).
            "hide_identity": selectors.identities_hidden_from(request.user, call),
        },
    )


def _letter_page(request, letter, *, rating_form=None, conflict_form=None, triage_form=None):
    user = request.user
    conflict = conflicts.letter_conflict_of(user, letter)
    own = (
        LetterRating.objects.filter(letter=letter, member_id=user.pk).first()
        if conflict is None
        else None
    )
    awaiting = letter.status == LetterStatus.SUBMITTED
    may_rate = awaiting and can(user, "reviews.rate_letter", letter)
    may_decide = (
        awaiting
        and letter.call.status == CallStatus.LETTERS_TRIAGE
        and can(user, "reviews.triage_letter", letter)
        and can(user, "grants.triage_letter", letter)
    )
    if may_rate and rating_form is None:
        initial = {"rating": own.rating, "comment": own.comment} if own else None
        rating_form = LetterRatingForm(initial=initial, prefix="rate")
    if may_rate and conflict_form is None:
        conflict_form = LetterConflictForm(prefix="conflict")
    if may_decide and triage_form is None:
        triage_form = LetterTriageForm(prefix="triage")
    ratings = selectors.letter_ratings_for(letter=letter, user=user)
    reads = can(user, "reviews.read_letter_ratings", letter)
    mean, count = selectors.letter_summary(ratings)
    return render(
        request,
        "reviews/letter.html",
        {
            "letter": letter,
            "call": letter.call,
            "conflict": conflict,
            "own": own,
            "rating_form": rating_form if may_rate else None,
            "conflict_form": conflict_form if may_rate else None,
            "triage_form": triage_form if may_decide else None,
            "ratings": ratings if reads else [],
            "reads_ratings": reads,
            "mean": mean,
            "count": count,
            "hide_identity": selectors.identities_hidden_from(user, letter.call),
        },
    )


@never_cache
@login_required
def letter(request, pk: int):
    """One letter: read it and rate it (or declare a conflict) as a member; read every rating
    and decide it as the office."""
    item = _letter(request, pk)
    if request.method != "POST":
        return _letter_page(request, item)
    if "declare" in request.POST:
        form = LetterConflictForm(request.POST, prefix="conflict")
        if form.is_valid():
            try:
                services.letter_conflict_declare(
                    letter=item,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    explanation=form.cleaned_data["explanation"],
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(
                    request, "Conflict recorded: you will not rate this letter or see its ratings."
                )
                return redirect("reviews:letters", pk=item.call_id)
        return _letter_page(request, item, conflict_form=form)
    form = LetterRatingForm(request.POST, prefix="rate")
    if form.is_valid():
        try:
            services.letter_rate(
                letter=item,
                actor=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        except grant_services.InvalidTransition as exc:
            messages.error(request, str(exc))
            return redirect("reviews:letter", pk=item.pk)
        else:
            messages.success(request, "Rating saved.")
            return redirect("reviews:letters", pk=item.call_id)
    return _letter_page(request, item, rating_form=form)


@login_required
@require_POST
def letter_triage(request, pk: int):
    """The office's decision on a letter: invite a full proposal, or decline with a message."""
    item = _letter(request, pk)
    form = LetterTriageForm(request.POST, prefix="triage")
    if form.is_valid():
        try:
            services.letter_decide(
                letter=item,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        except grant_services.InvalidTransition as exc:
            messages.error(request, str(exc))
            return redirect("reviews:letter", pk=item.pk)
        else:
            label = (
                "invited" if form.cleaned_data["outcome"] == LetterStatus.INVITED else "declined"
            )
            messages.success(request, f"“{item.title}” {label}; the applicant is e-mailed.")
            return redirect("reviews:letters", pk=item.call_id)
    return _letter_page(request, item, triage_form=form)


@login_required
def letter_pdf(request, pk: int):
    item = _letter(request, pk)
    # Conflicted: nothing of the letter. Blind call: a letter's PDF names its people, like a
    # biosketch, so reviewers who may not see them do not get it.
    if conflicts.letter_conflict_of(
        request.user, item
    ) is not None or selectors.identities_hidden_from(request.user, item.call):
        raise Http404("No such letter.")
    return letter_document_response(item)


@login_required
@require_POST
def letters_stage(request, pk: int):
    """An administrator moves a two-stage call into letters triage (once its letters are due)
    or out of it, open for the invited full proposals (once every letter is decided)."""
    call = _call(request, pk)
    if not can(request.user, "grants.manage_calls"):
        raise Http404("No such page.")
    to = request.POST.get("to", "")
    if to not in (CallStatus.LETTERS_TRIAGE, CallStatus.OPEN):
        messages.error(request, "Choose where the call goes next.")
        return redirect("reviews:letters", pk=call.pk)
    try:
        grant_services.call_transition(call=call, to=to, actor=request.user)
    except grant_services.InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The call is now {CallStatus(to).label.lower()}.")
    return redirect("reviews:letters", pk=call.pk)
