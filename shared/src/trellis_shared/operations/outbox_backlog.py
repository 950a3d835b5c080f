"""How far behind each outbox of a database is: pending events and the oldest one.

Where it looks, and why it is cheap: every write that adds events to an
aggregate first leaves a note in `<collection>_outbox_due` naming it, and a
note is dropped only once everything pending on what it names was published
(`trellis_shared.mongo.outbox`). So the aggregates that can hold pending events
are exactly those named by the notes. The backlog reads the notes (a handful
of small documents while the relays keep up) and then each named aggregate by
`_id`, which every MongoDB-wire server answers from its index. The obvious
query, `outbox_pending > 0` on the aggregates, cannot use an index on the
embedded FerretDB and reads every document (seconds at 10,000 profiles), far
too much for something a metrics exporter calls every few seconds.

The cost grows with the backlog, not with the data: when the broker has been
down for a while there are many notes, and then reading them is what an
operator wants anyway.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from trellis_shared.mongo.outbox import DUE_SUFFIX, PENDING

# Named aggregates read side by side: one at a time, a large backlog would take
# a round trip per aggregate in series.
_PARALLEL_READS = 32


@dataclass(frozen=True)
class OutboxBacklog:
    collection: str  # the aggregates' collection (not the notes')
    pending: int  # events written but not yet published
    oldest_at: datetime | None  # when the oldest of them was written; None when none


async def outbox_backlog(database: AsyncDatabase[dict[str, Any]]) -> list[OutboxBacklog]:
    """One row per collection of `database` that has an outbox, by name.

    A collection has an outbox once an event was ever written to it (its notes
    collection then exists, and stays, so the rows are stable over time).
    """
    names = await database.list_collection_names()
    rows = []
    for notes_name in sorted(n for n in names if n.endswith(DUE_SUFFIX)):
        aggregates = database[notes_name.removesuffix(DUE_SUFFIX)]
        named = await _named_aggregates(database[notes_name])
        pending, oldest = await _pending_in(aggregates, named)
        rows.append(OutboxBacklog(aggregates.name, pending, oldest))
    return rows


async def _named_aggregates(notes: AsyncCollection[dict[str, Any]]) -> list[Any]:
    """The aggregate ids the notes name, each once."""
    named: dict[Any, None] = {}  # a dict keeps the order and drops repeats
    async for note in notes.find({}, {"ids": 1}):
        named.update(dict.fromkeys(note.get("ids") or ()))
    return list(named)


async def _pending_in(
    aggregates: AsyncCollection[dict[str, Any]], ids: list[Any]
) -> tuple[int, datetime | None]:
    pending = 0
    oldest: datetime | None = None
    for start in range(0, len(ids), _PARALLEL_READS):
        chunk = ids[start : start + _PARALLEL_READS]
        documents = await asyncio.gather(
            *(aggregates.find_one({"_id": i}, {"outbox": 1}) for i in chunk)
        )
        for document in documents:
            for written in _pending_times((document or {}).get("outbox") or {}):
                pending += 1
                oldest = written if oldest is None else min(oldest, written)
    return pending, oldest


def _pending_times(outbox: dict[str, Any]) -> Iterable[datetime]:
    for entry in outbox.values():
        if entry.get("status") == PENDING:
            yield _aware(entry["created_at"])


def _aware(moment: datetime) -> datetime:
    # A client without tz_aware=True hands back naive datetimes; they are UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
