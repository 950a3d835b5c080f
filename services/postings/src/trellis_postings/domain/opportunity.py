"""An opportunity (posting) and its lifecycle: draft → open → closed → filled | cancelled.

The opportunity is an aggregate: its seat holders and interest-interview
requests live inside its document, so "never more seats filled than exist" is
one conditional single-document write. Applications are their own aggregates
(one document each, id derived from posting and person), so a posting with
thousands of applicants stays small (ADR 0006, "Applications as documents").
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    computed_field,
    field_validator,
    model_validator,
)

from trellis_postings.domain.interviews import InterviewRequest
from trellis_shared.errors import FailedPrecondition

MAX_TITLE = 200
MAX_DESCRIPTION = 10_000
MAX_NOTE = 2_000
MAX_SKILLS = 30
MAX_SLOTS = 50


def as_utc(moment: datetime) -> datetime:
    """Naive times are taken as UTC; all stored times are UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Kind(StrEnum):
    JOB = "job"
    GIG = "gig"
    SECONDMENT = "secondment"
    STRETCH = "stretch"
    INTEREST_INTERVIEW = "interest_interview"


# Kinds people apply to; stretch assignments go through bidding rounds and
# interest interviews are requested, not applied for.
APPLICABLE_KINDS = frozenset({Kind.JOB, Kind.GIG, Kind.SECONDMENT})
# Kinds that take time from the home team: accepting one needs a release.
RELEASE_KINDS = frozenset({Kind.GIG, Kind.SECONDMENT})


class Status(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    FILLED = "filled"
    CANCELLED = "cancelled"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RequiredSkill(Model):
    skill_id: str = Field(min_length=1, max_length=120)
    min_level: int = Field(ge=1, le=5)
    weight: float = Field(default=1.0, gt=0, le=10)
    must_have: bool = False


class SecondmentTerms(Model):
    host_team: str = Field(min_length=1, max_length=120)
    home_team: str = Field(min_length=1, max_length=120)
    return_on: date | None = None
    backfill_note: str = Field(default="", max_length=MAX_NOTE)


class Details(Model):
    """What the hiring manager writes; everything an edit may change."""

    title: str = Field(min_length=3, max_length=MAX_TITLE)
    description: str = Field(default="", max_length=MAX_DESCRIPTION)
    team: str = Field(default="", max_length=120)
    department: str = Field(default="", max_length=120)
    hiring_manager_id: str = Field(min_length=1, max_length=120)
    required_skills: list[RequiredSkill] = Field(default_factory=list, max_length=MAX_SKILLS)
    location: str = Field(default="", max_length=120)
    remote: bool = False
    share_pct: int = Field(default=100, ge=1, le=100)
    starts_on: date | None = None
    ends_on: date | None = None
    seats: int = Field(default=1, ge=1, le=1000)
    ladder: str | None = Field(default=None, max_length=60)
    level_min: int | None = Field(default=None, ge=1, le=12)
    level_max: int | None = Field(default=None, ge=1, le=12)
    deadline: datetime | None = None
    secondment: SecondmentTerms | None = None
    interview_slots: list[datetime] = Field(default_factory=list, max_length=MAX_SLOTS)

    @field_validator("deadline")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return None if value is None else as_utc(value)

    @field_validator("interview_slots")
    @classmethod
    def _aware_slots(cls, value: list[datetime]) -> list[datetime]:
        return sorted({as_utc(v) for v in value})

    @field_validator("required_skills")
    @classmethod
    def _unique_skills(cls, value: list[RequiredSkill]) -> list[RequiredSkill]:
        seen = [s.skill_id for s in value]
        duplicates = sorted({s for s in seen if seen.count(s) > 1})
        if duplicates:
            raise ValueError(f"skills listed twice: {', '.join(duplicates)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        if self.level_min and self.level_max and self.level_max < self.level_min:
            raise ValueError("level_max must not be below level_min")
        return self


def check_kind_rules(kind: Kind, details: Details) -> list[tuple[str, str]]:
    """Kind-specific rules as (field, problem) pairs; empty when all hold."""
    problems: list[tuple[str, str]] = []
    if kind is Kind.SECONDMENT and details.secondment is None:
        problems.append(("secondment", "a secondment needs the host and home team"))
    if kind is not Kind.SECONDMENT and details.secondment is not None:
        problems.append(("secondment", "only secondments have secondment terms"))
    if kind is Kind.INTEREST_INTERVIEW and not details.interview_slots:
        problems.append(("interview_slots", "offer at least one slot"))
    if kind is not Kind.INTEREST_INTERVIEW and details.interview_slots:
        problems.append(("interview_slots", "only interest interviews offer slots"))
    if kind in (Kind.GIG, Kind.SECONDMENT, Kind.STRETCH):
        if details.starts_on is None:
            problems.append(("starts_on", f"a {kind.value} needs a start date"))
        if details.ends_on is None:
            problems.append(("ends_on", f"a {kind.value} needs an end date"))
    return problems


def check_deadline(details: Details, now: datetime) -> list[tuple[str, str]]:
    if details.deadline is not None and details.deadline <= now:
        return [("deadline", "the application deadline must be in the future")]
    return []


class Opportunity(BaseModel):
    """The aggregate state stored in the opportunity's document."""

    model_config = ConfigDict(extra="ignore")

    opportunity_id: str
    kind: Kind
    status: Status = Status.DRAFT
    details: Details
    created_by: str
    created_at: datetime
    published_at: datetime | None = None
    closed_at: datetime | None = None
    close_reason: str = ""
    # Seat holder (an application id, or an award id) → employee; never more
    # entries than seats. An application holds its seat from the moment its
    # acceptance claims it (before the application itself says "accepted").
    seat_holders: dict[str, str] = {}
    interview_requests: dict[str, InterviewRequest] = {}
    open_interview_requesters: list[str] = []
    # Ids of consumed events already applied (awards from bidding).
    applied_events: list[str] = []

    # Stored beside the state so the repository can query them (never read back).
    @computed_field  # type: ignore[prop-decorator]
    @property
    def skill_ids(self) -> list[str]:
        return [s.skill_id for s in self.details.required_skills]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def interview_requester_ids(self) -> list[str]:
        return sorted(self.interview_requests)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def deadline_ts(self) -> float | None:
        deadline = self.details.deadline
        return deadline.timestamp() if deadline and self.status is Status.OPEN else None

    @property
    def seats_free(self) -> int:
        return self.details.seats - len(self.seat_holders)

    def require_status(self, *allowed: Status, action: str) -> None:
        if self.status not in allowed:
            names = " or ".join(s.value for s in allowed)
            raise FailedPrecondition(
                f"cannot {action}: the opportunity is {self.status.value} (needs {names})"
            )

    def accepting_applications(self, now: datetime) -> bool:
        deadline = self.details.deadline
        return self.status is Status.OPEN and (deadline is None or now < deadline)
