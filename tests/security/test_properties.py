"""Hypothesis property tests: the score math (reviews.scoring, the panel and the ranking), budget
totals (grants) and the report's invariants (totals, small-cell suppression).

Each check compares against an independent reference (integer or Fraction arithmetic written
here) rather than re-running the code under test. Bounded and derandomized so CI is
deterministic and fast."""

import math
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from accounts.choices import ApplicantType, RaceEthnicity, Sex, YesNoPreferNot
from accounts.models import Demographics, Profile
from grants import services as grant_services
from grants.models import BudgetLine, Proposal
from grants.selectors import proposal_blockers, proposal_requested_total
from reporting.hrsa.builder import build_report
from reporting.hrsa.suppression import apply_suppression, suppress_cells
from reporting.hrsa.tables import COUNT, SUPPRESSED, Column, Row, Table, Total
from reviews import scoring
from reviews import services as review_services
from reviews.choices import ReviewPhase
from reviews.models import PanelEntry
from reviews.selectors import ranking
from tests.factories import make_proposal, make_review_setup, make_user, move_review_to
from tests.reporting.support import simple_award

PURE = settings(max_examples=100, deadline=None, derandomize=True, database=None)
# Examples that write to the test database share the test's transaction: each one sets every
# row it reads. No shrinking: one example costs a second, and the failing one is printed.
WITH_DB = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scores = st.integers(min_value=1, max_value=9)
score_lists = st.lists(scores, min_size=1, max_size=12)


def reference_final(values: list[int]) -> int:
    """Mean to one decimal, half up, times ten — in integers: floor(10 * sum / n + 1/2)."""
    return math.floor(Fraction(10 * sum(values), len(values)) + Fraction(1, 2))


def reference_ranks(values: dict) -> dict:
    """1-based ranks, lowest first, ties sharing the mean of their positions."""
    ordered = sorted(values.values())
    return {
        key: Fraction(sum(i + 1 for i, v in enumerate(ordered) if v == value), ordered.count(value))
        for key, value in values.items()
    }


