"""The funding order, with running totals and the pay line, for the ranking page and API."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import F

from accounts.permissions import can
from grants import lifecycle as grant_lifecycle
from grants import selectors as grant_selectors
from grants.choices import DECIDABLE_STATES, DecisionOutcome
from grants.models import Decision, FundingCall, Proposal

from ..choices import REVIEW_STATES
from ..models import PanelEntry
from .scopes import results_hidden_ids


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
    # For a reader who decides funding: what this and every higher-ranked proposal take from the
    # budget — a funded proposal its awarded amount, one decided otherwise nothing, an undecided
    # one what it requests (as if funded). For others: the requested amounts added up.
    running_total: Decimal
    within_budget: bool
    pay_line_before: bool
    # The reader may record (or change) its decision now: grants' decidable states, and the
    # call's stage allows decisions (Ranking.decisions_problem is empty).
    may_decide: bool = False
    # The call's budget less the running total: what is left if everything to here is funded
    # as the running total counts it (negative past the pay line).
    budget_left: Decimal = Decimal("0.00")
    # A limited submission: the sponsor's places this and every higher-ranked proposal take —
    # one for each nominated or not yet decided, none for one decided otherwise (None on a
    # call with money).
    places_taken: int | None = None
    places_left: int | None = None

    @property
    def over_budget_by(self) -> Decimal:
        return max(-self.budget_left, Decimal("0.00"))

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

    @property
    def unscored(self) -> bool:
        """No final impact score: not discussed, or the panel has not scored it."""
        return self.final_impact_score is None


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
    # A limited submission's nominees so far (decided, released or not), for deciders.
    nominated: int | None = None

    @property
    def limited(self) -> bool:
        """The call nominates to an external sponsor: its pay line is a number of places."""
        return self.call.is_limited_submission

    @property
    def places_left(self) -> int | None:
        if not self.limited or self.nominated is None:
            return None
        return self.call.nominations_allowed - self.nominated

    @property
    def remaining(self) -> Decimal | None:
        return None if self.committed is None else self.call.total_budget - self.committed

    # Proposals the reader could decide now in a batch: decidable, not hidden from them, and
    # with no released decision (those are changed one at a time).
    batch_decidable: bool = False

    @property
    def may_decide_several(self) -> bool:
        """The reader may record decisions now and some proposal is left to decide. A limited
        submission's few nominations are decided one at a time."""
        return (
            self.deciding
            and not self.decisions_problem
            and self.batch_decidable
            and not self.limited
        )

    @property
    def pay_line_page(self) -> int | None:
        if self.pay_line_rank is None:
            return None
        return (self.pay_line_rank - 1) // self.page.paginator.per_page + 1


def _budget_taken(requested: Decimal, decision: Decision | None) -> Decimal:
    """What a proposal takes from the call's budget in the running total: its awarded amount
    once funded, nothing once decided otherwise (not funded, waitlisted), and until decided
    what it requests, so the pay line shows where the money runs out if the rest is funded in
    order."""
    if decision is None:
        return requested
    if decision.outcome == DecisionOutcome.FUNDED:
        return decision.amount if decision.amount is not None else requested
    return Decimal("0.00")


def _places_taken(decision: Decision | None) -> int:
    """A limited submission's pay line counts places, not money: a nominated proposal takes
    one, and so does one not yet decided (as if nominated); one decided otherwise takes none."""
    if decision is None or decision.outcome == DecisionOutcome.NOMINATED:
        return 1
    return 0


@dataclass(frozen=True)
class _LineStep:
    """The pay line's count after one proposal of the funding order."""

    running_total: Decimal
    places_taken: int | None  # a limited submission's places; None on an ordinary call
    within: bool


