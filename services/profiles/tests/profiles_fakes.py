"""An in-memory profile repository (unit tests only)."""

from __future__ import annotations

from collections.abc import Sequence

from trellis_profiles.app.ports import SearchCriteria, Stored
from trellis_profiles.domain.profile import Profile, Visibility
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

    async def manager_of(self, employee_id: str) -> str | None:
        stored = self.rows.get(employee_id)
        return stored.profile.org.manager_id if stored else None

    async def direct_reports(self, manager_id: str) -> list[Stored]:
        return [s for s in self.rows.values() if s.profile.org.manager_id == manager_id]

    async def search(
        self, criteria: SearchCriteria, visibilities: set[Visibility], after_id: str, limit: int
    ) -> list[Stored]:
        found = [
            s
            for key, s in sorted(self.rows.items())
            if key > after_id
            and s.profile.visibility in visibilities
            and all(
                s.profile.skills.get(k) and s.profile.skills[k].level >= v
                for k, v in criteria.min_levels.items()
            )
        ]
        return found[:limit]