def reference_percentile(rank: Fraction, n: int) -> int:
    """ceil(100 (rank - 1/2) / n), with integer ceiling division on 2 x rank (an integer)."""
    twice = int(2 * rank)
    return -(-100 * (twice - 1) // (2 * n))


# ---- Score math ------------------------------------------------------------------------------


@PURE
@given(score_lists)
def test_exact_mean_and_preliminary_score_lie_between_min_and_max(values):
    mean = scoring.exact_mean(values)
    preliminary = scoring.preliminary_score(values)

    assert min(values) <= mean <= max(values)
    assert min(values) <= preliminary <= max(values)
    assert preliminary == scoring.round_half_up(mean, Decimal("0.01"))
    assert abs(preliminary - Decimal(mean.numerator) / Decimal(mean.denominator)) <= Decimal(
        "0.005"
    )


@PURE
@given(score_lists)
def test_final_impact_score_is_mean_rounded_half_up_times_ten(values):
    final = scoring.final_impact_score(values)

    assert final == reference_final(values)
    assert 10 * min(values) <= final <= 10 * max(values)
    assert 10 <= final <= 90


@PURE
@given(score_lists, st.randoms(use_true_random=False))
def test_final_impact_score_ignores_the_order_of_the_votes(values, random):
    shuffled = list(values)
    random.shuffle(shuffled)

    assert scoring.final_impact_score(shuffled) == scoring.final_impact_score(values)


@PURE
@given(score_lists, st.data())
def test_a_worse_vote_never_improves_the_final_score(values, data):
    index = data.draw(st.integers(0, len(values) - 1))
    worse = list(values)
    worse[index] = data.draw(st.integers(values[index], 9))

    assert scoring.final_impact_score(worse) >= scoring.final_impact_score(values)


@PURE
@given(st.lists(scores, min_size=3, max_size=3), scores)
def test_half_way_means_round_up_never_to_even(three, fourth):
    """Four votes with an odd sum have a mean on a half (2.25, 6.75): it goes up, so
    {2, 2, 3, 2} -> 2.25 -> 2.3 -> 23 (DESIGN.md) where round() would give 22."""
    if (sum(three) + fourth) % 2 == 0:
        fourth = fourth + 1 if fourth < 9 else fourth - 1
    total = sum(three) + fourth

    assert scoring.final_impact_score([*three, fourth]) == (5 * total + 1) // 2


@PURE
@given(st.dictionaries(st.integers(1, 10_000), st.integers(10, 90), min_size=1, max_size=15))
def test_shared_ranks_are_a_total_order_consistent_with_the_scores(finals):
    ranks = scoring.shared_ranks(finals)
    n = len(finals)

    assert ranks == reference_ranks(finals)
    assert sum(ranks.values()) == Fraction(n * (n + 1), 2)
    assert all(1 <= rank <= n for rank in ranks.values())
    for a in finals:
        for b in finals:
            if finals[a] < finals[b]:
                assert ranks[a] < ranks[b]
            if finals[a] == finals[b]:
                assert ranks[a] == ranks[b]


@PURE
@given(st.dictionaries(st.integers(1, 10_000), st.integers(10, 90), min_size=1, max_size=15))
def test_percentiles_match_the_reference_and_follow_the_scores(finals):
    percentiles = scoring.percentiles(finals)
    n = len(finals)
    ranks = reference_ranks(finals)

    assert percentiles == {key: reference_percentile(ranks[key], n) for key in finals}
    assert all(1 <= p <= 100 for p in percentiles.values())
    for a in finals:
        for b in finals:
            if finals[a] <= finals[b]:
                assert percentiles[a] <= percentiles[b]
    if n == 1:
        assert list(percentiles.values()) == [50]


@PURE
@given(st.lists(st.integers(10, 90), min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_percentiles_do_not_depend_on_the_order_proposals_are_listed(values, random):
    keys = list(range(len(values)))
    shuffled = list(keys)
    random.shuffle(shuffled)

    forward = scoring.percentiles({k: values[k] for k in keys})
    backward = scoring.percentiles({k: values[k] for k in shuffled})

    assert forward == backward


@PURE
@given(
    st.dictionaries(
        st.integers(1, 1000),
        st.one_of(st.none(), st.decimals(min_value=1, max_value=9, places=2)),
        max_size=15,
    )
)
def test_not_discussed_is_the_weaker_half_and_never_the_unscored(preliminary):
    not_discussed = scoring.not_discussed_by_default(preliminary)
    scored = {k: v for k, v in preliminary.items() if v is not None}
    discussed = set(scored) - not_discussed

    assert not_discussed <= set(scored)
    assert len(discussed) >= math.ceil(len(scored) / 2)
    if discussed and not_discussed:
        assert max(scored[k] for k in discussed) < min(scored[k] for k in not_discussed)


@PURE
@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.decimals(allow_nan=False),
        st.text(max_size=6),
    )
)
def test_parse_score_accepts_whole_numbers_1_to_9_and_refuses_the_rest_cleanly(value):
    try:
        parsed = scoring.parse_score(value)
    except ValueError:
        return
    if parsed is None:
        assert value is None or (isinstance(value, str) and not value.strip())
    else:
        assert 1 <= parsed <= 9
        assert not isinstance(value, bool)
        assert parsed == (value if isinstance(value, int) else int(value.strip()))


# ---- The panel and the ranking, through the services -----------------------------------------


@pytest.fixture
def panel(db):
    """Four proposals at the panel of a call, every one discussed, four eligible voters."""
    setup = make_review_setup(proposals=4, members=3)
    move_review_to(setup, ReviewPhase.PANEL)
    voters = [setup.chair, *setup.members]
    return setup, voters


@settings(WITH_DB, max_examples=8)  # an example records 16 votes and finalizes 4 proposals
@given(st.lists(st.lists(scores, min_size=4, max_size=4), min_size=4, max_size=4), st.data())
def test_panel_results_and_ranking_follow_the_votes(panel, votes, data):
    setup, voters = panel
    proposals = setup.proposals
    # Submission times in any order (ties included) for the last tie-break.
    offsets = data.draw(st.lists(st.integers(0, 2), min_size=4, max_size=4))
    now = timezone.now()
    for proposal, offset in zip(proposals, offsets, strict=True):
        Proposal.objects.filter(pk=proposal.pk).update(submitted_at=now + timedelta(hours=offset))
    for proposal, ballot in zip(proposals, votes, strict=True):
        for voter, score in zip(voters, ballot, strict=True):
            review_services.final_score_record(proposal=proposal, actor=voter, score=score)
        review_services.panel_finalize(
            proposal=proposal, actor=setup.chair, resume_of_discussion="Discussed."
        )

    entries = {e.proposal_id: e for e in PanelEntry.objects.filter(proposal__in=proposals)}
    finals = {p.pk: reference_final(ballot) for p, ballot in zip(proposals, votes, strict=True)}
    ranks = reference_ranks(finals)
    ranked = list(ranking(setup.call))
    assert {pk: e.final_impact_score for pk, e in entries.items()} == finals
    assert {pk: e.percentile for pk, e in entries.items()} == {
        pk: reference_percentile(ranks[pk], len(finals)) for pk in finals
    }
    assert sorted(p.pk for p in ranked) == sorted(finals)  # each exactly once
    keys = [(finals[p.pk], entries[p.pk].percentile, p.submitted_at, p.pk) for p in ranked]
    assert keys == sorted(keys)


# ---- Budget totals ---------------------------------------------------------------------------

amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2, allow_nan=False
)


