"""Letters of intent (the first stage of a two-stage call): start, edit, attach the one-page
PDF, send, and the program office's triage (invite or decline, with a message).

The rules between the stages are in docs/invariants.md ("A full proposal follows an
invitation"); ``proposal_create`` is where an invitation becomes a full proposal.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .. import emails, lifecycle
from ..choices import (
    LETTER_TRANSITIONS,
    TRIAGED_LETTER_STATES,
    CallStatus,
    DisparityPopulation,
    LetterStatus,
)
from ..models import FundingCall, LetterOfIntent
from ..selectors import eligibility_problems, letter_blockers
from ..validators import (
    LETTER_TEXT_LIMITS,
    TRIAGE_MESSAGE_MAX,
    display_file_name,
    single_line,
    text_problem,
    validate_pdf_upload,
)
from ._common import InvalidTransition, require
from .history import record_state_change
from .proposals import SubmissionRefused

# What the applicant edits on the letter's form (and the API).
LETTER_FIELDS = ("title", "aims_summary", "team", "disparity_populations", "estimated_budget")


@transaction.atomic
def letter_transition(
    *, letter: LetterOfIntent, to: str, actor, reason: str = "", also: tuple[str, ...] = ()
) -> LetterOfIntent:
    """The only code that assigns ``LetterOfIntent.status``: checks the table, saves (with the
    fields named in ``also``, set by the caller), and records the change (history and audit)."""
    if to not in LETTER_TRANSITIONS[letter.status]:
        raise InvalidTransition(
            f"A letter that is {letter.get_status_display().lower()} cannot become "
            f"{LetterStatus(to).label.lower()}."
        )
    previous = letter.status
    letter.status = to
    letter.save(update_fields=["status", "updated_at", *also])
    record_state_change(obj=letter, from_state=previous, to_state=to, actor=actor, reason=reason)
    return letter


@transaction.atomic
def letter_create(*, call: FundingCall, actor: User, title: str = "", now=None) -> LetterOfIntent:
    """Start a draft letter. Refused unless the call takes letters now (a two-stage call, open,
    before its letters' deadline by the server clock), the applicant is eligible, and they have
    no letter to this call yet (one per applicant)."""
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    errors: list[str] = []
    problem = lifecycle.letters_problem(call, now)
    if problem:
        errors.append(problem)
    # The call's rules on the person, as for a full proposal (an incomplete profile is asked
    # for when the letter is sent, not refused here).
    errors += [p.message for p in eligibility_problems(call=call, user=actor) if p.refuses_start]
    if LetterOfIntent.objects.filter(call=call, applicant=actor).exists():
        errors.append("You already have a letter of intent to this call; each applicant sends one.")
    if errors:
        raise ValidationError(errors)
    title = single_line(title)
    problem = text_problem(title, LETTER_TEXT_LIMITS["title"])
    if problem:
        raise ValidationError({"title": [problem]})
    letter = LetterOfIntent.objects.create(call=call, applicant=actor, title=title)
    record_state_change(obj=letter, from_state="", to_state=LetterStatus.DRAFT, actor=actor)
    return letter


def _lock_for_edit(letter: LetterOfIntent, actor: User) -> LetterOfIntent:
    """Lock the letter's row and check, on the row as it now stands, that ``actor`` may change
    it: a sent letter is frozen, as a submitted proposal is."""
    locked = (
        LetterOfIntent.objects.select_related("call")
        .select_for_update(of=("self",))
        .get(pk=letter.pk)
    )
    require(actor, "grants.change_letter", locked)
    return locked


def _clean(field: str, value, call: FundingCall):
    """One field of the letter, cleaned, or a ValidationError naming it."""
    if field in ("title", "aims_summary", "team"):
        value = single_line(value) if field == "title" else str(value or "")
        problem = text_problem(value, LETTER_TEXT_LIMITS[field])
        if problem:
            raise ValidationError(problem)
        return value
    if field == "disparity_populations":
        chosen = list(value or [])
        unknown = [v for v in chosen if v not in DisparityPopulation.values]
        if unknown:
            raise ValidationError(f"“{unknown[0]}” is not one of the populations listed.")
        return [v for v in DisparityPopulation.values if v in chosen]
    # estimated_budget
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationError("Enter the amount as a number, e.g. 15000.00.") from exc
    if not amount.is_finite():
        raise ValidationError("Enter the amount as a number, e.g. 15000.00.")
    if amount < 0:
        raise ValidationError("Enter an amount of zero or more.")
    if amount > call.max_award:
        raise ValidationError(
            f"The estimated budget is over this call's maximum award of ${call.max_award:,.2f}."
        )
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def letter_update(*, letter: LetterOfIntent, actor: User, data: dict) -> LetterOfIntent:
    """Save the applicant's draft letter: the fields of ``data`` among ``LETTER_FIELDS``.
    Refused as a whole, with an error under each field at fault and nothing saved, for text
    past its hard limit, an unknown population, or an estimated budget below zero or over the
    call's maximum award. The aims summary's word limit blocks sending, not saving."""
    current = _lock_for_edit(letter, actor)
    cleaned, errors = {}, {}
    for field in LETTER_FIELDS:
        if field in data:
            try:
                cleaned[field] = _clean(field, data[field], current.call)
            except ValidationError as exc:
                errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    for field, value in cleaned.items():
        setattr(letter, field, value)
    if cleaned:
        letter.save(update_fields=[*cleaned, "updated_at"])
    return letter


@transaction.atomic
def letter_document_set(*, letter: LetterOfIntent, actor: User, uploaded_file) -> LetterOfIntent:
    """Attach the letter's optional PDF (replacing one already there): a real, readable PDF
    within the size limit, without scripts or embedded files (validators.validate_pdf_upload),
    and of one page. Refused under ``document`` with nothing stored otherwise."""
    letter = _lock_for_edit(letter, actor)
    try:
        checked = validate_pdf_upload(uploaded_file)
    except ValidationError as exc:
        raise ValidationError({"document": exc.messages}) from exc
    if checked.pages != 1:
        raise ValidationError(
            {"document": [f"The letter's PDF is one page; this one has {checked.pages}."]}
        )
    name = display_file_name(getattr(uploaded_file, "name", ""), max_length=150)
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    previous = letter.document.name
    letter.document.save("letter.pdf", ContentFile(checked.content), save=False)
    letter.document_name, letter.document_size = name, checked.size
    try:
        letter.save(update_fields=["document", "document_name", "document_size", "updated_at"])
    except BaseException:
        letter.document.delete(save=False)  # no file on disk without its row
        raise
    if previous:
        storage = letter.document.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return letter


@transaction.atomic
def letter_document_remove(*, letter: LetterOfIntent, actor: User) -> LetterOfIntent:
    """Take the PDF off a draft letter (the file goes once the change commits)."""
    letter = _lock_for_edit(letter, actor)
    previous = letter.document.name
    if not previous:
        return letter
    storage = letter.document.storage
    letter.document, letter.document_name, letter.document_size = "", "", 0
    letter.save(update_fields=["document", "document_name", "document_size", "updated_at"])
    transaction.on_commit(lambda: storage.delete(previous))
    return letter


@transaction.atomic
def letter_submit(*, letter: LetterOfIntent, actor: User, now=None) -> LetterOfIntent:
    """Send the letter if nothing blocks it (``selectors.letter_blockers``: the letters'
    deadline by the server clock, the required parts, the word limit, the budget against the
    call's maximum, eligibility); otherwise ``SubmissionRefused`` listing every reason. Only
    its applicant sends it, once."""
    letter = (
        LetterOfIntent.objects.select_related("call", "applicant")
        .select_for_update(of=("self",))
        .get(pk=letter.pk)
    )
    if letter.applicant_id != actor.pk:
        raise PermissionDenied("Only the applicant sends their letter.")
    if LetterStatus.SUBMITTED not in LETTER_TRANSITIONS[letter.status]:
        raise InvalidTransition(
            f"This letter is {letter.get_status_display().lower()}; it cannot be sent again."
        )
    blockers = letter_blockers(letter, now=now)
    if blockers:
        raise SubmissionRefused(blockers)
    letter.submitted_at = now or timezone.now()
    return letter_transition(
        letter=letter, to=LetterStatus.SUBMITTED, actor=actor, also=("submitted_at",)
    )


@transaction.atomic
def letter_triage(
    *, letter: LetterOfIntent, actor: User, outcome: str, message: str = ""
) -> LetterOfIntent:
    """The program office's decision on a sent letter: ``invited`` (the applicant may then
    start a full proposal from it) or ``declined`` (with a message saying why). Administrators
    only, never on their own letter, while the call is in letters triage, once per letter.
    Audited, and the applicant is e-mailed after commit.

    Called by the reviews app (``reviews.services.letter_decide``) after its own check that
    the actor is not conflicted on the letter; pages and the API go through that one."""
    FundingCall.objects.select_for_update().filter(pk=letter.call_id).values_list("pk").get()
    letter = (
        LetterOfIntent.objects.select_related("call", "applicant")
        .select_for_update(of=("self",))
        .get(pk=letter.pk)
    )
    require(actor, "grants.triage_letter", letter)
    message = (message or "").strip()
    errors: dict[str, list[str]] = {}
    if outcome not in TRIAGED_LETTER_STATES:
        errors["outcome"] = ["Choose to invite a full proposal or to decline."]
    problem = text_problem(message, TRIAGE_MESSAGE_MAX)
    if problem:
        errors["message"] = [problem]
    elif outcome == LetterStatus.DECLINED and not message:
        errors["message"] = ["Tell the applicant why their letter is not invited."]
    if errors:
        raise ValidationError(errors)
    if letter.call.status != CallStatus.LETTERS_TRIAGE:
        raise InvalidTransition(
            "Letters are decided while their call is in letters triage; this call is "
            f"{letter.call.get_status_display().lower()}."
        )
    letter.triage_message = message
    letter.decided_by, letter.decided_at = actor, timezone.now()
    letter_transition(
        letter=letter,
        to=outcome,
        actor=actor,
        reason=message,
        also=("triage_message", "decided_by", "decided_at"),
    )
    transaction.on_commit(lambda: emails.send_letter_decision(letter))
    return letter
