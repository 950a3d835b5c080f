"""Rules about skill levels: who may set them, and how trust in a level grows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from trellis_profiles.domain.profile import (
    MAX_EVIDENCE_PER_SKILL,
    MAX_SKILLS,
    Evidence,
    Profile,
    SkillEntry,
    SkillSource,
)
from trellis_shared.errors import FieldViolation, InvalidArgument


def unknown_skills_are_refused(skill_ids: Iterable[str], unknown: list[str], field: str) -> None:
    """Every id must be in the taxonomy; all unknown ones are named at once."""
    if unknown:
        raise InvalidArgument(
            f"unknown skill ids: {', '.join(unknown)}",
            [FieldViolation(field, f"unknown skill id {skill_id!r}") for skill_id in unknown],
        )


def set_own_skills(
    profile: Profile, levels: Mapping[str, int], removals: Iterable[str], now: datetime
) -> Profile:
    """The employee states their levels. A self-assessed change replaces the level
    but keeps the evidence; an unchanged level keeps its (maybe higher) trust."""
    skills = dict(profile.skills)
    for skill_id in removals:
        skills.pop(skill_id, None)
    for skill_id, level in levels.items():
        current = skills.get(skill_id)
        if current is not None and current.level == level:
            continue
        evidence = current.evidence if current else ()
        skills[skill_id] = SkillEntry(
            skill_id=skill_id,
            level=level,
            source=SkillSource.SELF,
            assessed_by=profile.employee_id,
            assessed_at=now,
            evidence=evidence,
        )
    if len(skills) > MAX_SKILLS:
        raise InvalidArgument(
            "too many skills",
            [FieldViolation("skills", f"a profile holds at most {MAX_SKILLS} skills")],
        )
    return profile.model_copy(update={"skills": skills})


def endorse_skill(
    profile: Profile, skill_id: str, level: int, source: SkillSource, by: str, now: datetime
) -> Profile:
    """A manager endorses (or HR validates) a level; it replaces what trusts less."""
    skills = dict(profile.skills)
    current = skills.get(skill_id)
    evidence = current.evidence if current else ()
    skills[skill_id] = SkillEntry(
        skill_id=skill_id,
        level=level,
        source=source,
        assessed_by=by,
        assessed_at=now,
        evidence=evidence,
    )
    return profile.model_copy(update={"skills": skills})


def add_work_evidence(
    profile: Profile, demonstrated: Mapping[str, int], evidence: Evidence
) -> Profile:
    """Finished work is evidence for the skills it used.

    The level rises to what the work demonstrated only where nobody more trusted
    (a manager or HR) has already assessed the skill; the evidence is kept
    either way, with its provenance.
    """
    skills = dict(profile.skills)
    for skill_id, level in demonstrated.items():
        current = skills.get(skill_id)
        if current is None:
            skills[skill_id] = SkillEntry(
                skill_id=skill_id,
                level=level,
                source=SkillSource.EVIDENCED_BY_WORK,
                assessed_by=evidence.reference,
                assessed_at=evidence.at,
                evidence=(evidence,),
            )
            continue
        kept = (*current.evidence, evidence)[-MAX_EVIDENCE_PER_SKILL:]
        if current.source.trust <= SkillSource.EVIDENCED_BY_WORK.trust:
            skills[skill_id] = current.model_copy(
                update={
                    "level": max(current.level, level),
                    "source": SkillSource.EVIDENCED_BY_WORK,
                    "assessed_by": evidence.reference,
                    "assessed_at": evidence.at,
                    "evidence": kept,
                }
            )
        else:
            skills[skill_id] = current.model_copy(update={"evidence": kept})
    if len(skills) > MAX_SKILLS:
        return profile  # full profiles keep what they have rather than fail an event
    return profile.model_copy(update={"skills": skills})
