"""How both sides of postings read the service: an opportunity's details and a
match explanation, as one model each with one conversion.

The employee side (opportunities) and the hiring side (manage) show the same
messages; keeping one view here means a score reads the same to the applicant
and to the hiring manager, e.g. "Python (must-have): you 4, needed 3 (+18.3 of
18.3)". Skill ids are shown by their taxonomy names when profiles knows them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, NamedTuple

from grpc import aio
from pydantic import BaseModel, Field

from trellis.postings.v1 import postings_pb2 as pb
from trellis.profiles.v1 import profiles_pb2
from trellis_portal.features.caller import Caller

KIND_LABELS: dict[str, str] = {
    "job": "Job",
    "gig": "Gig",
    "secondment": "Secondment",
    "stretch": "Stretch assignment",
    "interest_interview": "Interest interview",
}
COMPONENT_LABELS = {
    "aspiration": "Aspiration (role, ladder, level)",
    "availability": "Availability (time share, dates)",
    "location": "Location",
    "skills": "Skills",
}

Tone = Literal["met", "partial", "missing", "bonus", "penalty", "info"]
# Components that add or take points outside the weighted parts (no maximum).
EXTRA_COMPONENTS: dict[str, tuple[str, Tone]] = {
    "must_have_penalty": ("Missing must-haves", "penalty"),
    "stretch": ("Stretch bonus", "bonus"),
}


# ---- an opportunity ---------------------------------------------------------


class SkillNeed(BaseModel):
    skill_id: str
    name: str
    min_level: int
    must_have: bool
    weight: float


class Secondment(BaseModel):
    host_team: str
    home_team: str
    return_on: str
    backfill_note: str


class OpportunityView(BaseModel):
    opportunity_id: str
    kind: str
    kind_label: str
    status: str
    title: str
    description: str
    team: str
    department: str
    hiring_manager_id: str
    location: str
    remote: bool
    share_pct: int = Field(description="share of working time, 100 for a full move")
    starts_on: str
    ends_on: str
    seats: int
    seats_left: int
    deadline: str = Field(description="applications close then (RFC 3339, UTC); empty: open")
    ladder: str
    level_min: int = Field(description="0: no lower bound")
    level_max: int = Field(description="0: no upper bound")
    skills: list[SkillNeed]
    secondment: Secondment | None
    interview_slots: list[str] = Field(description="RFC 3339, UTC")


# ---- a match ----------------------------------------------------------------


class MatchLine(BaseModel):
    """One part of the score, in words; the points of all lines add up to the score."""

    text: str
    points: float
    max_points: float
    tone: Tone


class MatchView(BaseModel):
    score: float = Field(description="0..100")
    verdict: str
    lines: list[MatchLine]
    missing_must_haves: list[str] = Field(description="skill names")
    stretch_skills: list[str] = Field(description="skill names the person wants to grow")
    config_version: str


# ---- skill names ------------------------------------------------------------


async def skill_names(caller: Caller, skill_ids: Iterable[str]) -> dict[str, str]:
    """Taxonomy names for skill ids; ids stay as they are when profiles cannot say."""
    wanted = sorted(set(skill_ids))
    if not wanted:
        return {}
    try:
        reply = await caller.call(
            caller.backends.profiles,
            caller.backends.taxonomy().LookupSkills,
            profiles_pb2.LookupSkillsRequest(skill_ids=wanted),
        )
    except aio.AioRpcError:
        return {}  # names are a nicety: the page still reads with ids
    return {skill.id: skill.name for skill in reply.skills}


def skills_of(opportunities: Iterable[pb.Opportunity]) -> set[str]:
    return {s.skill_id for o in opportunities for s in o.details.required_skills}


def match_skills_of(matches: Iterable[pb.MatchExplanation]) -> set[str]:
    return {
        skill_id
        for m in matches
        for skill_id in (
            *(s.skill_id for s in m.skills),
            *m.missing_must_haves,
            *m.stretch_skills,
        )
    }


def skill_name(skill_id: str, names: Mapping[str, str]) -> str:
    return names.get(skill_id) or skill_id


# ---- conversions ------------------------------------------------------------


def number(value: float) -> str:
    """18.0 → "18", 18.25 → "18.3": tenths, as the service scores."""
    return f"{value:.1f}".removesuffix(".0")


def _secondment(message: pb.Opportunity) -> Secondment | None:
    terms = message.details.secondment
    has_terms = message.kind == "secondment" or any(
        (terms.host_team, terms.home_team, terms.return_on, terms.backfill_note)
    )
    if not has_terms:
        return None
    return Secondment(
        host_team=terms.host_team,
        home_team=terms.home_team,
        return_on=terms.return_on,
        backfill_note=terms.backfill_note,
    )


def opportunity_view(message: pb.Opportunity, names: Mapping[str, str]) -> OpportunityView:
    """The details as everyone reads them; the hiring side's view adds to these."""
    details = message.details
    seats = details.seats or 1
    return OpportunityView(
        opportunity_id=message.opportunity_id,
        kind=message.kind,
        kind_label=KIND_LABELS.get(message.kind, message.kind),
        status=message.status,
        title=details.title,
        description=details.description,
        team=details.team,
        department=details.department,
        hiring_manager_id=details.hiring_manager_id,
        location=details.location,
        remote=details.remote,
        share_pct=details.share_pct or 100,
        starts_on=details.starts_on,
        ends_on=details.ends_on,
        seats=seats,
        seats_left=max(0, seats - message.seats_filled),
        deadline=details.deadline,
        ladder=details.ladder,
        level_min=details.level_min,
        level_max=details.level_max,
        skills=[
            SkillNeed(
                skill_id=s.skill_id,
                name=skill_name(s.skill_id, names),
                min_level=s.min_level,
                must_have=s.must_have,
                weight=s.weight or 1.0,
            )
            for s in details.required_skills
        ],
        secondment=_secondment(message),
        interview_slots=list(details.interview_slots),
    )


