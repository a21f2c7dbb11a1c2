"""Awards: their dates, and their one state-change function."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..choices import AWARD_TRANSITIONS, AwardStatus
from ..models import Award, FundingCall
from ._common import InvalidTransition, require
from .history import record_state_change


def award_dates(*, call: FundingCall, decided_on: date) -> tuple[date, date]:
    """Awards start on the first of the month after the decision and run the call's duration."""
    year, month = (decided_on.year, decided_on.month + 1)
    if month == 13:
        year, month = year + 1, 1
    start = date(year, month, 1)
    months = start.month - 1 + call.duration_months
    end = date(start.year + months // 12, months % 12 + 1, 1) - timedelta(days=1)
    return start, end


@transaction.atomic
def award_transition(
    *,
    award: Award,
    to: str,
    actor: User,
    reason: str = "",
    new_end_date: date | None = None,
    ended_on: date | None = None,
) -> Award:
    """The only code that changes an award's status, with history.

    A no-cost extension needs a later ``new_end_date``; closing or terminating records
    ``ended_on`` (default today), which becomes the effective end when earlier than the end.
    """
    require(actor, "grants.manage_awards", award)
    award = Award.objects.select_for_update().get(pk=award.pk)
    if to not in AWARD_TRANSITIONS[award.status]:
        raise InvalidTransition(
            f"An award that is {award.get_status_display().lower()} cannot become "
            f"{AwardStatus(to).label.lower()}."
        )
    reason = (reason or "").strip()
    fields = ["status"]
    if to == AwardStatus.NO_COST_EXTENSION:
        if new_end_date is None or new_end_date <= award.end_date:
            raise ValidationError(
                {"new_end_date": [f"Give a new end date after {award.end_date:%B %-d, %Y}."]}
            )
        reason = reason or (
            f"Extended from {_day(award.end_date)} to {_day(new_end_date)}."  # as pages show dates
        )
        award.end_date = new_end_date
        fields.append("end_date")
    if to in (AwardStatus.CLOSED, AwardStatus.TERMINATED):
        if to == AwardStatus.TERMINATED and not reason:
            raise ValidationError({"reason": ["Give the reason for terminating the award."]})
        award.ended_on = ended_on or timezone.localdate()
        if award.ended_on < award.start_date:
            raise ValidationError({"ended_on": ["The end cannot be before the award started."]})
        fields.append("ended_on")
    previous = award.status
    award.status = to
    award.save(update_fields=fields)
    record_state_change(obj=award, from_state=previous, to_state=to, actor=actor, reason=reason)
    return award


def _day(day: date) -> str:
    """A date as the pages show it: "Sep 2, 2025"."""
    return f"{day:%b} {day.day}, {day.year}"
