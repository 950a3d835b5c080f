"""What the portal shows and accepts for mentorship: pydantic models and their
conversion from the mentorship service's messages.

Input models carry the same bounds as the service (so the API answers 422 with
field details before any call), output models are what /api/v1 returns and
what the pages render.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from trellis.mentorship.v1 import mentorship_pb2 as pb

MAX_GOALS = 10
MAX_RANKED = 10
MAX_LANGUAGES = 5
MAX_TOPICS = 20
MAX_NOTE = 1000
MAX_CAPACITY = 10
SUGGESTIONS = 5

Mode = Literal["stable", "optimal"]
Side = Literal["mentor", "mentee", ""]


# ---- input ------------------------------------------------------------------


class GoalInput(BaseModel):
    skill_id: str = Field(min_length=1, max_length=120, description="a taxonomy skill id")
    target_level: int = Field(ge=1, le=5, description="the level to reach, 1..5")


class MenteeRequestInput(BaseModel):
    cycle_id: str = Field(default="", max_length=120, description="empty: on demand")
    goals: list[GoalInput] = Field(default=[], max_length=MAX_GOALS)
    target_role: str = Field(default="", max_length=120)
    prefers_other_department: bool = False
    languages: list[str] = Field(default=[], max_length=MAX_LANGUAGES)
    ranked_mentor_ids: list[str] = Field(default=[], max_length=MAX_RANKED)


class DirectRequestInput(BaseModel):
    request_id: str = Field(min_length=1, max_length=120)
    mentor_id: str = Field(min_length=1, max_length=120)
    note: str = Field(default="", max_length=MAX_NOTE)


class ReasonInput(BaseModel):
    reason: str = Field(default="", max_length=MAX_NOTE)


class FeedbackInput(BaseModel):
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=MAX_NOTE)


class OfferInput(BaseModel):
    capacity: int = Field(ge=0, le=MAX_CAPACITY, description="0 withdraws the offer")
    topics: list[str] = Field(default=[], max_length=MAX_TOPICS)
    languages: list[str] = Field(default=[], max_length=MAX_TOPICS)


class CycleInput(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    duration_weeks: int = Field(default=12, ge=1, le=52)


class RunInput(BaseModel):
    mode: Mode = "stable"


# ---- output -----------------------------------------------------------------


class Goal(BaseModel):
    skill_id: str
    target_level: int


class MenteeRequest(BaseModel):
    request_id: str
    mentee_id: str
    cycle_id: str
    goals: list[Goal]
    target_role: str
    prefers_other_department: bool
    languages: list[str]
    ranked_mentor_ids: list[str]
    status: str  # waiting | proposed | matched | withdrawn
    match_id: str
    declined_mentor_ids: list[str]
    unmatched_reason: str
    created_at: str

    @property
    def on_demand(self) -> bool:
        return not self.cycle_id


class FactorLine(BaseModel):
    factor: str
    points: float
    max_points: float
    text: str

    @property
    def share_pct(self) -> int:
        return round(100 * self.points / self.max_points) if self.max_points else 0


class Explanation(BaseModel):
    score: float
    weights_version: str
    lines: list[FactorLine]


class Suggestion(BaseModel):
    mentor_id: str
    mentor_name: str
    mentor_title: str
    mentor_department: str
    places_free: int
    explanation: Explanation


class Feedback(BaseModel):
    rating: int
    comment: str
    given_at: str


class Match(BaseModel):
    match_id: str
    mentor_id: str
    mentor_name: str
    mentee_id: str
    mentee_name: str
    request_id: str
    cycle_id: str
    origin: str  # cycle | direct
    status: str  # proposed | requested | active | completed | declined | ended
    mentor_accepted: bool
    mentee_accepted: bool
    explanation: Explanation
    topics: list[str]
    note: str
    starts_on: str
    ends_on: str
    mentor_feedback: Feedback | None
    mentee_feedback: Feedback | None
    declined_by: str
    ended_by: str
    decline_reason: str
    end_reason: str
    created_at: str
    my_side: Side = Field(description="the caller's side of the pair, empty for HR")
    awaiting_my_answer: bool = Field(description="the caller may accept or decline now")
    awaiting_my_feedback: bool = Field(description="active, and the caller has not closed it")


class MentorOffer(BaseModel):
    employee_id: str
    capacity: int
    topics: list[str]
    languages: list[str]
    places_taken: int
    places_free: int
    source: str  # explicit | profile | none


class UnmatchedEntry(BaseModel):
    mentee_id: str
    request_id: str
    reason: str
    text: str


class CycleReport(BaseModel):
    run: int
    mode: str
    ran_at: str
    requests: int
    proposed: int
    matched_share: float
    mean_score: float
    min_score: float
    blocking_pairs: int
    unmatched: list[UnmatchedEntry]
    proposed_match_ids: list[str]

    @property
    def matched_pct(self) -> int:
        return round(100 * self.matched_share)


class Cycle(BaseModel):
    cycle_id: str
    name: str
    status: str  # open | running | closed
    opened_by: str
    opened_at: str
    duration_weeks: int
    runs: int
    last_report: CycleReport | None = Field(description="for hr_admin only")


class CycleDetail(BaseModel):
    """A cycle with the pairs its last run proposed (HR's report page)."""

    cycle: Cycle
    proposed: list[Match]


# ---- from messages ------------------------------------------------------------


def request_from(message: pb.MenteeRequest) -> MenteeRequest:
    return MenteeRequest(
        request_id=message.request_id,
        mentee_id=message.mentee_id,
        cycle_id=message.cycle_id,
        goals=[Goal(skill_id=g.skill_id, target_level=g.target_level) for g in message.goals],
        target_role=message.target_role,
        prefers_other_department=message.prefers_other_department,
        languages=list(message.languages),
        ranked_mentor_ids=list(message.ranked_mentor_ids),
        status=message.status,
        match_id=message.match_id,
        declined_mentor_ids=list(message.declined_mentor_ids),
        unmatched_reason=message.unmatched_reason,
        created_at=message.created_at,
    )


def explanation_from(message: pb.Explanation) -> Explanation:
    return Explanation(
        score=message.score,
        weights_version=message.weights_version,
        lines=[
            FactorLine(
                factor=line.factor, points=line.points, max_points=line.max_points, text=line.text
            )
            for line in message.lines
        ],
    )


def suggestion_from(message: pb.Suggestion) -> Suggestion:
    return Suggestion(
        mentor_id=message.mentor_id,
        mentor_name=message.mentor_name or message.mentor_id,
        mentor_title=message.mentor_title,
        mentor_department=message.mentor_department,
        places_free=message.places_free,
        explanation=explanation_from(message.explanation),
    )


def _feedback(message: pb.Match, name: str) -> Feedback | None:
    if not message.HasField(name):
        return None
    given: pb.Feedback = getattr(message, name)
    return Feedback(rating=given.rating, comment=given.comment, given_at=given.given_at)


def match_from(message: pb.Match, viewer_id: str, names: dict[str, str]) -> Match:
    side: Side = ""
    if viewer_id == message.mentor_id:
        side = "mentor"
    elif viewer_id == message.mentee_id:
        side = "mentee"
    return Match(
        match_id=message.match_id,
        mentor_id=message.mentor_id,
        mentor_name=names.get(message.mentor_id) or message.mentor_id,
        mentee_id=message.mentee_id,
        mentee_name=names.get(message.mentee_id) or message.mentee_id,
        request_id=message.request_id,
        cycle_id=message.cycle_id,
        origin=message.origin,
        status=message.status,
        mentor_accepted=message.mentor_accepted,
        mentee_accepted=message.mentee_accepted,
        explanation=explanation_from(message.explanation),
        topics=list(message.topics),
        note=message.note,
        starts_on=message.starts_on,
        ends_on=message.ends_on,
        mentor_feedback=_feedback(message, "mentor_feedback"),
        mentee_feedback=_feedback(message, "mentee_feedback"),
        declined_by=message.declined_by,
        ended_by=message.ended_by,
        decline_reason=message.decline_reason,
        end_reason=message.end_reason,
        created_at=message.created_at,
        my_side=side,
        awaiting_my_answer=_awaits_answer(message, side),
        awaiting_my_feedback=message.status == "active"
        and side != ""
        and _feedback(message, f"{side}_feedback") is None,
    )


def _awaits_answer(message: pb.Match, side: Side) -> bool:
    """Mirrors the service's rule so the page shows only buttons that can work."""
    if message.status == "proposed":
        return (side == "mentor" and not message.mentor_accepted) or (
            side == "mentee" and not message.mentee_accepted
        )
    if message.status == "requested":  # a direct request: the mentor answers
        return side == "mentor"
    return False


def offer_from(message: pb.MentorOffer) -> MentorOffer:
    return MentorOffer(
        employee_id=message.employee_id,
        capacity=message.capacity,
        topics=list(message.topics),
        languages=list(message.languages),
        places_taken=message.places_taken,
        places_free=message.places_free,
        source=message.source or "none",
    )


def cycle_from(message: pb.Cycle) -> Cycle:
    report = None
    if message.HasField("last_report"):
        last = message.last_report
        report = CycleReport(
            run=last.run,
            mode=last.mode,
            ran_at=last.ran_at,
            requests=last.requests,
            proposed=last.proposed,
            matched_share=last.matched_share,
            mean_score=last.mean_score,
            min_score=last.min_score,
            blocking_pairs=last.blocking_pairs,
            unmatched=[
                UnmatchedEntry(
                    mentee_id=u.mentee_id, request_id=u.request_id, reason=u.reason, text=u.text
                )
                for u in last.unmatched
            ],
            proposed_match_ids=list(last.proposed_match_ids),
        )
    return Cycle(
        cycle_id=message.cycle_id,
        name=message.name,
        status=message.status,
        opened_by=message.opened_by,
        opened_at=message.opened_at,
        duration_weeks=message.duration_weeks,
        runs=message.runs,
        last_report=report,
    )
