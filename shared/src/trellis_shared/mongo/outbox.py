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
import itertools
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


# Notes this process wrote and has not dropped yet, so that its own relay drops
# each one as soon as it has published what the note names, and the sweep only
# meets the notes of work a process could not finish. Process-wide because the
# store that writes a note and the relay that publishes are separate objects.
# (collection, aggregate id) -> {note id: when its write landed, in note_clock() ticks}
_NOTES_OF: dict[tuple[str, Any], dict[str, int]] = {}
_WAITING: dict[str, set[Any]] = {}  # note id -> aggregates not yet published
_TICKS = itertools.count()


def note_clock() -> int:
    """Orders writes against reads: a write that landed after a read is not covered by it."""
    return next(_TICKS)


class OutboxDue:
    """Notes naming aggregates that may hold unpublished events (see the module doc)."""

    def __init__(self, aggregates: AsyncCollection[dict[str, Any]]) -> None:
        self._notes: AsyncCollection[dict[str, Any]] = aggregates.database[
            f"{aggregates.name}_outbox_due"
        ]
        self._key = self._notes.full_name

    async def note(self, aggregate_ids: Sequence[Any]) -> str:
        """Called BEFORE the write that adds events to these aggregates; returns the
        note's id, for `landed` once that write succeeded."""
        note_id = uuid4().hex
        await self._notes.insert_one(
            {"_id": note_id, "ids": list(aggregate_ids), "at": datetime.now(UTC)}
        )
        return note_id

    def landed(self, note_id: str, aggregate_ids: Sequence[Any]) -> None:
        """The write the note announced succeeded: this process's relay may drop the
        note once it has published those aggregates from a read made after now."""
        _WAITING[note_id] = set(aggregate_ids)
        now = note_clock()
        for aggregate_id in aggregate_ids:
            _NOTES_OF.setdefault((self._key, aggregate_id), {})[note_id] = now

    async def published(self, aggregate_id: Any, *, read_at: int) -> None:
        """Everything pending on this aggregate when it was read (at `read_at`) is
        out: drop the notes whose writes landed before that read and that name
        nothing else still waiting. A write that landed later may have been missed."""
        notes = _NOTES_OF.get((self._key, aggregate_id), {})
        covered = [note_id for note_id, written in notes.items() if written < read_at]
        for note_id in covered:
            del notes[note_id]
        if not notes:
            _NOTES_OF.pop((self._key, aggregate_id), None)
        for note_id in covered:
            waiting = _WAITING.get(note_id)
            if waiting is None:
                continue
            waiting.discard(aggregate_id)
            if not waiting:
                del _WAITING[note_id]
                await self.drop(note_id)

    async def older_than(self, cutoff: datetime) -> list[dict[str, Any]]:
        # The collection holds only unfinished notes: reading it whole is cheap.
        notes = [note async for note in self._notes.find({})]
        return sorted((n for n in notes if n["at"] <= cutoff), key=lambda n: n["at"])

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
        parallel: int = 32,
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
        # Aggregates published side by side (each one's events stay in order):
        # one at a time, every event waited for its broker acknowledgement alone.
        self._parallel = asyncio.Semaphore(parallel)
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
            batch = list(self._dirty)
            self._dirty.clear()
            outcomes = await asyncio.gather(*(self._publish_aggregate(i) for i in batch))
            sent += sum(published for published, _ in outcomes)
        return sent

    async def _publish_aggregate(self, aggregate_id: Any) -> tuple[int, bool]:
        """(events sent, whether nothing is left pending) for one aggregate."""
        async with self._parallel:
            if self._stop_requested():
                return 0, False
            read_at = note_clock()
            document = await self._collection.find_one({"_id": aggregate_id}, {"outbox": 1})
            if document is None:
                return 0, True  # the write that was announced never happened
            published = await self._publish_document(document)
            finished = published == _pending_count(document)
            if finished:
                await self._due.published(aggregate_id, read_at=read_at)
            return published, finished

    async def ensure_indexes(self) -> None:
        """Nothing to create: the sweep reads the due notes, by `_id` only."""

    async def publish_pending(self, grace: timedelta = timedelta(0)) -> int:
        """A sweep: publish what due notes older than `grace` name; return how many were sent."""
        sent = 0
        for note in await self._due.older_than(datetime.now(UTC) - grace):
            if self._stop_requested():
                break
            outcomes = await asyncio.gather(*(self._publish_aggregate(i) for i in note["ids"]))
            sent += sum(published for published, _ in outcomes)
            if all(finished for _, finished in outcomes):
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
