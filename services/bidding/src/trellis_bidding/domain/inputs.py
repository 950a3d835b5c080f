"""What a round is cleared from: assignments, bidders, their sealed bids and the round settings.

All shapes are plain frozen values handed in by the service; nothing here reads a
database or another service (skill fit, for example, is computed by the caller).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


class ClearingMode(enum.StrEnum):
    """`default`: deferred acceptance (stable); `welfare`: maximum total points (exact)."""

    DEFAULT = "default"
    WELFARE = "welfare"


@dataclass(frozen=True)
class Assignment:
    """A stretch assignment: `seats` people can hold it, each for `share_pct` of their time."""

    assignment_id: str
    seats: int
    share_pct: int


@dataclass(frozen=True)
class Bid:
    """Sealed bid: `points` (at least 1) on one assignment, and its place in the bidder's ranking.

    `rank` 1 is the bidder's favourite; ranks are unique per bidder.
    """

    employee_id: str
    assignment_id: str
    points: int
    rank: int


@dataclass(frozen=True)
class Bidder:
    """An eligible employee: their points budget, free share of time, and skill fit per assignment.

    `fit` maps assignment id to the explainable skill-fit score 0..100 computed by the caller;
    a missing entry counts as 0.
    """

    employee_id: str
    budget: int
    free_share_pct: int
    fit: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RoundSettings:
    """How the round clears. `seed` is recorded with the round so clearing is reproducible."""

    seed: int
    mode: ClearingMode = ClearingMode.DEFAULT
    max_awards: int = 1

    def __post_init__(self) -> None:
        if self.max_awards < 1:
            raise ValueError("max_awards must be at least 1")
