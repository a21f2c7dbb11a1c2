from decimal import Decimal
from fractions import Fraction

import pytest

from reviews import scoring
from reviews.choices import SCORE_DESCRIPTORS
from reviews.matching import plan_assignments


def test_score_descriptors_run_from_exceptional_to_poor():
    assert SCORE_DESCRIPTORS == {
        1: "Exceptional",
        2: "Outstanding",
        3: "Excellent",
        4: "Very Good",
        5: "Good",
        6: "Satisfactory",
        7: "Fair",
        8: "Marginal",
        9: "Poor",
    }


# ---- Final impact score -------------------------------------------------------------------------


def test_final_impact_score_rounds_2_25_half_up_to_23():
    # Python's round(2.25, 1) gives 2.2; the NIH rule gives 2.3.
    assert scoring.final_impact_score([2, 2, 3, 2]) == 23


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([1, 2], 15),  # 1.5 exactly
        ([1, 1, 1, 2], 13),  # 1.25 -> 1.3
        ([3, 3, 3, 4], 33),  # 3.25 -> 3.3
        ([4, 4, 4, 5], 43),  # 4.25 -> 4.3 (float 4.25 is exact, round() would give 4.2)
        ([2, 3, 3, 3], 28),  # 2.75 -> 2.8
        ([6, 6, 6, 7], 63),  # 6.25 -> 6.3
        ([2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3], 29),  # 2.85 -> 2.9
        ([2, 2, 3], 23),  # 2.333 -> 2.3
        ([2, 3, 3], 27),  # 2.667 -> 2.7
        ([1, 1, 1], 10),
        ([9, 9], 90),
        ([5], 50),
    ],
)
def test_final_impact_score_rounds_half_up_to_one_decimal_times_ten(scores, expected):
    assert scoring.final_impact_score(scores) == expected


def test_final_impact_score_is_none_without_scores():
    assert scoring.final_impact_score([]) is None


@pytest.mark.parametrize("bad", [0, 10, 2.5, "3", True])
def test_final_impact_score_refuses_anything_but_integers_1_to_9(bad):
    with pytest.raises((TypeError, ValueError)):
        scoring.final_impact_score([2, bad])


def test_round_half_up_works_on_exact_fractions():
    assert scoring.round_half_up(Fraction(9, 4), Decimal("0.1")) == Decimal("2.3")
    assert scoring.round_half_up(Fraction(11, 4), Decimal("0.1")) == Decimal("2.8")
    assert scoring.round_half_up(Fraction(1, 3), Decimal("0.01")) == Decimal("0.33")


def test_preliminary_score_is_the_mean_to_two_decimals():
    assert scoring.preliminary_score([2, 3, 3]) == Decimal("2.67")
    assert scoring.preliminary_score([2, 3]) == Decimal("2.50")
    assert scoring.preliminary_score([]) is None
    assert scoring.preliminary_from_sum(8, 3) == Decimal("2.67")
    assert scoring.preliminary_from_sum(0, 0) is None


# ---- Percentiles --------------------------------------------------------------------------------


def test_percentile_rounds_10_1_up_to_11():
    # 100 x (101.5 - 0.5) / 1000 = 10.1
    assert scoring.percentile_for(Fraction(203, 2), 1000) == 11


def test_percentile_of_an_exact_integer_stays_that_integer():
    # In floats (6 - 0.5) / 10 * 100 == 55.00000000000001, which would ceil to 56.
    assert (6 - 0.5) / 10 * 100 > 55
    assert scoring.percentile_for(6, 10) == 55
    assert scoring.percentile_for(4, 25) == 14
    assert scoring.percentile_for(2, 10) == 15
    assert scoring.percentile_for(1, 50) == 1
    assert scoring.percentile_for(3, 5) == 50


def test_percentile_of_a_single_proposal_is_50():
    assert scoring.percentiles({"only": 30}) == {"only": 50}


def test_percentiles_of_three_distinct_scores():
    # 100 x 0.5/3 = 16.67 -> 17; 100 x 1.5/3 = 50; 100 x 2.5/3 = 83.33 -> 84.
    assert scoring.percentiles({"a": 20, "b": 25, "c": 40}) == {"a": 17, "b": 50, "c": 84}


def test_percentiles_order_is_by_score_not_by_key():
    assert scoring.percentiles({"a": 40, "b": 20}) == {"a": 75, "b": 25}


