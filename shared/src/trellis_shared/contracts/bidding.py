"""Contracts published by the bidding service (consumed by profiles and postings)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from trellis_shared.contracts.common import SkillLevel
from trellis_shared.events import EventPayload

AWARD_TOPIC = "trellis.bidding.award.v1"
ROUND_TOPIC = "trellis.bidding.round.v1"


class AssignmentAwarded(EventPayload):
    """A bidding round awarded a stretch assignment seat to an employee."""

    event_type = "trellis.bidding.assignment.awarded"
    event_version = 1

    round_id: str = Field(min_length=1)
    assignment_id: str = Field(min_length=1, description="the stretch posting's id")
    employee_id: str = Field(min_length=1)
    title: str = ""
    share_pct: int = Field(ge=1, le=100)
    starts_on: date
    ends_on: date
    points_spent: int = Field(default=0, ge=0)
    skills: list[SkillLevel] = []


class RoundOpened(EventPayload):
    """A bidding round takes bids from now until `closes_at`."""

    event_type = "trellis.bidding.round.opened"
    event_version = 1

    round_id: str = Field(min_length=1)
    title: str = ""
    assignment_ids: list[str]
    opens_at: datetime
    closes_at: datetime
    budget: int = Field(ge=1)
    mode: str


class RoundClosed(EventPayload):
    event_type = "trellis.bidding.round.closed"
    event_version = 1

    round_id: str = Field(min_length=1)
    bidders: int = Field(ge=0)


class RoundCleared(EventPayload):
    """The round is allocated; each bidder can read their own result and why."""

    event_type = "trellis.bidding.round.cleared"
    event_version = 1

    round_id: str = Field(min_length=1)
    mode: str
    seed: int
    bidders: int = Field(ge=0)
    awards: int = Field(ge=0)
    # Bidders, so a notifier can tell each of them that their result is ready.
    # A large round is announced in parts, each under Kafka's record limit:
    # every part carries the round's totals and its share of the bidders.
    employee_ids: list[str] = []
    part: int = Field(default=1, ge=1)
    parts: int = Field(default=1, ge=1)


# Every payload of this module by topic; the catalog registers them.
TOPICS: dict[str, tuple[type[EventPayload], ...]] = {
    AWARD_TOPIC: (AssignmentAwarded,),
    ROUND_TOPIC: (RoundOpened, RoundClosed, RoundCleared),
}
