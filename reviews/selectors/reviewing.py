"""The reviewer's side: their queue, the review sheet, and the reviews they may read."""

from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.permissions import can
from grants import selectors as grant_selectors
from grants.models import Proposal

from ..choices import REVIEW_STATES, ROLE_ORDER, SCORE_DESCRIPTORS, ReviewPhase, ReviewStatus
from ..models import Assignment, CallReview, Criterion, CriterionScore, Review
from .committees import criteria_for

# ---- The reviewer's side ---------------------------------------------------------------------


def _criteria_count() -> Subquery:
    return Subquery(
        Criterion.objects.filter(call_id=OuterRef("proposal__call_id"))
        .values("call_id")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def _criteria_done() -> Subquery:
    return Subquery(
        CriterionScore.objects.filter(review__assignment_id=OuterRef("pk"))
        .filter(Q(score__isnull=False) | Q(sufficient__isnull=False))
        .values("review_id")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def reviewer_queue(user) -> QuerySet[Assignment]:
    """The user's assignments in calls still under review, soonest due first, in two queries.

    Each row has ``proposal`` (with ``call`` and ``call.call_review`` for the phase and due date),
    ``review_or_none``, and progress: ``criteria_total`` and ``criteria_done`` (criteria rated so
    far in the draft).
    """
    # The calls still under review, by id first: a handful. Left to the planner as a join, it
    # walked every proposal of those calls instead of the reviewer's own assignments.
    calls_in_review = list(
        CallReview.objects.exclude(phase=ReviewPhase.CLOSED).values_list("call_id", flat=True)
    )
    return (
        Assignment.objects.filter(
            reviewer=user,
            proposal__status__in=REVIEW_STATES,
            proposal__call_id__in=calls_in_review,
        )
        .select_related("proposal", "proposal__call", "proposal__call__call_review", "review")
        .defer(*(f"proposal__{name}" for name in grant_selectors.LONG_TEXT_FIELDS))
        .annotate(
            criteria_total=Coalesce(_criteria_count(), 0),
            criteria_done=Coalesce(_criteria_done(), 0),
        )
        .order_by(
            F("proposal__call__call_review__review_due_at").asc(nulls_last=True),
            "proposal__call_id",
            "proposal__title",
            "pk",
        )
    )


def assignment_for(user, proposal: Proposal) -> Assignment | None:
    return (
        Assignment.objects.filter(reviewer=user, proposal=proposal)
        .select_related("proposal", "proposal__call", "proposal__call__call_review", "review")
        .first()
    )


@dataclass
class ReviewSheet:
    """Everything the review form shows: the criteria in order, the review (None until the
    first save) and its scores keyed by criterion id."""

    assignment: Assignment
    review: Review | None
    criteria: list[Criterion]
    scores: dict[int, CriterionScore] = field(default_factory=dict)

    @property
    def descriptors(self) -> dict[int, str]:
        return SCORE_DESCRIPTORS


def review_sheet(assignment: Assignment) -> ReviewSheet:
    review = Review.objects.filter(assignment=assignment).first()
    scores = {}
    if review is not None:
        scores = {s.criterion_id: s for s in CriterionScore.objects.filter(review=review)}
    criteria = list(criteria_for(assignment.proposal.call))
    return ReviewSheet(assignment=assignment, review=review, criteria=criteria, scores=scores)


def _ordered_reviews(qs: QuerySet[Review]) -> list[Review]:
    """Stable order: primary, secondary, tertiary, readers; then by assignment."""
    return sorted(qs, key=lambda r: (ROLE_ORDER.index(r.assignment.role), r.assignment_id))


def reviews_readable_by(user, proposal: Proposal) -> list[Review]:
    """The submitted reviews of ``proposal`` the user may read (``reviews.read_reviews``),
    with reviewer and scores; empty when they may not (conflicted, or an assigned reviewer
    before submitting their own or before the read phase)."""
    if not can(user, "reviews.read_reviews", proposal):
        return []
    qs = (
        Review.objects.filter(assignment__proposal=proposal, status=ReviewStatus.SUBMITTED)
        .select_related("assignment", "assignment__reviewer")
        .prefetch_related(
            Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion"))
        )
    )
    return _ordered_reviews(qs)
