"""Contracts published by the profiles service."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from trellis_shared.events import EventPayload

PROFILE_SNAPSHOT_TOPIC = "trellis.profiles.profile-snapshot.v1"  # compacted, key = employee id
PROFILE_TOPIC = "trellis.profiles.profile.v1"


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SnapshotSkill(_Part):
    skill_id: str
    level: int
    source: str


class SnapshotAspirations(_Part):
    target_roles: list[str] = []
    skills_to_develop: list[str] = []
    interests: list[str] = []
    ladder_preference: str | None = None


class SnapshotAvailability(_Part):
    share_free_pct: int = 0
    available_from: date | None = None
    available_to: date | None = None


class SnapshotMobility(_Part):
    open_to_lateral_moves: bool = False
    open_to_relocation: bool = False
    open_to_secondment: bool = False
    open_to_gigs: bool = False
    wants_mentor: bool = False
    offers_mentoring: bool = False
    mentor_capacity: int = 0
    mentor_topics: list[str] = []


class SnapshotHistory(_Part):
    kind: str
    reference: str
    title: str = ""
    started_on: date | None = None
    ended_on: date | None = None
    status: str = ""


class SnapshotCommitment(_Part):
    reference: str
    kind: str
    share_pct: int
    starts_on: date
    ends_on: date
    # Reserved time (promised, its work not yet recorded) counts like committed.
    key: str = ""
    state: str = "committed"  # reserved | committed


class ProfileSnapshot(EventPayload):
    """The whole profile after a change: other services keep read models from it."""

    event_type = "trellis.profiles.profile.snapshot"
    event_version = 1

    employee_id: str = Field(min_length=1)
    version: int = Field(ge=1)
    name: str
    email: str
    title: str = ""
    level: int = 1
    ladder: str = "individual_contributor"
    department: str = ""
    location: str = ""
    time_zone: str = "UTC"
    manager_id: str = ""
    visibility: str = "everyone"
    skills: list[SnapshotSkill] = []
    aspirations: SnapshotAspirations = SnapshotAspirations()
    availability: SnapshotAvailability = SnapshotAvailability()
    mobility: SnapshotMobility = SnapshotMobility()
    history: list[SnapshotHistory] = []
    commitments: list[SnapshotCommitment] = []


class SkillEndorsed(EventPayload):
    """A manager endorsed, or HR validated, a skill level of an employee."""

    event_type = "trellis.profiles.skill.endorsed"
    event_version = 1

    employee_id: str = Field(min_length=1)
    skill_id: str = Field(min_length=1)
    level: int = Field(ge=1, le=5)
    source: str = Field(description="manager_endorsed or validated")
    endorsed_by: str = Field(min_length=1)


# Every payload of this module by topic; the catalog registers them.
TOPICS: dict[str, tuple[type[EventPayload], ...]] = {
    PROFILE_SNAPSHOT_TOPIC: (ProfileSnapshot,),
    PROFILE_TOPIC: (SkillEndorsed,),
}
