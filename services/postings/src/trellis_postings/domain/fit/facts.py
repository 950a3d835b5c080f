"""What the match score looks at: plain facts about a posting and a person.

The service maps stored opportunities and profile snapshots onto these, so the
score depends on nothing else and can be computed, tested and explained alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

LOWEST_LEVEL = 1
HIGHEST_LEVEL = 5

JOB = "job"
GIG = "gig"
SECONDMENT = "secondment"
STRETCH = "stretch"
INTEREST_INTERVIEW = "interest_interview"
KINDS = (JOB, GIG, SECONDMENT, STRETCH, INTEREST_INTERVIEW)


@dataclass(frozen=True, slots=True)
class RequiredSkill:
    skill_id: str
    min_level: int
    weight: float = 1.0
    must_have: bool = False

    def __post_init__(self) -> None:
        if not self.skill_id:
            raise ValueError("a required skill needs an id")
        if not LOWEST_LEVEL <= self.min_level <= HIGHEST_LEVEL:
            raise ValueError(f"{self.skill_id}: minimum level must be within 1..5")
        # `not >` also refuses NaN.
        if not self.weight > 0 or self.weight == float("inf"):
            raise ValueError(f"{self.skill_id}: weight must be a positive number")


@dataclass(frozen=True, slots=True)
class OpportunityFacts:
    opportunity_id: str
    kind: str
    title: str
    department: str
    location: str
    remote: bool
    share_pct: int
    starts_on: date | None
    ends_on: date | None
    ladder: str | None
    level_min: int | None
    level_max: int | None
    required_skills: tuple[RequiredSkill, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown opportunity kind {self.kind!r}")
        if not 0 <= self.share_pct <= 100:
            raise ValueError("share_pct must be within 0..100")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("an opportunity cannot end before it starts")
        if (
            self.level_min is not None
            and self.level_max is not None
            and self.level_min > self.level_max
        ):
            raise ValueError("level_min is above level_max")
        ids = [s.skill_id for s in self.required_skills]
        if len(set(ids)) != len(ids):
            raise ValueError("a skill is listed twice")


@dataclass(frozen=True, slots=True)
class CandidateFacts:
    employee_id: str
    skills: Mapping[str, int]
    skills_to_develop: frozenset[str]
    target_roles: tuple[str, ...]
    ladder: str
    ladder_preference: str | None
    level: int
    department: str
    location: str
    share_free_pct: int
    available_from: date | None
    available_to: date | None
    open_to_relocation: bool
    open_to_secondment: bool
    open_to_gigs: bool

    def __post_init__(self) -> None:
        for skill_id, level in self.skills.items():
            if not LOWEST_LEVEL <= level <= HIGHEST_LEVEL:
                raise ValueError(f"{skill_id}: proficiency must be within 1..5")
        if not 0 <= self.share_free_pct <= 100:
            raise ValueError("share_free_pct must be within 0..100")

    def level_in(self, skill_id: str) -> int:
        """The person's proficiency in a skill, 0 when they do not have it."""
        return self.skills.get(skill_id, 0)
