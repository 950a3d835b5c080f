"""Applications in MongoDB: one aggregate document per application, `{_id,
version, state, outbox, outbox_pending}`, saved through the shared
`AggregateStore` (one version-checked write of state and events, with the due
note that lets any replica's relay finish what a dead writer left).

Its events name the posting as their subject (the Kafka key), as before
applications had their own documents: one posting's application events stay in
order on one partition.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from trellis_postings.app.ports import StoredApplication
from trellis_postings.domain.applications import Application
from trellis_shared.events import EventPayload
from trellis_shared.mongo.aggregate_store import AggregateStore

STATE_FIELDS = {"version": 1, "state": 1}
# Lists read their applications by `_id` a few at a time: FerretDB answers each
# from its index, while `{_id: {$in: [...]}}` would scan the collection.
READ_CONCURRENCY = 16


def _stored(document: dict[str, Any]) -> StoredApplication:
    return StoredApplication(
        Application.model_validate(document["state"]), int(document["version"])
    )


class MongoApplications:
    def __init__(self, store: AggregateStore) -> None:
        self._store = store
        self.collection: AsyncCollection[dict[str, Any]] = store.collection
        self._reads = asyncio.Semaphore(READ_CONCURRENCY)

    async def get(self, application_id: str) -> StoredApplication | None:
        async with self._reads:
            document = await self.collection.find_one({"_id": application_id}, STATE_FIELDS)
        return _stored(document) if document else None

    async def get_many(self, application_ids: Sequence[str]) -> list[StoredApplication]:
        found = await asyncio.gather(*(self.get(i) for i in application_ids))
        return [stored for stored in found if stored is not None]

    async def save(
        self, application: Application, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        return await self._store.save(
            application.application_id,
            application.model_dump(mode="json"),
            expected_version=expected_version,
            events=events,
            subject=application.opportunity_id,
        )
