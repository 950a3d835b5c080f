"""Profiles in MongoDB: one aggregate document per employee (state + outbox)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from trellis_profiles.app.ports import SearchCriteria, Stored
from trellis_profiles.domain.profile import Profile, Visibility
from trellis_shared.events import EventPayload
from trellis_shared.mongo.aggregate_store import AggregateStore

STATE_FIELDS = {"version": 1, "state": 1}


def _stored(document: dict[str, Any]) -> Stored:
    return Stored(Profile.model_validate(document["state"]), int(document["version"]))


class MongoProfileRepository:
    def __init__(self, store: AggregateStore) -> None:
        self._store = store
        self._collection: AsyncCollection[dict[str, Any]] = store.collection

    async def ensure_indexes(self) -> None:
        await self._collection.create_index([("state.org.manager_id", ASCENDING)])
        await self._collection.create_index([("state.org.department", ASCENDING)])
        await self._collection.create_index([("state.visibility", ASCENDING)])

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

    async def manager_of(self, employee_id: str) -> str | None:
        document = await self._collection.find_one(
            {"_id": employee_id}, {"state.org.manager_id": 1}
        )
        if document is None:
            return None
        return str(document["state"]["org"].get("manager_id") or "")

    async def direct_reports(self, manager_id: str) -> list[Stored]:
        cursor = self._collection.find({"state.org.manager_id": manager_id}, STATE_FIELDS).sort(
            "_id", ASCENDING
        )
        return [_stored(doc) async for doc in cursor]

    async def search(
        self, criteria: SearchCriteria, visibilities: set[Visibility], after_id: str, limit: int
    ) -> list[Stored]:
        query: dict[str, Any] = {"state.visibility": {"$in": sorted(v.value for v in visibilities)}}
        for skill_id, level in criteria.min_levels.items():
            query[f"state.skills.{skill_id}.level"] = {"$gte": level}
        if criteria.department:
            query["state.org.department"] = criteria.department
        if criteria.location:
            query["state.org.location"] = criteria.location
        if criteria.ladder is not None:
            query["state.org.ladder"] = criteria.ladder.value
        if after_id:
            query["_id"] = {"$gt": after_id}
        cursor = self._collection.find(query, STATE_FIELDS).sort("_id", ASCENDING).limit(limit)
        return [_stored(doc) async for doc in cursor]
