"""Pilot outcomes, the CTSA common metric: of the awards that ended at least 1, 2 and 3 years
before a date, the share that led to a publication, the share that led to follow-on funding,
and the follow-on dollars per dollar awarded — overall, by call, by the PI's position and by
population. Read for the program dashboard, its workbook sheet and the API.

The definitions below are printed under the chart, the workbook's table and in the API's
answer, so the three never say different things.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import OuterRef, Q, Subquery, TextField
from django.db.models.functions import Cast

from accounts.choices import FACULTY_TYPES, TRAINEE_TYPES
from grants.choices import DisparityPopulation
from grants.models import FundingCall

from .choices import FundingStatus
from .hrsa.people import released_awards
from .models import FollowOnFunding, Publication
from .one_sheet import OneSheetWorkbook

WINDOWS = (1, 2, 3)
ZERO = Decimal("0.00")

DEFINITIONS = (
    (
        "Ended at least N years ago",
        "Released awards whose effective end (the end date, or the close or termination date "
        "when earlier) is on or before the as-of date moved back N years (29 February moves "
        "back to 28 February). An award that ended 3 years ago is in all three windows.",
    ),
    (
        "With a publication",
        "The share of those awards with at least one publication linked to them, published "
        "on or before the as-of date (a publication with only a year: that year or earlier; "
        "an undated publication counts).",
    ),
    (
        "With follow-on funding",
        "The share of those awards with at least one linked follow-on grant that was awarded "
        "on or before the as-of date. Applications still pending and declined ones do not "
        "count.",
    ),
    (
        "Follow-on $ per $ awarded",
        "The dollars of those awarded follow-on grants, each grant counted once even when it "
        "is linked to several awards of the row, divided by the row's award amounts.",
    ),
    (
        "Rows",
        "Overall; by call; by the PI's position (faculty: instructor to full professor; "
        "trainee: resident, fellow, postdoc, PhD, medical or pathway student; other: no "
        "position given); by population with health disparities (a proposal addressing "
        "several populations counts under each). Shares are percentages to one decimal and "
        "ratios to two, rounded half up; a dash means no award of the row ended that long "
        "ago. A row appears once one of its awards ended at least a year ago.",
    ),
)

POSITIONS = (("faculty", "Faculty"), ("trainee", "Trainee"), ("other", "Other or not given"))
NO_POPULATION = ("__none__", "None given")


def years_before(day: date, years: int) -> date:
    """``day`` moved back whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Cell:
    """One row's figures in one window."""

    awards: int = 0
    with_publication: int = 0
    with_funding: int = 0
    awarded: Decimal = ZERO
    follow_on: Decimal = ZERO

    @property
    def publication_share(self) -> Decimal | None:
        return _percent(self.with_publication, self.awards)

    @property
    def funding_share(self) -> Decimal | None:
        return _percent(self.with_funding, self.awards)

    @property
    def ratio(self) -> Decimal | None:
        if not self.awarded:
            return None
        return (self.follow_on / self.awarded).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def as_dict(self) -> dict:
        def text(value):
            return None if value is None else str(value)

        return {
            "awards": self.awards,
            "with_publication": self.with_publication,
            "publication_share": text(self.publication_share),
            "with_follow_on_funding": self.with_funding,
            "follow_on_funding_share": text(self.funding_share),
            "awarded_dollars": f"{self.awarded:.2f}",
            "follow_on_dollars": f"{self.follow_on:.2f}",
            "follow_on_per_dollar": text(self.ratio),
        }


@dataclass
class Row:
    group: str  # overall, call, position, population
    key: str
    label: str
    cells: list[Cell]  # one per window, in WINDOWS order


@dataclass
class PilotOutcomes:
    as_of: date
    cutoffs: list[date]  # one per window: an award ended on or before it is in the window
    rows: list[Row] = field(default_factory=list)

    windows = WINDOWS
    definitions = DEFINITIONS

    def row(self, group: str, key: str) -> Row:
        return next(r for r in self.rows if r.group == group and r.key == key)

    @property
    def overall(self) -> Row:
        return self.row("overall", "all")

    def groups(self) -> list[tuple[str, list[Row]]]:
        """The rows under their headings, for the page and the workbook."""
        titles = {
            "overall": "Overall",
            "call": "By call",
            "position": "By PI position",
            "population": "By population",
        }
        return [
            (title, [r for r in self.rows if r.group == group])
            for group, title in titles.items()
            if any(r.group == group for r in self.rows)
        ]

    def by_window(self) -> list[dict]:
        """Per window: its years, cutoff, overall cell and the rows under their headings."""
        return [
            {
                "years": n,
                "cutoff": cutoff,
                "cell": self.overall.cells[i],
                "groups": [
                    (title, [(r.label, r.cells[i]) for r in rows]) for title, rows in self.groups()
                ],
            }
            for i, (n, cutoff) in enumerate(zip(self.windows, self.cutoffs, strict=True))
        ]

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "windows": [
                {"years": n, "ended_on_or_before": cutoff.isoformat()}
                for n, cutoff in zip(self.windows, self.cutoffs, strict=True)
            ],
            "rows": [
                {
                    "group": r.group,
                    "key": r.key,
                    "label": r.label,
                    "windows": [
                        {"years": n, **cell.as_dict()}
                        for n, cell in zip(self.windows, r.cells, strict=True)
                    ],
                }
                for r in self.rows
            ],
            "definitions": [{"term": t, "definition": d} for t, d in self.definitions],
        }


