"""Notifications in the portal's own database (collection `notifications`).

The document id is `<event id>:<person>`, so an event delivered twice (Kafka
is at-least-once) inserts nothing the second time: the store is the dedupe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from trellis_portal.domain.notifications import Notice

DUPLICATE_KEY = 11000


@dataclass(frozen=True)
class StoredNotification:
    notification_id: str
    person: str
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None

    @property
    def read(self) -> bool:
        return self.read_at is not None


def notification_id(event_id: str, person: str) -> str:
    return f"{event_id}:{person}"


class NotificationStore:
    def __init__(self, collection: AsyncCollection[Any]) -> None:
        self._notes = collection

    async def ensure_indexes(self) -> None:
        await self._notes.create_index([("person", ASCENDING), ("created_at", DESCENDING)])

    async def add(self, event_id: str, notices: Sequence[Notice], now: datetime) -> int:
        """Store the event's notices; those stored before are left alone. Returns new ones."""
        if not notices:
            return 0
        documents = [
            {
                "_id": notification_id(event_id, notice.person),
                "event_id": event_id,
                "person": notice.person,
                "kind": notice.kind,
                "title": notice.title,
                "body": notice.body,
                "link": notice.link,
                "created_at": now,
                "read_at": None,
            }
            for notice in notices
        ]
        try:
            result = await self._notes.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            details = error.details
            others = [e for e in details.get("writeErrors", []) if e.get("code") != DUPLICATE_KEY]
            if others:
                raise
            return int(details.get("nInserted", 0))
        return len(result.inserted_ids)

    async def newest(self, person: str, limit: int) -> list[StoredNotification]:
        cursor = (
            self._notes.find({"person": person})
            .sort([("created_at", DESCENDING), ("_id", DESCENDING)])
            .limit(limit)
        )
        return [_from_document(d) async for d in cursor]

    async def since(self, person: str, after: datetime) -> list[StoredNotification]:
        """The person's notifications created at or after `after`, oldest first."""
        cursor = self._notes.find({"person": person, "created_at": {"$gte": after}}).sort(
            [("created_at", ASCENDING), ("_id", ASCENDING)]
        )
        return [_from_document(d) async for d in cursor]

    async def get(self, person: str, notification_id: str) -> StoredNotification | None:
        # Filtering by person too: someone else's id looks exactly like a missing one.
        found = await self._notes.find_one({"_id": notification_id, "person": person})
        return _from_document(found) if found is not None else None

    async def unread_count(self, person: str) -> int:
        return int(await self._notes.count_documents({"person": person, "read_at": None}))

    async def mark_read(self, person: str, notification_id: str, now: datetime) -> bool:
        """False when the person has no such notification."""
        if await self.get(person, notification_id) is None:
            return False
        await self._notes.update_one(
            {"_id": notification_id, "person": person, "read_at": None},
            {"$set": {"read_at": now}},
        )
        return True

    async def mark_all_read(self, person: str, now: datetime) -> int:
        result = await self._notes.update_many(
            {"person": person, "read_at": None}, {"$set": {"read_at": now}}
        )
        return int(result.modified_count)


def _from_document(document: dict[str, Any]) -> StoredNotification:
    return StoredNotification(
        notification_id=document["_id"],
        person=document["person"],
        kind=document["kind"],
        title=document["title"],
        body=document.get("body", ""),
        link=document.get("link", ""),
        created_at=document["created_at"],
        read_at=document.get("read_at"),
    )
