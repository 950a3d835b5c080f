"""What the employee side of postings shows of their own applications and
interest interviews, and how service messages become it.

Opportunities and match explanations are read the same way by the hiring side:
their views live in postings_views.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from trellis.postings.v1 import postings_pb2 as pb
from trellis_portal.features.postings_views import KIND_LABELS, MatchView, OpportunityView

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