def test_tied_scores_share_the_mean_of_their_ranks():
    ranks = scoring.shared_ranks({"a": 10, "b": 20, "c": 20, "d": 30})

    assert ranks == {"a": 1, "b": Fraction(5, 2), "c": Fraction(5, 2), "d": 4}
    # 100 x (2.5 - 0.5) / 4 = 50
    assert scoring.percentiles({"a": 10, "b": 20, "c": 20, "d": 30}) == {
        "a": 13,
        "b": 50,
        "c": 50,
        "d": 88,
    }


def test_three_way_tie_shares_the_middle_rank():
    assert scoring.shared_ranks({"a": 23, "b": 23, "c": 23, "d": 10}) == {
        "d": 1,
        "a": 3,
        "b": 3,
        "c": 3,
    }


def test_all_tied_share_rank_and_get_50():
    assert scoring.percentiles({"a": 30, "b": 30, "c": 30, "d": 30}) == {
        "a": 50,
        "b": 50,
        "c": 50,
        "d": 50,
    }


def test_percentiles_of_nothing_is_empty():
    assert scoring.percentiles({}) == {}


def test_percentile_needs_at_least_one_proposal():
    with pytest.raises(ValueError):
        scoring.percentile_for(1, 0)


# ---- Triage and score parsing --------------------------------------------------------------------


def test_weaker_half_is_not_discussed_by_default():
    preliminary = {
        "a": Decimal("2.00"),
        "b": Decimal("4.00"),
        "c": Decimal("3.00"),
        "d": Decimal("6.00"),
        "e": Decimal("5.00"),
    }

    assert scoring.not_discussed_by_default(preliminary) == {"d", "e"}


def test_ties_with_the_weakest_discussed_score_stay_discussed():
    preliminary = {"a": Decimal("2"), "b": Decimal("3"), "c": Decimal("3"), "d": Decimal("5")}

    assert scoring.not_discussed_by_default(preliminary) == {"d"}


def test_proposals_without_a_preliminary_score_stay_discussed():
    preliminary = {"a": Decimal("2"), "b": Decimal("6"), "c": None}

    assert scoring.not_discussed_by_default(preliminary) == {"b"}
    assert scoring.not_discussed_by_default({"c": None}) == set()


@pytest.mark.parametrize(("value", "expected"), [(1, 1), (9, 9), ("4", 4), (" 7 ", 7), ("", None)])
def test_parse_score_accepts_whole_numbers_1_to_9(value, expected):
    assert scoring.parse_score(value) == expected


@pytest.mark.parametrize("value", [0, 10, -1, 3.0, 3.5, "3.5", "3.0", "ten", True, "١"])
def test_parse_score_refuses_anything_else(value):
    with pytest.raises(ValueError):
        scoring.parse_score(value)


# ---- The assignment plan ---------------------------------------------------------------------------


def test_plan_staffs_every_slot_a_greedy_pass_would_miss():
    # m1 can review both, m2 only p1. Greedy "p1 first, least-loaded first" could give p1 to m1
    # and leave p2 unstaffed; the flow gives p1 to m2.
    plan = plan_assignments(
        needs={"p1": 1, "p2": 1},
        capacity={"m1": 1, "m2": 1},
        load={},
        eligible={"p1": ["m1", "m2"], "p2": ["m1"]},
        affinity={("p1", "m1"): 3},
    )

    assert plan == {"p1": ["m2"], "p2": ["m1"]}


def test_plan_balances_loads_and_respects_capacity():
    proposals = {f"p{i}": 2 for i in range(6)}
    members = {f"m{i}": 8 for i in range(4)}
    plan = plan_assignments(
        needs=proposals,
        capacity=members,
        load={},
        eligible={p: list(members) for p in proposals},
        affinity={},
    )

    loads = {m: sum(m in chosen for chosen in plan.values()) for m in members}
    assert sorted(loads.values()) == [3, 3, 3, 3]
    assert all(len(set(chosen)) == 2 for chosen in plan.values())


def test_plan_prefers_expertise_when_loads_allow():
    plan = plan_assignments(
        needs={"p1": 1, "p2": 1},
        capacity={"m1": 2, "m2": 2},
        load={},
        eligible={"p1": ["m1", "m2"], "p2": ["m1", "m2"]},
        affinity={("p1", "m2"): 2, ("p2", "m1"): 1},
    )

    assert plan == {"p1": ["m2"], "p2": ["m1"]}
