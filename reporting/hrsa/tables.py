"""The report as plain data: tables of cells, computed once and rendered by every exporter."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

# What a suppressed cell shows, in every format.
SUPPRESSED = "*"

TEXT, COUNT, MONEY, PERCENT, RATIO, DATE = "text", "count", "money", "percent", "ratio", "date"

Cell = tuple[int, int]


@dataclass
class Column:
    key: str
    label: str
    kind: str = TEXT
    width: int = 14
    group: str = ""  # a heading over several columns, e.g. "Current participants"


@dataclass
class Row:
    cells: list
    total: bool = False
    # Per-cell kinds when one column mixes kinds (the Summary's value column).
    kinds: list[str] | None = None
    # Part of a count above it ("of which ..."), not a further category: shown indented, so no
    # block seems to count anyone twice.
    subset: bool = False

    @property
    def label(self) -> str:
        return str(self.cells[0]) if self.cells else ""


@dataclass
class Total:
    """``target`` equals the sum of ``sources``: the additive structure suppression protects."""

    target: Cell
    sources: list[Cell]

    @property
    def cells(self) -> list[Cell]:
        return [self.target, *self.sources]


@dataclass
class Table:
    key: str
    code: str
    title: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    wide: bool = False
    # Counts people: small cells are suppressed when the report is shared beyond the funder.
    people: bool = False
    sums: list["Total"] = field(default_factory=list)
    # Cells holding the participant totals every people table shares (key -> cell).
    shared: dict[str, Cell] = field(default_factory=dict)
    # When set, only these cells count people (the Summary's participants figure).
    people_cells: set[Cell] | None = None
    suppressed: set[Cell] = field(default_factory=set)
    # What this table tells a reader about another table's cells, whatever is hidden there:
    # {(table key, row label, column key): least value} (Projects lists each PI and position).
    implies: dict[tuple[str, str, str], int] = field(default_factory=dict)

    @property
    def sheet_name(self) -> str:
        return self.title[:31]

    def kind_of(self, r: int, c: int) -> str:
        row = self.rows[r]
        if row.kinds is not None:
            return row.kinds[c]
        return self.columns[c].kind

    def value(self, r: int, c: int):
        return self.rows[r].cells[c]

    def row_index(self, label: str) -> int:
        for index, row in enumerate(self.rows):
            if row.label == label:
                return index
        raise KeyError(label)

    def col_index(self, key: str) -> int:
        for index, column in enumerate(self.columns):
            if column.key == key:
                return index
        raise KeyError(key)

    def cell(self, row_label: str, column_key: str):
        return self.value(self.row_index(row_label), self.col_index(column_key))

    def grid(self) -> dict[str, dict[str, object]]:
        """{row label: {column key: value}} for every row (handy for exact assertions)."""
        return {
            row.label: {
                col.key: value for col, value in zip(self.columns[1:], row.cells[1:], strict=True)
            }
            for row in self.rows
        }

    def count_cells(self) -> dict[Cell, int]:
        """Every numeric count cell that counts people (suppressed ones excluded), by position."""
        cells = {}
        for r, row in enumerate(self.rows):
            for c, value in enumerate(row.cells):
                if self.kind_of(r, c) == COUNT and isinstance(value, int):
                    if self.people_cells is None or (r, c) in self.people_cells:
                        cells[(r, c)] = value
        return cells


@dataclass
class Check:
    rule: str
    status: str  # reporting.choices.CheckStatus
    count: int | str | None = None
    detail: str = ""
    # A count of people: with suppression, a small count is hidden and ``shared_detail`` (which
    # names no number) replaces the detail.
    people: bool = False
    shared_detail: str = ""


@dataclass
class Report:
    program: str
    period_label: str
    period_display: str
    generated_at: datetime
    generated_by: str
    profile: str
    tables: list[Table]
    checks: list[Check]
    suppressed: bool = False
    threshold: int = 10

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    @property
    def failed(self) -> bool:
        return any(check.status == "fail" for check in self.checks)


def display(value, kind: str) -> str:
    """A cell as text, the same on the web page and in the PDF."""
    if value is None:
        return ""
    if value == SUPPRESSED:
        return SUPPRESSED
    if kind == MONEY:
        return f"${value:,.2f}"
    if kind == PERCENT:
        return f"{value}%"
    if kind == COUNT and isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def display_rows(table: "Table", only: list[int] | None = None) -> list[dict]:
    """Rows of ``{"text", "numeric", "suppressed"}`` cells for HTML templates (every row, or
    the rows whose indexes are in ``only``)."""
    rows = []
    for r in range(len(table.rows)) if only is None else only:
        row = table.rows[r]
        cells = []
        for c, value in enumerate(row.cells):
            kind = table.kind_of(r, c)
            cells.append(
                {
                    "text": display(value, kind),
                    "numeric": kind in (COUNT, MONEY, PERCENT, RATIO),
                    "date": kind == DATE,
                    "suppressed": (r, c) in table.suppressed,
                }
            )
        rows.append({"cells": cells, "total": row.total, "subset": row.subset})
    return rows


def column_groups(table: "Table") -> list[tuple[str, int]]:
    """(heading, colspan) runs over the columns; empty when no column has a group."""
    if not any(column.group for column in table.columns):
        return []
    runs: list[tuple[str, int]] = []
    for column in table.columns:
        if runs and runs[-1][0] == column.group and column.group:
            runs[-1] = (column.group, runs[-1][1] + 1)
        else:
            runs.append((column.group, 1))
    return runs


def plain(value):
    """A cell as JSON-ready data: money as a string (exact), dates as ISO."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
