"""What the hiring side sends and sees: postings, applicants with their match,
candidates, interest-interview requests, release approvals and the audit log.

A posting and a match read as on the employee side (postings_views); only what
the hiring side writes or tracks is its own here.

Input models carry the postings service's own bounds, so the API answers 422
with field details ("details.title", "details.required_skills.0.min_level")
before any call; the service's own violations use the same paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from trellis.postings.v1 import postings_pb2 as pb
from trellis_portal.features.postings_views import (
    MatchView,
    OpportunityView,
    match_view,
    opportunity_view,
)

MAX_TITLE = 200
MAX_DESCRIPTION = 10_000
MAX_NOTE = 2_000
MAX_SKILLS = 30
MAX_SLOTS = 50
MAX_NAME = 120

Kind = Literal["job", "gig", "secondment", "stretch", "interest_interview"]
HiringMove = Literal["in_review", "shortlisted", "interviewing", "offered", "rejected"]
MOVE_LABELS: dict[str, str] = {
    "in_review": "Start review",
    "shortlisted": "Shortlist",
    "interviewing": "Interview",
    "offered": "Make an offer",
    "rejected": "Reject",
}
# Mirrors the service's pipeline, only to offer the buttons that can work; the
# service still decides every move.
_PIPELINE = ("submitted", "in_review", "shortlisted", "interviewing", "offered")


def next_hiring_moves(status: str) -> list[str]:
    if status not in _PIPELINE or status == "offered":
        return []
    later = list(_PIPELINE[_PIPELINE.index(status) + 1 :])
    if status in ("submitted", "in_review"):
        later.remove("offered")  # an offer needs a shortlist first
    return [*later, "rejected"]


# ---- postings ---------------------------------------------------------------


class SkillRequirement(BaseModel):
    skill_id: str = Field(min_length=1, max_length=MAX_NAME, description="a taxonomy skill id")
    min_level: int = Field(ge=1, le=5, description="the least level that counts, 1..5")
    weight: float = Field(default=1.0, gt=0, le=10)
    must_have: bool = False


class SecondmentTerms(BaseModel):
    host_team: str = Field(min_length=1, max_length=MAX_NAME)
    home_team: str = Field(min_length=1, max_length=MAX_NAME)
    return_on: date | None = None
    backfill_note: str = Field(default="", max_length=MAX_NOTE)


class PostingDetails(BaseModel):
    """Everything the hiring manager writes (and may edit later)."""

    title: str = Field(min_length=3, max_length=MAX_TITLE)
    description: str = Field(default="", max_length=MAX_DESCRIPTION)
    team: str = Field(default="", max_length=MAX_NAME)
    department: str = Field(default="", max_length=MAX_NAME)
    hiring_manager_id: str = Field(
        default="", max_length=MAX_NAME, description="empty: the signed-in person"
    )
    required_skills: list[SkillRequirement] = Field(default=[], max_length=MAX_SKILLS)
    location: str = Field(default="", max_length=MAX_NAME)
    remote: bool = False
    share_pct: int = Field(default=100, ge=1, le=100, description="share of time, percent")
    starts_on: date | None = None
    ends_on: date | None = None
    seats: int = Field(default=1, ge=1, le=1000)
    ladder: str = Field(
        default="",
        pattern="^(individual_contributor|manager)?$",
        description="individual_contributor, manager or empty",
    )
    level_min: int | None = Field(default=None, ge=1, le=12)
    level_max: int | None = Field(default=None, ge=1, le=12)
    deadline: datetime | None = Field(default=None, description="applications close then (UTC)")
    secondment: SecondmentTerms | None = None
    interview_slots: list[datetime] = Field(default=[], max_length=MAX_SLOTS)


class NewPosting(BaseModel):
    kind: Kind
    details: PostingDetails
    publish: bool = Field(default=False, description="open it at once; otherwise a draft")


class PostingEdit(BaseModel):
    details: PostingDetails
    expected_version: int = Field(ge=0, description="the version you edited; 0 = no check")


class ActionReason(BaseModel):
    reason: str = Field(default="", max_length=MAX_NOTE)


class PostingView(OpportunityView):
    """An opportunity as everyone reads it, with what its hiring side tracks."""

    created_by: str
    created_at: str
    published_at: str
    closed_at: str
    close_reason: str
    version: int = Field(description="pass as expected_version when editing")
    seats_filled: int
    application_count: int | None = Field(description="applications the viewer may see")


class PostingsList(BaseModel):
    postings: list[PostingView]


# ---- applicants and candidates ----------------------------------------------


class StatusChangeView(BaseModel):
    status: str
    at: str
    by: str


class NoteView(BaseModel):
    at: str
    by: str
    text: str


class ReleaseView(BaseModel):
    manager_id: str
    status: str
    requested_at: str
    due_at: str
    decided_at: str
    decided_by: str


class ApplicantView(BaseModel):
    application_id: str
    opportunity_id: str
    opportunity_title: str
    kind: str
    employee_id: str
    name: str
    note: str
    confidential: bool
    status: str
    submitted_at: str
    updated_at: str
    history: list[StatusChangeView]
    manager_notes: list[NoteView]
    disclosed_at: str
    release: ReleaseView | None
    match: MatchView | None
    next_moves: list[str] = Field(description="hiring-side moves that fit the current stage")


class ApplicantsList(BaseModel):
    applications: list[ApplicantView]


class MoveInput(BaseModel):
    status: HiringMove
    note: str = Field(default="", max_length=MAX_NOTE, description="kept as a private note")


class NoteInput(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_NOTE)


class CandidateView(BaseModel):
    employee_id: str
    name: str
    title: str
    department: str
    match: MatchView | None


class CandidatesList(BaseModel):
    candidates: list[CandidateView]


# ---- interest interviews ----------------------------------------------------


class InterviewView(BaseModel):
    opportunity_id: str
    opportunity_title: str
    team: str
    host_id: str
    employee_id: str
    name: str
    note: str
    status: str
    requested_at: str
    slot: str
    decline_reason: str
    updated_at: str


class InterviewsList(BaseModel):
    interviews: list[InterviewView]
    slots: list[str] = Field(description="the slots the posting offers (RFC 3339, UTC)")
    taken_slots: list[str]


class ScheduleInput(BaseModel):
    slot: datetime = Field(description="one of the offered slots")


class DeclineInput(BaseModel):
    reason: str = Field(default="", max_length=MAX_NOTE)


# ---- releases and audit -----------------------------------------------------


class ReleasesList(BaseModel):
    releases: list[ApplicantView] = Field(
        description="each approves itself at release.due_at unless approved before"
    )


class DisclosureView(BaseModel):
    application_id: str
    opportunity_id: str
    employee_id: str
    disclosed_to: list[str]
    point: str
    stage: str
    at: str
    triggered_by: str


class DisclosuresList(BaseModel):
    disclosures: list[DisclosureView]


# ---- conversions ------------------------------------------------------------


def rfc3339(moment: datetime) -> str:
    """UTC with a Z, the form the service stores and compares slots in."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ")


