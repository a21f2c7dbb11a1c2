"""Call templates (issue #19): a new round of a call, started from a past one.

A copy takes everything that defines the competition — its text, budget rules, eligibility
rules, stages, blind review, word limits and required parts — and its review set-up (the
criteria, in their order, and the committee with its chair and members), and nothing of the
past round's history: no proposals, letters of intent, reviews, decisions, awards or
eligibility exceptions. It starts as a draft with dates of its own.

Every field and relation of ``FundingCall`` is named once below, as copied or not, with the
reason: tests/grants/test_call_copy.py fails on one named in neither, so a new field of the
call is a decision, not an accident. Adding a field that a new round keeps is one line in
``COPIED_FIELDS``.
"""

import copy as copying
import re
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from ..choices import CallStatus
from ..models import FundingCall
from ..validators import call_dates_errors
from ._common import require
from .history import record_state_change

# Sent inside the copying transaction with source=, new=, actor= and shift= (the new deadline
# less the source's): the apps above grants copy what they own of a call.
call_copied = Signal()

# What a copy takes from its source, as it is.
COPIED_FIELDS = (
    "program",
    "description",
    # Who may apply
    "eligible_applicant_types",
    "eligible_departments",
    "requires_faculty_mentor",
    "requires_community_partner",
    "first_time_applicants_only",
    "excludes_current_awardees",
    "eligibility_notes",
    # Stages and review
    "letter_of_intent",
    "blind_review",
    "reviewers_per_proposal",
    # Budget rules
    "total_budget",
    "max_award",
    "duration_months",
    # What an application holds
    "one_per_applicant",
    "abstract_word_limit",
    "aims_word_limit",
    "strategy_word_limit",
    "required_sections",
    "required_attachments",
    "time_zone",
    # A limited submission (its opportunity number is edited while the copy is a draft)
    "nominations_allowed",
    "sponsor",
    "sponsor_opportunity",
)

# The related rows that make up the review set-up, copied by reviews.services.call_copy.
COPIED_RELATIONS = {  # by reviews.services.call_copy, on ``call_copied``
    "review_criteria": "The criteria reviewers rate, with their kind, description and order.",
    "call_review": "The committee (its chair and members), reviewers per proposal, and the "
    "review's due date moved with the deadline.",
}

# What a copy does not take from its source, and why.
NOT_COPIED = {
    "id": "The copy is a new call.",
    "title": "Given for the new round (the source's, a year on, unless another is given).",
    "opens_at": "Given for the new round.",
    "closes_at": "Given for the new round.",
    "letters_close_at": "Given for the new round (when it opens with a letter of intent).",
    "sponsor_deadline": "Moved with the deadline (a limited submission's).",
    "copied_from": "Set to the source.",
    "status": "A copy starts as a draft.",
    "committee_review_open": "Set by the reviews app when the committee is attached.",
    "created_at": "When the copy is made.",
    # The past round's history
    "proposals": "The past round's applications.",
    "letters": "The past round's letters of intent.",
    "decisions": "The past round's funding decisions.",
    "awards": "The past round's awards.",
    "eligibility_exceptions": "Granted to a person for one round.",
    "copies": "Calls started from the source later.",
}

TITLE_MAX = FundingCall._meta.get_field("title").max_length

# A year in a title ("2025"), or an academic year ("2025–26", "2025-2026", "2025/26").
_YEARS = re.compile(r"\b((?:19|20)\d{2})(?:([–/-])((?:19|20)?\d{2}))?\b")


def _years_on(moment: datetime, years: int, zone) -> datetime:
    """``moment`` ``years`` later by the calendar of ``zone``: the same local date and time of
    day (February 29 becomes February 28), whatever daylight saving does in between."""
    local = timezone.localtime(moment, zone)
    try:
        later = local.replace(year=local.year + years)
    except ValueError:  # February 29 in a year without one
        later = local.replace(year=local.year + years, day=28)
    # Through UTC: a local time that daylight saving skips that day lands on a real one.
    return later.astimezone(UTC).astimezone(zone)