class _Wording(NamedTuple):
    has: str
    wants: str


# The same line reads to the person matched ("you 4") and about them ("has 4").
_TO_THEM = _Wording(has="you", wants="you want to grow it")
_ABOUT_THEM = _Wording(has="has", wants="wants to grow it")


def _skill_line(
    skill: pb.SkillContribution, stretch: bool, names: Mapping[str, str], wording: _Wording
) -> MatchLine:
    level = str(skill.employee_level) if skill.employee_level else "none"
    must = " (must-have)" if skill.must_have else ""
    name = skill_name(skill.skill_id, names)
    parts = [f"{name}{must}: {wording.has} {level}, needed {skill.required_level}"]
    if stretch and not skill.met:
        parts.append(f", {wording.wants}")
    parts.append(f" (+{number(skill.points)} of {number(skill.max_points)})")
    tone: Tone = "met" if skill.met else ("partial" if skill.points > 0 else "missing")
    return MatchLine(
        text="".join(parts), points=skill.points, max_points=skill.max_points, tone=tone
    )


def _signed(points: float) -> str:
    return number(points) if points < 0 else f"+{number(points)}"


def _component_line(component: pb.FitComponent) -> MatchLine:
    extra = EXTRA_COMPONENTS.get(component.name)
    if extra is not None:
        label, extra_tone = extra
        return MatchLine(
            text=f"{label}: {component.reason} ({_signed(component.points)})",
            points=component.points,
            max_points=0,
            tone=extra_tone,
        )
    label = COMPONENT_LABELS.get(component.name, component.name.capitalize())
    full = component.points >= component.max_points
    tone: Tone = "met" if full else ("partial" if component.points > 0 else "missing")
    return MatchLine(
        text=(
            f"{label}: {component.reason} "
            f"(+{number(component.points)} of {number(component.max_points)})"
        ),
        points=component.points,
        max_points=component.max_points,
        tone=tone,
    )


def match_view(
    message: pb.MatchExplanation, names: Mapping[str, str], *, to_them: bool = True
) -> MatchView:
    """`to_them`: the matched person reads it; otherwise the hiring side reads about them."""
    wording = _TO_THEM if to_them else _ABOUT_THEM
    stretch = set(message.stretch_skills)
    lines = [_skill_line(s, s.skill_id in stretch, names, wording) for s in message.skills]
    lines += [_component_line(c) for c in message.components]
    return MatchView(
        score=message.score,
        verdict=message.verdict,
        lines=lines,
        missing_must_haves=[skill_name(s, names) for s in message.missing_must_haves],
        stretch_skills=[skill_name(s, names) for s in message.stretch_skills],
        config_version=message.config_version,
    )
