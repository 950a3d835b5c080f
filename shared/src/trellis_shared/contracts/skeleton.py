"""Contracts of the walking skeleton (a tally that only counts)."""

from __future__ import annotations

from pydantic import Field

from trellis_shared.events import EventPayload

TALLY_TOPIC = "trellis.skeleton.tally.v1"


class TallyIncremented(EventPayload):
    event_type = "trellis.skeleton.tally.incremented"
    event_version = 1

    tally_id: str = Field(min_length=1)
    amount: int = Field(ge=1)
    total: int = Field(ge=1, description="the tally's total after this increment")
    sequence: int = Field(ge=1, description="the tally's version after this increment")


# Every payload of this module by topic; the catalog registers them.
TOPICS: dict[str, tuple[type[EventPayload], ...]] = {TALLY_TOPIC: (TallyIncremented,)}
