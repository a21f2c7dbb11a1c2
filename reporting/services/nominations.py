"""A limited-submission nominee's application to the external sponsor, and its result.

The internal call chose the nominee (grants.services.decision_record); what follows happens at
the sponsor, so the program office records it here. An award becomes the program's follow-on
funding, attributed to the nominee's own released awards from the program — the HRSA tables
and pilot outcomes count follow-on funding through awards (docs/invariants.md, "A nominee's
external award is follow-on funding").
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.models import User
from grants.choices import ProposalStatus
from grants.models import Award, Proposal

from ..choices import ExternalResult, FundingStatus, SponsorType
from ..models import ExternalSubmission, FollowOnFunding
from ._common import FieldErrors, require

EXTERNAL_FIELDS = (
    "submitted_on",
    "sponsor_reference",
    "result",
    "decided_on",
    "amount_awarded",
    "sponsor_type",
    "mechanism",
    "notes",
)

TEXT_FIELDS = ("sponsor_reference", "mechanism", "notes")


def nominee_awards(proposal: Proposal) -> list[Award]:
    """The nominee's released awards from the program, which an external award is follow-on
    funding of (the pilot money that led to it)."""
    return list(
        Award.objects.filter(
            proposal__pi_id=proposal.pi_id, proposal__decision__released_at__isnull=False
        ).order_by("start_date", "pk")
    )


def _check(values: dict, errors: FieldErrors, *, today: date) -> None:
    submitted_on = values.get("submitted_on")
    decided_on = values.get("decided_on")
    result = values.get("result") or ExternalResult.PENDING
    amount = values.get("amount_awarded")
    if result not in ExternalResult.values:
        errors.add("result", "Choose where the application stands.")
    if values.get("sponsor_type", SponsorType.NIH) not in SponsorType.values:
        errors.add("sponsor_type", "Choose the kind of sponsor.")
    if submitted_on is None:
        errors.add("submitted_on", "Give the date the application went to the sponsor.")
    elif submitted_on > today:
        errors.add("submitted_on", "The application cannot be submitted in the future.")
    if result in (ExternalResult.AWARDED, ExternalResult.NOT_AWARDED):
        if decided_on is None:
            errors.add("decided_on", "Give the date of the sponsor's decision.")
    elif result == ExternalResult.PENDING and decided_on is not None:
        errors.add("decided_on", "An application awaiting the sponsor has no decision date.")
    if decided_on is not None:
        if decided_on > today:
            errors.add("decided_on", "The decision cannot be in the future.")
        elif submitted_on is not None and decided_on < submitted_on:
            errors.add("decided_on", "The decision cannot come before the submission.")
    if result == ExternalResult.AWARDED:
        if amount is None:
            errors.add("amount_awarded", "Give the amount the sponsor awarded.")
        elif Decimal(amount) <= 0:
            errors.add("amount_awarded", "Enter an amount above zero.")
    elif amount is not None:
        errors.add("amount_awarded", "Only an awarded application has an amount awarded.")
    for name, limit in (("sponsor_reference", 100), ("mechanism", 40)):
        if len(values.get(name) or "") > limit:
            errors.add(name, f"Keep it to {limit} characters.")


def _feed_follow_on(record: ExternalSubmission) -> None:
    """Mirror an award into follow-on funding (create or update), or remove the record this
    submission fed once it is no longer awarded. Nothing is fed when the nominee holds no
    award from the program: follow-on funding is counted through awards."""
    proposal = record.proposal
    awards = nominee_awards(proposal)
    if record.result != ExternalResult.AWARDED or not awards:
        if record.follow_on_id:
            stale = record.follow_on
            record.follow_on = None
            record.save(update_fields=["follow_on"])
            stale.delete()
        return
    follow_on = record.follow_on or FollowOnFunding(recorded_by=record.recorded_by)
    follow_on.sponsor = proposal.call.sponsor
    follow_on.sponsor_type = record.sponsor_type
    follow_on.mechanism = record.mechanism or proposal.call.sponsor_opportunity[:40]
    follow_on.title = proposal.title
    follow_on.amount = record.amount_awarded
    follow_on.status = FundingStatus.AWARDED
    follow_on.applied_on = record.submitted_on
    follow_on.decided_on = record.decided_on
    follow_on.save()
    follow_on.awards.set(awards)
    if record.follow_on_id != follow_on.pk:
        record.follow_on = follow_on
        record.save(update_fields=["follow_on"])


def _snapshot(record: ExternalSubmission | None) -> dict:
    if record is None:
        return {}
    return {
        "submitted_on": str(record.submitted_on),
        "result": record.result,
        "decided_on": str(record.decided_on) if record.decided_on else None,
        "amount_awarded": str(record.amount_awarded) if record.amount_awarded else None,
    }


@transaction.atomic
def external_submission_save(
    *, actor: User, proposal: Proposal, values: dict
) -> ExternalSubmission:
    """Record (or correct) the nominee's application to the sponsor and its result: the
    program office only, and only for a proposal whose nomination is released. Every rule is
    a field error (nothing saved); an award feeds follow-on funding (``_feed_follow_on``)."""
    require(actor, "reporting.manage_reporting")
    proposal = Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)
    errors = FieldErrors()
    if proposal.status != ProposalStatus.NOMINATED:
        errors.add(
            "__all__",
            "Only a nominee's application to the sponsor is recorded here: this proposal is "
            f"{proposal.get_status_display().lower()}.",
        )
    _check(values, errors, today=timezone.localdate())
    errors.raise_if_any()
    record = ExternalSubmission.objects.filter(proposal=proposal).first()
    before = _snapshot(record)
    if record is None:
        record = ExternalSubmission(proposal=proposal, recorded_by=actor)
    for name in EXTERNAL_FIELDS:
        if name in values:
            value = values[name]
            if value is None and name in TEXT_FIELDS:
                value = ""
            setattr(record, name, value)
    record.result = record.result or ExternalResult.PENDING
    record.save()
    _feed_follow_on(record)
    audit_record(
        action=AuditAction.STATE_CHANGED,
        actor=actor,
        obj=proposal,
        before={"external_submission": before},
        after={"external_submission": _snapshot(record)},
        note="Application to the sponsor recorded.",
    )
    return record
