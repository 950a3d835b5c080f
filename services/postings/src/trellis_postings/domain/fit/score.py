"""The explainable match score between a person and an opportunity (pure).

score = skill lines + aspiration + availability + location + stretch bonus
        - must-have penalty

Every line is a whole number of tenths of a point and the score is their sum, so
the printed lines add up to the printed score. The maxima of skills, aspiration,
availability and location add up to 100; the stretch bonus only gives back
points missed on skills, so the score stays within 0..100. SCORING.md has the
rules in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass

from trellis_postings.domain.fit.explanation import (
    ASPIRATION,
    AVAILABILITY,
    LOCATION,
    MUST_HAVE_PENALTY,
    SKILLS,
    STRETCH_BONUS,
    FitComponent,
    MatchExplanation,
    SkillContribution,
)
from trellis_postings.domain.fit.facts import (
    CandidateFacts,
    OpportunityFacts,
    RequiredSkill,
)
from trellis_postings.domain.fit.parts import (
    Part,
    aspiration_parts,
    availability_parts,
    location_part,
)
from trellis_postings.domain.fit.points import (
    apportion,
    level_credit,
    penalised_tenths,
    points_tenths,
    skill_line_tenths,
    stretch_bonus_tenths,
)
from trellis_postings.domain.scoring_config import ScoringConfig

__all__ = [
    "CandidateFacts",
    "FitComponent",
    "MatchExplanation",
    "OpportunityFacts",
    "RequiredSkill",
    "SkillContribution",
    "explain_fit",
    "fit_verdict",
]

STRONG_MATCH = "strong match"
WORTH_APPLYING = "worth applying"
STRETCH_VERDICT = "stretch"
LONG_SHOT = "long shot"
VERDICTS = (STRONG_MATCH, WORTH_APPLYING, STRETCH_VERDICT, LONG_SHOT)


def explain_fit(
    candidate: CandidateFacts, opportunity: OpportunityFacts, config: ScoringConfig
) -> MatchExplanation:
    budget = config.budget()
    skill_lines = _skill_lines(candidate, opportunity.required_skills, budget.skills, config)
    parts: list[_Tenths] = []
    if not opportunity.required_skills:
        share = config.no_skills_listed_share
        parts.append(
            _Tenths(SKILLS, points_tenths(budget.skills, share), budget.skills, "no skills listed")
        )
    aspiration = aspiration_parts(candidate, opportunity, budget, config)
    availability = availability_parts(candidate, opportunity, budget, config)
    where = location_part(candidate, opportunity, budget.location, config)
    parts.append(_combined(ASPIRATION, aspiration, budget.aspiration))
    parts.append(_combined(AVAILABILITY, availability, budget.availability))
    parts.append(_Tenths(LOCATION, where.tenths, budget.location, where.reason))

    stretch_skills = tuple(line.skill.skill_id for line in skill_lines if line.stretch)
    bonus = sum(line.bonus_tenths for line in skill_lines)
    if stretch_skills:
        share = round(config.stretch_recovery_share * 100)
        grown = ", ".join(stretch_skills)
        reason = f"{share}% back of the points missed on skills you want to grow ({grown})"
        parts.append(_Tenths(STRETCH_BONUS, bonus, 0, reason))

    missing = tuple(
        line.skill.skill_id for line in skill_lines if line.skill.must_have and not line.met
    )
    subtotal = sum(line.tenths for line in skill_lines) + sum(p.tenths for p in parts)
    total = subtotal
    if missing:
        multiplier = config.must_have_multiplier(len(missing))
        total = penalised_tenths(subtotal, multiplier)
        reason = (
            f"{len(missing)} missing, total x {multiplier:.3g}"
            f" ({config.must_have_penalty_factor:g} per missing must-have)"
        )
        parts.append(_Tenths(MUST_HAVE_PENALTY, total - subtotal, 0, reason))

    score = total / 10
    return MatchExplanation(
        opportunity_id=opportunity.opportunity_id,
        employee_id=candidate.employee_id,
        score=score,
        verdict=fit_verdict(score, missing, stretch_skills, config),
        skills=tuple(line.contribution() for line in skill_lines),
        missing_must_haves=missing,
        stretch_skills=stretch_skills,
        components=tuple(p.component() for p in parts),
        config_version=config.version,
    )


def fit_verdict(
    score: float,
    missing_must_haves: tuple[str, ...],
    stretch_skills: tuple[str, ...],
    config: ScoringConfig,
) -> str:
    """Strong match, worth applying, stretch or long shot.

    People are encouraged to apply when they are not a perfect match, so one
    missing must-have that the person wants to develop still allows "worth
    applying"; any other must-have gap caps the verdict at "stretch".
    """
    if not missing_must_haves and score >= config.strong_match_at:
        return STRONG_MATCH
    forgivable = not missing_must_haves or (
        len(missing_must_haves) == 1 and missing_must_haves[0] in stretch_skills
    )
    if forgivable and score >= config.worth_applying_at:
        return WORTH_APPLYING
    if score >= config.stretch_at:
        return STRETCH_VERDICT
    return LONG_SHOT


@dataclass(frozen=True, slots=True)
class _Tenths:
    name: str
    tenths: int
    max_tenths: int
    reason: str

    def component(self) -> FitComponent:
        return FitComponent(self.name, self.tenths / 10, self.max_tenths / 10, self.reason)


@dataclass(frozen=True, slots=True)
class _SkillLine:
    skill: RequiredSkill
    employee_level: int
    tenths: int
    max_tenths: int
    met: bool
    stretch: bool
    bonus_tenths: int

    def contribution(self) -> SkillContribution:
        return SkillContribution(
            skill_id=self.skill.skill_id,
            required_level=self.skill.min_level,
            employee_level=self.employee_level,
            weight=self.skill.weight,
            must_have=self.skill.must_have,
            points=self.tenths / 10,
            max_points=self.max_tenths / 10,
            met=self.met,
            stretch=self.stretch,
        )


def _skill_lines(
    candidate: CandidateFacts,
    required: tuple[RequiredSkill, ...],
    skills_tenths: int,
    config: ScoringConfig,
) -> list[_SkillLine]:
    if not required:
        return []
    # The skills' share of the points, split by weight, whole tenths adding up exactly.
    maxima = apportion(skills_tenths, [s.weight for s in required])
    lines = []
    for skill, max_tenths in zip(required, maxima, strict=True):
        level = candidate.level_in(skill.skill_id)
        credit = level_credit(level, skill.min_level)
        raw = skill_line_tenths(max_tenths, credit)
        met = level >= skill.min_level
        stretch = not met and skill.skill_id in candidate.skills_to_develop
        bonus = (
            stretch_bonus_tenths(max_tenths, raw, config.stretch_recovery_share) if stretch else 0
        )
        tenths = points_tenths(max_tenths, credit)
        lines.append(_SkillLine(skill, level, tenths, max_tenths, met, stretch, bonus))
    return lines


def _combined(name: str, parts: tuple[Part, ...], max_tenths: int) -> _Tenths:
    return _Tenths(
        name, sum(p.tenths for p in parts), max_tenths, "; ".join(p.reason for p in parts)
    )