def _title_years_on(title: str, years: int, year: int) -> str:
    """The title with each year in it ``years`` later, or with ``year`` added if it names
    none."""

    def later(match: re.Match) -> str:
        first = str(int(match.group(1)) + years)
        if not match.group(3):
            return first
        end = match.group(3)
        second = str(int(end) + years)
        if len(end) == 2:
            second = f"{int(second) % 100:02d}"
        return f"{first}{match.group(2)}{second}"

    renamed, found = _YEARS.subn(later, title)
    return (renamed if found else f"{title} {year}")[:TITLE_MAX]


def call_copy_defaults(source: FundingCall, *, now: datetime | None = None) -> dict:
    """What the copy form offers: the source's dates moved on by whole years in the call's
    time zone — one year, or as many as bring the opening into the future — and its title
    with its years moved on as many."""
    now = now or timezone.now()
    zone = source.zone
    years = 1
    try:
        while _years_on(source.opens_at, years, zone) <= now:
            years += 1
        _years_on(max(source.closes_at, source.opens_at), years, zone)
    except (ValueError, OverflowError):  # past the end of the calendar: offer its own dates
        years = 0
    opens_at = _years_on(source.opens_at, years, zone)
    return {
        "title": _title_years_on(source.title, years, opens_at.year),
        "opens_at": opens_at,
        "closes_at": _years_on(source.closes_at, years, zone),
        "letters_close_at": (
            _years_on(source.letters_close_at, years, zone)
            if source.letter_of_intent and source.letters_close_at
            else None
        ),
    }


@transaction.atomic
def call_copy(
    *,
    source: FundingCall,
    actor,
    opens_at: datetime,
    closes_at: datetime,
    letters_close_at: datetime | None = None,
    title: str | None = None,
) -> FundingCall:
    """A new draft call copied from ``source`` (administrators only): the fields in
    ``COPIED_FIELDS`` as they are, its criteria and its committee, with ``copied_from`` set
    and the dates given — validated as for a new call (in the future, the deadline after the
    opening, the letters due between them on a call with a letter-of-intent stage). Without a
    ``title``, the source's with its years moved on. Refused with field errors and nothing
    saved. Audited as the new call's first state (a history row and an audit entry naming the
    source); attaching the committee is audited by the reviews app."""
    require(actor, "grants.manage_calls")
    title = " ".join((title or "").split())
    errors = call_dates_errors(
        opens_at=opens_at,
        closes_at=closes_at,
        letter_of_intent=source.letter_of_intent,
        letters_close_at=letters_close_at,
        now=timezone.now(),
    )
    if len(title) > TITLE_MAX:
        errors["title"] = [f"Keep the title to {TITLE_MAX} characters."]
    if errors:
        raise ValidationError(errors)
    if not title:
        local_year = timezone.localtime(opens_at, source.zone).year
        years = max(1, local_year - timezone.localtime(source.opens_at, source.zone).year)
        title = _title_years_on(source.title, years, local_year)
    new = FundingCall.objects.create(
        **{name: copying.deepcopy(getattr(source, name)) for name in COPIED_FIELDS},
        title=title,
        opens_at=opens_at,
        closes_at=closes_at,
        letters_close_at=letters_close_at if source.letter_of_intent else None,
        sponsor_deadline=(
            source.sponsor_deadline + (closes_at - source.closes_at)
            if source.sponsor_deadline
            else None
        ),
        status=CallStatus.DRAFT,
        copied_from=source,
    )
    record_state_change(
        obj=new,
        from_state="",
        to_state=CallStatus.DRAFT,
        actor=actor,
        reason=f"Copied from “{source.title}” (call {source.pk}).",
        after={
            "state": CallStatus.DRAFT,
            "copied_from": source.pk,
            "title": new.title,
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
            "letters_close_at": new.letters_close_at and new.letters_close_at.isoformat(),
        },
    )
    # The review set-up (criteria, committee) is the reviews app's, above grants: its receiver
    # copies it inside this transaction (reviews.services.call_copy), so a refusal there
    # leaves no copy at all.
    call_copied.send(
        sender=FundingCall, source=source, new=new, actor=actor, shift=closes_at - source.closes_at
    )
    new.refresh_from_db()
    return new