class _PayLine:
    """Walks the funding order and says where the pay line falls: the money against the
    budget on an ordinary call (``_budget_taken``); the places against the sponsor's number on
    a limited submission (``_places_taken``), where the money is only added up for reading."""

    def __init__(self, call: FundingCall):
        self.call = call
        self.limited = call.is_limited_submission
        self.money = Decimal("0.00")
        self.places = 0

    def take(self, requested: Decimal, decision: Decision | None) -> _LineStep:
        if self.limited:
            self.money += requested
            self.places += _places_taken(decision)
            return _LineStep(self.money, self.places, self.places <= self.call.nominations_allowed)
        self.money += _budget_taken(requested, decision)
        return _LineStep(self.money, None, self.money <= self.call.total_budget)


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
    """The funding order with its running total and where the pay line falls, web page and API
    alike, in a fixed number of queries. For a reader who decides funding the running total
    counts what is decided (``_budget_taken``), so the pay line moves with the decisions; for
    others it adds up the requested amounts.

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
    # Deciders: every decision of the call in one narrow read; the page's rows use it too.
    decisions = (
        {
            d.proposal_id: d
            for d in Decision.objects.filter(call=call)
            .only("proposal_id", "outcome", "amount", "released_at")
            .order_by()
        }
        if deciding
        else {}
    )
    line = _PayLine(call)
    steps = [line.take(totals.get(pk, Decimal("0.00")), decisions.get(pk)) for pk in order]
    pay_line_rank = next(
        (rank for rank, step in enumerate(steps, start=1) if not step.within), None
    )
    shown = Paginator(order, per_page or max(1, len(order))).get_page(page)
    ids = list(shown.object_list)
    proposals = (
        Proposal.objects.filter(pk__in=ids)
        .select_related("pi", "panel_entry")
        .only(*RANKING_ROW_FIELDS)
        .order_by()
    )
    loaded = {p.pk: p for p in proposals}
    rows = []
    for rank, pk in enumerate(ids, start=shown.start_index() or 1):
        proposal = loaded[pk]
        proposal.budget_total = totals.get(pk, Decimal("0.00"))
        step = steps[rank - 1]
        rows.append(
            RankingRow(
                rank=rank,
                proposal=proposal,
                entry=getattr(proposal, "panel_entry", None),
                decision=decisions.get(pk),
                running_total=step.running_total,
                within_budget=step.within,
                budget_left=call.total_budget - step.running_total,
                places_taken=step.places_taken,
                places_left=(
                    None
                    if step.places_taken is None
                    else call.nominations_allowed - step.places_taken
                ),
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
        nominated=len(grant_selectors.call_nominees(call)) if deciding and line.limited else None,
        unreleased=(
            Decision.objects.filter(call=call, released_at__isnull=True).count() if deciding else 0
        ),
        page=shown,
        pay_line_rank=pay_line_rank,
        hidden_count=len(hidden),
        decisions_problem=decisions_problem,
        batch_decidable=deciding
        and not decisions_problem
        and Proposal.objects.filter(call=call, status__in=DECIDABLE_STATES)
        .exclude(pk__in=hidden)
        .exclude(decision__released_at__isnull=False)
        .exists(),
    )


# ---- Several decisions at once ---------------------------------------------------------------


@dataclass(frozen=True)
class BatchRow:
    """One proposal of a batch of decisions, with what recording it would change."""

    rank: int
    proposal: Proposal
    requested: Decimal
    current: Decision | None
    unscored: bool
    # Why it is left out of the batch ("" when it is in): already so decided, released, or
    # not decidable now.
    skipped: str = ""

    @property
    def changes(self) -> bool:
        return not self.skipped


@dataclass(frozen=True)
class DecisionBatch:
    """What recording ``outcome`` for the chosen proposals would do to the money: the page's
    confirmation and the API's dry run read it, and ``grants.services.decisions_record_many``
    records ``to_record``."""

    call: FundingCall
    outcome: str
    rows: list[BatchRow]
    committed_now: Decimal
    committed_after: Decimal
    # Why nothing can be recorded (no choice, an unknown rank...), or "".
    problem: str = ""

    @property
    def to_record(self) -> list[Proposal]:
        return [row.proposal for row in self.rows if row.changes]

    @property
    def funded_total(self) -> Decimal:
        """What the batch funds: the requested amounts of the proposals it funds."""
        if self.outcome != DecisionOutcome.FUNDED:
            return Decimal("0.00")
        return sum((row.requested for row in self.rows if row.changes), Decimal("0.00"))

    @property
    def remaining_after(self) -> Decimal:
        return self.call.total_budget - self.committed_after

    @property
    def over_budget(self) -> bool:
        return self.committed_after > self.call.total_budget

    @property
    def over_by(self) -> Decimal:
        return max(self.committed_after - self.call.total_budget, Decimal("0.00"))

    @property
    def unscored_count(self) -> int:
        return sum(1 for row in self.rows if row.changes and row.unscored)


def _batch_skip_reason(proposal: Proposal, current: Decision | None, outcome: str) -> str:
    if proposal.status not in DECIDABLE_STATES:
        return f"It is {proposal.get_status_display().lower()}: it cannot be decided."
    if current is not None and current.released_at is not None:
        return "Its decision is released; change it on its own."
    if current is not None and current.outcome == outcome:
        return f"Already decided: {current.get_outcome_display().lower()}."
    return ""


def decision_batch(
    call: FundingCall,
    *,
    user,
    outcome: str,
    proposal_ids: list[int] | None = None,
    rank_from: int | None = None,
    rank_to: int | None = None,
) -> DecisionBatch:
    """The proposals chosen by id, or by a range of ranks in the funding order the user sees
    (``ranking_for``'s ranks: hidden proposals are left out and take no rank), with what
    recording ``outcome`` for each would change. Funding is always at the requested amount;
    a reduced amount is decided one proposal at a time. A proposal already so decided, or
    whose decision is released, is listed but left out; ids not in the user's ranking make
    the whole batch refused (``problem``), never a hint of what they are."""
    funding_order = _funding_order(call)
    hidden = results_hidden_ids(user, [pk for pk, _ in funding_order], call=call)
    visible = [(pk, amount) for pk, amount in funding_order if pk not in hidden]
    rank_of = {pk: rank for rank, (pk, _amount) in enumerate(visible, start=1)}
    requested = dict(visible)
    committed_now = grant_selectors.call_committed_amount(call)
    problem = ""
    chosen: list[int] = []
    if call.is_limited_submission:
        problem = "A limited submission's nominations are decided one proposal at a time."
    elif outcome not in DecisionOutcome.values:
        problem = "Choose the decision: fund, waitlist or do not fund."
    elif proposal_ids:
        unknown = [pk for pk in proposal_ids if pk not in rank_of]
        if unknown:
            problem = "Some of the chosen proposals are not in this ranking; choose again."
        chosen = sorted(set(proposal_ids) & set(rank_of), key=rank_of.__getitem__)
    elif rank_from is not None or rank_to is not None:
        first, last = rank_from or 1, rank_to or len(visible)
        if not (1 <= first <= last <= len(visible)):
            problem = f"Give ranks from 1 to {len(visible)}, the first no higher than the last."
        else:
            chosen = [pk for pk, _amount in visible[first - 1 : last]]
    else:
        problem = "Choose the proposals: tick them in the ranking, or give a range of ranks."
    if problem:
        chosen = []
    decisions = {
        d.proposal_id: d for d in Decision.objects.filter(call=call, proposal_id__in=chosen)
    }
    loaded = {
        p.pk: p
        for p in Proposal.objects.filter(pk__in=chosen)
        .select_related("pi", "panel_entry")
        .only(*RANKING_ROW_FIELDS)
    }
    rows = []
    committed_after = committed_now
    for pk in chosen:
        current = decisions.get(pk)
        skipped = _batch_skip_reason(loaded[pk], current, outcome)
        entry = getattr(loaded[pk], "panel_entry", None)
        rows.append(
            BatchRow(
                rank=rank_of[pk],
                proposal=loaded[pk],
                requested=requested[pk],
                current=current,
                unscored=entry is None or entry.final_impact_score is None,
                skipped=skipped,
            )
        )
        if skipped:
            continue
        if current is not None and current.outcome == DecisionOutcome.FUNDED:
            committed_after -= current.amount or Decimal("0.00")
        if outcome == DecisionOutcome.FUNDED:
            committed_after += requested[pk]
    return DecisionBatch(
        call=call,
        outcome=outcome,
        rows=rows,
        committed_now=committed_now,
        committed_after=committed_after,
        problem=problem,
    )