def dashboard_calls(*, call_id: int | None = None, period=None):
    """The dashboard's call filter as a subquery of call ids (None: every call): one call,
    or the calls whose deadline fell in one academic year (a reporting.hrsa.periods.Period)."""
    if call_id is None and period is None:
        return None
    calls = FundingCall.objects.all()
    if call_id is not None:
        calls = calls.filter(pk=call_id)
    if period is not None:
        calls = calls.filter(closes_at__gte=period.start_at, closes_at__lt=period.end_at)
    return calls.values("pk")


def _position(applicant_type: str | None) -> str:
    if applicant_type in FACULTY_TYPES:
        return "faculty"
    if applicant_type in TRAINEE_TYPES:
        return "trainee"
    return "other"


def pilot_outcomes(as_of: date, *, calls: Iterable[int] | None = None) -> PilotOutcomes:
    """The figures as of ``as_of`` over the released awards of ``calls`` (ids, or a subquery
    of ids such as dashboard_calls'; None: all).

    Two queries: the awards ended at least a year before, each with whether it has a dated
    publication, and their awarded follow-on grants."""
    cutoffs = [years_before(as_of, n) for n in WINDOWS]
    widest = cutoffs[0]
    awards = released_awards().filter(Q(end_date__lte=widest) | Q(ended_on__lte=widest))
    if calls is not None:
        awards = awards.filter(call_id__in=calls if hasattr(calls, "query") else list(calls))
    # Whether an award has a paper: a subquery per award that stops at its first paper (an
    # index read of its links), rather than a semi-join that read every publication and link.
    # LIMIT 1 keeps it a per-row subquery (an EXISTS may be planned as a hash of them all).
    papers = Publication.awards.through.objects.filter(award_id=OuterRef("pk")).filter(
        Q(publication__published_on__lte=as_of)
        | Q(publication__published_on__isnull=True, publication__year__lte=as_of.year)
        | Q(publication__published_on__isnull=True, publication__year__isnull=True)
    )
    rows = (
        awards.annotate(
            paper=Subquery(papers.values("pk")[:1]),
            # As text, decoded once per distinct list below rather than once per award.
            populations=Cast("proposal__disparity_populations", output_field=TextField()),
        )
        .order_by("call__closes_at", "call_id", "pk")
        .values_list(
            "pk",
            "call_id",
            "call__title",
            "amount",
            "end_date",
            "ended_on",
            "populations",
            "proposal__pi__profile__applicant_type",
            "paper",
        )
    )
    grants_of: dict[int, set[int]] = defaultdict(set)
    grant_amount: dict[int, Decimal] = {}
    links = FollowOnFunding.awards.through.objects.filter(
        followonfunding__status=FundingStatus.AWARDED, followonfunding__decided_on__lte=as_of
    )
    # Program-wide, every awarded grant's links (only those of the awards above are looked
    # up): cheaper than having the database find the released, ended awards a second time.
    if calls is not None:
        links = links.filter(award__in=awards.values("pk"))
    for award_id, grant_id, amount in links.values_list(
        "award_id", "followonfunding_id", "followonfunding__amount"
    ):
        grants_of[award_id].add(grant_id)
        grant_amount[grant_id] = amount

    # Per row key, one bucket per window for the awards whose *deepest* window it is: the
    # windows are nested (an award ended 3 years ago is in all three), so a window's figures
    # are its bucket and the deeper ones added up. Each award is visited once.
    buckets: dict[tuple[str, str], list[_Bucket]] = {}
    labels: dict[tuple[str, str], str] = {}
    overall = ("overall", "all")
    positions: dict[str | None, tuple[str, str]] = {}
    no_population = [("population", NO_POPULATION[0])]
    decoded: dict[str | None, list[tuple[str, str]]] = {}
    for pk, call_id, title, amount, end_date, ended_on, populations, applicant_type, paper in rows:
        effective_end = min(end_date, ended_on) if ended_on else end_date
        if effective_end <= cutoffs[2]:
            deepest = 2
        elif effective_end <= cutoffs[1]:
            deepest = 1
        elif effective_end <= cutoffs[0]:
            deepest = 0
        else:  # in no window (not expected from the filter)
            continue
        call_key = ("call", str(call_id))
        labels[call_key] = title
        position = positions.get(applicant_type)
        if position is None:
            position = positions[applicant_type] = ("position", _position(applicant_type))
        keys = [overall, call_key, position]
        population_keys = decoded.get(populations)
        if population_keys is None:
            listed = json.loads(populations) if populations else None
            population_keys = decoded[populations] = (
                [("population", p) for p in listed] if listed else no_population
            )
        keys += population_keys
        grants = grants_of.get(pk)
        for key in keys:
            bucket = buckets.get(key)
            if bucket is None:
                bucket = buckets[key] = [_Bucket() for _ in WINDOWS]
            bucket[deepest].add(amount, paper is not None, grants)

    def make(group: str, key: str, label: str) -> Row:
        cells = []
        total = _Bucket()
        for bucket in reversed(buckets.get((group, key)) or [_Bucket() for _ in WINDOWS]):
            total.merge(bucket)
            cells.append(total.cell(grant_amount))
        return Row(group=group, key=key, label=label, cells=cells[::-1])

    result = PilotOutcomes(as_of=as_of, cutoffs=cutoffs)
    result.rows.append(make("overall", "all", "All awards"))
    for (group, key), label in labels.items():
        if (group, key) in buckets:
            result.rows.append(make(group, key, label))
    for key, label in POSITIONS:
        if ("position", key) in buckets:
            result.rows.append(make("position", key, label))
    for key, label in [*DisparityPopulation.choices, NO_POPULATION]:
        if ("population", key) in buckets:
            result.rows.append(make("population", key, label))
    return result


