"""What the mentorship use cases need from the outside world, as protocols."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel

from trellis_shared.contracts.profiles import ProfileSnapshot
from trellis_shared.events import EventPayload
from trellis_shared.peers.profiles import LedgerAnswer

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class Versioned(Generic[Model]):
    item: Model
    version: int


class Documents(Protocol[Model]):
    """One aggregate type in its collection: state and outbox in one document."""

    async def get(self, key: str) -> Versioned[Model] | None: ...

    async def save(
        self, key: str, item: Model, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        """One version-checked write of state and events; StaleVersion on a lost race."""

    async def find_by(self, field: str, value: str) -> list[Versioned[Model]]:
        """Documents whose state `field` equals `value` (or contains it, for lists)."""

    async def all(self) -> list[Versioned[Model]]: ...


class ProfilesRemote(Protocol):
    """The profiles service over gRPC, as the service identity."""

    async def snapshot(self, employee_id: str) -> ProfileSnapshot | None: ...

    async def reporting_chain(self, employee_id: str) -> list[str]:
        """Managers above the employee, nearest first (authoritative)."""

    async def unknown_skills(self, skill_ids: Sequence[str]) -> list[str]: ...

    async def check_commitment(
        self, employee_id: str, kind: str, share_pct: int, starts_on: date, ends_on: date
    ) -> LedgerAnswer:
        """Whether a commitment of `kind` fits the employee's commitment ledger."""


class SnapshotStore(Protocol):
    """Where the people read model survives restarts (its own collection)."""

    async def load_all(self) -> list[ProfileSnapshot]: ...

    async def keep(self, snapshot: ProfileSnapshot, *, known_version: int) -> None: ...
