"""Contracts published by the bidding service (consumed by profiles and postings)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from trellis_shared.contracts.catalog import REGISTRY
from trellis_shared.contracts.common import SkillLevel
from trellis_shared.events import EventPayload

AWARD_TOPIC = "trellis.bidding.award.v1"


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


REGISTRY.register(AssignmentAwarded, topic=AWARD_TOPIC)