def offered_slots(posting: PostingView) -> list[str]:
    """The posting's interview slots in the form schedule requests send them."""
    return [rfc3339(datetime.fromisoformat(s)) for s in posting.interview_slots]


def details_message(details: PostingDetails, hiring_manager_id: str) -> pb.OpportunityDetails:
    message = pb.OpportunityDetails(
        title=details.title,
        description=details.description,
        team=details.team,
        department=details.department,
        hiring_manager_id=details.hiring_manager_id or hiring_manager_id,
        required_skills=[
            pb.RequiredSkill(
                skill_id=s.skill_id, min_level=s.min_level, weight=s.weight, must_have=s.must_have
            )
            for s in details.required_skills
        ],
        location=details.location,
        remote=details.remote,
        share_pct=details.share_pct,
        starts_on=details.starts_on.isoformat() if details.starts_on else "",
        ends_on=details.ends_on.isoformat() if details.ends_on else "",
        seats=details.seats,
        ladder=details.ladder,
        level_min=details.level_min or 0,
        level_max=details.level_max or 0,
        deadline=rfc3339(details.deadline) if details.deadline else "",
        interview_slots=[rfc3339(s) for s in details.interview_slots],
    )
    if details.secondment is not None:
        terms = details.secondment
        message.secondment.CopyFrom(
            pb.SecondmentTerms(
                host_team=terms.host_team,
                home_team=terms.home_team,
                return_on=terms.return_on.isoformat() if terms.return_on else "",
                backfill_note=terms.backfill_note,
            )
        )
    return message


def posting_view(message: pb.Opportunity, skills: Mapping[str, str]) -> PostingView:
    """The shared read view (postings_views) plus what only the hiring side tracks."""
    return PostingView(
        **dict(opportunity_view(message, skills)),
        created_by=message.created_by,
        created_at=message.created_at,
        published_at=message.published_at,
        closed_at=message.closed_at,
        close_reason=message.close_reason,
        version=message.version,
        seats_filled=message.seats_filled,
        application_count=(
            message.application_count if message.HasField("application_count") else None
        ),
    )


def applicant_view(
    message: pb.Application, names: Mapping[str, str], skills: Mapping[str, str]
) -> ApplicantView:
    release = None
    if message.HasField("release") and message.release.status:
        r = message.release
        release = ReleaseView(
            manager_id=r.manager_id,
            status=r.status,
            requested_at=r.requested_at,
            due_at=r.due_at,
            decided_at=r.decided_at,
            decided_by=r.decided_by,
        )
    return ApplicantView(
        application_id=message.application_id,
        opportunity_id=message.opportunity_id,
        opportunity_title=message.opportunity_title,
        kind=message.kind,
        employee_id=message.employee_id,
        name=names.get(message.employee_id, message.employee_id),
        note=message.note,
        confidential=message.confidential,
        status=message.status,
        submitted_at=message.submitted_at,
        updated_at=message.updated_at,
        history=[StatusChangeView(status=h.status, at=h.at, by=h.by) for h in message.history],
        manager_notes=[NoteView(at=n.at, by=n.by, text=n.text) for n in message.manager_notes],
        disclosed_at=message.disclosed_at,
        release=release,
        match=match_view(message.match, skills, to_them=False)
        if message.HasField("match")
        else None,
        next_moves=next_hiring_moves(message.status),
    )


def interview_view(message: pb.InterviewRequest, names: dict[str, str]) -> InterviewView:
    return InterviewView(
        opportunity_id=message.opportunity_id,
        opportunity_title=message.opportunity_title,
        team=message.team,
        host_id=message.host_id,
        employee_id=message.employee_id,
        name=names.get(message.employee_id, message.employee_id),
        note=message.note,
        status=message.status,
        requested_at=message.requested_at,
        slot=message.slot,
        decline_reason=message.decline_reason,
        updated_at=message.updated_at,
    )


def disclosure_view(message: pb.Disclosure) -> DisclosureView:
    return DisclosureView(
        application_id=message.application_id,
        opportunity_id=message.opportunity_id,
        employee_id=message.employee_id,
        disclosed_to=list(message.disclosed_to),
        point=message.point,
        stage=message.stage,
        at=message.at,
        triggered_by=message.triggered_by,
    )
