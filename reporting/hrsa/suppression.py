"""Small-cell suppression that stays safe against a reader who knows the rules.

**The reader.** Whoever reads a suppressed table knows every published cell, which cells are
hidden, the sums that tie the cells together (rows, columns, subtotals, the participant totals
shared by several tables) and the rules themselves: zeros are shown, so every hidden cell is a
whole number of at least 1; every count is at least 0, so a hidden cell is at most what the
published totals leave for it. The reader also reads the other sheets: a table's ``implies``
gives lower bounds on people-table cells (Projects names each PI and position, so LR-1's total
for a level is at least its number of PIs). The reader does not know which hidden cells are
small (primary) and which were hidden to protect them (complementary).

**What the reader can work out** about a hidden cell is its *feasible range*: the least and the
greatest whole value it can take with every other hidden cell also a whole number of at least 1
(or its known lower bound) and every sum holding. ``cell_ranges`` computes it with one linear
program per end (HiGHS, via scipy), checked against the integer program whenever the linear
optimum is not a whole number, so the ranges are exact for whole numbers. The audit saves
programs: hidden cells linked by no sum are solved apart, the cells with no greatest value are
found together from the rays of the reader's region, bound propagation first settles the cells
whose outer bounds are already too narrow, and solutions already seen settle those wide enough.

**The protection criterion** (``protection_needed``), for threshold N:

- every hidden cell's range holds at least two values (no hidden cell is determined), and
- every *small* hidden cell (1 to N) has a range at least N wide: greatest - least >= N. As the
  least is at least 1, the greatest is then above N, so the published figures never even show
  that a small cell is small, and they never narrow it to fewer values than the rule itself
  ("from 1 to N") would.

**Suppression.** Primary: every count from 1 to N, totals included. Complementary, only ever
non-zero cells (so "zeros are shown" stays true): first every sum left with exactly one hidden
cell gets a second one; then, while the audit finds a hidden cell under-protected, a cell of one
of its sums is hidden as well (the best of ``_candidates``: parts before totals, a cell that
mends two sums, then the smallest). Every step only adds a non-zero cell, and once every non-zero
cell is hidden every hidden cell's range is unbounded above (the true values scaled up still
satisfy every sum, whose published cells are then all zeros, and every lower bound), so the
loop always ends with the criterion met.

A second-order reader who also replays the choice of complements (that the smallest cell of a
sum was chosen) is outside this model, as in the usual statistical-disclosure practice.
"""

import math
from collections.abc import Iterable

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from .tables import SUPPRESSED, Cell, Table, Total


def primary_cells(values: dict, threshold: int) -> set:
    return {cell for cell, value in values.items() if 1 <= value <= threshold}


def protection_needed(value: int, threshold: int) -> int:
    """The least width (greatest - least) of a hidden cell's feasible range."""
    return threshold if 1 <= value <= threshold else 1


def _candidates(total: Total, values, suppressed, sums_of) -> list:
    """The open non-zero cells of a sum, best complement first: parts before the total, then
    those that also complete another sum left with a single hidden cell (one cell mending two
    sums keeps the suppression small), then the smallest, then by position. Zeros are never
    hidden: the rules say they are shown."""

    def mends(cell) -> int:
        return sum(
            1
            for other in sums_of[cell]
            if other is not total and sum(c in suppressed for c in other.cells) == 1
        )

    open_cells = [c for c in total.cells if values.get(c, 0) != 0 and c not in suppressed]
    return sorted(open_cells, key=lambda c: (c == total.target, -mends(c), values[c], c))


# ---- The audit -------------------------------------------------------------------------------


def _components(sums: list[Total], hidden: list) -> list[list]:
    """The hidden cells grouped by the sums that link them (each group is solved alone)."""
    parent = {cell: cell for cell in hidden}

    def find(cell):
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for total in sums:
        inside = [c for c in total.cells if c in parent]
        for other in inside[1:]:
            parent[find(other)] = find(inside[0])
    groups: dict = {}
    for cell in hidden:
        groups.setdefault(find(cell), []).append(cell)
    return list(groups.values())


