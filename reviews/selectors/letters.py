"""Letters of intent as the committee and the program office read them: which letters a
person may know exist here, the letters page of a call (each letter with one's own rating,
and — for the office and the chair — the mean and the count), and one letter's ratings.

Conflicts (reviews.conflicts.letter_conflict_of, in bulk here) hide a letter's ratings from the
person conflicted, whoever they are; members never read each other's ratings; applicants
never read any (the grants pages show them the office's decision and message only).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet

from accounts.choices import Role
from accounts.permissions import can
from grants.choices import LetterStatus
from grants.models import FundingCall, LetterOfIntent

from ..models import CallReview, LetterRating


def letters_for_committee(user) -> QuerySet[LetterOfIntent]:
    """The sent letters ``user`` may know exist as a reviewer: administrators every one; a
    committee's members and chair those of the calls it reviews; nobody else any. Look letters
    up through this so everything else answers 404."""
    qs = LetterOfIntent.objects.exclude(status=LetterStatus.DRAFT).select_related(
        "call", "call__program", "applicant", "decided_by"
    )
    if not user.is_authenticated:
        return qs.none()
    if user.has_role(Role.ADMINISTRATOR):
        return qs
    reviewed = CallReview.objects.filter(
        Q(committee__memberships__user_id=user.pk) | Q(committee__chair_id=user.pk)
    ).values("call_id")
    return qs.filter(call_id__in=reviewed)


def _mean(value) -> Decimal | None:
    """A mean rating to one decimal, rounded half up (2.25 -> 2.3), as the panel rounds."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LetterRow:
    """One letter on its call's letters page, as ``user`` may see it."""

    letter: LetterOfIntent
    own: LetterRating | None  # the user's rating or declared conflict
    conflicted: bool  # the user wrote it or declared a conflict: no ratings shown
    mean: Decimal | None  # for readers of ratings only; None when none (or hidden)
    count: int | None  # for readers of ratings only; None when hidden

    @property
    def awaiting_triage(self) -> bool:
        return self.letter.status == LetterStatus.SUBMITTED


def reads_call_letter_ratings(*, call: FundingCall, user) -> bool:
    """The office and the call's chair read the ratings of its letters (those they are not
    conflicted on: ``reviews.read_letter_ratings`` decides one letter)."""
    if not user.is_authenticated:
        return False
    return user.has_role(Role.ADMINISTRATOR) or (
        CallReview.objects.filter(call=call, committee__chair_id=user.pk).exists()
    )


def letter_rows(*, call: FundingCall, user) -> list[LetterRow]:
    """The call's sent letters for ``user``: each with their own rating; for the office and
    the chair (``reviews.read_letter_ratings``) the mean and count of the ratings, except on
    letters they are conflicted on. Three queries whatever the number of letters. Readers see
    the letters awaiting triage first, best mean first (unrated last); others submission
    order."""
    letters = list(letters_for_committee(user).filter(call=call).order_by("submitted_at", "pk"))
    ids = [letter.pk for letter in letters]
    own = {
        rating.letter_id: rating
        for rating in LetterRating.objects.filter(letter_id__in=ids, member_id=user.pk)
    }
    reads = reads_call_letter_ratings(call=call, user=user)
    totals = {}
    if reads:
        totals = {
            row["letter_id"]: row
            for row in LetterRating.objects.filter(letter_id__in=ids, rating__isnull=False)
            .values("letter_id")
            .annotate(mean=Avg("rating"), n=Count("pk"))
        }
    rows = []
    for letter in letters:
        mine = own.get(letter.pk)
        conflicted = letter.applicant_id == user.pk or bool(mine and mine.is_conflict)
        total = totals.get(letter.pk) if reads and not conflicted else None
        rows.append(
            LetterRow(
                letter=letter,
                own=mine,
                conflicted=conflicted,
                mean=_mean(total["mean"]) if total else None,
                count=(total["n"] if total else 0) if reads and not conflicted else None,
            )
        )
    if reads:
        rows.sort(
            key=lambda r: (
                not r.awaiting_triage,
                r.mean is None,
                r.mean or Decimal(0),
                r.letter.submitted_at,
                r.letter.pk,
            )
        )
    return rows


def letter_ratings_for(*, letter: LetterOfIntent, user) -> list[LetterRating]:
    """The ratings of ``letter`` that ``user`` may read: every one (declared conflicts
    included) for the office and the chair unless they are conflicted; their own for a
    member; nothing for anyone conflicted."""
    qs = LetterRating.objects.filter(letter=letter).select_related("member").order_by("pk")
    if can(user, "reviews.read_letter_ratings", letter):
        return list(qs)
    if can(user, "reviews.rate_letter", letter):
        return list(qs.filter(member_id=user.pk))
    return []


def letter_summary(ratings: list[LetterRating]) -> tuple[Decimal | None, int]:
    """The mean (one decimal, half up) and the count of the ratings given (conflicts leave
    none)."""
    given = [r.rating for r in ratings if r.rating is not None]
    if not given:
        return None, 0
    return _mean(Decimal(sum(given)) / len(given)), len(given)


def letters_awaiting_rating(user) -> list[tuple[FundingCall, int]]:
    """(call, how many of its letters await ``user``'s rating) for the two-stage calls whose
    committee ``user`` sits on: sent letters not yet decided, neither rated by them nor
    theirs nor declared a conflict with. Their dashboard links each to the letters page."""
    if not user.is_authenticated:
        return []
    reviewed = CallReview.objects.filter(
        Q(committee__memberships__user_id=user.pk) | Q(committee__chair_id=user.pk)
    ).values("call_id")
    counts = dict(
        LetterOfIntent.objects.filter(call_id__in=reviewed, status=LetterStatus.SUBMITTED)
        .exclude(applicant_id=user.pk)
        .exclude(ratings__member_id=user.pk)
        .values("call_id")
        .annotate(n=Count("pk"))
        .values_list("call_id", "n")
    )
    calls = FundingCall.objects.filter(pk__in=counts).order_by("closes_at", "pk")
    return [(call, counts[call.pk]) for call in calls]