@pytest.fixture
def draft(db):
    return make_proposal(complete=False)


@WITH_DB
@given(st.lists(amounts, min_size=1, max_size=6), st.sampled_from([0, 1, -1]))
def test_budget_total_is_the_exact_sum_of_its_lines(draft, lines, requested_offset):
    BudgetLine.objects.filter(proposal=draft).delete()
    for amount in lines:
        grant_services.budget_line_save(
            proposal=draft, actor=draft.pi, category="supplies", description="x", amount=amount
        )
    requested = sum(lines, Decimal("0")) + Decimal("0.01") * requested_offset
    grant_services.proposal_update(
        proposal=draft, actor=draft.pi, data={"requested_amount": requested}
    )

    total = proposal_requested_total(draft)
    blockers = proposal_blockers(Proposal.objects.get(pk=draft.pk))
    fields = Counter(b.field for b in blockers)
    assert total == sum(lines, Decimal("0"))
    assert total > 0
    assert total.as_tuple().exponent == -2  # cents, never a float's tail
    assert ("requested_amount" in fields) == (requested != total)
    over_max = total > draft.call.max_award
    assert any("maximum award" in b.message for b in blockers) == over_max


@WITH_DB
@given(
    st.one_of(
        st.decimals(max_value=Decimal("0"), places=2, allow_nan=False, allow_infinity=False),
        st.decimals(min_value=Decimal("0.001"), max_value=Decimal("10"), places=3).filter(
            lambda d: d != d.quantize(Decimal("0.01"))
        ),
        st.decimals(min_value=Decimal("10000000000"), max_value=Decimal("1e15"), places=2),
    )
)
def test_budget_line_refuses_zero_negative_fractional_cents_and_huge_amounts(draft, amount):
    BudgetLine.objects.filter(proposal=draft).delete()

    with pytest.raises(ValidationError) as exc:
        grant_services.budget_line_save(
            proposal=draft, actor=draft.pi, category="supplies", description="x", amount=amount
        )

    assert set(exc.value.message_dict) == {"amount"}
    assert proposal_requested_total(draft) == Decimal("0")
    assert not BudgetLine.objects.filter(proposal=draft).exists()


# ---- Small-cell suppression ------------------------------------------------------------------


def crosstab(data: list[list[int]]) -> tuple[dict, list[Total]]:
    """A table of counts with row totals (last column), column totals (last row) and a grand
    total, as cell values and the sums that tie them together."""
    rows, cols = len(data), len(data[0])
    values = {}
    for r in range(rows):
        for c in range(cols):
            values[(r, c)] = data[r][c]
        values[(r, cols)] = sum(data[r])
    for c in range(cols + 1):
        values[(rows, c)] = sum(values[(r, c)] for r in range(rows))
    sums = [Total((r, cols), [(r, c) for c in range(cols)]) for r in range(rows + 1)]
    sums += [Total((rows, c), [(r, c) for r in range(rows)]) for c in range(cols + 1)]
    return values, sums


