"""Contracts published by the postings service.

Opportunity events carry the whole posting (event-carried state transfer: the
bidding service builds its catalog of stretch assignments from them). Application
events carry the confidentiality flag and the people the application is hidden
from until disclosure, so every consumer (the portal's notifications above all)
can respect it without asking anyone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trellis_shared.contracts.common import SkillLevel
from trellis_shared.events import EventPayload

APPLICATION_TOPIC = "trellis.postings.application.v1"
OPPORTUNITY_TOPIC = "trellis.postings.opportunity.v1"
INTERVIEW_TOPIC = "trellis.postings.interview.v1"

OpportunityKind = Literal["job", "gig", "secondment", "stretch", "interest_interview"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class RequiredSkillPart(_Part):
    skill_id: str
    min_level: int = Field(ge=1, le=5)
    weight: float = 1.0
    must_have: bool = False


class PostedOpportunity(_Part):
    """A posting as other services need it (no applications, no private notes)."""

    opportunity_id: str
    kind: OpportunityKind
    status: str
    title: str
    team: str = ""
    department: str = ""
    hiring_manager_id: str
    required_skills: list[RequiredSkillPart] = []
    location: str = ""
    remote: bool = False
    share_pct: int = 100
    starts_on: date | None = None
    ends_on: date | None = None
    seats: int = 1
    seats_filled: int = 0
    ladder: str | None = None
    level_min: int | None = None
    level_max: int | None = None
    deadline: datetime | None = None


class OpportunityPublished(EventPayload):
    event_type = "trellis.postings.opportunity.published"
    event_version = 1

    opportunity: PostedOpportunity


class OpportunityUpdated(EventPayload):
    event_type = "trellis.postings.opportunity.updated"
    event_version = 1

    opportunity: PostedOpportunity


class OpportunityClosed(EventPayload):
    """No more applications: closed by its manager, at the deadline, or cancelled."""

    event_type = "trellis.postings.opportunity.closed"
    event_version = 1

    opportunity_id: str
    kind: OpportunityKind
    status: Literal["closed", "cancelled"]
    reason: str


class OpportunityFilled(EventPayload):
    event_type = "trellis.postings.opportunity.filled"
    event_version = 1

    opportunity_id: str
    kind: OpportunityKind
    seats: int
    employee_ids: list[str]


class SecondmentStarted(EventPayload):
    event_type = "trellis.postings.secondment.started"
    event_version = 1

    opportunity_id: str
    employee_id: str
    host_team: str
    home_team: str
    starts_on: date
    return_on: date | None = None


class SecondmentEnded(EventPayload):
    event_type = "trellis.postings.secondment.ended"
    event_version = 1

    opportunity_id: str
    employee_id: str
    ended_on: date


class _ApplicationFacts(EventPayload):
    application_id: str
    opportunity_id: str
    kind: OpportunityKind
    employee_id: str
    hiring_manager_id: str
    confidential: bool
    # Until disclosure, people who must not learn of the application (the
    # applicant's managers, nearest first). Empty once disclosed or when open.
    hidden_from: list[str] = []


class ApplicationSubmitted(_ApplicationFacts):
    event_type = "trellis.postings.application.submitted"
    event_version = 1


class ApplicationStatusChanged(_ApplicationFacts):
    event_type = "trellis.postings.application.status-changed"
    event_version = 1

    previous_status: str
    status: str


class ApplicationDisclosed(_ApplicationFacts):
    """A confidential application became visible to the applicant's chain."""

    event_type = "trellis.postings.application.disclosed"
    event_version = 1

    disclosed_to: list[str]
    disclosure_point: str


class ReleaseRequested(EventPayload):
    event_type = "trellis.postings.release.requested"
    event_version = 1

    application_id: str
    opportunity_id: str
    employee_id: str
    manager_id: str
    share_pct: int
    due_at: datetime


class ReleaseApproved(EventPayload):
    event_type = "trellis.postings.release.approved"
    event_version = 1

    application_id: str
    opportunity_id: str
    employee_id: str
    manager_id: str
    approved_by: str = Field(description="the manager's id, or 'auto' after the waiting period")


class _InterviewFacts(EventPayload):
    opportunity_id: str
    employee_id: str
    host_id: str
    team: str = ""


class InterestInterviewRequested(_InterviewFacts):
    event_type = "trellis.postings.interview.requested"
    event_version = 1


class InterestInterviewScheduled(_InterviewFacts):
    event_type = "trellis.postings.interview.scheduled"
    event_version = 1

    slot: datetime


class InterestInterviewDeclined(_InterviewFacts):
    event_type = "trellis.postings.interview.declined"
    event_version = 1

    reason: str = ""


class InterestInterviewCompleted(_InterviewFacts):
    event_type = "trellis.postings.interview.completed"
    event_version = 1


class ApplicationAccepted(EventPayload):
    """An employee accepted an offer: a job move, or time promised to a gig/secondment."""

    event_type = "trellis.postings.application.accepted"
    event_version = 1

    application_id: str = Field(min_length=1)
    opportunity_id: str = Field(min_length=1)
    kind: Literal["job", "gig", "secondment"]
    employee_id: str = Field(min_length=1)
    title: str = ""
    share_pct: int = Field(default=100, ge=0, le=100)
    starts_on: date | None = None
    ends_on: date | None = None
    skills: list[SkillLevel] = []
    # Which application of this person to this posting (one id, applied to again
    # after a withdrawal): each attempt's time is its own promise.
    attempt: int = Field(default=1, ge=1)


class WorkCompleted(EventPayload):
    """A gig, secondment or stretch assignment finished; the skills it demonstrated."""

    event_type = "trellis.postings.work.completed"
    event_version = 1

    opportunity_id: str = Field(min_length=1)
    kind: Literal["gig", "secondment", "stretch"]
    employee_id: str = Field(min_length=1)
    title: str = ""
    completed_on: date
    skills_demonstrated: list[SkillLevel] = []


TOPICS: dict[str, tuple[type[EventPayload], ...]] = {
    OPPORTUNITY_TOPIC: (
        OpportunityPublished,
        OpportunityUpdated,
        OpportunityClosed,
        OpportunityFilled,
        SecondmentStarted,
        SecondmentEnded,
        WorkCompleted,
    ),
    APPLICATION_TOPIC: (
        ApplicationSubmitted,
        ApplicationStatusChanged,
        ApplicationDisclosed,
        ApplicationAccepted,
        ReleaseRequested,
        ReleaseApproved,
    ),
    INTERVIEW_TOPIC: (
        InterestInterviewRequested,
        InterestInterviewScheduled,
        InterestInterviewDeclined,
        InterestInterviewCompleted,
    ),
}
