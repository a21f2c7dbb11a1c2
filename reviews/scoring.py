"""The arithmetic of NIH-style scoring, as pure functions on exact numbers.

No floats anywhere: means are exact fractions, rounding is ``Decimal`` with ``ROUND_HALF_UP``
(Python's ``round`` rounds half to even: ``round(2.25, 1) == 2.2``, and 2.25 must give 2.3),
and percentiles are ceilings of exact fractions (a float ``100 * 1.5 / 10`` can come out a hair
above 15 and ceil to 16).
"""

import math
from collections.abc import Hashable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import TypeVar

from .choices import MAX_SCORE, MIN_SCORE

K = TypeVar("K", bound=Hashable)

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")


def parse_score(value) -> int | None:
    """A 1–9 score from a form or API value; ``None`` for blank. Raises ``ValueError`` with a
    message for anything else (3.5, "3.0", True, 0, 10, "three")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("Choose a whole number from 1 to 9.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        number = int(value.strip())
    else:
        raise ValueError("Choose a whole number from 1 to 9.")
    if not MIN_SCORE <= number <= MAX_SCORE:
        raise ValueError("Scores run from 1 (exceptional) to 9 (poor).")
    return number


def _checked(scores: Iterable[int]) -> list[int]:
    values = list(scores)
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"Scores are integers, not {value!r}.")
        if not MIN_SCORE <= value <= MAX_SCORE:
            raise ValueError(f"Score {value} is outside 1–9.")
    return values


def exact_mean(scores: Iterable[int]) -> Fraction | None:
    values = _checked(scores)
    if not values:
        return None
    return Fraction(sum(values), len(values))


def round_half_up(value: Fraction, places: Decimal) -> Decimal:
    """``value`` rounded half up to ``places`` (e.g. ``Decimal("0.1")``).

    The division is carried to 60 digits: a mean of n scores that lies exactly on a half
    (k/20) divides exactly, and one that does not lies at least 1/(20n) away from it, so the
    last digits can never push a value across the boundary.
    """
    with localcontext() as ctx:
        ctx.prec = 60
        decimal = Decimal(value.numerator) / Decimal(value.denominator)
        return decimal.quantize(places, rounding=ROUND_HALF_UP)


def preliminary_score(impacts: Iterable[int]) -> Decimal | None:
    """Mean of the submitted reviews' overall impact scores, to two decimals (None if none)."""
    mean = exact_mean(impacts)
    return None if mean is None else round_half_up(mean, TWO_DECIMALS)


def preliminary_from_sum(total: int, count: int) -> Decimal | None:
    """The same, from a database sum and count of the impact scores."""
    if not count:
        return None
    return round_half_up(Fraction(total, count), TWO_DECIMALS)


def final_impact_score(scores: Iterable[int]) -> int | None:
    """Mean of the panel's final scores rounded to one decimal half up, times ten (10–90).

    {2, 2, 3, 2} -> 2.25 -> 2.3 -> 23.  None when nobody scored.
    """
    mean = exact_mean(scores)
    if mean is None:
        return None
    return int(round_half_up(mean, ONE_DECIMAL) * 10)


def shared_ranks(scores: Mapping[K, int | Decimal]) -> dict[K, Fraction]:
    """1-based ranks, lowest (best) score first; tied scores share the mean of their ranks
    ({10, 20, 20, 30} -> 1, 2.5, 2.5, 4)."""
    ordered = sorted(scores.items(), key=lambda item: item[1])
    ranks: dict[K, Fraction] = {}
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1][1] == ordered[start][1]:
            end += 1
        # Positions start+1 .. end+1 share their mean.
        shared = Fraction(start + 1 + end + 1, 2)
        for key, _ in ordered[start : end + 1]:
            ranks[key] = shared
        start = end + 1
    return ranks


def percentile_for(rank: Fraction | int, n: int) -> int:
    """ceil(100 x (rank - 0.5) / n), exactly: 10.1 -> 11, and 15 stays 15."""
    if n < 1:
        raise ValueError("A percentile needs at least one scored proposal.")
    return math.ceil(Fraction(100) * (Fraction(rank) - Fraction(1, 2)) / n)


def percentiles(final_scores: Mapping[K, int]) -> dict[K, int]:
    """Percentile within the call of each proposal with a final impact score.

    N is the number of proposals with a final score; a single proposal gets 50.
    """
    n = len(final_scores)
    return {key: percentile_for(rank, n) for key, rank in shared_ranks(final_scores).items()}


def not_discussed_by_default(preliminary: Mapping[K, Decimal | None]) -> set[K]:
    """The weaker half by preliminary score, which the panel does not discuss by default.

    The better half (rounded up) is discussed, and so is anything tied with the weakest
    discussed score; proposals without a preliminary score stay discussed (the chair decides).
    """
    scored = sorted(score for score in preliminary.values() if score is not None)
    if not scored:
        return set()
    discussed_count = math.ceil(len(scored) / 2)
    threshold = scored[discussed_count - 1]
    return {key for key, score in preliminary.items() if score is not None and score > threshold}
