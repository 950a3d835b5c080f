"""Contracts published by the postings service (consumed by profiles today).

The postings service will publish these; profiles already consumes them.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from trellis_shared.contracts.catalog import REGISTRY
from trellis_shared.contracts.common import SkillLevel
from trellis_shared.events import EventPayload

APPLICATION_TOPIC = "trellis.postings.application.v1"
OPPORTUNITY_TOPIC = "trellis.postings.opportunity.v1"


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


REGISTRY.register(ApplicationAccepted, topic=APPLICATION_TOPIC)
REGISTRY.register(WorkCompleted, topic=OPPORTUNITY_TOPIC)
