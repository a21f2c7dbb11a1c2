"""Suppression is safe against a reader who knows the rules: zeros are shown (so a hidden cell is
a whole number of at least 1) and every sum holds. For random tables and every threshold 1-50,
an independent checker (an integer program over all the table's cells, and a brute-force
enumeration on tiny tables) proves that no hidden cell is determined, and that every hidden
small cell keeps a feasible range at least the threshold wide (docs/hrsa-report.md)."""

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from accounts.choices import ApplicantType
from reporting.choices import LEVEL_OF_APPLICANT_TYPE, ParticipantLevel
from reporting.hrsa import build_report
from reporting.hrsa.suppression import apply_suppression, cell_ranges, suppress_cells
from reporting.hrsa.tables import COUNT, SUPPRESSED, TEXT, Column, Row, Table, Total
from tests.reporting.test_suppression import crosstab

CAP = 10**6  # "unbounded" for the checker: a range reaching it is wide enough for any threshold


# ---- The independent checker -----------------------------------------------------------------


def reader_range(
    values: dict,
    sums: list[Total],
    hidden: set,
    cell,
    *,
    enough: int | None = None,
    lower: dict | None = None,
) -> tuple[int, int]:
    """The least and greatest whole value of ``cell`` a reader can find: every cell a whole
    variable, published cells fixed, hidden ones in [1, CAP], every sum holding. With
    ``enough``, the least is not sought when the greatest is already that far above the true
    value (the least is at most the true value): the range is then returned as (true value,
    greatest), narrower than the real one. ``lower``: what the reader knows from elsewhere
    that a cell is at least."""
    lower = lower or {}
    shape = tuple((t.target, *t.sources) for t in sums)
    key = (tuple(sorted(values.items())), shape, frozenset(hidden), cell, tuple(lower.items()))
    if key in _SEEN:
        return _SEEN[key]
    cells = sorted(values)
    index = {c: i for i, c in enumerate(cells)}
    matrix = np.zeros((len(sums), len(cells)))
    for k, total in enumerate(sums):
        matrix[k, index[total.target]] -= 1
        for source in total.sources:
            matrix[k, index[source]] += 1
    low = np.array(
        [max(1, lower.get(c, 1)) if c in hidden else values[c] for c in cells], dtype=float
    )
    high = np.array([CAP if c in hidden else values[c] for c in cells], dtype=float)

    def extreme(sense: int) -> int:
        objective = np.zeros(len(cells))
        objective[index[cell]] = sense
        result = milp(
            objective,
            constraints=LinearConstraint(matrix, 0, 0),
            integrality=np.ones(len(cells)),
            bounds=Bounds(low, high),
        )
        assert result.status == 0, result.message  # the true values are always feasible
        return round(result.x[index[cell]])

    greatest = extreme(-1)
    if enough is not None and greatest - values[cell] >= enough:
        return values[cell], greatest
    _SEEN[key] = extreme(1), greatest
    return _SEEN[key]


_SEEN: dict = {}  # exact ranges already found (the threshold sweep meets the same ones)


def needed(value: int, threshold: int) -> int:
    """The documented criterion: a hidden small cell's range is at least the threshold wide;
    any other hidden cell's holds at least two values."""
    return threshold if 1 <= value <= threshold else 1


def assert_safe(
    values: dict, sums: list[Total], hidden: set, threshold: int, lower: dict | None = None
) -> None:
    assert {c for c, v in values.items() if 1 <= v <= threshold} <= hidden
    assert [c for c in hidden if values[c] == 0] == []  # zeros are shown
    for cell in sorted(hidden):
        want = needed(values[cell], threshold)
        least, greatest = reader_range(values, sums, hidden, cell, enough=want, lower=lower)
        assert least <= values[cell] <= greatest
        assert greatest - least >= want, (cell, values[cell], least, greatest)


def brute_force_ranges(inner: list[list[int]], hidden: set, threshold: int) -> dict:
    """For a rows x cols table with row totals, column totals and a grand total (cells
    (r, c), totals in the last row and column): the values each hidden cell takes over every
    whole completion with inner cells up to a cap, by plain enumeration."""
    rows, cols = len(inner), len(inner[0])
    cap = max(max(r) for r in inner) + threshold + 1  # room to show a range N wide
    free = [(r, c) for r in range(rows) for c in range(cols) if (r, c) in hidden]
    grid = np.array(inner, dtype=np.int64)
    choices = [np.arange(1, cap + 1)] * len(free)
    combos = np.array(list(itertools.product(*choices))) if free else np.zeros((1, 0), int)
    tables = np.broadcast_to(grid, (len(combos), rows, cols)).copy()
    for k, (r, c) in enumerate(free):
        tables[:, r, c] = combos[:, k]
    full = np.zeros((len(combos), rows + 1, cols + 1), dtype=np.int64)
    full[:, :rows, :cols] = tables
    full[:, :rows, cols] = tables.sum(axis=2)
    full[:, rows, :] = full[:, :rows, :].sum(axis=1)
    truth = full[0].copy()
    truth[:rows, :cols] = grid
    truth[:rows, cols] = grid.sum(axis=1)
    truth[rows, :] = truth[:rows, :].sum(axis=0)
    ok = np.ones(len(combos), dtype=bool)
    for r in range(rows + 1):
        for c in range(cols + 1):
            if (r, c) in hidden:
                ok &= full[:, r, c] >= 1
            else:
                ok &= full[:, r, c] == truth[r, c]
    seen = full[ok]
    return {
        cell: (int(seen[:, cell[0], cell[1]].min()), int(seen[:, cell[0], cell[1]].max()))
        for cell in hidden
    }


