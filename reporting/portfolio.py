"""The NIMHD portfolio: the framework's grid (domains x levels of influence) over the proposals
of the chosen calls or academic years, and its workbook sheet.

Counted: proposals with a released decision. *Funded* are those funded (dollars: the award's
amount); *not funded* are those decided not funded. Waitlisted, undecided and withdrawn
proposals are in neither. A proposal in several cells counts once in each of its cells, once
in each row or column it touches, and once in the totals. Proposals without cells (those from
before the grid, or never classified) are counted apart as *unclassified*.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from grants.choices import (
    DecisionOutcome,
    DisparityPopulation,
    NimhdDomain,
    NimhdLevel,
    nimhd_cells_clean,
)
from grants.models import Proposal
from grants.selectors import proposals_naming_population

from .hrsa.periods import Period
from .one_sheet import OneSheetWorkbook

ZERO = Decimal("0.00")
HEAT_LEVELS = 4  # shades of a cell's colour, an extra: the numbers are always printed


@dataclass
class Tally:
    """Funded count and dollars, and the not-funded count, of one cell, row, column or total."""

    funded: int = 0
    dollars: Decimal = ZERO
    not_funded: int = 0
    heat: int = 0  # 0 (none funded) to HEAT_LEVELS (the most funded cells)

    def add(self, funded: bool, amount: Decimal, count: int = 1) -> None:
        """``count`` proposals of one outcome whose dollars add up to ``amount``."""
        if funded:
            self.funded += count
            self.dollars += amount
        else:
            self.not_funded += count

    @property
    def text(self) -> str:
        return f"{self.funded} funded, ${self.dollars:,.2f}; {self.not_funded} not funded"


@dataclass
class PortfolioRow:
    domain: str
    label: str
    cells: list[Tally]
    total: Tally


@dataclass
class PortfolioGrid:
    levels: list[tuple[str, str]]
    rows: list[PortfolioRow] = field(default_factory=list)
    column_totals: list[Tally] = field(default_factory=list)
    total: Tally = field(default_factory=Tally)  # classified proposals, each once
    unclassified: Tally = field(default_factory=Tally)

    def cell(self, domain: str, level: str) -> Tally:
        row = next(r for r in self.rows if r.domain == domain)
        return row.cells[NimhdLevel.values.index(level)]

    def as_dict(self) -> dict:
        def tally(t: Tally) -> dict:
            return {"funded": t.funded, "dollars": f"{t.dollars:.2f}", "not_funded": t.not_funded}

        return {
            "levels": [{"value": v, "label": label} for v, label in self.levels],
            "rows": [
                {
                    "domain": r.domain,
                    "label": r.label,
                    "cells": [
                        {"level": lv, **tally(c)}
                        for (lv, _), c in zip(self.levels, r.cells, strict=True)
                    ],
                    "total": tally(r.total),
                }
                for r in self.rows
            ],
            "column_totals": [
                {"level": lv, **tally(c)}
                for (lv, _), c in zip(self.levels, self.column_totals, strict=True)
            ],
            "total": tally(self.total),
            "unclassified": tally(self.unclassified),
        }


def portfolio_proposals(
    *,
    calls: Iterable[int] | None = None,
    years: Iterable[Period] | None = None,
    population: str | None = None,
):
    """The decided proposals the grid counts. ``years`` are academic years of the call's
    deadline (as on the dashboard); ``population`` one the proposal names."""
    from django.db.models import Q

    queryset = Proposal.objects.filter(
        submitted_at__isnull=False,
        decision__released_at__isnull=False,
        decision__outcome__in=[DecisionOutcome.FUNDED, DecisionOutcome.NOT_FUNDED],
    )
    if calls:
        queryset = queryset.filter(call_id__in=list(calls))
    if years:
        in_years = Q()
        for period in years:
            in_years |= Q(call__closes_at__gte=period.start_at, call__closes_at__lt=period.end_at)
        queryset = queryset.filter(in_years)
    if population:
        queryset = proposals_naming_population(queryset, population)
    return queryset


def portfolio_groups(**filters):
    """The proposals added up in SQL by their cells as stored and their outcome: how many, and
    the dollars (the award's amount, else the decision's). One query; a few hundred rows
    whatever the number of proposals (one per combination of cells in use)."""
    from django.db.models import Count, DecimalField, Sum, Value
    from django.db.models.functions import Coalesce

    return (
        portfolio_proposals(**filters)
        .order_by()
        .values("nimhd_cells", "decision__outcome")
        .annotate(
            proposals=Count("pk"),
            dollars=Sum(
                Coalesce(
                    "award__amount",
                    "decision__amount",
                    Value(ZERO),
                    output_field=DecimalField(max_digits=12, decimal_places=2),
                )
            ),
        )
        .values_list("nimhd_cells", "decision__outcome", "proposals", "dollars")
    )


def portfolio_grid(
    calls: Iterable[int] | None = None,
    years: Iterable[Period] | None = None,
    population: str | None = None,
) -> PortfolioGrid:
    """The grid for the chosen calls (ids), academic years and population with health
    disparities (a DisparityPopulation value); None means all. One query."""
    levels = list(NimhdLevel.values)
    grid = PortfolioGrid(levels=list(NimhdLevel.choices))
    tallies = {(d, lv): Tally() for d in NimhdDomain.values for lv in levels}
    row_totals = {d: Tally() for d in NimhdDomain.values}
    column_totals = {lv: Tally() for lv in levels}
    for cells, outcome, count, amount in portfolio_groups(
        calls=calls, years=years, population=population
    ):
        funded = outcome == DecisionOutcome.FUNDED
        amount = amount or ZERO
        cells = nimhd_cells_clean(cells)
        if not cells:
            grid.unclassified.add(funded, amount, count)
            continue
        pairs = [tuple(cell.split(":", 1)) for cell in cells]
        for pair in pairs:
            tallies[pair].add(funded, amount, count)
        for domain in {d for d, _ in pairs}:
            row_totals[domain].add(funded, amount, count)
        for level in {lv for _, lv in pairs}:
            column_totals[level].add(funded, amount, count)
        grid.total.add(funded, amount, count)
    _shade(tallies.values())
    for domain, label in NimhdDomain.choices:
        grid.rows.append(
            PortfolioRow(
                domain=domain,
                label=label,
                cells=[tallies[(domain, lv)] for lv in levels],
                total=row_totals[domain],
            )
        )
    grid.column_totals = [column_totals[lv] for lv in levels]
    return grid


def _shade(tallies: Iterable[Tally]) -> None:
    """Heat by quarter of the largest funded count: 1 to 4 for cells with any funded project."""
    tallies = list(tallies)
    most = max((t.funded for t in tallies), default=0)
    for tally in tallies:
        tally.heat = math.ceil(HEAT_LEVELS * tally.funded / most) if most and tally.funded else 0


def population_label(value: str | None) -> str:
    return DisparityPopulation(value).label if value else "All populations"


class PortfolioXlsx(OneSheetWorkbook):
    """The grid as a workbook with one sheet, "NIMHD portfolio" (not one of the HRSA forms)."""

    filename = "northstar-nimhd-portfolio.xlsx"
    sheet_title = "NIMHD portfolio"
    heading = "NIMHD Research Framework portfolio"

    def __init__(self, grid: PortfolioGrid, *, scope: str):
        super().__init__(scope=scope)
        self.grid = grid

    def write(self, sheet, bold) -> None:
        sheet.append(
            [
                "A proposal in several cells counts once in each cell, and once in each "
                "total. Funded: released decision funded (dollars: award amounts). Not "
                "funded: released decision not funded."
            ]
        )
        sheet.append([])
        header = ["Domain"]
        for _, label in self.grid.levels + [("", "Total (counted once)")]:
            header += [f"{label}: funded", f"{label}: dollars", f"{label}: not funded"]
        sheet.append(header)
        self.bold_row(sheet, bold)

        def values(t: Tally) -> list:
            return [t.funded, t.dollars, t.not_funded]

        for row in self.grid.rows:
            line = [row.label]
            for tally in [*row.cells, row.total]:
                line += values(tally)
            sheet.append(line)
        line = ["Total (counted once)"]
        for tally in [*self.grid.column_totals, self.grid.total]:
            line += values(tally)
        sheet.append(line)
        sheet.append(["Unclassified (no cells)", *values(self.grid.unclassified)])
        for column in sheet.iter_cols(min_row=6):
            for cell in column:
                if isinstance(cell.value, Decimal):
                    cell.number_format = '"$"#,##0.00'
        sheet.column_dimensions["A"].width = 32