def rank(matrix: list[list[Fraction]]) -> int:
    rows = [list(row) for row in matrix]
    found = 0
    for col in range(len(rows[0]) if rows else 0):
        pivot = next((r for r in range(found, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for r in range(len(rows)):
            if r != found and rows[r][col] != 0:
                factor = rows[r][col] / rows[found][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[found], strict=True)]
        found += 1
    return found


def determined(sums: list[Total], hidden: set) -> set:
    """The hidden cells whose value the published cells fix through the sums: exactly those
    whose unit vector lies in the row space of the sums restricted to the hidden cells."""
    unknowns = sorted(hidden)
    if not unknowns:
        return set()
    index = {cell: i for i, cell in enumerate(unknowns)}
    matrix = []
    for total in sums:
        row = [Fraction(0)] * len(unknowns)
        for cell, sign in [(total.target, -1), *((s, 1) for s in total.sources)]:
            if cell in index:
                row[index[cell]] += sign
        matrix.append(row)
    base = rank(matrix)
    found = set()
    for cell, i in index.items():
        unit = [Fraction(int(j == i)) for j in range(len(unknowns))]
        if rank([*matrix, unit]) == base:
            found.add(cell)
    return found


tables = st.integers(1, 4).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 25), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(tables, st.integers(1, 10))
def test_suppression_hides_every_small_cell_and_leaves_none_recoverable(data, threshold):
    values, sums = crosstab(data)

    hidden = suppress_cells(values, sums, threshold)

    published = {cell: v for cell, v in values.items() if cell not in hidden}
    assert [v for v in published.values() if 1 <= v <= threshold] == []
    assert {c for c, v in values.items() if 1 <= v <= threshold} <= hidden
    assert determined(sums, hidden) == set()
    # No sum is left with a single hidden cell (the simplest way to recompute one).
    assert [t for t in sums if sum(c in hidden for c in t.cells) == 1] == []


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(tables, st.integers(1, 10))
def test_suppressed_table_shows_an_asterisk_exactly_where_hidden(data, threshold):
    values, sums = crosstab(data)
    rows = max(r for r, _ in values) + 1
    cols = max(c for _, c in values) + 1
    table = Table(
        key="t",
        code="T",
        title="T",
        columns=[Column(f"c{c}", f"C{c}", COUNT) for c in range(cols)],
        rows=[Row([values[(r, c)] for c in range(cols)]) for r in range(rows)],
        people=True,
        sums=sums,
    )

    apply_suppression([table], threshold)

    shown = {(r, c): table.rows[r].cells[c] for r in range(rows) for c in range(cols)}
    assert {cell for cell, v in shown.items() if v == SUPPRESSED} == table.suppressed
    assert all(shown[cell] == values[cell] for cell in values if cell not in table.suppressed)


# ---- The HRSA report, built from the database ------------------------------------------------

PERIOD = "2025-2026"
people_demographics = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "race_ethnicity": st.lists(
                st.sampled_from(RaceEthnicity.values), max_size=3, unique=True
            ),
            "sex": st.sampled_from(["", *Sex.values]),
            "birth_year": st.one_of(st.none(), st.integers(1945, 2006)),
            "disadvantaged": st.sampled_from(["", *YesNoPreferNot.values]),
            "rural_background": st.sampled_from(["", *YesNoPreferNot.values]),
            "first_generation": st.sampled_from(["", *YesNoPreferNot.values]),
        }
    ),
)


@pytest.fixture
def award_team(db):
    """One award active in 2025-2026 with its PI and five team members with accounts."""
    team = [make_user() for _ in range(5)]
    award, _ = simple_award(team=team, start=date(2025, 9, 1), end=date(2026, 6, 30))
    return [award.proposal.pi, *team]


def numeric(value) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


@WITH_DB
@given(
    st.lists(
        st.tuples(st.sampled_from(ApplicantType.values), people_demographics),
        min_size=6,
        max_size=6,
    ),
    st.integers(1, 5),
)
def test_report_totals_add_up_and_suppression_hides_small_cells_for_good(
    award_team, people, threshold
):
    for user, (applicant_type, demographics) in zip(award_team, people, strict=True):
        Profile.objects.filter(user=user).update(applicant_type=applicant_type)
        Demographics.objects.filter(user=user).delete()
        if demographics is not None:
            Demographics.objects.create(user=user, **demographics)

    raw = build_report(PERIOD)
    shared = build_report(PERIOD, suppress=True, threshold=threshold)

    for table in raw.tables:
        for total in table.sums:
            # A blank (None) part is nobody: INDGEN-PY's "no outcome record" row.
            parts = [table.value(*cell) for cell in total.sources]
            target = table.value(*total.target)
            assert numeric(target), (table.key, total)
            assert all(numeric(v) or v is None for v in parts), (table.key, total)
            assert target == sum(v for v in parts if v is not None), (table.key, total)
    hidden_keys = set()
    for table, suppressed in zip(raw.tables, shared.tables, strict=True):
        if table.key == "checks":
            continue  # below
        if not table.people:
            assert [r.cells for r in suppressed.rows] == [r.cells for r in table.rows]
            continue
        counts = table.count_cells()
        hidden = suppressed.suppressed
        for cell, value in counts.items():
            shown = suppressed.value(*cell)
            if cell in hidden:
                assert shown == SUPPRESSED
            else:
                assert shown == value
                assert not 1 <= value <= threshold, (table.key, cell, value)
        sums = [t for t in table.sums if any(c in counts for c in t.cells)]
        assert determined(sums, hidden & set(counts)) == set(), table.key
        hidden_keys |= {key for key, cell in table.shared.items() if cell in hidden}
    for table in shared.tables:
        for key in hidden_keys & set(table.shared):
            assert table.shared[key] in table.suppressed, (table.key, key)
    # The Checks count people too: none may show a count a table hides (found by this test:
    # "Participants with demographics" repeated hidden "not reported" cells).
    hidden_values = {
        table.value(*cell)
        for table, suppressed in zip(raw.tables, shared.tables, strict=True)
        if table.people
        for cell in suppressed.suppressed
    }
    for check in shared.checks:
        if check.people and check.count != SUPPRESSED:
            assert check.count not in hidden_values or check.count == 0, check
            assert not 1 <= check.count <= threshold, check
