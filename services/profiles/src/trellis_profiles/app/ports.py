"""What the profiles use cases need from storage, as a protocol."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from trellis_profiles.domain.people_index import Person, SearchCriteria
from trellis_profiles.domain.profile import Profile
from trellis_shared.events import EventPayload

__all__ = ["NewProfile", "ProfileRepository", "SearchCriteria", "Stored"]


@dataclass(frozen=True)
class Stored:
    profile: Profile
    version: int


NewProfile = tuple[Profile, Sequence[EventPayload]]


class ProfileRepository(Protocol):
    """Profiles by id only: every other question is answered by the people index."""

    async def get(self, employee_id: str) -> Stored | None: ...

    async def get_many(self, employee_ids: Sequence[str]) -> dict[str, Stored]: ...

    async def save(
        self, profile: Profile, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        """Write the profile and its events in one update; StaleVersion on a lost race."""

    async def create_many(self, new: Sequence[NewProfile]) -> set[str]:
        """Create profiles at version 1, each with its events; return the ids that existed
        already (left untouched)."""

    def people(self) -> AsyncIterator[Person]:
        """Every stored profile as the people index holds it (loaded at start)."""
