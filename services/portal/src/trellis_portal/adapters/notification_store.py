"""Notifications in the portal's own database: one mailbox document per person.

Every read the portal makes is by person (the badge, the list, the live stream
polled each second by every open tab), so the person's notifications live in
one document, `_id` = the employee id: each read is one `_id` lookup, which
every MongoDB-wire server (FerretDB included) answers from its index, instead
of a query by `person` that FerretDB answers by reading every notification.

A mailbox keeps the newest KEPT_PER_PERSON notifications. Changes are
version-checked single-document writes, retried on a lost race, so replicas
and redelivered events cannot lose or double one. A notification's id is
`<event id>:<person>`; an event delivered twice (Kafka is at-least-once) finds
its id already in the mailbox and adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from trellis_portal.domain.notifications import Notice
from trellis_shared.errors import Unavailable

KEPT_PER_PERSON = 200
MAX_ATTEMPTS = 50  # a burst of concurrent writers to one mailbox needs a few rounds


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


Mailbox = list[StoredNotification]  # oldest first


class NotificationStore:
    def __init__(self, collection: AsyncCollection[Any]) -> None:
        self._boxes = collection

    async def ensure_indexes(self) -> None:
        """Nothing beyond `_id`: every read is by person."""

    async def add(self, event_id: str, notices: Sequence[Notice], now: datetime) -> int:
        """Store the event's notices; those stored before are left alone. Returns new ones."""
        added = 0
        for notice in notices:
            note = StoredNotification(
                notification_id(event_id, notice.person),
                notice.person,
                notice.kind,
                notice.title,
                notice.body,
                notice.link,
                now,
                None,
            )
            added += await self._change(notice.person, partial(_deliver, note=note))
        return added

    async def newest(self, person: str, limit: int) -> list[StoredNotification]:
        box = await self._box(person)
        return sorted(box, key=_oldest_first, reverse=True)[:limit]

    async def since(self, person: str, after: datetime) -> list[StoredNotification]:
        """The person's notifications created at or after `after`, oldest first."""
        box = await self._box(person)
        return sorted((n for n in box if n.created_at >= after), key=_oldest_first)

    async def get(self, person: str, notification_id: str) -> StoredNotification | None:
        # Only the person's own mailbox is read: someone else's id looks missing.
        box = await self._box(person)
        return next((n for n in box if n.notification_id == notification_id), None)

    async def unread_count(self, person: str) -> int:
        return sum(1 for n in await self._box(person) if n.read_at is None)

    async def mark_read(self, person: str, notification_id: str, now: datetime) -> bool:
        """False when the person has no such notification."""
        if await self.get(person, notification_id) is None:
            return False
        await self._change(person, lambda box: _read(box, now, {notification_id}))
        return True

    async def mark_all_read(self, person: str, now: datetime) -> int:
        return await self._change(person, lambda box: _read(box, now, None))

    async def _box(self, person: str) -> Mailbox:
        found = await self._boxes.find_one({"_id": person}, {"notes": 1})
        return [] if found is None else [_from_document(person, d) for d in found["notes"]]

    async def _change(self, person: str, change: Callable[[Mailbox], tuple[Mailbox, int]]) -> int:
        """Apply `change` (mailbox -> new mailbox, count) as one version-checked write."""
        for _ in range(MAX_ATTEMPTS):
            found = await self._boxes.find_one({"_id": person})
            version = int(found["version"]) if found else 0
            box = [_from_document(person, d) for d in found["notes"]] if found else []
            changed, count = change(box)
            if count == 0:
                return 0
            notes = [_document(n) for n in changed]
            if found is None:
                try:
                    await self._boxes.insert_one({"_id": person, "version": 1, "notes": notes})
                    return count
                except DuplicateKeyError:
                    continue  # another writer created it first: read it and retry
            written = await self._boxes.update_one(
                {"_id": person, "version": version},
                {"$set": {"notes": notes, "version": version + 1}},
            )
            if written.modified_count == 1:
                return count
        raise Unavailable(f"the notifications of {person} are too busy; try again")


def _deliver(box: Mailbox, *, note: StoredNotification) -> tuple[Mailbox, int]:
    if any(n.notification_id == note.notification_id for n in box):
        return box, 0
    return [*box, note][-KEPT_PER_PERSON:], 1


def _read(box: Mailbox, now: datetime, ids: set[str] | None) -> tuple[Mailbox, int]:
    marked = 0
    changed = []
    for note in box:
        if note.read_at is None and (ids is None or note.notification_id in ids):
            note = replace(note, read_at=now)
            marked += 1
        changed.append(note)
    return changed, marked


def _oldest_first(note: StoredNotification) -> tuple[datetime, str]:
    return (note.created_at, note.notification_id)


def _document(note: StoredNotification) -> dict[str, Any]:
    return {
        "id": note.notification_id,
        "kind": note.kind,
        "title": note.title,
        "body": note.body,
        "link": note.link,
        "created_at": note.created_at,
        "read_at": note.read_at,
    }


def _from_document(person: str, document: dict[str, Any]) -> StoredNotification:
    return StoredNotification(
        notification_id=document["id"],
        person=person,
        kind=document["kind"],
        title=document["title"],
        body=document.get("body", ""),
        link=document.get("link", ""),
        created_at=document["created_at"],
        read_at=document.get("read_at"),
    )
