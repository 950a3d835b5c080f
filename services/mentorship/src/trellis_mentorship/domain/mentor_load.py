"""A mentor's places: the one document that decides whether a mentor can take one more.

Every proposal and every accepted request takes a **hold** here, and every
decline, end or completion releases it. Capacity is checked and the hold added
in the same version-checked write of this one document, so two acceptances
racing for the last place cannot both win (the loser re-reads and finds it full).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from trellis_shared.errors import FailedPrecondition

MAX_CAPACITY = 10  # the same bound profiles puts on mentor_capacity
MAX_TOPICS = 20

Source = Literal["explicit", "profile", "none"]


class ExplicitOffer(BaseModel):
    """What the mentor told this service directly; it overrides the profile's offer."""

    model_config = ConfigDict(extra="forbid")

    capacity: int = Field(ge=0, le=MAX_CAPACITY)
    topics: list[str] = Field(default=[], max_length=MAX_TOPICS)
    languages: list[str] = Field(default=[], max_length=MAX_TOPICS)


class Hold(BaseModel):
    model_config = ConfigDict(extra="forbid")

    match_id: str
    mentee_id: str
    taken_at: datetime | None = None


class MentorLoad(BaseModel):
    model_config = ConfigDict(extra="forbid")

    employee_id: str
    explicit: ExplicitOffer | None = None
    holds: list[Hold] = []

    def capacity(self, profile_capacity: int) -> int:
        if self.explicit is not None:
            return self.explicit.capacity
        return max(0, min(profile_capacity, MAX_CAPACITY))

    def source(self, profile_offers: bool) -> Source:
        if self.explicit is not None:
            return "explicit"
        return "profile" if profile_offers else "none"

    def holds_match(self, match_id: str) -> bool:
        return any(hold.match_id == match_id for hold in self.holds)

    def place_hold(
        self, match_id: str, mentee_id: str, capacity: int, now: datetime | None = None
    ) -> bool:
        """Take a place for this match; False when it already had one (a repeat)."""
        if self.holds_match(match_id):
            return False
        if len(self.holds) >= capacity:
            raise FailedPrecondition(
                f"mentor {self.employee_id} is full: {len(self.holds)} of {capacity} places taken"
            )
        self.holds.append(Hold(match_id=match_id, mentee_id=mentee_id, taken_at=now))
        return True

    def release_hold(self, match_id: str) -> bool:
        before = len(self.holds)
        self.holds = [hold for hold in self.holds if hold.match_id != match_id]
        return len(self.holds) != before
