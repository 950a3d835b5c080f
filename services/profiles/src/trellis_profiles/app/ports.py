"""What the profiles use cases need from storage, as a protocol."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from trellis_profiles.domain.profile import Ladder, Profile, Visibility
from trellis_shared.events import EventPayload


@dataclass(frozen=True)
class Stored:
    profile: Profile
    version: int


@dataclass(frozen=True)
class SearchCriteria:
    min_levels: dict[str, int] = field(default_factory=dict)  # skill id -> minimum level
    department: str = ""
    location: str = ""
    ladder: Ladder | None = None


class ProfileRepository(Protocol):
    async def get(self, employee_id: str) -> Stored | None: ...

    async def get_many(self, employee_ids: Sequence[str]) -> dict[str, Stored]: ...

    async def save(
        self, profile: Profile, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        """Write the profile and its events in one update; StaleVersion on a lost race."""

    async def manager_of(self, employee_id: str) -> str | None:
        """The manager id, '' for the top of the tree, None for an unknown employee."""

    async def direct_reports(self, manager_id: str) -> list[Stored]: ...

    async def search(
        self, criteria: SearchCriteria, visibilities: set[Visibility], after_id: str, limit: int
    ) -> list[Stored]: ...
