"""Reads for committee review, shaped for the pages that show them.

List selectors run a fixed number of queries whatever the number of rows. None of them joins
applicants' demographics — reviewers never see them, and no page here needs them.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.permissions import can
from grants import lifecycle as grant_lifecycle
from grants import selectors as grant_selectors
from grants.choices import DECIDABLE_STATES, ProposalStatus
from grants.models import Decision, FundingCall, Proposal, TeamMember

from . import conflicts, scoring
from .choices import (
    PANEL_PHASES,
    READ_PHASES,
    REVIEW_STATES,
    ROLE_ORDER,
    SCORE_DESCRIPTORS,
    CriterionKind,
    PanelDisposition,
    ReviewPhase,
    ReviewStatus,
)
from .models import (
    Assignment,
    CallReview,
    Committee,
    CommitteeMembership,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    FinalScore,
    PanelEntry,
    Review,
)

# ---- Who may see a proposal's results ---------------------------------------------------------


def results_hidden_ids(user, proposal_ids, *, call: FundingCall) -> set[int]:
    """Ids among ``proposal_ids`` (all of ``call``) whose results — scores, critiques,
    preliminary score, ranking position, summary statement — ``user`` may not see now: those
    they are conflicted on, and those they are assigned to review without having submitted
    their own review in the read phase or later. The bulk form of
    permissions.is_blind_to_results, asked by the panel and the ranking (page and API alike);
    two queries, each narrowed to the user and the call."""
    if user is None or not getattr(user, "pk", None):
        return set()
    ids = set(proposal_ids)
    if not ids:
        return set()
    # Narrowed by the user and the call, never an IN list of the call's proposals.
    hidden = set(
        Proposal.objects.filter(call=call)
        .filter(Q(pi_id=user.pk) | Q(team__user_id=user.pk) | Q(conflicts__reviewer_id=user.pk))
        .values_list("pk", flat=True)
        .distinct()
    )
    own = Assignment.objects.filter(reviewer_id=user.pk, proposal__call=call).values_list(
        "proposal_id", "review__status", "proposal__call__call_review__phase"
    )
    for proposal_id, status, phase in own:
        if status != ReviewStatus.SUBMITTED or phase not in READ_PHASES:
            hidden.add(proposal_id)
    return hidden & ids


# ---- Committees and set-up --------------------------------------------------------------------


def call_review_for(call: FundingCall) -> CallReview | None:
    return (
        CallReview.objects.filter(call=call).select_related("committee", "committee__chair").first()
    )


def committees_list() -> QuerySet[Committee]:
    return Committee.objects.select_related("chair").annotate(member_count=Count("memberships"))


def open_assignment_counts(committee: Committee) -> dict[int, int]:
    """{user id: assignments they hold} across the committee's calls that are not closed."""
    rows = (
        Assignment.objects.filter(proposal__call__call_review__committee=committee)
        .exclude(proposal__call__call_review__phase=ReviewPhase.CLOSED)
        .values("reviewer_id")
        .annotate(n=Count("pk"))
    )
    return {row["reviewer_id"]: row["n"] for row in rows}


