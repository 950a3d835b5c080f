"""The transactional outbox, kept inside each aggregate document.

A state change and the events it raises are written in one document update, so
they cannot disagree. Each outbox entry sits under `outbox.<event id>` (a map,
not an array, so one entry can be changed or removed by its dotted path), with
the document's `outbox_pending` counter beside it. The relay publishes pending
entries in sequence order and then removes each one; a relay that dies between
publish and removal publishes again, and consumers drop the duplicate through
their inbox. Every replica runs a relay: two may publish one entry, the removal
is conditional so the counter stays right, and the inbox drops the copy.

Finding work without reading every aggregate: the process that saved an
aggregate publishes it at once (`nudge`), from the events it has just written
when they were all that was pending there (the save tells), else after reading
the document back. For what that process could not
finish (it died, the broker refused), each save first leaves a small note in a
side collection, `<collection>_outbox_due`, naming the aggregates it is about to
write; the relay's sweep reads the notes (a few small documents) instead of the
aggregates (a query on `outbox_pending` reads every document on FerretDB:
9 s at 10,000 profiles), publishes what they name and drops each note once all
its aggregates are published. A note younger than the grace period is left to
its writer, which may still be between the note and the write.

An entry is pending until it is published, with `attempts` and `last_error`
recorded while the broker refuses; then it leaves the document.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from uuid import uuid4

from opentelemetry import trace
from pymongo import DeleteOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from trellis_shared.crash_points import crash_point
from trellis_shared.events.envelope import Envelope, kafka_headers
from trellis_shared.group_commit import GroupCommit
from trellis_shared.metrics.counters import count_publish_failure, count_published
from trellis_shared.mongo.write_locks import PROCESS_WRITE_LOCKS, document_key
from trellis_shared.telemetry import context_from_headers, current_traceparent

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("trellis.outbox")

PENDING = "pending"
# The side collection of due notes of aggregates collection `c` is `c + DUE_SUFFIX`.
DUE_SUFFIX = "_outbox_due"


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


# What this process knows about its own writes, so that its relay publishes
# them without reading them back and drops each note as soon as what it names
# is out; the sweep only meets the notes of work a process could not finish.
# Process-wide because the store that writes and the relay that publishes are
# separate objects. Ticks of note_clock() order writes against reads.
# (collection, aggregate id) -> {note id: ticks at which writes it announced landed}
_NOTES_OF: dict[tuple[str, Any], dict[str, list[int]]] = {}
# note id -> how many announced writes per aggregate are not yet published or abandoned
_WAITING: dict[str, Counter[Any]] = {}
# (collection, aggregate id) -> the events of its latest write, when they were
# everything pending on it: the relay publishes them from here.
_FRESH: dict[tuple[str, Any], Fresh] = {}
_TICKS = itertools.count()


def note_clock() -> int:
    """Orders writes against reads: a write that landed after a read is not covered by it."""
    return next(_TICKS)


@dataclass(frozen=True)
class Fresh:
    entries: dict[str, dict[str, Any]]  # event id -> outbox entry
    landed_at: int


class OutboxDue:
    """Notes naming aggregates that may hold unpublished events (see the module doc).

    Concurrent writes share one note (group commit), and notes are dropped
    together, so under load a save costs a fraction of a note's insert and delete.
    """

    def __init__(self, aggregates: AsyncCollection[dict[str, Any]]) -> None:
        self._notes: AsyncCollection[dict[str, Any]] = aggregates.database[
            aggregates.name + DUE_SUFFIX
        ]
        self.key = self._notes.full_name
        self._inserts: GroupCommit[Sequence[Any], str] = GroupCommit(self._insert_note)
        self._drops: GroupCommit[str, None] = GroupCommit(self._delete_notes)

    async def note(self, aggregate_ids: Sequence[Any]) -> str:
        """Called BEFORE the write that adds events to these aggregates; returns the
        note's id, for `landed` once that write succeeded or `abandoned` once it
        surely did not happen."""
        return await self._inserts.add(list(aggregate_ids))

    async def _insert_note(self, writes: Sequence[Sequence[Any]]) -> str:
        note_id = uuid4().hex
        named = [aggregate_id for ids in writes for aggregate_id in ids]
        await self._notes.insert_one({"_id": note_id, "ids": named, "at": datetime.now(UTC)})
        _WAITING[note_id] = Counter(named)
        return note_id

    def landed(self, note_id: str, written: Mapping[Any, dict[str, dict[str, Any]] | None]) -> None:
        """The write the note announced succeeded, for each aggregate with its
        events when they are all that is pending on it (None: there may be more)."""
        now = note_clock()
        for aggregate_id, entries in written.items():
            _NOTES_OF.setdefault((self.key, aggregate_id), {}).setdefault(note_id, []).append(now)
            if entries is None:
                _FRESH.pop((self.key, aggregate_id), None)
            else:
                _FRESH[(self.key, aggregate_id)] = Fresh(entries, now)

    async def abandoned(self, note_id: str, aggregate_ids: Sequence[Any]) -> None:
        """The announced write surely did not happen (a version check refused it)."""
        waiting = _WAITING.get(note_id)
        if waiting is None:
            return
        waiting.subtract(aggregate_ids)
        await self._drop_when_done(note_id)

    async def published(self, aggregate_id: Any, *, read_at: int) -> None:
        """Everything pending on this aggregate when it was read (at `read_at`) is
        out: the writes that landed before that read are done. A write that
        landed later may have been missed."""
        notes = _NOTES_OF.get((self.key, aggregate_id), {})
        finished = []
        for note_id, landings in list(notes.items()):
            covered = [tick for tick in landings if tick < read_at]
            if not covered:
                continue
            landings[:] = [tick for tick in landings if tick >= read_at]
            if not landings:
                del notes[note_id]
            waiting = _WAITING.get(note_id)
            if waiting is not None:
                waiting[aggregate_id] -= len(covered)
                finished.append(note_id)
        if not notes:
            _NOTES_OF.pop((self.key, aggregate_id), None)
        for note_id in finished:
            await self._drop_when_done(note_id)

    async def _drop_when_done(self, note_id: str) -> None:
        waiting = _WAITING.get(note_id)
        if waiting is not None and all(count <= 0 for count in waiting.values()):
            await self.drop(note_id)

    async def older_than(self, cutoff: datetime) -> list[dict[str, Any]]:
        # The collection holds only unfinished notes: reading it whole is cheap.
        notes = [note async for note in self._notes.find({})]
        return sorted((n for n in notes if n["at"] <= cutoff), key=lambda n: n["at"])

    async def drop(self, note_id: str) -> None:
        _WAITING.pop(note_id, None)
        await self._drops.add(note_id)

    async def _delete_notes(self, note_ids: Sequence[str]) -> None:
        # One round trip; each delete by `_id`, which every server answers from its index.
        await self._notes.bulk_write([DeleteOne({"_id": i}) for i in note_ids], ordered=False)


def take_fresh(key: str, aggregate_id: Any) -> Fresh | None:
    """The events of the aggregate's latest write, if they are all that is pending."""
    return _FRESH.pop((key, aggregate_id), None)


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
        # Sent events leave their documents together: one round trip for many.
        self._marks: GroupCommit[tuple[Any, str], None] = GroupCommit(self._remove_sent)
        self._wake = asyncio.Event()

    @property
    def database(self) -> AsyncDatabase[dict[str, Any]]:
        """The database whose outboxes the service's metrics watch."""
        return self._collection.database

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
            fresh = take_fresh(self._due.key, aggregate_id)
            if fresh is not None:  # written here, and all that was pending: no read
                entries = fresh.entries
                read_at = fresh.landed_at + 1
            else:
                read_at = note_clock()
                document = await self._collection.find_one({"_id": aggregate_id}, {"outbox": 1})
                if document is None:
                    return 0, True  # the write that was announced never happened
                entries = _pending_entries(document)
            published = await self._publish_entries(aggregate_id, entries)
            finished = published == len(entries)
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

    async def _publish_entries(
        self, aggregate_id: Any, entries: Mapping[str, dict[str, Any]]
    ) -> int:
        """Publish in sequence order, stopping at the first failure so that the
        aggregate's events keep their order; return how many went out."""
        sent = 0
        for event_id, entry in sorted(entries.items(), key=lambda item: item[1]["sequence"]):
            try:
                await self._publish_entry(entry)
            except Exception as exc:
                count_publish_failure(collection=self._collection.name, topic=entry["topic"])
                async with PROCESS_WRITE_LOCKS.hold(document_key(self._collection, aggregate_id)):
                    await self._collection.update_one(
                        {"_id": aggregate_id, f"outbox.{event_id}.status": PENDING},
                        {
                            "$inc": {f"outbox.{event_id}.attempts": 1},
                            "$set": {f"outbox.{event_id}.last_error": repr(exc)[:500]},
                        },
                    )
                log.warning(
                    "outbox publish failed", extra={"event_id": event_id, "error": repr(exc)}
                )
                break
            crash_point("after_publish")  # on Kafka, still pending here: sent again
            count_published(collection=self._collection.name, topic=entry["topic"])
            await self._marks.add((aggregate_id, event_id))
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

    async def _remove_sent(self, sent: Sequence[tuple[Any, str]]) -> None:
        """Take published events out of their documents. The status condition
        keeps the counter right when two relays race on one event."""
        await self._collection.bulk_write(
            [
                UpdateOne(
                    {"_id": document_id, f"outbox.{event_id}.status": PENDING},
                    {"$unset": {f"outbox.{event_id}": ""}, "$inc": {"outbox_pending": -1}},
                )
                for document_id, event_id in sent
            ],
            ordered=False,
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


def _pending_entries(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        event_id: entry
        for event_id, entry in (document.get("outbox") or {}).items()
        if entry.get("status") == PENDING
    }
