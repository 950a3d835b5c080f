"""How well a mentor fits what a mentee asked for: a score 0..100 with its reasons.

Each factor yields a share 0..1 of its points (see `weights.py` for the points
and why). The score is the sum of the points earned, scaled so that the
factors that apply to this mentee add up to 100. The explanation lists every
factor — points, maximum and a sentence — and its points add up to the score
(up to the score's rounding to two decimals).

`MenteeScorer` does the per-mentee work once, because candidate generation
scores each mentee against hundreds of mentors; `assess_pair` is the one-pair
entry point that also applies the hard exclusions and writes the explanation.
Both compute the shares in `MenteeScorer.shares`, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from trellis_mentorship.domain.exclusions import EXCLUSION_TEXT, Exclusion, exclusion_of
from trellis_mentorship.domain.facts import HIGHEST_PROFICIENCY, Goal, MenteeFacts, MentorFacts
from trellis_mentorship.domain.weights import DEFAULT_WEIGHTS, CompatibilityWeights
from trellis_mentorship.domain.working_hours import WORKDAY_HOURS, shared_working_hours

SCORE_DECIMALS = 2


class Factor(StrEnum):
    SKILLS = "skills"
    TARGET_ROLE = "target_role"
    OTHER_DEPARTMENT = "other_department"
    SENIORITY = "seniority"
    WORKING_HOURS = "working_hours"
    SHARED_LANGUAGE = "shared_language"


# The order of shares and points everywhere in this module.
FACTORS = tuple(Factor)

Shares = tuple[float, float, float, float, float, float]
Points = Shares  # one maximum per factor, in the order of FACTORS


@dataclass(frozen=True, slots=True)
class FactorLine:
    factor: Factor
    points: float
    max_points: float
    text: str


@dataclass(frozen=True, slots=True)
class Explanation:
    weights_version: str
    lines: tuple[FactorLine, ...]

    @property
    def total_points(self) -> float:
        return sum(line.points for line in self.lines)

    def line(self, factor: Factor) -> FactorLine:
        return next(line for line in self.lines if line.factor is factor)


@dataclass(frozen=True, slots=True)
class Compatibility:
    mentee_id: str
    mentor_id: str
    score: float
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class Excluded:
    mentee_id: str
    mentor_id: str
    reason: Exclusion

    @property
    def text(self) -> str:
        return f"{self.mentor_id} {EXCLUSION_TEXT[self.reason]}"


def ideal_mentor_level(goal: Goal, headroom_levels: int) -> int:
    """A mentor teaches best a little ahead of where the mentee wants to be."""
    return min(HIGHEST_PROFICIENCY, goal.target_level + headroom_levels)


def skills_share(goal_ideals: tuple[tuple[str, int], ...], skills: Mapping[str, int]) -> float:
    """Mean over goals of the mentor's level against the ideal level, capped at 1."""
    if not goal_ideals:
        return 0.0
    total = 0.0
    for skill_id, ideal in goal_ideals:
        total += min(skills.get(skill_id, 0), ideal) / ideal
    return total / len(goal_ideals)


def seniority_share(gap: int, weights: CompatibilityWeights) -> float:
    """Full inside the ideal gap; falls fast when too close or junior, slowly when far above."""
    if gap < weights.ideal_gap_min:
        return max(0.0, 1.0 - (weights.ideal_gap_min - gap) * weights.loss_per_level_below_ideal)
    if gap > weights.ideal_gap_max:
        loss = (gap - weights.ideal_gap_max) * weights.loss_per_level_above_ideal
        return max(weights.floor_above_ideal, 1.0 - loss)
    return 1.0


def max_points_for(mentee: MenteeFacts, weights: CompatibilityWeights) -> Points:
    """Each factor's maximum for this mentee, scaled so that they add up to 100."""
    return _scaled_points(
        weights,
        bool(mentee.goals),
        mentee.target_role_key is not None,
        mentee.prefers_other_department,
        bool(mentee.language_keys),
    )