class _Bucket:
    """The awards of one row whose deepest window is one window: how many, their dollars,
    how many have a paper or follow-on funding, and the follow-on grants (each once)."""

    __slots__ = ("awards", "awarded", "grants", "with_funding", "with_publication")

    def __init__(self):
        self.awards = 0
        self.with_publication = 0
        self.with_funding = 0
        self.awarded = ZERO
        self.grants: set[int] = set()

    def add(self, amount: Decimal, published: bool, grants: set[int] | None) -> None:
        self.awards += 1
        self.awarded += amount
        if published:
            self.with_publication += 1
        if grants:
            self.with_funding += 1
            self.grants |= grants

    def merge(self, other: "_Bucket") -> None:
        self.awards += other.awards
        self.awarded += other.awarded
        self.with_publication += other.with_publication
        self.with_funding += other.with_funding
        self.grants |= other.grants

    def cell(self, grant_amount: dict[int, Decimal]) -> Cell:
        return Cell(
            awards=self.awards,
            with_publication=self.with_publication,
            with_funding=self.with_funding,
            awarded=self.awarded,
            follow_on=sum((grant_amount[g] for g in self.grants), ZERO),
        )


class PilotOutcomesXlsx(OneSheetWorkbook):
    """The figures as a workbook with one sheet, "Pilot outcomes", definitions under the table."""

    filename = "northstar-pilot-outcomes.xlsx"
    sheet_title = "Pilot outcomes"
    heading = "Pilot outcomes (CTSA common metric)"

    def __init__(self, outcomes: PilotOutcomes, *, scope: str):
        super().__init__(scope=scope)
        self.outcomes = outcomes

    def scope_line(self) -> str:
        return f"As of {self.outcomes.as_of.isoformat()}. {self.scope}"

    def write(self, sheet, bold) -> None:
        from openpyxl.styles import Alignment

        sheet.append([])
        header = ["Group", "Row"]
        for n in self.outcomes.windows:
            ended = f"Ended ≥{n} yr"
            header += [
                f"{ended}: awards",
                f"{ended}: % with publication",
                f"{ended}: % with follow-on funding",
                f"{ended}: follow-on $ per $",
            ]
        sheet.append(header)
        self.bold_row(sheet, bold)
        for title, rows in self.outcomes.groups():
            for row in rows:
                line = [title, row.label]
                for c in row.cells:
                    line += [c.awards, c.publication_share, c.funding_share, c.ratio]
                sheet.append(line)
        sheet.append([])
        sheet.append(["Definitions"])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        for term, definition in self.outcomes.definitions:
            sheet.append([term, definition])
            sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(wrap_text=True)
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 40
