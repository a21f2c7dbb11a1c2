"""Small-cell suppression: no count from 1 to the threshold survives, and no suppressed cell can
be worked out from the totals — checked on random tables (seeded) and on the report itself."""

import random
from fractions import Fraction

import pytest

from reporting.hrsa import build_report
from reporting.hrsa.people_tables import _crosstab_sums
from reporting.hrsa.suppression import apply_suppression, suppress_cells
from reporting.hrsa.tables import COUNT, SUPPRESSED, TEXT, Column, Row, Table, Total


def crosstab(values: list[list[int]], *, groups: int = 1) -> Table:
    """A people table: data rows x (``groups`` blocks of columns, each with its total, then a
    grand total if more than one block), plus a total row — LR-1/LR-2/DV-1 shapes."""
    width = len(values[0]) // groups
    columns = [Column("label", "Row", TEXT)]
    layout = []  # (target column, parts)
    position = 1
    for g in range(groups):
        parts = list(range(position, position + width))
        columns += [Column(f"g{g}c{i}", f"g{g}c{i}", COUNT) for i in range(width)]
        columns.append(Column(f"g{g}total", "Total", COUNT))
        layout.append((position + width, parts))
        position += width + 1
    if groups > 1:
        columns.append(Column("total", "All", COUNT))
        layout.append((position, [target for target, _ in layout]))
    rows = []
    for r, data in enumerate([*values, None]):
        cells: list = [f"row {r}" if data is not None else "Total"]
        if data is None:  # column totals
            for c in range(1, len(columns)):
                cells.append(sum(rows[i].cells[c] for i in range(len(values))))
        else:
            for g in range(groups):
                block = data[g * width : (g + 1) * width]
                cells += [*block, sum(block)]
            if groups > 1:
                cells.append(sum(cells[target] for target, _ in layout[:-1]))
        rows.append(Row(cells, total=data is None))
    total_row = len(values)
    return Table(
        key="t",
        code="T",
        title="Test table",
        columns=columns,
        rows=rows,
        people=True,
        sums=_crosstab_sums(list(range(total_row)), total_row, layout, range(1, len(columns))),
        shared={"all": (total_row, len(columns) - 1)},
    )


def solved(table: Table) -> dict:
    """Raw values before suppression, by cell."""
    return {
        (r, c): v
        for r, row in enumerate(table.rows)
        for c, v in enumerate(row.cells)
        if isinstance(v, int)
    }


def rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows]
    count = 0
    for col in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(count, len(rows)) if rows[i][col]), None)
        if pivot is None:
            continue
        rows[count], rows[pivot] = rows[pivot], rows[count]
        for i in range(len(rows)):
            if i != count and rows[i][col]:
                f = rows[i][col] / rows[count][col]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[count], strict=True)]
        count += 1
    return count


def recoverable(table: Table) -> list:
    """Suppressed cells whose value the published cells fix (independent of the code under test):
    x_u is determined iff dropping its column from the unknowns' system lowers the rank."""
    unknown = sorted(table.suppressed)
    if not unknown:
        return []
    matrix = []
    for total in table.sums:
        row = [Fraction(0)] * len(unknown)
        for cell, sign in [(total.target, -1), *[(s, 1) for s in total.sources]]:
            if cell in unknown:
                row[unknown.index(cell)] += sign
        matrix.append(row)
    full = rank(matrix)
    return [
        cell for i, cell in enumerate(unknown) if rank([r[:i] + r[i + 1 :] for r in matrix]) < full
    ]


def assert_protected(table: Table, raw: dict, threshold: int) -> None:
    for (r, c), value in raw.items():
        shown = table.rows[r].cells[c]
        if 1 <= value <= threshold:
            assert shown == SUPPRESSED, ((r, c), value)
        else:
            assert shown in (value, SUPPRESSED)
    for total in table.sums:
        hidden = [cell for cell in total.cells if cell in table.suppressed]
        # A sum with one hidden cell gives it away: total - the others.
        assert len(hidden) != 1, (total, hidden)
    assert recoverable(table) == []


def small_heavy(rng: random.Random) -> int:
    return rng.choice([0, 0, 0, 1, 2, 3, 5, 8, 10, 11, 12, 15, 20, 40, 75, 120])


@pytest.mark.parametrize("seed", range(60))
def test_random_tables_keep_no_small_cell_and_nothing_recoverable(seed):
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    groups = rng.choice([1, 2])
    rows, width = rng.randint(1, 6), rng.randint(1, 4) * groups
    values = [[small_heavy(rng) for _ in range(width)] for _ in range(rows)]
    threshold = rng.choice([3, 10])
    table = crosstab(values, groups=groups)
    raw = solved(table)

    apply_suppression([table], threshold)

    assert_protected(table, raw, threshold)


