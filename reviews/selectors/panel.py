"""The panel: each proposal's progress and votes, who has voted, and a member's ballot."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.models import User
from grants.models import FundingCall, Proposal

from .. import conflicts, scoring
from ..choices import REVIEW_STATES, PanelDisposition, ReviewPhase, ReviewStatus
from ..models import Assignment, CallReview, CommitteeMembership, FinalScore, PanelEntry, Review
from .committees import conflicted_reviewer_ids
from .scopes import results_hidden_ids

# ---- The panel --------------------------------------------------------------------------------


@dataclass
class PanelRow:
    proposal: Proposal
    entry: PanelEntry | None
    reviews_assigned: int | None  # None: the viewer is conflicted
    reviews_submitted: int | None
    preliminary_score: Decimal | None
    votes: int
    eligible_voters: int | None
    # The viewer is conflicted: show the row, never its scores.
    conflicted: bool = False
    # The viewer is assigned to it and their own review is not submitted (or the read phase
    # has not begun): the row keeps no scores either (the blind rule).
    awaiting_own_review: bool = False

    @property
    def hidden(self) -> bool:
        return self.conflicted or self.awaiting_own_review

    @property
    def disposition(self) -> str:
        return self.entry.disposition if self.entry else ""

    @property
    def is_discussed(self) -> bool:
        return self.entry is None or self.entry.disposition == PanelDisposition.DISCUSSED


def _submitted_impacts() -> tuple[Subquery, Subquery]:
    submitted = Review.objects.filter(
        assignment__proposal_id=OuterRef("pk"), status=ReviewStatus.SUBMITTED
    ).values("assignment__proposal_id")
    total = Subquery(
        submitted.annotate(s=Sum("overall_impact")).values("s"), output_field=IntegerField()
    )
    count = Subquery(submitted.annotate(n=Count("pk")).values("n"), output_field=IntegerField())
    return total, count


def _count_of(model, fk: str) -> Subquery:
    return Subquery(
        model.objects.filter(**{fk: OuterRef("pk")}).values(fk).annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


def panel_rows(call: FundingCall, *, viewer=None) -> list[PanelRow]:
    """The call's proposals under review, best preliminary score first (no score last), with
    their disposition, review progress and how many eligible members have voted.

    Rows of proposals the ``viewer`` is conflicted on keep their place but carry no scores.
    A fixed number of queries.
    """
    impact_total, impact_count = _submitted_impacts()
    proposals = list(
        Proposal.objects.filter(call=call, status__in=REVIEW_STATES)
        .select_related("pi", "panel_entry")
        .annotate(
            impact_total=Coalesce(impact_total, 0),
            impact_count=Coalesce(impact_count, 0),
            assigned_count=Coalesce(_count_of(Assignment, "proposal_id"), 0),
            vote_count=Coalesce(_count_of(FinalScore, "entry__proposal_id"), 0),
        )
        .order_by("submitted_at", "pk")
    )
    member_ids = _member_ids(call)
    conflicted = conflicts.conflicted_ids_by_proposal(proposals)
    blind = results_hidden_ids(viewer, [p.pk for p in proposals], call=call)
    rows = []
    for proposal in proposals:
        entry = getattr(proposal, "panel_entry", None)
        preliminary = scoring.preliminary_from_sum(proposal.impact_total, proposal.impact_count)
        hidden = proposal.pk in blind
        # A conflicted viewer learns nothing of it, not even how far its review has got.
        is_conflicted = viewer is not None and viewer.pk in conflicted[proposal.pk]
        rows.append(
            PanelRow(
                proposal=proposal,
                entry=None if hidden else entry,
                reviews_assigned=None if is_conflicted else proposal.assigned_count,
                reviews_submitted=None if is_conflicted else proposal.impact_count,
                preliminary_score=None if hidden else preliminary,
                votes=0 if hidden else proposal.vote_count,
                eligible_voters=None
                if is_conflicted
                else len(member_ids - conflicted[proposal.pk]),
                conflicted=is_conflicted,
                awaiting_own_review=hidden and not is_conflicted,
            )
        )
    rows.sort(
        key=lambda row: (
            row.preliminary_score is None,
            row.preliminary_score or Decimal(0),
            row.proposal.submitted_at,
            row.proposal.pk,
        )
    )
    return rows


def _member_ids(call: FundingCall) -> set[int]:
    review = CallReview.objects.filter(call=call).select_related("committee").first()
    if review is None:
        return set()
    ids = set(
        CommitteeMembership.objects.filter(committee_id=review.committee_id).values_list(
            "user_id", flat=True
        )
    )
    return ids | {review.committee.chair_id}


@dataclass
class VoteStatus:
    member: User
    voted: bool


def final_score_status(proposal: Proposal) -> list[VoteStatus]:
    """Each eligible (non-conflicted) committee member and whether they have entered their
    final score — what the chair sees while collecting votes (not the scores themselves)."""
    member_ids = _member_ids(proposal.call) - conflicted_reviewer_ids(proposal)
    voted = set(
        FinalScore.objects.filter(entry__proposal=proposal).values_list("member_id", flat=True)
    )
    members = User.objects.filter(pk__in=member_ids).order_by("last_name", "first_name", "pk")
    return [VoteStatus(member=m, voted=m.pk in voted) for m in members]


@dataclass
class BallotRow:
    proposal: Proposal
    entry: PanelEntry
    my_score: int | None


def ballot_for(user, call: FundingCall) -> list[BallotRow]:
    """The discussed proposals ``user`` may score at the panel, with their own score so far.
    Empty unless the call is in the panel phase and the user is on its committee."""
    review = CallReview.objects.filter(call=call).first()
    if review is None or review.phase != ReviewPhase.PANEL or user.pk not in _member_ids(call):
        return []
    mine = FinalScore.objects.filter(entry_id=OuterRef("pk"), member=user).values("score")[:1]
    entries = list(
        PanelEntry.objects.filter(
            proposal__call=call,
            proposal__status__in=REVIEW_STATES,
            disposition=PanelDisposition.DISCUSSED,
        )
        .exclude(proposal__pi=user)
        .select_related("proposal", "proposal__pi")
        .annotate(my_score=Subquery(mine, output_field=IntegerField()))
        .order_by("proposal__submitted_at", "proposal_id")
    )
    conflicted = conflicts.conflicted_proposal_ids(user, [e.proposal_id for e in entries])
    return [
        BallotRow(proposal=e.proposal, entry=e, my_score=e.my_score)
        for e in entries
        if e.proposal_id not in conflicted
    ]