def committee_members(committee: Committee) -> QuerySet[CommitteeMembership]:
    """The members with their current load (``open_assignments``) next to their cap."""
    load = (
        Assignment.objects.filter(
            reviewer_id=OuterRef("user_id"),
            proposal__call__call_review__committee_id=OuterRef("committee_id"),
        )
        .exclude(proposal__call__call_review__phase=ReviewPhase.CLOSED)
        .values("reviewer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        CommitteeMembership.objects.filter(committee=committee)
        .select_related("user")
        .annotate(open_assignments=Coalesce(Subquery(load, output_field=IntegerField()), 0))
        .order_by("user__last_name", "user__first_name", "pk")
    )


def criteria_for(call: FundingCall) -> QuerySet[Criterion]:
    return Criterion.objects.filter(call=call).order_by("position", "pk")


def conflicted_reviewer_ids(proposal: Proposal, *, for_results: bool = False) -> set[int]:
    """Ids of every user conflicted on the proposal: declared conflicts, the PI, the team
    (the mentor included). ``for_results`` leaves out conflicts declared after the review
    closed (they never rewrite results; conflicts.conflicted_ids_by_proposal)."""
    return conflicts.conflicted_ids_by_proposal([proposal], for_results=for_results)[proposal.pk]


def conflicts_for_call(call: FundingCall) -> QuerySet[ConflictOfInterest]:
    return (
        ConflictOfInterest.objects.filter(proposal__call=call)
        .select_related("reviewer", "proposal")
        .order_by("proposal__title", "proposal_id", "reviewer__last_name", "pk")
    )


def conflicts_declared_by(user) -> QuerySet[ConflictOfInterest]:
    return ConflictOfInterest.objects.filter(reviewer=user).select_related(
        "proposal", "proposal__call"
    )


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


def proposals_visible_to_reviewer(user) -> QuerySet[Proposal]:
    """Proposals the user may open as a reviewer or chair (``reviews.open_proposal``); look
    proposals up through this so everything else answers 404.

    Never the ones they are conflicted on, whoever they are.
    """
    if not user.is_authenticated:
        return Proposal.objects.none()
    certified = Assignment.objects.filter(
        reviewer=user, certified_no_conflict_at__isnull=False
    ).values("proposal_id")
    chaired = CallReview.objects.filter(committee__chair=user).values("call_id")
    in_panel = CallReview.objects.filter(
        committee__memberships__user=user, phase__in=PANEL_PHASES
    ).values("call_id")
    return (
        Proposal.objects.filter(status__in=REVIEW_STATES)
        .filter(Q(pk__in=certified) | Q(call_id__in=chaired) | Q(call_id__in=in_panel))
        .exclude(pi=user)
        .exclude(pk__in=TeamMember.objects.filter(user=user).values("proposal_id"))
        .exclude(pk__in=ConflictOfInterest.objects.filter(reviewer=user).values("proposal_id"))
        .select_related("call", "call__program", "pi")
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


# ---- The chair's side: assignments and progress -----------------------------------------------


def assignment_board(call: FundingCall) -> QuerySet[Proposal]:
    """The call's proposals under review with their assignments (reviewer, review status) and
    declared conflicts, for the chair's assignment page; fixed number of queries."""
    return (
        Proposal.objects.filter(call=call, status=ProposalStatus.IN_REVIEW)
        .select_related("pi")
        .prefetch_related(
            Prefetch(
                "review_assignments",
                queryset=Assignment.objects.select_related("reviewer", "review").order_by("pk"),
            ),
            Prefetch("conflicts", queryset=ConflictOfInterest.objects.select_related("reviewer")),
            Prefetch("team", queryset=TeamMember.objects.filter(user__isnull=False)),
        )
        .order_by("submitted_at", "pk")
    )


def conflicts_declared_after_review_closed(call: FundingCall, *, viewer) -> list:
    """Conflicts declared once the call's review had closed (they changed no result), for the
    administrators' attention on the call's review page — apart from those on proposals the
    viewer is conflicted on, of which they see nothing."""
    late = list(
        ConflictOfInterest.objects.filter(proposal__call=call, after_review_closed=True)
        .select_related("proposal", "reviewer", "declared_by")
        .order_by("declared_at", "pk")
    )
    hidden = results_hidden_ids(viewer, {c.proposal_id for c in late}, call=call)
    return [c for c in late if c.proposal_id not in hidden]


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


def _score_key(row: tuple) -> tuple:
    """Final impact score, then percentile, missing values last."""
    _pk, _requested, final_impact_score, percentile = row
    return (
        final_impact_score is None,
        final_impact_score or 0,
        percentile is None,
        percentile or 0,
    )


def _funding_order(call: FundingCall) -> list[tuple[int, Decimal]]:
    """(id, amount requested) of the call's reviewed proposals in funding order: final impact
    score, then percentile, then earlier submission; not-discussed (unscored) proposals last.

    The proposals come in submission order (an index walk), then a stable sort by score keeps
    that order among ties: O(N log N) in Python. As one query with ORDER BY over the join,
    PostgreSQL read every panel entry of every call to rank one call's. The amount requested is
    the budget total — submission requires them equal and the budget is locked from then on — so
    no budget line is read.
    """
    proposals = (
        Proposal.objects.filter(call=call, status__in=REVIEW_STATES)
        .order_by(F("submitted_at").asc(nulls_last=True), "pk")
        .values_list("pk", "requested_amount")
    )
    entries = {
        pk: (final_impact_score, percentile)
        for pk, final_impact_score, percentile in PanelEntry.objects.filter(proposal__call=call)
        .order_by()
        .values_list("proposal_id", "final_impact_score", "percentile")
    }
    rows = [(pk, requested, *entries.get(pk, (None, None))) for pk, requested in proposals]
    rows.sort(key=_score_key)
    return [(pk, requested or Decimal("0.00")) for pk, requested, _score, _pct in rows]


def ranking_order(call: FundingCall) -> list[int]:
    """Ids of the call's reviewed proposals in funding order (``_funding_order``)."""
    return [pk for pk, _requested in _funding_order(call)]


def ranking(call: FundingCall) -> list[Proposal]:
    """The call's reviewed proposals in funding order (``ranking_order``), each with ``pi`` and
    ``panel_entry`` (or none) loaded."""
    order = ranking_order(call)
    loaded = Proposal.objects.filter(pk__in=order).select_related("pi", "panel_entry").order_by()
    by_pk = {proposal.pk: proposal for proposal in loaded}
    return [by_pk[pk] for pk in order]


@dataclass(frozen=True)
class RankingRow:
    """One proposal in the funding order (one the reader may see: ranking_for leaves out the
    rest)."""

    rank: int
    proposal: Proposal
    entry: PanelEntry | None
    decision: Decision | None
    running_total: Decimal
    within_budget: bool
    pay_line_before: bool
    # The reader may record (or change) its decision now: grants' decidable states, and the
    # call's stage allows decisions (Ranking.decisions_problem is empty).
    may_decide: bool = False

    @property
    def disposition(self) -> str:
        return self.entry.disposition if self.entry else ""

    @property
    def final_impact_score(self) -> int | None:
        return self.entry.final_impact_score if self.entry else None

    @property
    def percentile(self) -> int | None:
        return self.entry.percentile if self.entry else None

    @property
    def submitted_at(self):
        return self.proposal.submitted_at

    @property
    def requested_amount(self) -> Decimal:
        return self.proposal.budget_total


@dataclass(frozen=True)
class Ranking:
    call: FundingCall
    rows: list[RankingRow]
    deciding: bool  # the reader decides funding: decisions and committed amounts are shown
    committed: Decimal | None
    unreleased: int
    page: Page  # which part of the order ``rows`` are (all of it when not paginated)
    pay_line_rank: int | None  # the first rank past the budget; None if everything fits
    # Proposals left out because the reader may not see their results (results_hidden_ids).
    hidden_count: int = 0
    # Why decisions cannot be recorded now (grants.lifecycle.decisions_problem), or "".
    decisions_problem: str = ""

    @property
    def remaining(self) -> Decimal | None:
        return None if self.committed is None else self.call.total_budget - self.committed

    @property
    def pay_line_page(self) -> int | None:
        if self.pay_line_rank is None:
            return None
        return (self.pay_line_rank - 1) // self.page.paginator.per_page + 1


# What a ranking row shows (page and API): at thousands of rows, loading whole proposals and
# users (every text section, every date) was most of the page's time.
RANKING_ROW_FIELDS = (
    "id",
    "title",
    "status",
    "submitted_at",
    "call_id",
    "pi__id",
    "pi__username",
    "pi__first_name",
    "pi__last_name",
    "panel_entry__id",
    "panel_entry__disposition",
    "panel_entry__final_impact_score",
    "panel_entry__percentile",
)


def ranking_for(
    call: FundingCall, *, user, page: int | str | None = 1, per_page: int | None = None
) -> Ranking:
    """The funding order with the running total of requested budgets and where the pay line
    falls, web page and API alike, in a fixed number of queries.

    Every running total comes from the whole order, read narrowly (``_funding_order``); only
    the rows of the page asked for (``per_page`` at a time, or all) are loaded in full, with
    their decisions.

    Proposals whose results the user may not see (conflicted, or assigned without their own
    review submitted: ``results_hidden_ids``) are left out of the order altogether, so neither
    a rank, a gap nor a running total gives their place away; ``hidden_count`` says how many.
    """
    deciding = can(user, "grants.manage_calls")
    decisions_problem = grant_lifecycle.decisions_problem(call) if deciding else ""
    funding_order = _funding_order(call)
    hidden = results_hidden_ids(user, [pk for pk, _ in funding_order], call=call)
    if hidden:
        funding_order = [(pk, amount) for pk, amount in funding_order if pk not in hidden]
    order = [pk for pk, _requested in funding_order]
    totals = dict(funding_order)
    running = Decimal("0.00")
    running_totals: list[Decimal] = []
    pay_line_rank = None
    for rank, pk in enumerate(order, start=1):
        running += totals.get(pk, Decimal("0.00"))
        running_totals.append(running)
        if pay_line_rank is None and running > call.total_budget:
            pay_line_rank = rank
    shown = Paginator(order, per_page or max(1, len(order))).get_page(page)
    ids = list(shown.object_list)
    proposals = (
        Proposal.objects.filter(pk__in=ids)
        .select_related("pi", "panel_entry")
        .only(*RANKING_ROW_FIELDS)
        .order_by()
    )
    loaded = {p.pk: p for p in proposals}
    decisions = (
        {
            d.proposal_id: d
            for d in Decision.objects.filter(call=call, proposal_id__in=ids)
            .only("proposal_id", "outcome", "amount", "released_at")
            .order_by()
        }
        if deciding
        else {}
    )
    rows = []
    for rank, pk in enumerate(ids, start=shown.start_index() or 1):
        proposal = loaded[pk]
        proposal.budget_total = totals.get(pk, Decimal("0.00"))
        rows.append(
            RankingRow(
                rank=rank,
                proposal=proposal,
                entry=getattr(proposal, "panel_entry", None),
                decision=decisions.get(pk),
                running_total=running_totals[rank - 1],
                within_budget=running_totals[rank - 1] <= call.total_budget,
                pay_line_before=rank == pay_line_rank,
                may_decide=deciding
                and not decisions_problem
                and proposal.status in DECIDABLE_STATES,
            )
        )
    return Ranking(
        call=call,
        rows=rows,
        deciding=deciding,
        committed=grant_selectors.call_committed_amount(call) if deciding else None,
        unreleased=(
            Decision.objects.filter(call=call, released_at__isnull=True).count() if deciding else 0
        ),
        page=shown,
        pay_line_rank=pay_line_rank,
        hidden_count=len(hidden),
        decisions_problem=decisions_problem,
    )


# ---- The summary statement ----------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionRating:
    """One reviewer's rating of one criterion, as the applicant reads it."""

    criterion: str
    kind: str
    score: int | None
    sufficient: bool | None
    rating: str  # "2 (Outstanding)", "Sufficient", "Insufficient" or "—"
    explanation: str
    strengths: str
    weaknesses: str


@dataclass(frozen=True)
class Critique:
    label: str  # "Reviewer 1": never a name
    overall_impact: str
    comments_to_applicant: str
    ratings: tuple[CriterionRating, ...]


@dataclass(frozen=True)
class CriterionSummary:
    criterion: str
    kind: str
    ratings: tuple[str, ...]  # one per reviewer, in the critiques' order


@dataclass(frozen=True)
class SummaryStatement:
    """What the applicant receives. Plain values only: no reviewer, no confidential comments."""

    proposal_id: int
    proposal_title: str
    call_title: str
    pi_name: str
    disposition: str  # "discussed", "not_discussed" or "" before the panel
    final_impact_score: int | None
    percentile: int | None
    criteria: tuple[CriterionSummary, ...]
    critiques: tuple[Critique, ...]
    resume_of_discussion: str

    @property
    def not_discussed(self) -> bool:
        return self.disposition == PanelDisposition.NOT_DISCUSSED


def _rating_text(criterion: Criterion, score: CriterionScore | None) -> str:
    if score is None:
        return "—"
    if criterion.kind == CriterionKind.SUFFICIENCY:
        if score.sufficient is None:
            return "—"
        return "Sufficient" if score.sufficient else "Insufficient"
    if score.score is None:
        return "—"
    return f"{score.score} ({SCORE_DESCRIPTORS[score.score]})"


def summary_statement(proposal: Proposal) -> SummaryStatement:
    """The summary statement's content: final score and percentile (or not discussed), each
    criterion's ratings, each submitted review's text as "Reviewer 1, 2, 3" in a stable order
    (primary, secondary, tertiary, readers), and the resume of discussion.

    Reviews of anyone conflicted on the proposal are left out. A fixed number of queries.
    """
    proposal = Proposal.objects.select_related("call", "pi").get(pk=proposal.pk)
    entry = PanelEntry.objects.filter(proposal=proposal).first()
    criteria = list(criteria_for(proposal.call))
    excluded = conflicted_reviewer_ids(proposal, for_results=True)
    reviews = _ordered_reviews(
        Review.objects.filter(assignment__proposal=proposal, status=ReviewStatus.SUBMITTED)
        .exclude(assignment__reviewer_id__in=excluded)
        .select_related("assignment")
        .prefetch_related("scores")
    )
    critiques = []
    per_criterion: dict[int, list[str]] = {c.pk: [] for c in criteria}
    for number, review in enumerate(reviews, start=1):
        by_criterion = {s.criterion_id: s for s in review.scores.all()}
        ratings = []
        for criterion in criteria:
            score = by_criterion.get(criterion.pk)
            text = _rating_text(criterion, score)
            per_criterion[criterion.pk].append(text)
            ratings.append(
                CriterionRating(
                    criterion=criterion.name,
                    kind=criterion.kind,
                    score=score.score if score else None,
                    sufficient=score.sufficient if score else None,
                    rating=text,
                    explanation=score.explanation if score else "",
                    strengths=score.strengths if score else "",
                    weaknesses=score.weaknesses if score else "",
                )
            )
        critiques.append(
            Critique(
                label=f"Reviewer {number}",
                overall_impact=review.overall_paragraph,
                comments_to_applicant=review.comments_to_applicant,
                ratings=tuple(ratings),
            )
        )
    discussed = entry is not None and entry.disposition == PanelDisposition.DISCUSSED
    return SummaryStatement(
        proposal_id=proposal.pk,
        proposal_title=proposal.title,
        call_title=proposal.call.title,
        pi_name=proposal.pi.display_name,
        disposition=entry.disposition if entry else "",
        final_impact_score=entry.final_impact_score if discussed else None,
        percentile=entry.percentile if discussed else None,
        criteria=tuple(
            CriterionSummary(criterion=c.name, kind=c.kind, ratings=tuple(per_criterion[c.pk]))
            for c in criteria
        ),
        critiques=tuple(critiques),
        resume_of_discussion=entry.resume_of_discussion if discussed else "",
    )