class _Program:
    """The reader's system for one group of hidden cells: A x = b, x whole and >= 1."""

    def __init__(self, cells: list, sums: list[Total], values: dict, lower: dict):
        self.cells = cells
        # What the reader knows a hidden cell is at least: 1 (zeros are shown), or more when
        # another table tells (Projects' PIs by position).
        self.floor = np.array([max(1, lower.get(c, 1)) for c in cells], dtype=float)
        index = {cell: i for i, cell in enumerate(cells)}
        rows, rhs = [], []
        for total in sums:
            terms = [(total.target, -1), *((s, 1) for s in total.sources)]
            if not any(cell in index for cell, _ in terms):
                continue
            row = np.zeros(len(cells))
            constant = 0
            for cell, sign in terms:
                if cell in index:
                    row[index[cell]] += sign
                else:
                    constant += sign * values.get(cell, 0)  # not a count: a blank cell
            rows.append(row)
            rhs.append(-constant)
        self.a = np.array(rows) if rows else np.zeros((0, len(cells)))
        self.b = np.array(rhs, dtype=float)

    def quick_bounds(self, passes: int = 30) -> tuple[np.ndarray, np.ndarray]:
        """Cheap outer bounds of each cell (least >= low, greatest <= high), tightened sum by
        sum from the others' bounds (bound propagation); a cell whose outer range is already
        too narrow needs no linear program."""
        n = len(self.cells)
        low, high = self.floor.copy(), np.full(n, math.inf)
        for _ in range(passes):
            changed = False
            for row, b in zip(self.a, self.b, strict=True):
                for i in np.flatnonzero(row):
                    ratio = np.delete(row, i) / row[i]  # x_i = b / a_i - sum ratio_j x_j
                    lo_j, hi_j = np.delete(low, i), np.delete(high, i)
                    up, down = ratio > 0, ratio < 0
                    with np.errstate(invalid="ignore"):
                        top = b / row[i] - ratio[up] @ lo_j[up] - ratio[down] @ hi_j[down]
                        bottom = b / row[i] - ratio[up] @ hi_j[up] - ratio[down] @ lo_j[down]
                    if top < high[i] - 1e-9:
                        high[i], changed = math.floor(top + 1e-9), True
                    if bottom > low[i] + 1e-9:
                        low[i], changed = math.ceil(bottom - 1e-9), True
            if not changed:
                break
        return low, high

    def unbounded(self) -> set[int]:
        """The cells with no greatest value: those some ray of the reader's region (d >= 0,
        A d = 0) increases. One linear program per round finds the rays' union support; a
        ray of rationals scales to whole numbers, so whole solutions are unbounded too."""
        n = len(self.cells)
        if not len(self.b):
            return set(range(n))
        found: set[int] = set()
        while len(found) < n:
            objective = np.array([0.0 if i in found else -1.0 for i in range(n)])
            result = linprog(
                objective,
                A_eq=self.a,
                b_eq=np.zeros(len(self.b)),
                bounds=[(0, 1)] * n,
                method="highs",
            )
            if result.status != 0:
                raise RuntimeError(f"suppression audit: linear program failed ({result.message})")
            more = {i for i in range(n) if i not in found and result.x[i] > 1e-9}
            if not more:
                break
            found |= more
        return found

    def extreme(self, i: int, sense: int) -> tuple[float, np.ndarray | None]:
        """The least (sense 1) or greatest (sense -1) whole value of cell i, and a whole
        solution reaching it (None when unbounded)."""
        n = len(self.cells)
        objective = np.zeros(n)
        objective[i] = sense
        if not len(self.b):
            return (self.floor[i], self.floor.copy()) if sense == 1 else (math.inf, None)
        result = linprog(
            objective,
            A_eq=self.a,
            b_eq=self.b,
            bounds=[(f, None) for f in self.floor],
            method="highs",
        )
        if result.status == 3:  # unbounded; with a whole solution known, so are whole ones
            return -sense * math.inf, None
        if result.status != 0:
            raise RuntimeError(f"suppression audit: linear program failed ({result.message})")
        x = result.x
        if np.allclose(x, np.round(x), atol=1e-7):
            x = np.round(x)
            return float(x[i]), x
        exact = milp(  # a fractional vertex: ask the integer program itself
            objective,
            constraints=LinearConstraint(self.a, self.b, self.b),
            integrality=np.ones(n),
            bounds=Bounds(self.floor, np.full(n, np.inf)),
        )
        if exact.status != 0:
            raise RuntimeError(f"suppression audit: integer program failed ({exact.message})")
        x = np.round(exact.x)
        return float(x[i]), x