def test_a_row_with_a_single_small_cell_gets_a_complement():
    table = crosstab([[3, 50, 60], [40, 70, 80], [45, 55, 90]])
    raw = solved(table)

    apply_suppression([table], 10)

    assert table.rows[0].cells[1] == SUPPRESSED  # the 3
    hidden_in_row = [c for c in range(1, 5) if (0, c) in table.suppressed]
    hidden_in_column = [r for r in range(4) if (r, 1) in table.suppressed]
    assert len(hidden_in_row) == 2
    assert len(hidden_in_column) == 2
    # The smallest other cell of the row and of the column (50 and 40), and 70, which closes
    # both their column and their row: a 2 x 2 rectangle, the least that protects the 3.
    assert table.suppressed == {(0, 1), (0, 2), (1, 1), (1, 2)}
    # The totals stay published.
    assert table.rows[0].cells[4] == 113
    assert table.rows[3].cells[4] == 493
    assert_protected(table, raw, 10)


def test_zeros_and_large_cells_stay_when_nothing_is_small():
    table = crosstab([[0, 50], [40, 0]])

    apply_suppression([table], 10)

    assert table.suppressed == set()
    assert table.rows[0].cells == ["row 0", 0, 50, 50]


def test_cells_chained_across_rows_are_closed_into_a_cycle():
    """Two small cells in different rows and columns: one complement each would leave a chain
    whose ends are recoverable; the exact check adds cells until none is."""
    table = crosstab([[5, 30, 30, 30], [30, 30, 30, 30], [30, 30, 30, 5]])
    raw = solved(table)

    apply_suppression([table], 10)

    assert_protected(table, raw, 10)


def test_suppress_cells_reports_forced_cells_too():
    values = {(0, 0): 20, (0, 1): 30, (0, 2): 50}
    sums = [Total((0, 2), [(0, 0), (0, 1)])]

    assert suppress_cells(values, sums, 10, forced={(0, 2)}) == {(0, 2), (0, 0)}


@pytest.mark.django_db
@pytest.mark.parametrize("threshold", [1, 2, 10])
def test_report_people_tables_protected_at_every_threshold(world, threshold):
    raw = build_report("2025-2026")
    report = build_report("2025-2026", suppress=True, threshold=threshold)

    for table, original in zip(report.tables, raw.tables, strict=True):
        if table.key == "checks":  # see test_checks_of_a_suppressed_report_...
            continue
        if not table.people:
            assert table.suppressed == set()
            assert [r.cells for r in table.rows] == [r.cells for r in original.rows]
            continue
        assert_protected(table, original.count_cells(), threshold)
    # Totals shared by the people tables are hidden in all of them or in none.
    people = [t for t in report.tables if t.people and t.shared]
    for key in ("current", "completers", "all"):
        states = {t.shared[key] in t.suppressed for t in people if key in t.shared}
        assert len(states) == 1, key


@pytest.mark.django_db
def test_report_with_threshold_ten_hides_every_non_zero_people_count(world):
    report = build_report("2025-2026", suppress=True)

    assert report.table("lr1").grid()["Total"] == {
        "current": SUPPRESSED,
        "completers": SUPPRESSED,
        "total": SUPPRESSED,
    }
    assert report.table("lr1").grid()["Staff / other"] == {
        "current": 0,
        "completers": 0,
        "total": 0,
    }
    assert report.table("summary").grid()["Participants"] == {"value": SUPPRESSED}
    assert report.table("summary").grid()["Publications"] == {"value": 3}  # not people
    assert report.table("outcomes").grid()["Publications"]["count"] == 3
    assert report.table("lr1").notes[-1].startswith("* Suppressed: counts from 1 to 10")


@pytest.mark.django_db
def test_checks_of_a_suppressed_report_name_no_small_people_counts(world):
    report = build_report("2025-2026", suppress=True)

    assert [(c.rule, c.count, c.detail) for c in report.checks[:1] + report.checks[4:6]] == [
        ("DV-1 totals equal LR-1 totals", SUPPRESSED, "The totals match."),
        ("Participants with demographics", SUPPRESSED, "They count as not reported."),
        ("Participants with a position on their profile", 0, ""),
    ]
    checks = report.table("checks")
    assert checks.rows[0].cells[2] == SUPPRESSED
    assert (0, 2) in checks.suppressed
    # Not about people: shown as they are.
    assert report.checks[6].count == 1
    assert report.checks[6].detail.startswith("1 publications without a month")