@lru_cache(maxsize=256)
def _scaled_points(
    weights: CompatibilityWeights,
    has_goals: bool,
    has_target_role: bool,
    prefers_other_department: bool,
    has_languages: bool,
) -> Points:
    # Cached: only 16 combinations exist per weights, and company-scale candidate
    # generation needs the points of 100,000 mentees.
    # A factor that does not apply to this mentee carries no points at all.
    raw_points = (
        weights.skills if has_goals else 0.0,
        weights.target_role if has_target_role else 0.0,
        weights.department_points(prefers_other_department),
        weights.seniority,
        weights.working_hours,
        weights.shared_language if has_languages else 0.0,
    )
    total = sum(raw_points)
    scale = 100.0 / total if total > 0 else 0.0
    p0, p1, p2, p3, p4, p5 = (points * scale for points in raw_points)
    return (p0, p1, p2, p3, p4, p5)


class MenteeScorer:
    """Scores any mentor for one mentee. Exclusions are not checked here."""

    __slots__ = (
        "_goal_ideals",
        "_hours_share_by_offset",
        "_seniority_share_by_gap",
        "max_points",
        "mentee",
        "weights",
    )

    def __init__(self, mentee: MenteeFacts, weights: CompatibilityWeights = DEFAULT_WEIGHTS):
        self.mentee = mentee
        self.weights = weights
        headroom = weights.skill_headroom_levels
        self._goal_ideals = tuple(
            (goal.skill_id, ideal_mentor_level(goal, headroom)) for goal in mentee.goals
        )
        self.max_points = max_points_for(mentee, weights)
        # Memos: levels and time zones take few distinct values among many mentors.
        self._seniority_share_by_gap: dict[int, float] = {}
        self._hours_share_by_offset: dict[float, float] = {}

    def _seniority_share(self, mentor_level: int) -> float:
        gap = mentor_level - self.mentee.level
        share = self._seniority_share_by_gap.get(gap)
        if share is None:
            share = self._seniority_share_by_gap[gap] = seniority_share(gap, self.weights)
        return share

    def _hours_share(self, mentor_offset: float) -> float:
        share = self._hours_share_by_offset.get(mentor_offset)
        if share is None:
            hours = shared_working_hours(self.mentee.utc_offset_hours, mentor_offset)
            share = self._hours_share_by_offset[mentor_offset] = hours / WORKDAY_HOURS
        return share

    def shares(self, mentor: MentorFacts) -> Shares:
        mentee = self.mentee
        role_key = mentee.target_role_key
        return (
            skills_share(self._goal_ideals, mentor.skills),
            1.0 if role_key is not None and role_key in mentor.role_keys else 0.0,
            1.0 if mentor.department_key != mentee.department_key else 0.0,
            self._seniority_share(mentor.level),
            self._hours_share(mentor.utc_offset_hours),
            0.0 if mentee.language_keys.isdisjoint(mentor.language_keys) else 1.0,
        )

    def score(self, mentor: MentorFacts) -> float:
        points = self.max_points
        shares = self.shares(mentor)
        earned = (
            points[0] * shares[0]
            + points[1] * shares[1]
            + points[2] * shares[2]
            + points[3] * shares[3]
            + points[4] * shares[4]
            + points[5] * shares[5]
        )
        return round(earned, SCORE_DECIMALS)

    def explain(self, mentor: MentorFacts) -> Explanation:
        shares = self.shares(mentor)
        lines = tuple(
            FactorLine(factor, max_points * share, max_points, self._describe(factor, mentor))
            for factor, max_points, share in zip(FACTORS, self.max_points, shares, strict=True)
        )
        return Explanation(self.weights.version, lines)

    def _describe(self, factor: Factor, mentor: MentorFacts) -> str:
        mentee = self.mentee
        match factor:
            case Factor.SKILLS:
                return describe_skills(mentee.goals, mentor.skills, self._goal_ideals)
            case Factor.TARGET_ROLE:
                return describe_target_role(mentee, mentor)
            case Factor.OTHER_DEPARTMENT:
                return describe_department(mentee, mentor)
            case Factor.SENIORITY:
                return describe_seniority(mentor.level - mentee.level, self.weights)
            case Factor.WORKING_HOURS:
                return describe_working_hours(mentee, mentor)
            case Factor.SHARED_LANGUAGE:
                return describe_languages(mentee, mentor)