def _audit(values: dict, sums: list[Total], hidden: set, needed, cache=None, lower=None) -> dict:
    """{hidden cell: (least, greatest)} for the cells whose range is narrower than
    ``needed(cell)``, or for every hidden cell when ``needed`` is None (exact ranges).

    ``cache`` keeps each group's answer across the rounds of one suppression: a group's
    program depends only on its cells (a newly hidden cell beside it joins the group)."""
    cells = sorted(c for c in hidden if c in values)
    found = {}
    for group in _components(sums, cells):
        key = frozenset(group)
        if cache is not None and key in cache:
            found.update(cache[key])
            continue
        weak = found if cache is None else {}
        _audit_group(group, sums, values, needed, weak, lower or {})
        if cache is not None:
            cache[key] = weak
            found.update(weak)
    return found


def _audit_group(
    group: list, sums: list[Total], values: dict, needed, found: dict, lower: dict
) -> None:
    """Audit one group of linked hidden cells into ``found`` (see _audit)."""
    program = _Program(group, sums, values, lower)
    rays = program.unbounded()
    floor, ceiling = program.quick_bounds()
    truth = np.array([values[c] for c in group], dtype=float)
    # Whole solutions seen so far (the true values first): a range is at least their span.
    low, high = truth.copy(), truth.copy()

    def saw(x, low=low, high=high):
        if x is not None:
            np.minimum(low, x, out=low)
            np.maximum(high, x, out=high)

    for i, cell in enumerate(group):
        want = None if needed is None else needed(cell)
        if want is not None and (i in rays or high[i] - low[i] >= want):
            continue
        if want is not None and ceiling[i] - floor[i] < want:  # too narrow already
            found[cell] = (int(floor[i]), int(ceiling[i]))
            continue
        greatest, x = (math.inf, None) if i in rays else program.extreme(i, -1)
        saw(x)
        if want is not None and greatest - low[i] >= want:
            continue
        least, x = program.extreme(i, 1)
        saw(x)
        if want is None or greatest - least < want:
            found[cell] = (int(least), greatest if greatest == math.inf else int(greatest))


def cell_ranges(values: dict, sums: list[Total], hidden: set, lower: dict | None = None) -> dict:
    """Each hidden cell's feasible range (least, greatest; greatest may be ``math.inf``) given
    the published cells, the sums and that hidden cells are whole numbers of at least 1 (or
    of at least ``lower[cell]``, when the reader learns that elsewhere)."""
    return _audit(values, sums, hidden, None, lower=lower)


def under_protected(
    values: dict,
    sums: list[Total],
    hidden: set,
    threshold: int,
    cache: dict | None = None,
    lower: dict | None = None,
) -> dict:
    """The hidden cells the criterion is not met for, with bounds that show their feasible
    range too narrow."""
    return _audit(
        values,
        sums,
        hidden,
        lambda cell: protection_needed(values[cell], threshold),
        cache,
        lower,
    )


# ---- Suppression -----------------------------------------------------------------------------


