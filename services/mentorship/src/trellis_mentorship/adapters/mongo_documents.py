"""One aggregate type per collection: `{_id, version, state, outbox...}` through the
shared AggregateStore (state and events in one version-checked write)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from trellis_mentorship.app.ports import Model, Versioned
from trellis_shared.events import EventPayload
from trellis_shared.mongo.aggregate_store import AggregateStore

STATE_FIELDS = {"version": 1, "state": 1}


class MongoDocuments(Generic[Model]):
    def __init__(
        self, store: AggregateStore, model: type[Model], indexed: Sequence[str] = ()
    ) -> None:
        self._store = store
        self._model = model
        self._indexed = tuple(indexed)
        self._collection: AsyncCollection[dict[str, Any]] = store.collection

    async def ensure_indexes(self) -> None:
        for field in self._indexed:
            await self._collection.create_index([(f"state.{field}", ASCENDING)])

    def _versioned(self, document: dict[str, Any]) -> Versioned[Model]:
        return Versioned(self._model.model_validate(document["state"]), int(document["version"]))

    async def get(self, key: str) -> Versioned[Model] | None:
        document = await self._collection.find_one({"_id": key}, STATE_FIELDS)
        return self._versioned(document) if document else None

    async def save(
        self, key: str, value: Model, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        return await self._store.save(
            key, value.model_dump(mode="json"), expected_version=expected_version, events=events
        )

    async def find_by(self, field: str, value: str) -> list[Versioned[Model]]:
        cursor = self._collection.find({f"state.{field}": value}, STATE_FIELDS)
        return [self._versioned(document) async for document in cursor.sort("_id", ASCENDING)]

    async def all(self) -> list[Versioned[Model]]:
        cursor = self._collection.find({}, STATE_FIELDS)
        return [self._versioned(document) async for document in cursor]