def plain_crosstab(inner: list[list[int]]) -> tuple[dict, list[Total]]:
    rows, cols = len(inner), len(inner[0])
    values = {(r, c): inner[r][c] for r in range(rows) for c in range(cols)}
    for r in range(rows):
        values[(r, cols)] = sum(inner[r])
    for c in range(cols + 1):
        values[(rows, c)] = sum(values[(r, c)] for r in range(rows))
    sums = [Total((r, cols), [(r, c) for c in range(cols)]) for r in range(rows + 1)]
    sums += [Total((rows, c), [(r, c) for r in range(rows)]) for c in range(cols + 1)]
    return values, sums


def with_subtotal(inner: list[list[int]], of_which: list[int]) -> tuple[dict, list[Total]]:
    """A cross-tab with an extra "of which" row: the sum of some data rows (a subset shown
    under the total, as LR-2's / DV-2's subset rows), part of no column total."""
    values, sums = plain_crosstab(inner)
    rows, cols = len(inner), len(inner[0])
    sub = rows + 1
    for c in range(cols + 1):
        values[(sub, c)] = sum(values[(r, c)] for r in of_which)
        sums.append(Total((sub, c), [(r, c) for r in of_which]))
    sums.append(Total((sub, cols), [(sub, c) for c in range(cols)]))
    return values, sums


def table_system(table: Table, raw: Table) -> tuple[dict, list[Total]]:
    return raw.count_cells(), table.sums


# ---- Random tables, every threshold ------------------------------------------------------------

counts = st.sampled_from([0, 0, 0, 1, 1, 2, 3, 4, 6, 9, 12, 20, 35, 60, 140])
thresholds = st.integers(1, 50)


