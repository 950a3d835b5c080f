"""What the mentorship use cases need from the outside world, as protocols."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Protocol

from trellis_shared.contracts.profiles import ProfileSnapshot
from trellis_shared.mongo.model_store import Documents as ModelDocuments
from trellis_shared.mongo.model_store import Model, Versioned
from trellis_shared.peers.profiles import TimeReservation

__all__ = [
    "Clock",
    "Documents",
    "Model",
    "ProfilesRemote",
    "SnapshotStore",
    "Versioned",
    "utc_now",
]

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Documents(ModelDocuments[Model], Protocol[Model]):
    """One aggregate type in its collection: state and outbox in one document.
    Changes go through a ModelStore on it (`ModelStore.over`)."""

    async def find_by(self, field: str, value: str) -> list[Versioned[Model]]:
        """Documents whose state `field` equals `value` (or contains it, for lists)."""

    async def all(self) -> list[Versioned[Model]]: ...


class ProfilesRemote(Protocol):
    """The profiles service over gRPC, as the service identity."""

    async def snapshot(self, employee_id: str) -> ProfileSnapshot | None: ...

    async def reporting_chain(self, employee_id: str) -> list[str]:
        """Managers above the employee, nearest first (authoritative)."""

    async def unknown_skills(self, skill_ids: Sequence[str]) -> list[str]: ...

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
    ) -> TimeReservation:
        """Take promised time in the profiles ledger (idempotent by key)."""

    async def release_time(self, employee_id: str, key: str, *, undo: bool = False) -> bool:
        """Give back the time held under `key` (`undo`: the promise may be made again)."""


class SnapshotStore(Protocol):
    """Where the people read model survives restarts (its own collection)."""

    async def load_all(self) -> list[ProfileSnapshot]: ...

    async def keep(self, snapshot: ProfileSnapshot, *, known_version: int) -> None: ...
