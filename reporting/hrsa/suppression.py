"""Small-cell suppression with complementary suppression.

Primary: every count cell from 1 to ``threshold`` (totals included) is suppressed. Zeros are
shown (a zero discloses no one). Complementary: a suppressed cell must not be recoverable
from the totals it adds up to, so

1. every sum (a row, a column or a subtotal, *with* its total cell) holding exactly one
   suppressed cell gets a second one: the smallest non-zero cell of that sum, preferring the
   parts over the total itself, and
2. as the sums overlap, an attacker could still combine several; so each suppressed cell is
   also checked exactly — it is recoverable when the published cells fix its value in the
   linear system of all the table's sums — and while any is, the smallest cell of one of its
   sums is suppressed as well.

Totals are published unless they are small themselves or needed as a complement (a total is
chosen only when none of its parts can be). Both steps only ever add cells, so the loop ends.
"""

from fractions import Fraction

from .tables import SUPPRESSED, Cell, Table, Total


def primary_cells(values: dict[Cell, int], threshold: int) -> set[Cell]:
    return {cell for cell, value in values.items() if 1 <= value <= threshold}


def _candidates(total: Total, values, suppressed, sums_of) -> list[Cell]:
    """The open cells of a sum, best complement first: parts before the total, non-zero before
    zero, then those that also complete another sum left with a single hidden cell (one cell
    mending two sums keeps the suppression small), then the smallest, then by position."""

    def mends(cell: Cell) -> int:
        return sum(
            1
            for other in sums_of[cell]
            if other is not total and sum(c in suppressed for c in other.cells) == 1
        )

    open_cells = [c for c in total.cells if c in values and c not in suppressed]
    return sorted(
        open_cells,
        key=lambda c: (c == total.target, values[c] == 0, -mends(c), values[c], c),
    )


def _rref(matrix: list[list[Fraction]]) -> tuple[list[list[Fraction]], list[int]]:
    """Reduced row echelon form and the pivot column of each non-zero row."""
    rows = [row[:] for row in matrix if any(row)]
    pivots: list[int] = []
    rank, width = 0, len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        lead = rows[rank][col]
        rows[rank] = [a / lead for a in rows[rank]]
        for i in range(len(rows)):
            if i != rank and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        pivots.append(col)
        rank += 1
    return rows[:rank], pivots


def recoverable_cells(
    sums: list[Total], values: dict[Cell, int], suppressed: set[Cell]
) -> set[Cell]:
    """The suppressed cells whose value the published cells and the sums determine exactly.

    The unknowns satisfy A x = b (one equation per sum). A cell is determined iff every vector
    of A's kernel is zero there: in reduced echelon form, it is a pivot whose row has no entry
    in a free column.
    """
    unknowns = sorted(c for c in suppressed if c in values)
    if not unknowns:
        return set()
    index = {cell: i for i, cell in enumerate(unknowns)}
    matrix = []
    for total in sums:
        row = [Fraction(0)] * len(unknowns)
        for cell, sign in [(total.target, -1)] + [(s, 1) for s in total.sources]:
            if cell in index:
                row[index[cell]] += sign
        matrix.append(row)
    reduced, pivots = _rref(matrix)
    free = [i for i in range(len(unknowns)) if i not in set(pivots)]
    found = set()
    for row, col in zip(reduced, pivots, strict=True):
        if all(row[f] == 0 for f in free):
            found.add(unknowns[col])
    return found


def suppress_cells(
    values: dict[Cell, int],
    sums: list[Total],
    threshold: int,
    *,
    forced: set[Cell] = frozenset(),
) -> set[Cell]:
    """The cells to hide: primary, forced (shared with other tables) and complementary."""
    suppressed = primary_cells(values, threshold) | {c for c in forced if c in values}
    sums = [s for s in sums if any(c in values for c in s.cells)]
    sums_of: dict[Cell, list[Total]] = {cell: [] for cell in values}
    for total in sums:
        for cell in total.cells:
            if cell in sums_of:
                sums_of[cell].append(total)
    while True:
        added = False
        for total in sums:
            hidden = [c for c in total.cells if c in suppressed]
            if len(hidden) == 1:
                options = _candidates(total, values, suppressed, sums_of)
                if options:
                    suppressed.add(options[0])
                    added = True
        if added:
            continue
        exposed = recoverable_cells(sums, values, suppressed)
        if not exposed:
            return suppressed
        options = []
        for cell in sorted(exposed):
            for total in sums_of[cell]:
                options.extend(_candidates(total, values, suppressed, sums_of))
        if not options:  # every cell of every sum it is in is already hidden
            return suppressed
        options.sort(key=lambda c: (values[c] == 0, values[c], c))
        suppressed.add(options[0])


def apply_suppression(tables: list[Table], threshold: int) -> None:
    """Suppress the people tables in place. Participant totals that one table hides are hidden
    in every table sharing them, so no table reveals what another suppressed."""
    people = [t for t in tables if t.people]
    forced: dict[int, set[Cell]] = {id(t): set() for t in people}
    while True:
        hidden_keys: set[str] = set()
        results = {}
        for table in people:
            cells = suppress_cells(
                table.count_cells(), table.sums, threshold, forced=forced[id(table)]
            )
            results[id(table)] = cells
            hidden_keys |= {key for key, cell in table.shared.items() if cell in cells}
        changed = False
        for table in people:
            wanted = {table.shared[k] for k in hidden_keys if k in table.shared}
            if not wanted <= results[id(table)]:
                forced[id(table)] |= wanted
                changed = True
        if not changed:
            break
    for table in people:
        table.suppressed = results[id(table)]
        for r, c in table.suppressed:
            table.rows[r].cells[c] = SUPPRESSED
