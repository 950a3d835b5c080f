"""In-memory stand-ins for the mentorship ports, with the same version checks as
the database, and a yield to the event loop on every read so concurrent use
cases really interleave."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import Any, Generic

from trellis_mentorship.app.people import PeopleReadModel
from trellis_mentorship.app.ports import Model, Versioned
from trellis_shared.contracts.profiles import ProfileSnapshot, SnapshotMobility, SnapshotSkill
from trellis_shared.errors import StaleVersion
from trellis_shared.events import EventPayload
from trellis_shared.peers.profiles import TimeReservation


class FakeDocuments(Generic[Model]):
    def __init__(self) -> None:
        self.rows: dict[str, tuple[int, Model]] = {}
        self.events: list[EventPayload] = []

    async def get(self, key: str) -> Versioned[Model] | None:
        await asyncio.sleep(0)
        row = self.rows.get(key)
        return Versioned(row[1].model_copy(deep=True), row[0]) if row else None

    async def save(
        self, key: str, value: Model, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        current = self.rows.get(key)
        if (current[0] if current else 0) != expected_version:
            raise StaleVersion(key, expected_version)
        self.rows[key] = (expected_version + 1, value.model_copy(deep=True))
        self.events.extend(events)
        return expected_version + 1

    async def find_by(self, field: str, value: str) -> list[Versioned[Model]]:
        found = []
        for version, item in self.rows.values():
            held = getattr(item, field)
            if held == value or (isinstance(held, list) and value in held):
                found.append(Versioned(item.model_copy(deep=True), version))
        return found

    async def all(self) -> list[Versioned[Model]]:
        return [Versioned(item, version) for version, item in self.rows.values()]


class FakeSnapshots:
    def __init__(self) -> None:
        self.kept: dict[str, ProfileSnapshot] = {}

    async def load_all(self) -> list[ProfileSnapshot]:
        return list(self.kept.values())

    async def keep(self, snapshot: ProfileSnapshot, *, known_version: int) -> None:
        self.kept[snapshot.employee_id] = snapshot


class FakeProfiles:
    def __init__(
        self, chains: dict[str, list[str]] | None = None, busy: frozenset[str] = frozenset()
    ) -> None:
        self.chains = chains or {}
        self.busy = busy  # employees whose ledger has no room left
        self.reserved: dict[str, str] = {}  # key -> employee id, as profiles holds them

    async def snapshot(self, employee_id: str) -> ProfileSnapshot | None:
        return None

    async def reporting_chain(self, employee_id: str) -> list[str]:
        return self.chains.get(employee_id, [])

    async def unknown_skills(self, skill_ids: Sequence[str]) -> list[str]:
        return [s for s in skill_ids if s.startswith("unknown")]

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
        if employee_id in self.busy and key not in self.reserved:
            return TimeReservation(False, "100% already committed")
        self.reserved[key] = employee_id
        return TimeReservation(True, state="reserved")

    async def release_time(self, employee_id: str, key: str, *, undo: bool = False) -> bool:
        return self.reserved.pop(key, None) is not None


def snapshot(employee_id: str, **changes: Any) -> ProfileSnapshot:
    data: dict[str, Any] = {
        "employee_id": employee_id,
        "version": 1,
        "name": employee_id.title(),
        "email": f"{employee_id}@example.com",
        "level": 3,
        "department": "Data",
    }
    data.update(changes)
    return ProfileSnapshot.model_validate(data)


def mentor_snapshot(employee_id: str, capacity: int, **changes: Any) -> ProfileSnapshot:
    return snapshot(
        employee_id,
        level=7,
        department="Platform",
        skills=[SnapshotSkill(skill_id="python", level=5, source="self_assessed")],
        mobility=SnapshotMobility(
            offers_mentoring=True, mentor_capacity=capacity, mentor_topics=["python"]
        ),
        **changes,
    )


async def people_with(*snapshots: ProfileSnapshot, profiles: FakeProfiles) -> PeopleReadModel:
    people = PeopleReadModel(FakeSnapshots(), profiles)
    for one in snapshots:
        await people.apply_snapshot(one)
    return people
