"""What the employee side of postings shows, and how service messages become it.

The postings service explains every match as structured lines (skills and score
components); here they become sentences a person reads, e.g.
"Python: you 4, needed 3 (+18.3 of 18.3)". Skill ids are shown by their
taxonomy names when profiles knows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, Field

from trellis.postings.v1 import postings_pb2 as pb

KIND_LABELS = {
    "job": "Job",
    "gig": "Gig",
    "secondment": "Secondment",
    "stretch": "Stretch assignment",
    "interest_interview": "Interest interview",
}
# People apply to these kinds; stretch goes through bidding, interest interviews are requested.
APPLICABLE_KINDS = frozenset({"job", "gig", "secondment"})
FINISHED_APPLICATION = frozenset({"accepted", "declined", "rejected", "withdrawn"})
OPEN_INTERVIEW = frozenset({"requested", "scheduled"})
STATUS_LABELS = {
    "submitted": "Submitted",
    "in_review": "In review",
    "shortlisted": "Shortlisted",
    "interviewing": "Interviewing",
    "offered": "Offered",
    "accepted": "Accepted",
    "declined": "Declined",
    "rejected": "Not selected",
    "withdrawn": "Withdrawn",
    "requested": "Requested",
    "scheduled": "Scheduled",
    "completed": "Completed",
    "cancelled": "Cancelled",
}
COMPONENT_LABELS = {
    "aspiration": "Aspiration (role, ladder, level)",
    "availability": "Availability (time share, dates)",
    "location": "Location",
    "skills": "Skills",
}

Tone = Literal["met", "partial", "missing", "bonus", "penalty", "info"]


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
    deadline: str
    ladder: str
    level_min: int
    level_max: int
    skills: list[SkillNeed]
    secondment: Secondment | None
    interview_slots: list[str]


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
    missing_must_haves: list[str]
    stretch_skills: list[str]
    config_version: str


class Recommendation(BaseModel):
    opportunity: OpportunityView
    match: MatchView


class HistoryEntry(BaseModel):
    status: str
    at: str


class ApplicationView(BaseModel):
    application_id: str
    opportunity_id: str
    opportunity_title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    note: str
    confidential: bool
    submitted_at: str
    updated_at: str
    disclosed_at: str
    release_status: str = Field(description="requested | approved, or empty: no release needed")
    history: list[HistoryEntry]
    moves: list[str] = Field(description="the moves the applicant may make now")

    @property
    def active(self) -> bool:
        return self.status not in FINISHED_APPLICATION


class InterviewView(BaseModel):
    interview_id: str = Field(description="the opportunity id: one request per person and posting")
    opportunity_id: str
    opportunity_title: str
    team: str
    status: str
    status_label: str
    note: str
    requested_at: str
    slot: str
    decline_reason: str
    may_cancel: bool


def number(value: float) -> str:
    """18.0 → "18", 18.25 → "18.3": tenths, as the service scores."""
    return f"{value:.1f}".removesuffix(".0")


def skill_name(skill_id: str, names: Mapping[str, str]) -> str:
    return names.get(skill_id) or skill_id


def opportunity_view(message: pb.Opportunity, names: Mapping[str, str]) -> OpportunityView:
    details = message.details
    seats = details.seats or 1
    terms = details.secondment
    has_terms = message.kind == "secondment" or any(
        (terms.host_team, terms.home_team, terms.return_on, terms.backfill_note)
    )
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
        secondment=(
            Secondment(
                host_team=terms.host_team,
                home_team=terms.home_team,
                return_on=terms.return_on,
                backfill_note=terms.backfill_note,
            )
            if has_terms
            else None
        ),
        interview_slots=list(details.interview_slots),
    )


def _skill_line(skill: pb.SkillContribution, stretch: bool, names: Mapping[str, str]) -> MatchLine:
    you = str(skill.employee_level) if skill.employee_level else "none"
    must = " (must-have)" if skill.must_have else ""
    parts = [f"{skill_name(skill.skill_id, names)}{must}: you {you}, needed {skill.required_level}"]
    if stretch and not skill.met:
        parts.append(", you want to grow it")
    parts.append(f" (+{number(skill.points)} of {number(skill.max_points)})")
    tone: Tone = "met" if skill.met else ("partial" if skill.points > 0 else "missing")
    return MatchLine(
        text="".join(parts), points=skill.points, max_points=skill.max_points, tone=tone
    )


def _component_line(component: pb.FitComponent) -> MatchLine:
    if component.name == "must_have_penalty":
        return MatchLine(
            text=f"Missing must-haves: {component.reason} ({number(component.points)})",
            points=component.points,
            max_points=0,
            tone="penalty",
        )
    if component.name == "stretch":
        return MatchLine(
            text=f"Stretch bonus: {component.reason} (+{number(component.points)})",
            points=component.points,
            max_points=0,
            tone="bonus",
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


def match_view(message: pb.MatchExplanation, names: Mapping[str, str]) -> MatchView:
    stretch = set(message.stretch_skills)
    lines = [_skill_line(s, s.skill_id in stretch, names) for s in message.skills]
    lines += [_component_line(c) for c in message.components]
    return MatchView(
        score=message.score,
        verdict=message.verdict,
        lines=lines,
        missing_must_haves=[skill_name(s, names) for s in message.missing_must_haves],
        stretch_skills=[skill_name(s, names) for s in message.stretch_skills],
        config_version=message.config_version,
    )


def applicant_moves(status: str) -> list[str]:
    """What the applicant may do next (the service decides; this hides useless buttons)."""
    if status == "offered":
        return ["accepted", "declined", "withdrawn"]
    if status in FINISHED_APPLICATION:
        return []
    return ["withdrawn"]


def application_view(message: pb.Application) -> ApplicationView:
    return ApplicationView(
        application_id=message.application_id,
        opportunity_id=message.opportunity_id,
        opportunity_title=message.opportunity_title,
        kind=message.kind,
        kind_label=KIND_LABELS.get(message.kind, message.kind),
        status=message.status,
        status_label=STATUS_LABELS.get(message.status, message.status),
        note=message.note,
        confidential=message.confidential,
        submitted_at=message.submitted_at,
        updated_at=message.updated_at,
        disclosed_at=message.disclosed_at,
        release_status=message.release.status if message.HasField("release") else "",
        history=[HistoryEntry(status=h.status, at=h.at) for h in message.history],
        moves=applicant_moves(message.status),
    )


def interview_view(message: pb.InterviewRequest) -> InterviewView:
    return InterviewView(
        interview_id=message.opportunity_id,
        opportunity_id=message.opportunity_id,
        opportunity_title=message.opportunity_title,
        team=message.team,
        status=message.status,
        status_label=STATUS_LABELS.get(message.status, message.status),
        note=message.note,
        requested_at=message.requested_at,
        slot=message.slot,
        decline_reason=message.decline_reason,
        may_cancel=message.status in OPEN_INTERVIEW,
    )
