"""What the postings use cases need from the outside world, as protocols."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from trellis_postings.domain.applications import Application
from trellis_postings.domain.fit.facts import CandidateFacts
from trellis_postings.domain.opportunity import Kind, Opportunity
from trellis_shared.contracts.profiles import ProfileSnapshot
from trellis_shared.events import EventPayload
from trellis_shared.peers.profiles import TimeReservation


@dataclass(frozen=True)
class Stored:
    opportunity: Opportunity
    version: int


@dataclass(frozen=True)
class SearchCriteria:
    kinds: frozenset[Kind] = frozenset()
    skills: frozenset[str] = frozenset()  # postings requiring any of these
    department: str = ""
    location: str = ""  # also matches remote postings when include_remote
    include_remote: bool = True
    max_share_pct: int = 100
    starts_after: date | None = None
    ends_before: date | None = None
    words: tuple[str, ...] = ()  # every word in the title or description
    statuses: frozenset[str] = frozenset({"open"})
    hiring_manager_id: str = ""


class OpportunityRepository(Protocol):
    async def get(self, opportunity_id: str) -> Stored | None: ...

    async def save(
        self, opportunity: Opportunity, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        """One version-checked write of state and events; StaleVersion on a lost race."""

    async def search(self, criteria: SearchCriteria, after_id: str, limit: int) -> list[Stored]: ...

    async def with_interview_from(self, employee_id: str) -> list[Stored]: ...

    async def needing_attention(self, now: datetime) -> list[Stored]:
        """Postings a sweep may have to change: open past their deadline."""

    async def all_open(self) -> list[Stored]: ...


@dataclass(frozen=True)
class StoredApplication:
    application: Application
    version: int


class ApplicationRepository(Protocol):
    """One document per application (state + outbox), found by its derived id."""

    async def get(self, application_id: str) -> StoredApplication | None: ...

    async def get_many(self, application_ids: Sequence[str]) -> list[StoredApplication]:
        """Those that exist, in the order asked (each by `_id`: no secondary index)."""

    async def save(
        self, application: Application, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        """One version-checked write (0: create); StaleVersion when another writer won."""


class ApplicationLists(Protocol):
    """Small documents listing application ids by `_id` ("posting:<id>",
    "person:<id>", ...), so no list needs a secondary-index query. An id is
    added before the application is written and removed after, so a list may
    name more than is true (readers re-check each application), never less."""

    async def add(self, list_id: str, application_id: str, info: dict[str, object]) -> None: ...

    async def remove(self, list_id: str, application_id: str) -> None: ...

    async def members(self, list_id: str) -> dict[str, dict[str, object]]:
        """Application id → what was added with it (`added_at` always)."""


class InterviewQuota(Protocol):
    """Per-person claims on open interest-interview requests, one document each,
    so the cap holds across replicas with one conditional update."""

    async def claim(self, employee_id: str, opportunity_id: str, limit: int) -> bool:
        """True when the person holds (or already held) a claim for the posting."""

    async def release(self, employee_id: str, opportunity_id: str) -> None: ...

    async def claims(self, employee_id: str) -> dict[str, datetime]:
        """Posting id → when claimed."""


@dataclass(frozen=True)
class Person:
    """What postings keeps about a person from profile snapshots (its read model)."""

    facts: CandidateFacts
    name: str
    title: str
    manager_id: str
    visibility: str  # everyone | managers | hidden
    version: int


@dataclass(frozen=True)
class TimePromise:
    """Time an acceptance promises: reserved under `key` before it is made."""

    key: str
    kind: str
    reference: str
    share_pct: int
    starts_on: date
    ends_on: date


class ProfileDirectory(Protocol):
    """People as postings sees them: the local read model, profiles on a miss."""

    async def person(self, employee_id: str) -> Person | None: ...

    def people(self) -> Sequence[Person]: ...

    async def reporting_chain(self, employee_id: str) -> list[str]:
        """Managers above the employee, nearest first (authoritative: asks profiles)."""

    def known_chain(self, employee_id: str) -> list[str]:
        """The chain as the read model knows it now (no remote call)."""

    async def reserve_time(self, employee_id: str, promise: TimePromise) -> TimeReservation:
        """Take the promised time in the profiles ledger (idempotent by key)."""

    async def undo_reservation(self, employee_id: str, key: str) -> None:
        """The promise was not made after all: free its reservation."""

    async def unknown_skills(self, skill_ids: Sequence[str]) -> list[str]:
        """The ids the skills taxonomy does not know."""


class ProfilesRemote(Protocol):
    """The profiles service over gRPC, as the service identity."""

    async def snapshot(self, employee_id: str) -> ProfileSnapshot | None: ...

    async def reporting_chain(self, employee_id: str) -> list[str]: ...

    async def reserve_time(
        self,
        employee_id: str,
        *,
        key: str,
        kind: str,
        reference: str,
        share_pct: int,
        starts_on: date,
        ends_on: date,
    ) -> TimeReservation: ...

    async def release_time(self, employee_id: str, key: str, *, undo: bool = False) -> bool: ...

    async def unknown_skills(self, skill_ids: Sequence[str]) -> list[str]: ...
