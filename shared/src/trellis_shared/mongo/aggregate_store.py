"""Aggregate persistence with optimistic concurrency and the embedded outbox.

Document shape: `{_id, version, state: {...}, outbox: {<event id>: entry},
outbox_pending: n}`. Every save is ONE single-document write that replaces the
state, bumps the version and appends the events, conditioned on the version the
caller read, so a concurrent writer gets StaleVersion instead of a lost update.
This stays within what FerretDB supports (no transactions needed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from trellis_shared.crash_points import crash_point
from trellis_shared.errors import StaleVersion
from trellis_shared.events.envelope import Envelope, EventPayload
from trellis_shared.events.registry import EventRegistry
from trellis_shared.mongo.outbox import OutboxDue, outbox_entry
from trellis_shared.mongo.write_locks import PROCESS_WRITE_LOCKS, document_key

DUPLICATE_KEY = 11000
# Kafka refuses a record above the broker's `message.max.bytes` (about 1 MB by
# default) for ever: such an event would sit in the outbox unpublishable, so it
# is refused at write time instead, leaving room for the headers.
MAX_EVENT_BYTES = 900_000


class EventTooLarge(ValueError):
    """An event bigger than Kafka takes; the producer must split it."""


# Sequence numbers order an aggregate's events: version * this + index in the save.
EVENTS_PER_SAVE_LIMIT = 1000


@dataclass(frozen=True)
class Stored:
    aggregate_id: str
    version: int
    state: dict[str, Any]


class AggregateStore:
    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        *,
        source: str,
        registry: EventRegistry,
        on_saved: Callable[[str], None] | None = None,
        topic_prefix: str = "",
        max_event_bytes: int = MAX_EVENT_BYTES,
    ) -> None:
        self._collection = collection
        self._max_event_bytes = max_event_bytes
        self._source = source
        self._registry = registry
        self._on_saved = on_saved
        self._topic_prefix = topic_prefix
        self._due = OutboxDue(collection)

    @property
    def collection(self) -> AsyncCollection[dict[str, Any]]:
        return self._collection

    async def load(self, aggregate_id: str) -> Stored | None:
        document = await self._collection.find_one(
            {"_id": aggregate_id}, {"version": 1, "state": 1}
        )
        if document is None:
            return None
        return Stored(aggregate_id, int(document["version"]), dict(document["state"]))

    async def save(
        self,
        aggregate_id: str,
        state: dict[str, Any],
        *,
        expected_version: int,
        events: Sequence[EventPayload] = (),
        subject: str | None = None,
    ) -> int:
        """Write state and events atomically; return the new version.

        `expected_version` 0 means "create": it fails if the aggregate exists.
        `subject` (the events' subject and Kafka key) defaults to the aggregate id;
        an aggregate that belongs to a larger one (an application of a posting)
        names the larger one, so all their events keep one order.
        """
        if len(events) >= EVENTS_PER_SAVE_LIMIT:
            raise ValueError(f"at most {EVENTS_PER_SAVE_LIMIT - 1} events per save")
        new_version = expected_version + 1
        entries = self._outbox_entries(subject or aggregate_id, new_version, events)
        # Before the write: a relay must be able to find it if we die after.
        note = await self._due.note([aggregate_id]) if entries else None
        try:
            async with PROCESS_WRITE_LOCKS.hold(document_key(self._collection, aggregate_id)):
                if expected_version == 0:
                    await self._insert(aggregate_id, state, entries)
                    only_these = True
                else:
                    pending = await self._update(aggregate_id, state, expected_version, entries)
                    only_these = pending == len(entries)
        except StaleVersion:
            if note is not None:  # refused by the version check: nothing was written
                await self._due.abandoned(note, [aggregate_id])
            raise
        crash_point("after_save")  # written, not yet published: the relay must find it
        if note is not None:
            self._due.landed(note, {aggregate_id: entries if only_these else None})
        if self._on_saved is not None and entries:
            self._on_saved(aggregate_id)
        return new_version

    def _outbox_entries(
        self, subject: str, version: int, events: Sequence[EventPayload]
    ) -> dict[str, dict[str, Any]]:
        entries: dict[str, dict[str, Any]] = {}
        for index, payload in enumerate(events):
            spec = self._registry.spec_for(payload)
            envelope = Envelope.wrap(payload, source=self._source, subject=subject)
            size = len(envelope.to_bytes())
            if size > self._max_event_bytes:
                raise EventTooLarge(
                    f"{payload.event_type} for {subject!r} is {size:,} bytes, more than the "
                    f"{self._max_event_bytes:,} a Kafka record may carry here: split it"
                )
            entries[envelope.id] = outbox_entry(
                envelope,
                topic=self._topic_prefix + spec.topic,
                sequence=version * EVENTS_PER_SAVE_LIMIT + index,
            )
        return entries

    async def create_many(
        self, aggregates: Sequence[tuple[str, dict[str, Any], Sequence[EventPayload]]]
    ) -> set[str]:
        """Create new aggregates (version 1, events in each one's outbox) in one insert_many.

        Each document is still one write carrying its own events, as `save` with
        expected_version 0 writes it; bulk imports just send them together.
        Returns the ids that already existed: those documents are left as they
        were (the caller decides how to change them), so a retried bulk create
        doubles nothing.
        """
        documents = [
            _new_document(aggregate_id, state, self._outbox_entries(aggregate_id, 1, events))
            for aggregate_id, state, events in aggregates
        ]
        if not documents:
            return set()
        announced = [d["_id"] for d in documents if d["outbox"]]
        note = await self._due.note(announced)
        existing: set[str] = set()
        try:
            await self._collection.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            for failure in error.details.get("writeErrors", []):
                if failure.get("code") != DUPLICATE_KEY:
                    raise
                existing.add(documents[failure["index"]]["_id"])
        # Ids that existed were not written here: the note keeps naming them
        # (harmless: the sweep finds nothing of ours pending there and drops it).
        written = {
            d["_id"]: d["outbox"] for d in documents if d["outbox"] and d["_id"] not in existing
        }
        if written:
            self._due.landed(note, written)
        if self._on_saved is not None:
            for document in documents:
                if document["_id"] not in existing and document["outbox"]:
                    self._on_saved(document["_id"])
        return existing

    async def _insert(
        self, aggregate_id: str, state: dict[str, Any], entries: dict[str, dict[str, Any]]
    ) -> None:
        try:
            await self._collection.insert_one(_new_document(aggregate_id, state, entries))
        except DuplicateKeyError:
            raise StaleVersion(aggregate_id, 0) from None

    async def _update(
        self,
        aggregate_id: str,
        state: dict[str, Any],
        expected_version: int,
        entries: dict[str, dict[str, Any]],
    ) -> int:
        """The version-checked write; returns how many events are pending after it."""
        changes: dict[str, Any] = {"state": state, "version": expected_version + 1}
        changes.update({f"outbox.{event_id}": entry for event_id, entry in entries.items()})
        after = await self._collection.find_one_and_update(
            {"_id": aggregate_id, "version": expected_version},
            {"$set": changes, "$inc": {"outbox_pending": len(entries)}},
            # No projection: FerretDB 1.x does not implement one for findAndModify.
            return_document=ReturnDocument.AFTER,
        )
        if after is None:
            raise StaleVersion(aggregate_id, expected_version)
        return int(after.get("outbox_pending") or 0)


def _new_document(
    aggregate_id: str, state: dict[str, Any], entries: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    return {
        "_id": aggregate_id,
        "version": 1,
        "state": state,
        "outbox": entries,
        "outbox_pending": len(entries),
    }