def grids(max_rows: int, max_cols: int):
    return st.integers(1, max_rows).flatmap(
        lambda rows: st.integers(1, max_cols).flatmap(
            lambda cols: st.lists(
                st.lists(counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows
            )
        )
    )


FAST = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FAST
@given(grids(4, 4), thresholds)
def test_random_crosstab_hides_nothing_a_reader_can_pin_down(inner, threshold):
    values, sums = plain_crosstab(inner)

    hidden = suppress_cells(values, sums, threshold)

    assert_safe(values, sums, hidden, threshold)


@FAST
@given(grids(3, 3).filter(lambda g: len(g) >= 2), thresholds, st.data())
def test_random_crosstab_with_an_of_which_row_is_safe(inner, threshold, data):
    of_which = data.draw(st.lists(st.integers(0, len(inner) - 1), min_size=1, unique=True))
    values, sums = with_subtotal(inner, sorted(of_which))

    hidden = suppress_cells(values, sums, threshold)

    assert_safe(values, sums, hidden, threshold)


@FAST
@given(
    st.integers(1, 3).flatmap(
        lambda rows: st.lists(
            st.lists(counts, min_size=4, max_size=4), min_size=rows, max_size=rows
        )
    ),
    thresholds,
)
def test_random_status_crosstab_with_column_groups_is_safe(inner, threshold):
    """LR-2 / DV-1's shape: two column groups with their totals and an all-participants total."""
    table = crosstab(inner, groups=2)
    values = table.count_cells()

    apply_suppression([table], threshold)

    assert_safe(values, table.sums, table.suppressed, threshold)
    assert all(table.rows[r].cells[c] == SUPPRESSED for r, c in table.suppressed)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(
    st.sampled_from([(1, 2), (1, 3), (2, 2), (3, 1)]).flatmap(
        lambda shape: st.lists(
            st.lists(st.integers(0, 7), min_size=shape[1], max_size=shape[1]),
            min_size=shape[0],
            max_size=shape[0],
        )
    ),
    thresholds,
)
def test_tiny_tables_checked_by_enumerating_every_completion(inner, threshold):
    values, sums = plain_crosstab(inner)
    hidden = suppress_cells(values, sums, threshold)
    inner_hidden = [c for c in hidden if c[0] < len(inner) and c[1] < len(inner[0])]
    if len(inner_hidden) > 3:  # enumeration too large; the integer program covers it
        assert_safe(values, sums, hidden, threshold)
        return

    ranges = brute_force_ranges(inner, hidden, threshold)

    for cell in hidden:
        least, greatest = ranges[cell]
        assert greatest - least >= needed(values[cell], threshold), (cell, ranges[cell])


# A table where thresholds 1 to 50 all suppress differently: small, middling and large cells,
# zeros, and two column groups.
HARD = [[1, 14, 3, 25], [2, 40, 0, 11], [9, 6, 18, 1], [0, 33, 52, 4]]


@pytest.mark.parametrize("threshold", range(1, 51))
def test_every_threshold_on_a_fixed_hard_table(threshold):
    table = crosstab(HARD, groups=2)
    values = table.count_cells()

    apply_suppression([table], threshold)

    assert_safe(values, table.sums, table.suppressed, threshold)


# ---- The leak of issue 17, reproduced --------------------------------------------------------

# The demo's LR-2 for 2025-2026 (current: Female, Male, Another, Not reported; completers
# likewise), age groups as rows: what the report built from `seed_demo` held.
DEMO_LR2 = [
    [0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 1],
    [2, 1, 0, 0, 0, 1, 1, 0],
    [0, 3, 0, 0, 1, 0, 0, 0],
    [0, 0, 0, 0, 1, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0],
    [0, 1, 0, 1, 0, 0, 0, 1],
]
# The demo's DV-1 (current: Hispanic, Not Hispanic, Not reported; completers likewise).
DEMO_DV1 = [
    [0, 0, 0, 0, 1, 0],
    [0, 1, 0, 0, 0, 0],
    [0, 3, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0],
    [0, 1, 0, 1, 0, 0],
    [0, 0, 0, 0, 2, 0],
    [2, 0, 1, 1, 0, 1],
]


# What the old code (equations-only audit) hid in that table at threshold 3: every sum with two
# hidden cells or none, no cell recoverable from the sums alone — yet the published column
# totals (8 current, 6 completers, 5 current men, 14 in all) and "every hidden cell is at least
# 1" pin every one of them down.
OLD_LR2_HIDDEN_AT_3 = {
    (1, 9), (1, 10), (1, 11), (2, 1), (2, 2), (2, 5), (2, 7), (2, 8), (2, 10), (3, 2), (3, 5),
    (3, 6), (3, 10), (4, 6), (4, 10), (4, 11), (6, 2), (6, 4), (6, 5), (6, 9), (6, 10), (6, 11),
    (7, 1), (7, 4), (7, 6), (7, 7), (7, 8), (7, 9),
}  # fmt: skip


def test_the_old_suppression_of_the_demo_lr2_gave_every_hidden_cell_away():
    table = crosstab(DEMO_LR2, groups=2)
    values = table.count_cells()
    hidden = OLD_LR2_HIDDEN_AT_3

    ranges = {cell: reader_range(values, table.sums, hidden, cell) for cell in hidden}

    assert {cell for cell, (least, greatest) in ranges.items() if least == greatest} == hidden
    assert all(ranges[cell] == (values[cell], values[cell]) for cell in hidden)
    # The module's own audit agrees with the independent checker, cell by cell.
    assert cell_ranges(values, table.sums, hidden) == ranges


@pytest.mark.parametrize(("rows", "threshold"), [(DEMO_LR2, 3), (DEMO_LR2, 2), (DEMO_DV1, 2)])
def test_the_demo_tables_are_safe_now(rows, threshold):
    table = crosstab(rows, groups=2)
    values = table.count_cells()

    apply_suppression([table], threshold)

    assert_safe(values, table.sums, table.suppressed, threshold)


# ---- The report itself: the people tables as one system ---------------------------------------


def joint(tables: list[Table], raws: list[Table]) -> tuple[dict, list[Total], set]:
    """Every people table's cells keyed by (table key, row, column), the shared totals tied by
    equations — built here, not with the module's joint_system."""
    values, sums, hidden, shared = {}, [], set(), {}
    for table, raw in zip(tables, raws, strict=True):
        for (r, c), value in raw.count_cells().items():
            values[(table.key, r, c)] = value
        hidden |= {(table.key, r, c) for r, c in table.suppressed}
        for total in table.sums:
            sums.append(Total((table.key, *total.target), [(table.key, *s) for s in total.sources]))
        for name, (r, c) in table.shared.items():
            shared.setdefault(name, []).append((table.key, r, c))
    for cells in shared.values():
        sums += [Total(a, [b]) for a, b in itertools.pairwise(cells)]
    for total in sums:  # blank cells in a sum (INDGEN-PY's "no outcome record" row) hold 0
        values.update({cell: 0 for cell in total.cells if cell not in values})
    return values, sums, hidden


def projects_bounds(projects: Table, lr1: Table) -> dict:
    """What a reader of Projects knows: each PI named with their position is a participant of
    that LR-1 level, so LR-1's total for the level is at least the number of distinct PIs."""
    level_of_label = {
        label: LEVEL_OF_APPLICANT_TYPE.get(value) for value, label in ApplicantType.choices
    }
    people = {(row.cells[1], row.cells[2]) for row in projects.rows if not row.total}
    counts = Counter(
        (level_of_label.get(role) or ParticipantLevel.STAFF_OTHER).label for _, role in people
    )
    column = lr1.col_index("total")
    return {("lr1", lr1.row_index(level), column): n for level, n in counts.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("threshold", [3, 10])
def test_report_people_tables_are_safe_together(world, threshold):
    raw = build_report("2025-2026")
    report = build_report("2025-2026", suppress=True, threshold=threshold)
    people = [t for t in report.tables if t.people and t.key != "checks"]
    raws = [raw.table(t.key) for t in people]

    values, sums, hidden = joint(people, raws)
    lower = projects_bounds(raw.table("projects"), raw.table("lr1"))

    assert lower  # the world's PIs, by position
    assert_safe(values, sums, hidden, threshold, lower)


# ---- What another table tells: Projects names each PI and position -------------------------


def test_a_lower_bound_from_elsewhere_makes_suppression_hide_more():
    """4 + 3 = 7 with 7 published: each is in [1, 6], wide enough at threshold 5. But if the
    reader knows from another table that the 4 is at least 3, it is in [3, 6]: too narrow."""
    values, sums = plain_crosstab([[4, 3], [30, 40]])
    lower = {(0, 0): 3}

    plain = suppress_cells(values, sums, 5)
    informed = suppress_cells(values, sums, 5, lower=lower)

    assert (0, 2) not in plain
    assert_safe(values, sums, plain, 5)
    with pytest.raises(AssertionError):
        assert_safe(values, sums, plain, 5, lower)
    assert plain < informed
    assert_safe(values, sums, informed, 5, lower)


@pytest.mark.django_db
def test_projects_tells_suppression_how_many_pis_each_lr1_level_has_at_least(world):
    """The world's PIs: alice (associate professor, A1), dan (resident, A2), erin (PhD
    student, A3) — tests/reporting/test_report_counts.py."""
    report = build_report("2025-2026")

    assert report.table("projects").implies == {
        ("lr1", ParticipantLevel.ASSOCIATE_PROFESSOR.label, "total"): 1,
        ("lr1", ParticipantLevel.RESIDENT_FELLOW.label, "total"): 1,
        ("lr1", ParticipantLevel.PHD_STUDENT.label, "total"): 1,
    }
    lr1 = report.table("lr1")
    assert projects_bounds(report.table("projects"), lr1) == {
        ("lr1", lr1.row_index(level), 3): n
        for (_, level, _), n in report.table("projects").implies.items()
    }


# ---- Edges -----------------------------------------------------------------------------------


def test_a_forced_zero_is_not_hidden():
    values = {(0, 0): 0, (0, 1): 30, (0, 2): 30}
    sums = [Total((0, 2), [(0, 0), (0, 1)])]

    assert suppress_cells(values, sums, 10, forced={(0, 0)}) == set()


def test_a_lone_small_cell_with_no_sum_is_hidden_and_unbounded():
    values = {(0, 0): 4}

    hidden = suppress_cells(values, [], 10)

    assert hidden == {(0, 0)}
    assert cell_ranges(values, [], hidden) == {(0, 0): (1, float("inf"))}


def test_a_row_whose_total_leaves_no_room_hides_the_total_too():
    """3 + 4 = 7 at threshold 5: hiding 3 and 4 but publishing 7 leaves each in [1, 6] (width
    5 is enough), but at threshold 6 it is not: 7 itself is small, and is hidden."""
    values, sums = plain_crosstab([[3, 4], [40, 50]])

    hidden = suppress_cells(values, sums, 6)

    assert (0, 2) in hidden
    assert_safe(values, sums, hidden, 6)


def test_a_table_with_no_small_cell_is_left_alone():
    table = Table(
        key="t",
        code="T",
        title="T",
        columns=[Column("l", "L", TEXT), Column("a", "A", COUNT), Column("b", "B", COUNT)],
        rows=[Row(["x", 0, 40]), Row(["Total", 0, 40], total=True)],
        people=True,
        sums=[Total((1, 1), [(0, 1)]), Total((1, 2), [(0, 2)])],
    )

    apply_suppression([table], 10)

    assert table.suppressed == set()
