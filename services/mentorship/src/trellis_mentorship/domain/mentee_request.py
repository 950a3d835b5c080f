"""A mentee's request for a mentor: goals, preferences, and where it stands.

Status: **waiting** (in a cycle still to be run, or on demand) → **proposed**
(a cycle run proposed a mentor) or a direct request is pending → **matched**
(a mentorship became active). A decline sends it back to waiting and remembers
the declined mentor, so a re-run never proposes the same pair again.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from trellis_shared.errors import FailedPrecondition

MAX_GOALS = 10
MAX_RANKED = 10
MAX_LANGUAGES = 5


class RequestStatus(StrEnum):
    WAITING = "waiting"
    PROPOSED = "proposed"
    MATCHED = "matched"
    WITHDRAWN = "withdrawn"


class GoalSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    skill_id: str = Field(min_length=1, max_length=120)
    target_level: int = Field(ge=1, le=5)


class RequestTerms(BaseModel):
    """What the mentee asks for (validated from the gRPC request)."""

    model_config = ConfigDict(extra="forbid")

    goals: list[GoalSpec] = Field(default=[], max_length=MAX_GOALS)
    target_role: str | None = Field(default=None, max_length=120)
    prefers_other_department: bool = False
    languages: list[str] = Field(default=[], max_length=MAX_LANGUAGES)
    ranked_mentor_ids: list[str] = Field(default=[], max_length=MAX_RANKED)

    @field_validator("goals")
    @classmethod
    def _one_goal_per_skill(cls, goals: list[GoalSpec]) -> list[GoalSpec]:
        skills = [goal.skill_id for goal in goals]
        if len(set(skills)) != len(skills):
            raise ValueError("each skill may appear in one goal only")
        return goals

    def asks_for_something(self) -> bool:
        return bool(self.goals or self.target_role or self.ranked_mentor_ids)


class MenteeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_id: str
    mentee_id: str
    cycle_id: str = ""
    terms: RequestTerms
    # The mentee's managers, nearest first, as profiles answered at submission.
    reporting_chain: list[str] = []
    status: RequestStatus = RequestStatus.WAITING
    match_id: str = ""
    claimed_at: datetime | None = None  # when the pending match_id was set
    declined_mentor_ids: list[str] = []
    unmatched_reason: str = ""
    created_at: datetime

    def require_status(self, *allowed: RequestStatus, action: str) -> None:
        if self.status not in allowed:
            raise FailedPrecondition(f"cannot {action}: the request is {self.status.value}")

    def propose(self, match_id: str, now: datetime | None = None) -> None:
        if self.status is RequestStatus.PROPOSED and self.match_id == match_id:
            return  # the same proposal again (a run completed after a crash): done already
        self.require_status(RequestStatus.WAITING, action="propose a mentor")
        self.status = RequestStatus.PROPOSED
        self.match_id = match_id
        self.claimed_at = now
        self.unmatched_reason = ""

    def left_unmatched(self, reason: str) -> None:
        self.unmatched_reason = reason

    def match_declined(self, match_id: str, mentor_id: str) -> None:
        """Back to waiting; a request already moved on (withdrawn) stays where it is."""
        if self.match_id != match_id or self.status is not RequestStatus.PROPOSED:
            return
        self.status = RequestStatus.WAITING
        self.match_id = ""
        if mentor_id not in self.declined_mentor_ids:
            self.declined_mentor_ids.append(mentor_id)

    def release_claim(self, match_id: str) -> None:
        """The pending match was never written (a crash in between): wait again."""
        if self.status is RequestStatus.PROPOSED and self.match_id == match_id:
            self.status = RequestStatus.WAITING
            self.match_id = ""

    def matched(self, match_id: str) -> None:
        if self.status is RequestStatus.WITHDRAWN:
            return
        self.status = RequestStatus.MATCHED
        self.match_id = match_id

    def withdraw(self) -> None:
        # A pending proposal or request is declined first, so no mentor's place is left held.
        self.require_status(RequestStatus.WAITING, action="withdraw")
        self.status = RequestStatus.WITHDRAWN
