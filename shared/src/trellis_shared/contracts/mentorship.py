"""Contracts published by the mentorship service (consumed by profiles)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from trellis_shared.contracts.catalog import REGISTRY
from trellis_shared.events import EventPayload

MATCH_TOPIC = "trellis.mentorship.match.v1"


class MentorshipActivated(EventPayload):
    event_type = "trellis.mentorship.match.activated"
    event_version = 1

    match_id: str = Field(min_length=1)
    mentor_id: str = Field(min_length=1)
    mentee_id: str = Field(min_length=1)
    starts_on: date
    ends_on: date
    mentor_share_pct: int = Field(default=5, ge=1, le=100)
    topics: list[str] = []


class MentorshipCompleted(EventPayload):
    event_type = "trellis.mentorship.match.completed"
    event_version = 1

    match_id: str = Field(min_length=1)
    mentor_id: str = Field(min_length=1)
    mentee_id: str = Field(min_length=1)
    completed_on: date
    topics: list[str] = []


REGISTRY.register(MentorshipActivated, topic=MATCH_TOPIC)
REGISTRY.register(MentorshipCompleted, topic=MATCH_TOPIC)
