"""The transactional outbox, kept inside each aggregate document.

A state change and the events it raises are written in one document update, so
they cannot disagree. Each outbox entry sits under `outbox.<event id>` (a map,
not an array, so it can be marked with a plain dotted `$set`), with the
document's `outbox_pending` counter beside it. The relay publishes pending
entries in sequence order and marks each one sent; a relay that dies between
publish and mark publishes again, and consumers drop the duplicate through
their inbox. Every replica runs a relay: two may publish one entry, the mark is
conditional so the counter stays right, and the inbox drops the copy.

Finding work without reading every aggregate: the process that saved an
aggregate publishes it at once (`nudge`). For what that process could not
finish (it died, the broker refused), each save first leaves a small note in a
side collection, `<collection>_outbox_due`, naming the aggregates it is about to
write; the relay's sweep reads the notes (a few small documents) instead of the
aggregates (a query on `outbox_pending` reads every document on FerretDB:
9 s at 10,000 profiles), publishes what they name and drops each note once all
its aggregates are published. A note younger than the grace period is left to
its writer, which may still be between the note and the write.

Entry states follow the usual event-log life: pending -> sent, with `attempts`
and `last_error` recorded while the broker refuses.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from uuid import uuid4

from opentelemetry import trace
from pymongo.asynchronous.collection import AsyncCollection

from trellis_shared.events.envelope import Envelope, kafka_headers
from trellis_shared.mongo.write_locks import PROCESS_WRITE_LOCKS, document_key
from trellis_shared.telemetry import context_from_headers, current_traceparent

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("trellis.outbox")

PENDING = "pending"
SENT = "sent"


def outbox_entry(envelope: Envelope, *, topic: str, sequence: int) -> dict[str, Any]:
    """A pending outbox entry, capturing the trace context of the write."""
    return {
        "sequence": sequence,
        "topic": topic,
        "key": envelope.subject,
        "envelope": envelope.model_dump(mode="json"),
        "trace": current_traceparent(),
        "status": PENDING,
        "attempts": 0,
        "created_at": datetime.now(UTC),
    }


class OutboxDue:
    """Notes naming aggregates that may hold unpublished events (see the module doc)."""

    def __init__(self, aggregates: AsyncCollection[dict[str, Any]]) -> None:
        self._notes: AsyncCollection[dict[str, Any]] = aggregates.database[
            f"{aggregates.name}_outbox_due"
        ]

    async def note(self, aggregate_ids: Sequence[Any]) -> None:
        """Called BEFORE the write that adds events to these aggregates."""
        await self._notes.insert_one(
            {"_id": uuid4().hex, "ids": list(aggregate_ids), "at": datetime.now(UTC)}
        )

    async def older_than(self, cutoff: datetime, limit: int) -> list[dict[str, Any]]:
        # The collection holds only recent and unfinished notes: reading it whole is cheap.
        notes = [note async for note in self._notes.find({})]
        return sorted((n for n in notes if n["at"] <= cutoff), key=lambda n: n["at"])[:limit]

    async def drop(self, note_id: str) -> None:
        await self._notes.delete_one({"_id": note_id})


class EventPublisher(Protocol):
    async def publish(
        self, body: bytes, *, topic: str, key: bytes, headers: dict[str, str]
    ) -> None: ...


@dataclass
class FastStreamPublisher:
    """Publishes through a FastStream broker (idempotent producer, acks=all)."""

    broker: Any

    async def publish(
        self, body: bytes, *, topic: str, key: bytes, headers: dict[str, str]
    ) -> None:
        await self.broker.publish(body, topic=topic, key=key, headers=headers)


class OutboxRelay:
    """Moves pending outbox entries of one collection to Kafka."""

    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        publisher: EventPublisher,
        *,
        poll_interval_s: float = 0.2,
        sweep_interval_s: float = 10.0,
        batch_size: int = 100,
        keep_sent_for: timedelta = timedelta(0),
        note_grace: timedelta = timedelta(seconds=10),
    ) -> None:
        self._collection = collection
        self._publisher = publisher
        self._poll_interval_s = poll_interval_s
        self._sweep_interval_s = sweep_interval_s
        self._due = OutboxDue(collection)
        self._note_grace = note_grace
        # Aggregates this process saved with new events: published by id, which
        # every MongoDB-wire server answers from its _id index. The periodic
        # sweep finds the rest through the due notes (writes of a process that
        # died or could not reach the broker).
        self._dirty: set[Any] = set()
        # Set while `run` stops, so a long pass ends between two events instead of
        # finishing a whole sweep first (what is left is published next start).
        self._stopping: asyncio.Event | None = None
        self._batch_size = batch_size
        self._keep_sent_for = keep_sent_for
        self._wake = asyncio.Event()

    def nudge(self, aggregate_id: Any = None) -> None:
        """Ask for a pass now (called after a save, with the saved aggregate's id)."""
        if aggregate_id is not None:
            self._dirty.add(aggregate_id)
        self._wake.set()

    async def publish_dirty(self) -> int:
        """Publish the pending events of the aggregates saved here since the last pass."""
        sent = 0
        while self._dirty and not self._stop_requested():
            aggregate_id = self._dirty.pop()
            document = await self._collection.find_one({"_id": aggregate_id}, {"outbox": 1})
            if document is not None:
                sent += await self._publish_document(document)
        return sent

    async def ensure_indexes(self) -> None:
        """Nothing to create: the sweep reads the due notes, by `_id` only."""

    async def publish_pending(self, grace: timedelta = timedelta(0)) -> int:
        """A sweep: publish what due notes older than `grace` name; return how many were sent."""
        sent = 0
        cutoff = datetime.now(UTC) - grace
        for note in await self._due.older_than(cutoff, self._batch_size):
            finished = True
            for aggregate_id in note["ids"]:
                if self._stop_requested():
                    return sent
                document = await self._collection.find_one({"_id": aggregate_id}, {"outbox": 1})
                if document is None:
                    continue  # the write the note announced never happened
                published = await self._publish_document(document)
                sent += published
                finished = finished and published == _pending_count(document)
            if finished:
                await self._due.drop(note["_id"])
        return sent

    def _stop_requested(self) -> bool:
        return self._stopping is not None and self._stopping.is_set()

    async def _publish_document(self, document: dict[str, Any]) -> int:
        entries = sorted(
            (
                (event_id, entry)
                for event_id, entry in (document.get("outbox") or {}).items()
                if entry.get("status") == PENDING
            ),
            key=lambda item: item[1]["sequence"],
        )
        stale = self._stale_sent_ids(document)
        sent = 0
        for event_id, entry in entries:
            try:
                await self._publish_entry(entry)
            except Exception as exc:
                # Stop at the first failure so events of one aggregate keep their order.
                await self._collection.update_one(
                    {"_id": document["_id"]},
                    {
                        "$inc": {f"outbox.{event_id}.attempts": 1},
                        "$set": {f"outbox.{event_id}.last_error": repr(exc)[:500]},
                    },
                )
                log.warning(
                    "outbox publish failed", extra={"event_id": event_id, "error": repr(exc)}
                )
                break
            await self._mark_sent(document["_id"], event_id, prune=stale)
            stale = []
            sent += 1
        return sent

    async def _publish_entry(self, entry: dict[str, Any]) -> None:
        envelope = Envelope.model_validate(entry["envelope"])
        # Continue the trace of the request that wrote the event, not the relay's.
        parent = context_from_headers(entry.get("trace") or {})
        with _tracer.start_as_current_span(
            f"{entry['topic']} publish",
            context=parent,
            kind=trace.SpanKind.PRODUCER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": entry["topic"],
                "messaging.message.id": envelope.id,
            },
        ):
            headers = kafka_headers(envelope, current_traceparent())
            await self._publisher.publish(
                envelope.to_bytes(),
                topic=entry["topic"],
                key=entry["key"].encode(),
                headers=headers,
            )

    def _stale_sent_ids(self, document: dict[str, Any]) -> list[str]:
        """Sent entries past retention; dropped with the next mark so documents stay small."""
        cutoff = datetime.now(UTC) - self._keep_sent_for
        return [
            event_id
            for event_id, entry in (document.get("outbox") or {}).items()
            if entry.get("status") == SENT and entry.get("sent_at") and entry["sent_at"] < cutoff
        ]

    async def _mark_sent(self, document_id: Any, event_id: str, *, prune: list[str]) -> None:
        # The status condition keeps the counter right if two relays race.
        update: dict[str, Any] = {
            "$set": {
                f"outbox.{event_id}.status": SENT,
                f"outbox.{event_id}.sent_at": datetime.now(UTC),
            },
            "$inc": {"outbox_pending": -1},
        }
        if prune:
            update["$unset"] = {f"outbox.{stale_id}": "" for stale_id in prune}
        async with PROCESS_WRITE_LOCKS.hold(document_key(self._collection, document_id)):
            await self._collection.update_one(
                {"_id": document_id, f"outbox.{event_id}.status": PENDING}, update
            )

    async def run(
        self, stop: asyncio.Event, on_error: Callable[[Exception], Awaitable[None]] | None = None
    ) -> None:
        """Publish until `stop` is set; errors are logged and the loop goes on."""
        self._stopping = stop
        loop = asyncio.get_running_loop()
        next_sweep = loop.time()  # sweep once at start: events a crash left behind
        while not stop.is_set():
            try:
                if loop.time() >= next_sweep:
                    await self.publish_pending(self._note_grace)
                    next_sweep = loop.time() + self._sweep_interval_s
                await self.publish_dirty()
            except Exception as exc:
                log.exception("outbox relay pass failed")
                if on_error is not None:
                    await on_error(exc)
            self._wake.clear()
            wake = asyncio.ensure_future(self._wake.wait())
            stopped = asyncio.ensure_future(stop.wait())
            await asyncio.wait(
                {wake, stopped}, timeout=self._poll_interval_s, return_when=asyncio.FIRST_COMPLETED
            )
            wake.cancel()
            stopped.cancel()


def _pending_count(document: dict[str, Any]) -> int:
    return sum(1 for e in (document.get("outbox") or {}).values() if e.get("status") == PENDING)
