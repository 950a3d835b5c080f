"""The employee profile: who someone is in the org, what they can do, want and offer.

Pure domain: pydantic models for shape and bounds, plus named rules for what
crosses fields. No I/O. Sizes are bounded so one request can never grow a
document without limit.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

MAX_SKILLS = 200
MAX_LIST = 20
MAX_HISTORY = 500
MAX_EVIDENCE_PER_SKILL = 20
REMEMBERED_EVENTS = 200

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
RequiredText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
# Ids become MongoDB field names (skills.<id>): no dots, no leading dollar.
Identifier = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=120,
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_:@+#\-]*$",
    ),
]
# What a promiser reserves time under: the promise itself (an application, an
# award, a mentorship), namespaced by its kind, so a re-sent reservation finds it.
PromiseKey = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=300,
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_:@+#\-]*$",
    ),
]
MAX_RELEASED = 500
Level = Annotated[int, Field(ge=1, le=5, description="proficiency 1 (aware) to 5 (expert)")]
Percent = Annotated[int, Field(ge=0, le=100)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Ladder(StrEnum):
    INDIVIDUAL_CONTRIBUTOR = "individual_contributor"
    MANAGER = "manager"


class SkillSource(StrEnum):
    """Where a proficiency comes from, in rising order of trust."""

    SELF = "self"
    EVIDENCED_BY_WORK = "evidenced_by_work"
    MANAGER_ENDORSED = "manager_endorsed"
    VALIDATED = "validated"

    @property
    def trust(self) -> int:
        return list(SkillSource).index(self)


class Visibility(StrEnum):
    """Who may find the profile in searches (and read it without being in the chain)."""

    EVERYONE = "everyone"
    MANAGERS = "managers"
    HIDDEN = "hidden"


class Evidence(Frozen):
    kind: RequiredText  # gig, secondment, stretch, mentorship
    reference: Identifier
    title: ShortText = ""
    at: datetime


class SkillEntry(Frozen):
    skill_id: Identifier
    level: Level
    source: SkillSource = SkillSource.SELF
    assessed_by: ShortText = ""
    assessed_at: datetime
    evidence: tuple[Evidence, ...] = Field(default=(), max_length=MAX_EVIDENCE_PER_SKILL)


class Aspirations(Frozen):
    target_roles: tuple[RequiredText, ...] = Field(default=(), max_length=MAX_LIST)
    skills_to_develop: tuple[Identifier, ...] = Field(default=(), max_length=MAX_LIST)
    interests: tuple[RequiredText, ...] = Field(default=(), max_length=MAX_LIST)
    ladder_preference: Ladder | None = None


class Availability(Frozen):
    share_free_pct: Percent = 0
    available_from: date | None = None
    available_to: date | None = None

    @field_validator("available_to")
    @classmethod
    def dates_must_be_in_order(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("available_from")
        if value and start and value < start:
            raise ValueError("must not be before available_from")
        return value


class Mobility(Frozen):
    open_to_lateral_moves: bool = False
    open_to_relocation: bool = False
    open_to_secondment: bool = False
    open_to_gigs: bool = False
    wants_mentor: bool = False
    offers_mentoring: bool = False
    mentor_capacity: int = Field(default=0, ge=0, le=10)
    mentor_topics: tuple[Identifier, ...] = Field(default=(), max_length=MAX_LIST)


class HistoryKind(StrEnum):
    ROLE = "role"
    GIG = "gig"
    SECONDMENT = "secondment"
    STRETCH = "stretch"
    MENTORSHIP = "mentorship"


class HistoryEntry(Frozen):
    kind: HistoryKind
    reference: Identifier
    title: ShortText = ""
    started_on: date | None = None
    ended_on: date | None = None
    status: ShortText = ""  # e.g. awarded, active, completed
    source_event_id: ShortText = ""


class CommitmentState(StrEnum):
    """Both states count towards the sum: a reservation is time promised by a
    service at the moment of the promise; committed is the same time once the
    work's own event (accepted, awarded, activated) has been recorded."""

    RESERVED = "reserved"
    COMMITTED = "committed"


class Commitment(Frozen):
    """A share of someone's time promised to something, for a period."""

    reference: Identifier
    kind: HistoryKind
    share_pct: Annotated[int, Field(ge=1, le=100)]
    starts_on: date
    ends_on: date
    # "" for commitments recorded before reservations existed.
    key: PromiseKey | Literal[""] = ""
    state: CommitmentState = CommitmentState.COMMITTED

    @field_validator("ends_on")
    @classmethod
    def dates_must_be_in_order(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("starts_on")
        if start and value < start:
            raise ValueError("must not be before starts_on")
        return value


class ReleasedPromise(Frozen):
    """A promise given back (declined, withdrawn, not used): remembered so that a
    late reservation or work event under the same key never takes the time again.
    `until` is the end of the period it covered (None: it was never reserved
    here); once that day has passed, forgetting it can no longer cost time."""

    key: PromiseKey
    until: date | None = None


class OrgData(Frozen):
    """What HR owns: set by imports and hr_admin, not by the employee."""

    name: RequiredText
    email: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    ]
    title: ShortText = ""
    level: Annotated[int, Field(ge=1, le=12)] = 1
    ladder: Ladder = Ladder.INDIVIDUAL_CONTRIBUTOR
    department: ShortText = ""
    location: ShortText = ""
    time_zone: ShortText = "UTC"
    manager_id: ShortText = ""
    role_started_on: date | None = None


class Profile(Frozen):
    employee_id: Identifier
    org: OrgData
    skills: dict[str, SkillEntry] = Field(default_factory=dict, max_length=MAX_SKILLS)
    aspirations: Aspirations = Aspirations()
    availability: Availability = Availability()
    mobility: Mobility = Mobility()
    visibility: Visibility = Visibility.EVERYONE
    history: tuple[HistoryEntry, ...] = Field(default=(), max_length=MAX_HISTORY)
    commitments: tuple[Commitment, ...] = Field(default=(), max_length=MAX_HISTORY)
    released: tuple[ReleasedPromise, ...] = Field(default=(), max_length=MAX_RELEASED)
    # The ids of the last events applied to this profile: its own inbox, so an
    # event delivered twice changes it once (checked in the same write).
    applied_events: tuple[str, ...] = Field(default=(), max_length=REMEMBERED_EVENTS)

    @model_validator(mode="after")
    def nobody_manages_themself(self) -> Profile:
        if self.org.manager_id == self.employee_id:
            raise ValueError("an employee cannot be their own manager")
        return self

    @model_validator(mode="after")
    def skills_are_keyed_by_their_id(self) -> Profile:
        for key, entry in self.skills.items():
            if key != entry.skill_id:
                raise ValueError(f"skill entry {key!r} holds skill {entry.skill_id!r}")
        return self

    def has_applied(self, event_id: str) -> bool:
        return event_id in self.applied_events

    def remember(self, event_id: str) -> tuple[str, ...]:
        return (*self.applied_events, event_id)[-REMEMBERED_EVENTS:]
