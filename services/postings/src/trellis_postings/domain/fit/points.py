"""The arithmetic of points: whole tenths, so the lines of an explanation add up.

Every line of an explanation is a whole number of tenths of a point, and the score
is their sum. A person adding the printed lines gets the printed score exactly,
and the recommender's vectorised path, which adds the same integers, gets the
same ranking as `explain_fit` whatever order it adds them in.

Where a line needs a float step (a share of its maximum), the recommender repeats
the very same IEEE operations in the same order; the comments mark those steps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

TOTAL_TENTHS = 1000  # 100.0 points
# Round half up, with a hair of slack: 450 x 0.7**2 is 220.49999999999997 in
# floats but 220.5 on paper, and a person checking the sum would expect 22.1.
HALF = 0.5 + 1e-9


def points_tenths(max_tenths: int, credit: float) -> int:
    """`credit` (0..1) of a line's maximum, rounded half up to whole tenths."""
    # Mirrored in recommend.scoring: floor(max * credit + HALF).
    return math.floor(max_tenths * credit + HALF)


def level_credit(employee_level: int, required_level: int) -> float:
    """Full credit at or above the required level, proportional below, 0 if absent."""
    # Mirrored in recommend.scoring: min(level, required) / required.
    return min(employee_level, required_level) / required_level


def skill_line_tenths(max_tenths: int, credit: float) -> float:
    """The unrounded points of a skill line, kept for the stretch bonus."""
    return max_tenths * credit


def stretch_bonus_tenths(max_tenths: int, raw_points: float, recovery_share: float) -> int:
    """Extra tenths when a share of the points missed on a skill line comes back.

    Rounding the boosted line as a whole (and subtracting the rounded line) keeps
    line plus bonus within the line's maximum.
    """
    # Mirrored in recommend.scoring, step by step.
    boosted = math.floor(raw_points + recovery_share * (max_tenths - raw_points) + HALF)
    return boosted - math.floor(raw_points + HALF)


def penalised_tenths(subtotal: int, multiplier: float) -> int:
    """The subtotal after must-have gaps, rounded half up to whole tenths."""
    # Mirrored in recommend.scoring: floor(subtotal * multiplier + HALF).
    return math.floor(subtotal * multiplier + HALF)


def apportion(total: int, weights: Sequence[float]) -> tuple[int, ...]:
    """Split `total` whole units over `weights` (largest remainder method).

    The parts add up to exactly `total`, so three equally weighted skills share
    55.0 points as 18.4 + 18.3 + 18.3 rather than 3 x 18.3 = 54.9. Ties go to
    the earlier entry. Floats are fine here: every path (explanation and index)
    calls this same function, so they agree on each part.
    """
    return _apportion(total, tuple(weights))


@lru_cache(maxsize=8192)
def _apportion(total: int, weights: tuple[float, ...]) -> tuple[int, ...]:
    whole = math.fsum(weights)
    if not whole > 0:
        raise ValueError("cannot share points over weights that add up to nothing")
    quotas = [total * w / whole for w in weights]
    parts = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: (parts[i] - quotas[i], i))
    left = total - sum(parts)
    # Float error can leave one unit too many or too few; the loop settles either way.
    while left > 0:
        for i in by_remainder[:left]:
            parts[i] += 1
        left = total - sum(parts)
    for i in reversed(by_remainder):
        if left == 0:
            break
        if parts[i] > 0:
            parts[i] -= 1
            left += 1
    return tuple(parts)
