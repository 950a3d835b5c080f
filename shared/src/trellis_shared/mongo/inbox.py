"""The inbox: a consumer handles each event id once, however often it arrives.

Kafka delivers at least once and the outbox relay may publish twice, so every
consumer records what it has handled in its own database. A claim is an insert
keyed by (consumer, event id); the unique `_id` decides races between replicas.
A claim left behind by a crashed worker expires after a lease and is taken over.

One narrow window remains: a worker that applied its effect but died before
marking the claim done will see the event again after the lease. Handlers whose
effect is a single-document update should therefore also guard that update
(e.g. by the aggregate sequence number) for exactly-once effects.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from trellis_shared.mongo.write_locks import PROCESS_WRITE_LOCKS, document_key

PROCESSING = "processing"
DONE = "done"


class InboxBusy(Exception):
    """Another worker holds a live claim on this event; retry later."""


class Inbox:
    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        consumer: str,
        *,
        lease: timedelta = timedelta(seconds=60),
    ) -> None:
        self._collection = collection
        self._consumer = consumer
        self._lease = lease

    def _key(self, event_id: str) -> str:
        return f"{self._consumer}:{event_id}"

    async def claim(self, event_id: str) -> bool:
        """True when the caller should process the event now; False when already done."""
        async with PROCESS_WRITE_LOCKS.hold(document_key(self._collection, self._key(event_id))):
            return await self._claim(event_id)

    async def _claim(self, event_id: str) -> bool:
        now = datetime.now(UTC)
        try:
            await self._collection.insert_one(
                {
                    "_id": self._key(event_id),
                    "consumer": self._consumer,
                    "event_id": event_id,
                    "status": PROCESSING,
                    "claimed_at": now,
                }
            )
            return True
        except DuplicateKeyError:
            pass
        existing = await self._collection.find_one({"_id": self._key(event_id)})
        if existing is None:  # released between our insert and read: try once more
            return await self._claim(event_id)
        if existing["status"] == DONE:
            return False
        if existing["claimed_at"] > now - self._lease:
            raise InboxBusy(event_id)
        taken = await self._collection.update_one(
            {
                "_id": self._key(event_id),
                "status": PROCESSING,
                "claimed_at": existing["claimed_at"],
            },
            {"$set": {"claimed_at": now}},
        )
        if taken.modified_count == 0:
            raise InboxBusy(event_id)
        return True

    async def complete(self, event_id: str) -> None:
        async with PROCESS_WRITE_LOCKS.hold(document_key(self._collection, self._key(event_id))):
            await self._collection.update_one(
                {"_id": self._key(event_id)},
                {"$set": {"status": DONE, "done_at": datetime.now(UTC)}},
            )

    async def release(self, event_id: str) -> None:
        async with PROCESS_WRITE_LOCKS.hold(document_key(self._collection, self._key(event_id))):
            await self._collection.delete_one({"_id": self._key(event_id), "status": PROCESSING})

    async def handle_once(self, event_id: str, work: Callable[[], Awaitable[None]]) -> bool:
        """Run `work` unless this event was handled; True when it ran."""
        if not await self.claim(event_id):
            return False
        try:
            await work()
        except BaseException:
            await self.release(event_id)
            raise
        await self.complete(event_id)
        return True
