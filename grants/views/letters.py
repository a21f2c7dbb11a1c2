"""Letters of intent, the applicant's side: start one from a two-stage call, write it, send
it, read the office's decision, and — invited — start the full proposal (grants:proposal_start,
which takes it from the letter). Administrators may read every letter; the committee reads
letters through the reviews pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can
from config.uploads import letter_document_response

from .. import selectors, services
from ..choices import LETTER_AIMS_WORD_LIMIT
from ..forms import LetterForm
from ..validators import word_count
from ._common import apply_errors


def _letter(request, pk: int):
    """The letter ``pk`` if the user may know it exists (its applicant, administrators)."""
    return get_object_or_404(selectors.letters_visible_to(request.user), pk=pk)


def _fix_url(letter, field: str) -> str:
    if field == "call":
        return reverse("grants:call_detail", args=[letter.call_id])
    if field == "eligibility":
        return reverse("accounts:profile")
    return reverse("grants:letter_edit", args=[letter.pk]) + f"#id_{field}"


def letter_context(request, letter, **extra) -> dict:
    mine = letter.applicant_id == request.user.pk
    blockers = (
        [
            {"field": b.field, "message": b.message, "fix_url": _fix_url(letter, b.field)}
            for b in selectors.letter_blockers(letter)
        ]
        if letter.is_editable and mine
        else []
    )
    by_field: dict[str, list[str]] = {}
    for blocker in blockers:
        by_field.setdefault(blocker["field"], []).append(blocker["message"])
    return {
        "letter": letter,
        "call": letter.call,
        "blockers": blockers,
        "blockers_by_field": by_field,
        "aims_words": word_count(letter.aims_summary),
        "aims_limit": LETTER_AIMS_WORD_LIMIT,
        "can_edit": can(request.user, "grants.change_letter", letter),
        # The invitation, once the call opens for full proposals; proposal_create decides.
        "can_start_proposal": mine
        and letter.is_invited
        and letter.proposal_id is None
        and letter.call.is_accepting(),
        **extra,
    }


@login_required
@require_POST
def letter_start(request, call_pk: int):
    """Start the user's letter to a two-stage call (or open the one they have)."""
    call = get_object_or_404(selectors.calls_visible_to(request.user), pk=call_pk)
    existing = selectors.letter_of(call=call, user=request.user)
    if existing is not None:
        page = "grants:letter_edit" if existing.is_editable else "grants:letter_detail"
        return redirect(page, pk=existing.pk)
    try:
        letter = services.letter_create(call=call, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("grants:call_detail", pk=call.pk)
    messages.success(request, "Your letter of intent is started. Save it as often as you like.")
    return redirect("grants:letter_edit", pk=letter.pk)


@never_cache
@login_required
def letter_detail(request, pk: int):
    letter = _letter(request, pk)
    return render(
        request,
        "grants/letter_detail.html",
        letter_context(request, letter, history=selectors.state_history(letter)),
    )


@never_cache
@login_required
def letter_edit(request, pk: int):
    """The draft letter's form. A save is all or nothing: a field at fault (a budget over the
    call's maximum, a PDF of two pages) is marked, the typed text stays on the page, and
    nothing is saved."""
    letter = _letter(request, pk)
    if not can(request.user, "grants.change_letter", letter):
        messages.info(request, "This letter is sent; it can no longer be changed.")
        return redirect("grants:letter_detail", pk=letter.pk)
    posted = request.method == "POST"
    form = LetterForm(
        request.POST if posted else None, request.FILES if posted else None, letter=letter
    )
    if posted:
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.LETTER_FIELDS}
            try:
                with transaction.atomic():
                    services.letter_update(letter=letter, actor=request.user, data=data)
                    if form.cleaned_data.get("document"):
                        services.letter_document_set(
                            letter=letter,
                            actor=request.user,
                            uploaded_file=form.cleaned_data["document"],
                        )
                    elif form.cleaned_data.get("remove_document"):
                        services.letter_document_remove(letter=letter, actor=request.user)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Letter saved.")
                return redirect("grants:letter_edit", pk=letter.pk)
        letter.refresh_from_db()
    return render(request, "grants/letter_edit.html", letter_context(request, letter, form=form))


@login_required
@require_POST
def letter_submit(request, pk: int):
    letter = _letter(request, pk)
    try:
        services.letter_submit(letter=letter, actor=request.user)
    except services.SubmissionRefused:
        messages.error(
            request, "Your letter cannot be sent yet: the list below says what still blocks it."
        )
        return redirect("grants:letter_edit", pk=letter.pk)
    except services.InvalidTransition as exc:
        messages.error(request, str(exc))
        return redirect("grants:letter_detail", pk=letter.pk)
    messages.success(
        request, "Your letter of intent is sent. The program office will tell you its decision."
    )
    return redirect("grants:letter_detail", pk=letter.pk)


@login_required
def letter_pdf(request, pk: int):
    return letter_document_response(_letter(request, pk))
