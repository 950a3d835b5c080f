"""How much each part of the match score counts: configuration, versioned.

The defaults, as points out of 100 when everything fits:

| part                         | points | why |
|------------------------------|-------:|-----|
| required skills              | 55 | what the work needs; shared over the skills by weight |
| title matches a target role  |  8 | the person said they want this kind of role |
| ladder matches preference    |  4 | IC vs manager track, the "dual ladder" |
| level in range or a step up  |  8 | promotions are welcome; big jumps less likely |
| time share fits              | 10 | gigs and stretch work need free time; willingness for moves |
| dates fit                    |  5 | temporary work has to fall inside the free window |
| location                     | 10 | same place or remote; relocation counts half |

Weights are relative: they are scaled to 100 points, so overrides need not add
up to 100. Every explanation carries `version`, so a stored score can be traced
to the numbers that produced it; an override must therefore name a new version.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache

from trellis_postings.domain.fit.points import TOTAL_TENTHS, apportion


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    version: str = "2026-11-1"
    # Relative weights of the seven parts (see the table above).
    skills_weight: float = 55.0
    role_title_weight: float = 8.0
    ladder_weight: float = 4.0
    level_weight: float = 8.0
    time_share_weight: float = 10.0
    dates_weight: float = 5.0
    location_weight: float = 10.0
    # Share of the points missed on a skill the person wants to develop that comes
    # back as a "stretch" bonus: growing into a role is a reason to apply.
    stretch_recovery_share: float = 0.5
    # A posting that lists no skills is neither a match nor a mismatch on skills.
    no_skills_listed_share: float = 0.5
    # Each missing must-have multiplies the total by this (0.7, then 0.49, ...):
    # one gap still leaves a good match worth a look, several do not.
    must_have_penalty_factor: float = 0.7
    # Level: in range earns full points; one below the minimum is a promotion.
    level_step_up_share: float = 1.0
    # One level above the maximum: a step down, possible but less likely wanted.
    level_step_down_share: float = 0.5
    # Temporary work that only partly overlaps the person's free window.
    partial_dates_share: float = 0.5
    # Elsewhere, but the person said they would relocate.
    relocation_share: float = 0.5
    # Verdicts (score out of 100); see `fit_verdict`.
    strong_match_at: float = 75.0
    worth_applying_at: float = 55.0
    stretch_at: float = 35.0

    def __post_init__(self) -> None:
        if not self.version.strip():
            raise ValueError("a scoring config needs a version")
        weights = self.part_weights()
        if any(not math.isfinite(w) or w < 0 for w in weights):
            raise ValueError("scoring weights must be finite and non-negative")
        if sum(weights) <= 0:
            raise ValueError("at least one scoring weight must be positive")
        for name in SHARE_FIELDS:
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"{name} is a share within 0..1, got {value}")
        for name in THRESHOLD_FIELDS:
            value = getattr(self, name)
            if not 0 <= value <= 100:
                raise ValueError(f"{name} is a score within 0..100, got {value}")
        if not self.stretch_at <= self.worth_applying_at <= self.strong_match_at:
            raise ValueError("verdict thresholds must rise: stretch <= worth applying <= strong")

    def part_weights(self) -> tuple[float, ...]:
        return (
            self.skills_weight,
            self.role_title_weight,
            self.ladder_weight,
            self.level_weight,
            self.time_share_weight,
            self.dates_weight,
            self.location_weight,
        )

    def budget(self) -> PointBudget:
        """The parts' maximum points, in tenths, adding up to exactly 100.0."""
        return _budget(self.part_weights())

    def must_have_multiplier(self, missing: int) -> float:
        # The index builds its lookup table with this same expression, so both
        # paths multiply by the very same float.
        return self.must_have_penalty_factor**missing


@dataclass(frozen=True, slots=True)
class PointBudget:
    """Maximum points of each part in tenths of a point (integers add up exactly)."""

    skills: int
    role_title: int
    ladder: int
    level: int
    time_share: int
    dates: int
    location: int

    @property
    def aspiration(self) -> int:
        return self.role_title + self.ladder + self.level

    @property
    def availability(self) -> int:
        return self.time_share + self.dates


@lru_cache(maxsize=64)
def _budget(weights: tuple[float, ...]) -> PointBudget:
    return PointBudget(*apportion(TOTAL_TENTHS, weights))


SHARE_FIELDS = (
    "stretch_recovery_share",
    "no_skills_listed_share",
    "must_have_penalty_factor",
    "level_step_up_share",
    "level_step_down_share",
    "partial_dates_share",
    "relocation_share",
)
THRESHOLD_FIELDS = ("strong_match_at", "worth_applying_at", "stretch_at")

DEFAULT_SCORING = ScoringConfig()


def scoring_config_from_mapping(
    overrides: Mapping[str, object], base: ScoringConfig = DEFAULT_SCORING
) -> ScoringConfig:
    """`base` with `overrides` applied (e.g. parsed from JSON or the environment).

    Unknown keys and wrong types are refused rather than ignored: a typo in an
    override would otherwise silently score everyone with the defaults. Changing
    any number requires a new `version`, so explanations stay traceable.
    """
    known = {f.name for f in fields(ScoringConfig)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"unknown scoring settings: {', '.join(unknown)}")
    changes: dict[str, object] = {}
    for name, value in overrides.items():
        if name == "version":
            if not isinstance(value, str):
                raise ValueError("version must be a string")
            changes[name] = value
        else:
            changes[name] = _number(name, value)
    result = replace(base, **changes)  # type: ignore[arg-type]
    if result != base and result.version == base.version:
        raise ValueError("changed scoring settings need a new version")
    return result


def _number(name: str, value: object) -> float:
    # bool is an int subclass; "true" as a weight is a mistake, not 1.0.
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{name} must be a number")
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number")
    return number
