"""Profiles in MongoDB: one aggregate document per employee (state + outbox).

Only `_id` lookups: the embedded database serves nothing else from an index,
so search and the org chart come from the in-memory people index instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from trellis_profiles.app.ports import NewProfile, Stored
from trellis_profiles.domain.people_index import Person
from trellis_profiles.domain.profile import Ladder, Profile, Visibility
from trellis_shared.events import EventPayload
from trellis_shared.mongo.aggregate_store import AggregateStore

STATE_FIELDS = {"version": 1, "state": 1}
PERSON_FIELDS = {
    "version": 1,
    "state.org": 1,
    "state.visibility": 1,
    "state.skills": 1,
}


def _stored(document: dict[str, Any]) -> Stored:
    return Stored(Profile.model_validate(document["state"]), int(document["version"]))


def person_of_document(document: dict[str, Any]) -> Person:
    """Straight from the stored JSON: validating 100,000 whole profiles at start is slow."""
    state = document["state"]
    org = state.get("org") or {}
    return Person(
        employee_id=str(document["_id"]),
        version=int(document["version"]),
        manager_id=str(org.get("manager_id") or ""),
        department=str(org.get("department") or ""),
        location=str(org.get("location") or ""),
        ladder=Ladder(org.get("ladder") or Ladder.INDIVIDUAL_CONTRIBUTOR),
        visibility=Visibility(state.get("visibility") or Visibility.EVERYONE),
        levels={
            str(skill_id): int(entry["level"])
            for skill_id, entry in (state.get("skills") or {}).items()
        },
    )


class MongoProfileRepository:
    def __init__(self, store: AggregateStore) -> None:
        self._store = store
        self._collection: AsyncCollection[dict[str, Any]] = store.collection

    async def ensure_indexes(self) -> None:
        """None beyond `_id` (and the relay's): nothing here queries other fields."""

    async def get(self, employee_id: str) -> Stored | None:
        document = await self._collection.find_one({"_id": employee_id}, STATE_FIELDS)
        return _stored(document) if document else None

    async def get_many(self, employee_ids: Sequence[str]) -> dict[str, Stored]:
        # One lookup per id, concurrently: FerretDB answers `_id` equality from
        # its index but scans the whole collection for `$in`.
        found = await asyncio.gather(*(self.get(i) for i in dict.fromkeys(employee_ids)))
        return {stored.profile.employee_id: stored for stored in found if stored is not None}

    async def save(
        self, profile: Profile, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        return await self._store.save(
            profile.employee_id,
            profile.model_dump(mode="json"),
            expected_version=expected_version,
            events=events,
        )

    async def create_many(self, new: Sequence[NewProfile]) -> set[str]:
        return await self._store.create_many(
            [
                (profile.employee_id, profile.model_dump(mode="json"), events)
                for profile, events in new
            ]
        )

    async def people(self) -> AsyncIterator[Person]:
        async for document in self._collection.find({}, PERSON_FIELDS, batch_size=2000):
            yield person_of_document(document)
