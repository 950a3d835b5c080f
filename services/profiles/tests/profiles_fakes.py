"""An in-memory profile repository (unit tests only)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from trellis_profiles.app.people import person_of
from trellis_profiles.app.ports import NewProfile, Stored
from trellis_profiles.domain.people_index import Person
from trellis_profiles.domain.profile import Profile
from trellis_shared.errors import StaleVersion
from trellis_shared.events import EventPayload


class FakeProfiles:
    def __init__(self) -> None:
        self.rows: dict[str, Stored] = {}
        self.events: list[EventPayload] = []

    async def get(self, employee_id: str) -> Stored | None:
        return self.rows.get(employee_id)

    async def get_many(self, employee_ids: Sequence[str]) -> dict[str, Stored]:
        return {i: self.rows[i] for i in employee_ids if i in self.rows}

    async def save(
        self, profile: Profile, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        current = self.rows.get(profile.employee_id)
        if (current.version if current else 0) != expected_version:
            raise StaleVersion(profile.employee_id, expected_version)
        self.rows[profile.employee_id] = Stored(profile, expected_version + 1)
        self.events.extend(events)
        return expected_version + 1

    async def create_many(self, new: Sequence[NewProfile]) -> set[str]:
        existing = set()
        for profile, events in new:
            if profile.employee_id in self.rows:
                existing.add(profile.employee_id)
            else:
                self.rows[profile.employee_id] = Stored(profile, 1)
                self.events.extend(events)
        return existing

    async def people(self) -> AsyncIterator[Person]:
        for stored in list(self.rows.values()):
            yield person_of(stored.profile, stored.version)
