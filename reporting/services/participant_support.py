"""Who was paid what from an award (INDGEN), and where each supported person is in their
training (enrolled, completed on a date, left).

Recorded by the award's PI (the awardee) on their released award, or by an administrator
(``reporting.manage_support``). Every write is checked field by field — the person is the PI
or on the award's team, the amount is more than zero, the dates fall inside the award — and
every problem is raised at once as a ValidationError by field. Every write is audited with the
values before and after.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.models import User
from grants.models import Award, TeamMember

from ..choices import DATED_TRAINING_STATES, SupportKind, TrainingStatusValue
from ..models import ParticipantSupport, TrainingProgram, TrainingStatus
from ._common import FieldErrors, require

# What a form or the API may set.
SUPPORT_FIELDS = ("person", "kind", "amount", "paid_from", "paid_to", "training_program", "note")
STATUS_FIELDS = ("person", "training_program", "status", "status_date")
NOTE_MAX = ParticipantSupport._meta.get_field("note").max_length
AMOUNT_MAX = Decimal("9999999999.99")  # MONEY: 12 digits, 2 after the point

PERSON_MESSAGE = "Choose the award's PI or a person on its team."


def _on_award(award: Award, user_id) -> bool:
    return award.proposal.pi_id == user_id or (
        TeamMember.objects.filter(proposal_id=award.proposal_id, user_id=user_id).exists()
    )


def _person(award: Award, value, errors: FieldErrors) -> User | None:
    """The person named (a User or a primary key), if they are the PI or on the team."""
    if value in (None, ""):
        errors.add("person", "Choose the person who was paid.")
        return None
    user_id = value.pk if isinstance(value, User) else value
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        errors.add("person", PERSON_MESSAGE)
        return None
    if not _on_award(award, user_id):
        errors.add("person", PERSON_MESSAGE)
        return None
    return value if isinstance(value, User) else User.objects.get(pk=user_id)


def _program(value, errors: FieldErrors) -> TrainingProgram | None:
    if value in (None, ""):
        return None
    if isinstance(value, TrainingProgram):
        return value
    try:
        return TrainingProgram.objects.get(pk=int(value))
    except (TypeError, ValueError, TrainingProgram.DoesNotExist):
        errors.add("training_program", "Choose one of the program's training programs.")
        return None


def _date(value, field_name: str, errors: FieldErrors, *, required: bool) -> date | None:
    if value in (None, ""):
        if required:
            errors.add(field_name, "Enter a date.")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(field_name, "Enter a date as YYYY-MM-DD.")
        return None


def _amount(value, errors: FieldErrors) -> Decimal | None:
    if value in (None, ""):
        errors.add("amount", "Enter the amount paid.")
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        errors.add("amount", "Enter the amount as a number, e.g. 2500.00.")
        return None
    if amount <= 0:
        errors.add("amount", "The amount must be more than zero.")
    elif amount.as_tuple().exponent < -2:
        errors.add("amount", "Give the amount in dollars and cents (two decimal places).")
    elif amount > AMOUNT_MAX:
        errors.add("amount", "The amount is too large.")
    return amount


def _clean_support(support: ParticipantSupport, data: dict) -> None:
    """Assign what ``data`` holds (all of SUPPORT_FIELDS on create) and check the whole record."""
    award = support.award
    errors = FieldErrors()
    if "person" in data:
        support.person = _person(award, data["person"], errors)
    elif support.person_id and not _on_award(award, support.person_id):
        errors.add("person", PERSON_MESSAGE)
    if "kind" in data:
        kind = str(data["kind"] or "").strip()
        if kind not in SupportKind.values:
            errors.add("kind", "Choose stipend, tuition, travel or other.")
        support.kind = kind
    if "amount" in data:
        support.amount = _amount(data["amount"], errors)
    for name in ("paid_from", "paid_to"):
        if name in data:
            setattr(support, name, _date(data[name], name, errors, required=True))
    if "training_program" in data:
        support.training_program = _program(data["training_program"], errors)
    if "note" in data:
        note = str(data["note"] or "").strip()
        if len(note) > NOTE_MAX:
            errors.add("note", f"Keep the note to {NOTE_MAX} characters (it has {len(note)}).")
        support.note = note
    first, last = support.paid_from, support.paid_to
    start, end = award.start_date, award.effective_end
    for name, day in (("paid_from", first), ("paid_to", last)):
        if isinstance(day, date) and name not in errors and not start <= day <= end:
            errors.add(
                name,
                f"Payments fall within the award: {start:%B %-d, %Y} to {end:%B %-d, %Y}.",
            )
    if isinstance(first, date) and isinstance(last, date) and last < first:
        errors.add("paid_to", "The last day paid cannot be before the first.")
    errors.raise_if_any()


def _snapshot(support: ParticipantSupport) -> dict:
    return {
        "award": support.award_id,
        "person": support.person_id,
        "kind": support.kind,
        "amount": str(support.amount),
        "paid_from": support.paid_from,
        "paid_to": support.paid_to,
        "training_program": support.training_program_id,
        "note": support.note,
    }


def _audit(support: ParticipantSupport, *, actor: User, before, after, note: str) -> None:
    audit_record(
        action=AuditAction.SUPPORT_CHANGED,
        actor=actor,
        obj=support,
        before=before,
        after=after,
        note=note,
    )


@transaction.atomic
def participant_support_create(*, actor: User, award: Award, data: dict) -> ParticipantSupport:
    """Record a payment to a person from ``award``; needs ``reporting.manage_support`` (the
    award's PI on their released award, or an administrator). Audited."""
    require(actor, "reporting.manage_support", award)
    support = ParticipantSupport(award=award, created_by=actor)
    _clean_support(support, {name: data.get(name) for name in SUPPORT_FIELDS})
    support.save()
    _audit(support, actor=actor, before=None, after=_snapshot(support), note="recorded")
    return support


@transaction.atomic
def participant_support_update(
    *, actor: User, support: ParticipantSupport, data: dict
) -> ParticipantSupport:
    """Change the fields given in ``data`` under the same rules as recording it. Audited with
    the values before."""
    require(actor, "reporting.manage_support", support.award)
    support = (
        ParticipantSupport.objects.select_for_update().select_related("award").get(pk=support.pk)
    )
    before = _snapshot(support)
    _clean_support(support, {name: data[name] for name in SUPPORT_FIELDS if name in data})
    support.save()
    _audit(support, actor=actor, before=before, after=_snapshot(support), note="changed")
    return support


@transaction.atomic
def participant_support_delete(*, actor: User, support: ParticipantSupport) -> None:
    """Remove a support record (a mistake; a payment made stays recorded). Audited."""
    require(actor, "reporting.manage_support", support.award)
    before = _snapshot(support)
    _audit(support, actor=actor, before=before, after=None, note="deleted")
    support.delete()


@transaction.atomic
def training_status_record(*, actor: User, award: Award, data: dict) -> TrainingStatus:
    """Set a person's current status in a training program (or in their training, with no
    program): enrolled, completed or left. Completed and left need the date, which cannot be in
    the future. One status per person and program, changed in place; each change is audited
    with the previous status and date. Needs ``reporting.manage_support`` on ``award``, and the
    person must be its PI or on its team."""
    require(actor, "reporting.manage_support", award)
    errors = FieldErrors()
    person = _person(award, data.get("person"), errors)
    program = _program(data.get("training_program"), errors)
    value = str(data.get("status") or "").strip()
    if value not in TrainingStatusValue.values:
        errors.add("status", "Choose enrolled, graduated / completed, or left.")
    on = _date(data.get("status_date"), "status_date", errors, required=False)
    if value in DATED_TRAINING_STATES and on is None and "status_date" not in errors:
        label = "completed" if value == TrainingStatusValue.COMPLETED else "left"
        errors.add("status_date", f"Give the date they {label}.")
    if value in DATED_TRAINING_STATES and on is not None and on > timezone.localdate():
        errors.add("status_date", "The date cannot be in the future.")
    errors.raise_if_any()
    status = (
        TrainingStatus.objects.select_for_update()
        .filter(person=person, training_program=program)
        .first()
    )
    before = None
    if status is None:
        status = TrainingStatus(person=person, training_program=program)
    else:
        before = {"status": status.status, "status_date": status.status_date}
    status.status, status.status_date = value, on
    status.award, status.updated_by = award, actor
    status.save()
    audit_record(
        action=AuditAction.STATE_CHANGED,
        actor=actor,
        obj=status,
        before=before,
        after={
            "status": value,
            "status_date": on,
            "training_program": program.pk if program else None,
            "award": award.pk,
        },
        note="training status",
    )
    return status
