"""Interest-interview requests: requested → scheduled (with a slot) | declined → completed.

An interest interview is a conversation a team offers to people curious about
it, not a hiring step; the host team accepts with one of the offered slots.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from trellis_shared.errors import FailedPrecondition


class InterviewStatus(StrEnum):
    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    DECLINED = "declined"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN_STATUSES = frozenset({InterviewStatus.REQUESTED, InterviewStatus.SCHEDULED})
NEXT = {
    InterviewStatus.REQUESTED: frozenset(
        {InterviewStatus.SCHEDULED, InterviewStatus.DECLINED, InterviewStatus.CANCELLED}
    ),
    InterviewStatus.SCHEDULED: frozenset({InterviewStatus.COMPLETED, InterviewStatus.CANCELLED}),
}


class InterviewRequest(BaseModel):
    employee_id: str
    note: str = ""
    status: InterviewStatus = InterviewStatus.REQUESTED
    requested_at: datetime
    slot: datetime | None = None
    decline_reason: str = ""
    updated_at: datetime

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES


def check_interview_move(current: InterviewStatus, target: InterviewStatus) -> None:
    if target not in NEXT.get(current, frozenset()):
        raise FailedPrecondition(
            f"the interview request is {current.value}; it cannot move to {target.value}"
        )
