"""Contracts published by the mentorship service (consumed by profiles)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

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


# --- The rest of the match lifecycle (added with the service; profiles ignores these). ---

CYCLE_TOPIC = "trellis.mentorship.cycle.v1"


class _MatchFacts(EventPayload):
    match_id: str = Field(min_length=1)
    mentor_id: str = Field(min_length=1)
    mentee_id: str = Field(min_length=1)


class MatchProposed(_MatchFacts):
    """A cycle run proposed this pair; both sides are asked to accept."""

    event_type = "trellis.mentorship.match.proposed"
    event_version = 1

    cycle_id: str = Field(min_length=1)
    score: float = Field(ge=0, le=100)
    mode: str


class MatchRequested(_MatchFacts):
    """A mentee asked this mentor directly; the mentor accepts or declines."""

    event_type = "trellis.mentorship.match.requested"
    event_version = 1

    score: float = Field(ge=0, le=100)


class MatchAccepted(_MatchFacts):
    """One side said yes (`side`: mentor or mentee); active once both have."""

    event_type = "trellis.mentorship.match.accepted"
    event_version = 1

    side: str


class MatchDeclined(_MatchFacts):
    event_type = "trellis.mentorship.match.declined"
    event_version = 1

    side: str
    cycle_id: str = ""


class MentorshipFeedbackGiven(_MatchFacts):
    """One side closed the mentorship with feedback; completed once both have.
    The feedback text stays in the service (it is personal)."""

    event_type = "trellis.mentorship.match.feedback-given"
    event_version = 1

    side: str
    rating: int = Field(ge=1, le=5)


class MentorshipEnded(_MatchFacts):
    """Ended before completion by a side or by HR; the mentor's place is free again."""

    event_type = "trellis.mentorship.match.ended"
    event_version = 1

    ended_on: date
    ended_by: str


class CycleOpened(EventPayload):
    event_type = "trellis.mentorship.cycle.opened"
    event_version = 1

    cycle_id: str = Field(min_length=1)
    name: str
    opened_by: str


class CycleRun(EventPayload):
    """One matching run of a cycle over its requests still waiting for a mentor."""

    event_type = "trellis.mentorship.cycle.run"
    event_version = 1

    cycle_id: str = Field(min_length=1)
    run: int = Field(ge=1)
    mode: str
    requests: int = Field(ge=0)
    proposed: int = Field(ge=0)
    matched_share: float = Field(ge=0, le=1)
    mean_score: float | None = None
    min_score: float | None = None
    blocking_pairs: int = Field(ge=0)


class CycleClosed(EventPayload):
    event_type = "trellis.mentorship.cycle.closed"
    event_version = 1

    cycle_id: str = Field(min_length=1)


# Every payload of this module by topic; the catalog registers them.
TOPICS: dict[str, tuple[type[EventPayload], ...]] = {
    MATCH_TOPIC: (
        MentorshipActivated,
        MentorshipCompleted,
        MatchProposed,
        MatchRequested,
        MatchAccepted,
        MatchDeclined,
        MentorshipFeedbackGiven,
        MentorshipEnded,
    ),
    CYCLE_TOPIC: (CycleOpened, CycleRun, CycleClosed),
}
