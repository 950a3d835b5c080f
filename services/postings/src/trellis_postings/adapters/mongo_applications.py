"""Applications in MongoDB: one document per application, `{_id, version,
state, outbox, outbox_pending}` like every aggregate, so a state change and its
events are one version-checked write and the outbox relay publishes them.

Its events are keyed by the posting (the envelope's subject), as before
applications had their own documents: one posting's application events stay in
order on one partition.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from trellis_postings.app.ports import StoredApplication
from trellis_postings.domain.applications import Application
from trellis_shared.errors import StaleVersion
from trellis_shared.events import EventPayload
from trellis_shared.events.envelope import Envelope
from trellis_shared.events.registry import EventRegistry
from trellis_shared.mongo.aggregate_store import EVENTS_PER_SAVE_LIMIT
from trellis_shared.mongo.outbox import outbox_entry

STATE_FIELDS = {"version": 1, "state": 1}
# Lists read their applications by `_id` a few at a time: FerretDB answers each
# from its index, while `{_id: {$in: [...]}}` would scan the collection.
READ_CONCURRENCY = 16


def _stored(document: dict[str, Any]) -> StoredApplication:
    return StoredApplication(
        Application.model_validate(document["state"]), int(document["version"])
    )


class MongoApplications:
    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        *,
        source: str,
        registry: EventRegistry,
        topic_prefix: str = "",
        on_saved: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.collection = collection
        self._source = source
        self._registry = registry
        self._topic_prefix = topic_prefix
        self._on_saved = on_saved
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
        if len(events) >= EVENTS_PER_SAVE_LIMIT:
            raise ValueError(f"at most {EVENTS_PER_SAVE_LIMIT - 1} events per save")
        application_id = application.application_id
        version = expected_version + 1
        entries: dict[str, dict[str, Any]] = {}
        for index, payload in enumerate(events):
            envelope = Envelope.wrap(
                payload, source=self._source, subject=application.opportunity_id
            )
            topic = self._topic_prefix + self._registry.spec_for(payload).topic
            entries[envelope.id] = outbox_entry(
                envelope, topic=topic, sequence=version * EVENTS_PER_SAVE_LIMIT + index
            )
        state = application.model_dump(mode="json")
        if expected_version == 0:
            try:
                await self.collection.insert_one(
                    {
                        "_id": application_id,
                        "version": 1,
                        "state": state,
                        "outbox": entries,
                        "outbox_pending": len(entries),
                    }
                )
            except DuplicateKeyError:
                raise StaleVersion(application_id, 0) from None
        else:
            changes: dict[str, Any] = {"state": state, "version": version}
            changes.update({f"outbox.{event_id}": entry for event_id, entry in entries.items()})
            result = await self.collection.update_one(
                {"_id": application_id, "version": expected_version},
                {"$set": changes, "$inc": {"outbox_pending": len(entries)}},
            )
            if result.matched_count == 0:
                raise StaleVersion(application_id, expected_version)
        if entries:
            self._on_saved(application_id)
        return version