def describe_skills(
    goals: tuple[Goal, ...],
    skills: Mapping[str, int],
    goal_ideals: tuple[tuple[str, int], ...],
) -> str:
    if not goals:
        return "no skill goals given (not counted)"
    parts = []
    for goal, (_, ideal) in zip(goals, goal_ideals, strict=True):
        level = skills.get(goal.skill_id)
        if level is None:
            aim = goal.target_level
            parts.append(f"{goal.skill_id}: no recorded level (mentee aims for {aim})")
        else:
            share = min(level, ideal) / ideal
            parts.append(
                f"{goal.skill_id}: mentor at {level}, mentee aims for {goal.target_level} "
                f"({share:.0%} of the ideal {ideal})"
            )
    return "; ".join(parts)


def describe_target_role(mentee: MenteeFacts, mentor: MentorFacts) -> str:
    if mentee.target_role is None or mentee.target_role_key is None:
        return "no target role given (not counted)"
    if mentee.target_role_key in mentor.role_keys:
        return f"has held the target role '{mentee.target_role}'"
    return f"has not held the target role '{mentee.target_role}'"


def describe_department(mentee: MenteeFacts, mentor: MentorFacts) -> str:
    asked = " (the mentee asked for another department)" if mentee.prefers_other_department else ""
    if mentor.department_key != mentee.department_key:
        return (
            f"works in {mentor.department}, not {mentee.department}: "
            f"a wider network and an advocate elsewhere{asked}"
        )
    return f"same department ({mentee.department}){asked}"


def describe_seniority(gap: int, weights: CompatibilityWeights) -> str:
    ideal = f"ideal {weights.ideal_gap_min}-{weights.ideal_gap_max} levels above"
    if gap > 0:
        return f"mentor is {gap} level{'s' if gap != 1 else ''} above the mentee ({ideal})"
    if gap == 0:
        return f"mentor is at the mentee's level ({ideal})"
    return f"mentor is {-gap} level{'s' if gap != -1 else ''} below the mentee ({ideal})"


def describe_working_hours(mentee: MenteeFacts, mentor: MentorFacts) -> str:
    hours = shared_working_hours(mentee.utc_offset_hours, mentor.utc_offset_hours)
    return (
        f"{hours:g} of {WORKDAY_HOURS:g} working hours overlap "
        f"(UTC{mentee.utc_offset_hours:+g} and UTC{mentor.utc_offset_hours:+g})"
    )


def describe_languages(mentee: MenteeFacts, mentor: MentorFacts) -> str:
    if not mentee.language_keys:
        return "no languages given (not counted)"
    shared = sorted(mentee.language_keys & mentor.language_keys)
    if shared:
        return f"shares {', '.join(shared)}"
    return f"no shared language (mentee speaks {', '.join(sorted(mentee.language_keys))})"


def assess_pair(
    mentee: MenteeFacts,
    mentor: MentorFacts,
    weights: CompatibilityWeights = DEFAULT_WEIGHTS,
) -> Compatibility | Excluded:
    """The score and its explanation, or why the pair may not be matched at all."""
    reason = exclusion_of(mentee, mentor)
    if reason is not None:
        return Excluded(mentee.employee_id, mentor.employee_id, reason)
    scorer = MenteeScorer(mentee, weights)
    return Compatibility(
        mentee.employee_id, mentor.employee_id, scorer.score(mentor), scorer.explain(mentor)
    )