def suppress_cells(
    values: dict,
    sums: list[Total],
    threshold: int,
    *,
    forced: Iterable = frozenset(),
    lower: dict | None = None,
) -> set:
    """The cells to hide: primary, forced (shared with other tables) and complementary, until
    ``under_protected`` finds none. Zero cells are never hidden. ``lower``: what the reader
    knows some cells are at least, from elsewhere in the report."""
    suppressed = primary_cells(values, threshold) | {c for c in forced if values.get(c, 0)}
    sums = [s for s in sums if any(c in values for c in s.cells)]
    cache: dict = {}
    sums_of: dict = {cell: [] for cell in values}
    for total in sums:
        for cell in total.cells:
            if cell in sums_of:
                sums_of[cell].append(total)
    while True:
        added = False
        for total in sums:
            if sum(c in suppressed for c in total.cells) == 1:
                options = _candidates(total, values, suppressed, sums_of)
                if options:
                    suppressed.add(options[0])
                    added = True
        if added:
            continue
        weak = under_protected(values, sums, suppressed, threshold, cache, lower)
        if not weak:
            return suppressed
        touched: set[int] = set()
        before = len(suppressed)
        for cell in sorted(weak):
            if any(id(total) in touched for total in sums_of[cell]):
                continue  # a cell was just hidden beside it: audit again first
            choice = _complement(cell, values, sums, suppressed, sums_of)
            if choice is None:
                continue
            suppressed.add(choice)
            touched |= {id(total) for total in sums_of[cell]}
            touched |= {id(total) for total in sums_of[choice]}
        if len(suppressed) == before:  # cannot happen: with every non-zero cell hidden, the
            raise RuntimeError("suppression: nothing left to hide")  # audit passes


def _complement(cell, values, sums, suppressed, sums_of):
    """The cell to hide for an under-protected one: the best complement in one of its sums;
    failing that (they are all hidden), in a sum of the hidden cells linked to it; failing
    that, the smallest open non-zero cell anywhere; None when every non-zero cell is hidden."""
    rank = lambda c: (values[c], c)  # noqa: E731
    options = [
        o for total in sums_of[cell] for o in _candidates(total, values, suppressed, sums_of)[:1]
    ]
    if options:
        return min(options, key=rank)
    linked = next(g for g in _components(sums, sorted(suppressed)) if cell in g)
    options = [
        o
        for member in linked
        for total in sums_of[member]
        for o in _candidates(total, values, suppressed, sums_of)[:1]
    ]
    if not options:
        options = [c for c, v in values.items() if v and c not in suppressed]
    return min(options, key=rank) if options else None


def apply_suppression(tables: list[Table], threshold: int) -> None:
    """Suppress the people tables in place, as one system: the participant totals the tables
    share are one unknown for the reader, so they are tied by equations (a total hidden in one
    table is then hidden in all of them) and audited across tables together."""
    people = [t for t in tables if t.people]
    values, sums = joint_system(people)
    hidden = suppress_cells(values, sums, threshold, lower=known_bounds(tables, people))
    for i, table in enumerate(people):
        table.suppressed = {(r, c) for t, r, c in hidden if t == i}
        for r, c in table.suppressed:
            table.rows[r].cells[c] = SUPPRESSED


def known_bounds(tables: list[Table], people: list[Table]) -> dict:
    """What the report's other tables tell a reader about the people tables' cells, keyed as
    in ``joint_system``: {(table index, row, column): least value}."""
    index = {table.key: i for i, table in enumerate(people)}
    lower: dict = {}
    for table in tables:
        for (key, row, column), least in table.implies.items():
            if key in index:
                target = people[index[key]]
                cell = (index[key], target.row_index(row), target.col_index(column))
                lower[cell] = max(lower.get(cell, 0), least)
    return lower


def joint_system(people: list[Table]) -> tuple[dict, list[Total]]:
    """The count cells and sums of several tables keyed ``(table index, row, column)``, with
    an equation ``a = b`` between the cells of a shared total."""
    values: dict = {}
    sums: list[Total] = []

    def key(i: int, cell: Cell) -> tuple[int, int, int]:
        return (i, *cell)

    first: dict[str, tuple] = {}
    for i, table in enumerate(people):
        values.update({key(i, cell): v for cell, v in table.count_cells().items()})
        sums += [Total(key(i, s.target), [key(i, c) for c in s.sources]) for s in table.sums]
        for name, cell in table.shared.items():
            if name in first:
                sums.append(Total(key(i, cell), [first[name]]))
            else:
                first[name] = key(i, cell)
    return values, sums
