"""One mentorship between a mentor and a mentee, from proposal to its end.

    proposed (cycle) ──both sides accept──▶ active ──both give feedback──▶ completed
    requested (direct) ──mentor accepts──▶ active ──either side / HR──▶ ended
    proposed | requested ──either side declines──▶ declined

There is no waiting "accepted" state: once both sides have said yes there is
nothing left to wait for, so the mentorship starts that day. Who accepted is
kept per side (`mentor_accepted`, `mentee_accepted`), and each acceptance
raises its own event. A direct request counts as the mentee's acceptance.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from trellis_shared.contracts.mentorship import (
    MatchAccepted,
    MatchDeclined,
    MentorshipActivated,
    MentorshipCompleted,
    MentorshipEnded,
    MentorshipFeedbackGiven,
)
from trellis_shared.errors import FailedPrecondition, PermissionDenied
from trellis_shared.events import EventPayload

MAX_NOTE = 1000
# What a mentor typically gives: about two hours a week, reported to the ledger.
MENTOR_SHARE_PCT = 5


class MatchStatus(StrEnum):
    PROPOSED = "proposed"
    REQUESTED = "requested"
    ACTIVE = "active"
    COMPLETED = "completed"
    DECLINED = "declined"
    ENDED = "ended"


PENDING = (MatchStatus.PROPOSED, MatchStatus.REQUESTED)
# Statuses that hold one of the mentor's places.
HOLDING = (MatchStatus.PROPOSED, MatchStatus.ACTIVE)


class Side(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class Origin(StrEnum):
    CYCLE = "cycle"
    DIRECT = "direct"


class FactorLineRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    factor: str
    points: float
    max_points: float
    text: str


class ExplanationRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    score: float
    weights_version: str
    lines: list[FactorLineRecord]


class Feedback(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=MAX_NOTE)
    given_at: datetime


class Match(BaseModel):
    model_config = ConfigDict(extra="forbid")

    match_id: str
    mentor_id: str
    mentee_id: str
    request_id: str
    cycle_id: str = ""
    origin: Origin
    status: MatchStatus
    mentor_accepted: bool = False
    mentee_accepted: bool = False
    explanation: ExplanationRecord
    topics: list[str] = []
    note: str = ""
    duration_weeks: int = 12
    starts_on: date | None = None
    ends_on: date | None = None
    mentor_feedback: Feedback | None = None
    mentee_feedback: Feedback | None = None
    declined_by: str = ""
    ended_by: str = ""
    # Seen by both sides and HR; kept out of events (they are personal).
    decline_reason: str = Field(default="", max_length=MAX_NOTE)
    end_reason: str = Field(default="", max_length=MAX_NOTE)
    created_at: datetime

    def side_of(self, employee_id: str) -> Side | None:
        if employee_id == self.mentor_id:
            return Side.MENTOR
        if employee_id == self.mentee_id:
            return Side.MENTEE
        return None

    def require_status(self, *allowed: MatchStatus, action: str) -> None:
        if self.status not in allowed:
            raise FailedPrecondition(f"cannot {action}: the mentorship is {self.status.value}")

    def _facts(self) -> dict[str, str]:
        return {"match_id": self.match_id, "mentor_id": self.mentor_id, "mentee_id": self.mentee_id}

    def accept(self, side: Side, today: date) -> list[EventPayload]:
        """Record one side's yes; both yeses make it active (the place is already held)."""
        self.require_status(*PENDING, action="accept")
        if self.status is MatchStatus.REQUESTED and side is Side.MENTEE:
            raise PermissionDenied("the mentor answers a direct request, not the mentee")
        already = self.mentor_accepted if side is Side.MENTOR else self.mentee_accepted
        if already:
            return []
        if side is Side.MENTOR:
            self.mentor_accepted = True
        else:
            self.mentee_accepted = True
        events: list[EventPayload] = [MatchAccepted(**self._facts(), side=side.value)]
        if self.mentor_accepted and self.mentee_accepted:
            events.append(self._activate(today))
        return events

    def _activate(self, today: date) -> MentorshipActivated:
        self.status = MatchStatus.ACTIVE
        self.starts_on, self.ends_on = self.planned_period(today)
        return MentorshipActivated(
            **self._facts(),
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            mentor_share_pct=MENTOR_SHARE_PCT,
            topics=self.topics,
        )

    def would_activate(self, side: Side) -> bool:
        """Whether this side's yes is the last one missing."""
        if self.status not in PENDING:
            return False
        return self.mentee_accepted if side is Side.MENTOR else self.mentor_accepted

    def planned_period(self, today: date) -> tuple[date, date]:
        return today, today + timedelta(weeks=self.duration_weeks)

    def decline(self, side: Side, reason: str = "") -> list[EventPayload]:
        self.require_status(*PENDING, action="decline")
        self.status = MatchStatus.DECLINED
        self.declined_by = side.value
        self.decline_reason = reason
        return [MatchDeclined(**self._facts(), side=side.value, cycle_id=self.cycle_id)]

    def give_feedback(self, side: Side, feedback: Feedback, today: date) -> list[EventPayload]:
        self.require_status(MatchStatus.ACTIVE, action="complete")
        if (self.mentor_feedback if side is Side.MENTOR else self.mentee_feedback) is not None:
            raise FailedPrecondition(f"the {side.value} has already given feedback")
        if side is Side.MENTOR:
            self.mentor_feedback = feedback
        else:
            self.mentee_feedback = feedback
        events: list[EventPayload] = [
            MentorshipFeedbackGiven(**self._facts(), side=side.value, rating=feedback.rating)
        ]
        if self.mentor_feedback is not None and self.mentee_feedback is not None:
            self.status = MatchStatus.COMPLETED
            self.ends_on = today
            events.append(
                MentorshipCompleted(**self._facts(), completed_on=today, topics=self.topics)
            )
        return events

    def end_early(self, ended_by: str, reason: str, today: date) -> list[EventPayload]:
        self.require_status(MatchStatus.ACTIVE, action="end")
        self.status = MatchStatus.ENDED
        self.ended_by = ended_by
        self.end_reason = reason
        self.ends_on = today
        return [MentorshipEnded(**self._facts(), ended_on=today, ended_by=ended_by)]

    @property
    def holds_a_place(self) -> bool:
        return self.status in HOLDING
