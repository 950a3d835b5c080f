"""How much each compatibility factor counts: configuration, versioned.

The defaults, as maximum points out of 100 when every factor applies:

| factor            | points | why |
|-------------------|-------:|-----|
| skills            | 40 | the mentee asked for help with these; the core of the match |
| target role       | 20 | someone who has done the job knows the path into it |
| other department  | 10 (20 when the mentee asks for it) | networking and advocates elsewhere |
| seniority gap     | 15 | a few levels ahead is relatable; too close or too far less so |
| working hours     | 10 | regular calls need shared working time |
| shared language   |  5 | only counted when the mentee names languages |

A factor that does not apply to a mentee (no goals, no target role, no
languages named) is left out and the others are scaled up to 100, so a score
always reads "share of what this mentee asked for that this mentor offers".
Every explanation carries `version`, so a stored score can be traced to the
weights that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass

from trellis_mentorship.domain.facts import HIGHEST_PROFICIENCY


@dataclass(frozen=True, slots=True)
class CompatibilityWeights:
    version: str = "compat-2026.1"
    skills: float = 40.0
    target_role: float = 20.0
    other_department: float = 10.0
    # A mentee who asks for a mentor outside their department cares about it more.
    other_department_when_preferred: float = 20.0
    seniority: float = 15.0
    working_hours: float = 10.0
    shared_language: float = 5.0
    # Seniority: mentor level minus mentee level in [min, max] earns full points.
    ideal_gap_min: int = 2
    ideal_gap_max: int = 4
    # Each level short of the ideal gap costs this share (gap 1: 60 %, 0: 20 %, below: 0).
    loss_per_level_below_ideal: float = 0.4
    # Each level beyond it costs less, down to a floor: a far more senior mentor still helps.
    loss_per_level_above_ideal: float = 0.15
    floor_above_ideal: float = 0.4
    # Skills: full points when the mentor is this many levels above the target (capped at 5).
    skill_headroom_levels: int = 1

    def __post_init__(self) -> None:
        points = (
            self.skills,
            self.target_role,
            self.other_department,
            self.other_department_when_preferred,
            self.seniority,
            self.working_hours,
            self.shared_language,
        )
        if any(value < 0 for value in points):
            raise ValueError("compatibility weights cannot be negative")
        # Department, seniority and working hours apply to every pair, so with one of
        # them positive a score is always defined.
        if self.other_department + self.seniority + self.working_hours <= 0:
            raise ValueError("department, seniority or working hours must carry some weight")
        if self.ideal_gap_min > self.ideal_gap_max:
            raise ValueError("ideal seniority gap: min is above max")
        if not 0 <= self.skill_headroom_levels < HIGHEST_PROFICIENCY:
            raise ValueError("skill headroom must be within 0..4 levels")
        shares = (
            self.loss_per_level_below_ideal,
            self.loss_per_level_above_ideal,
            self.floor_above_ideal,
        )
        if any(not 0 <= share <= 1 for share in shares):
            raise ValueError("seniority losses and floor are shares within 0..1")

    def department_points(self, prefers_other_department: bool) -> float:
        if prefers_other_department:
            return self.other_department_when_preferred
        return self.other_department


DEFAULT_WEIGHTS = CompatibilityWeights()
