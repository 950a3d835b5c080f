"""A profile-snapshot read model's collection: the latest snapshot per person."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from trellis_shared.contracts.profiles import ProfileSnapshot
from trellis_shared.mongo.write_locks import PROCESS_WRITE_LOCKS, document_key


class MongoSnapshots:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def load_all(self) -> list[ProfileSnapshot]:
        return [
            ProfileSnapshot.model_validate(document["snapshot"])
            async for document in self._collection.find({}, {"snapshot": 1})
        ]

    async def keep(self, snapshot: ProfileSnapshot, *, known_version: int) -> None:
        """Store the snapshot; the read model (the only writer) knows what is stored,
        so one write suffices: an insert for a new person, an update otherwise."""
        document = {"version": snapshot.version, "snapshot": snapshot.model_dump(mode="json")}
        async with PROCESS_WRITE_LOCKS.hold(document_key(self._collection, snapshot.employee_id)):
            if known_version:
                await self._collection.update_one({"_id": snapshot.employee_id}, {"$set": document})
                return
            try:
                await self._collection.insert_one({"_id": snapshot.employee_id, **document})
            except DuplicateKeyError:  # kept by an earlier run not loaded yet
                await self._collection.update_one(
                    {"_id": snapshot.employee_id, "version": {"$lt": snapshot.version}},
                    {"$set": document},
                )
