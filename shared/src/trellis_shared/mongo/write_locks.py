"""Serialise writes to one document within this process.

Why: FerretDB 1.24 (the embedded default) does not apply concurrent updates to
the same document atomically — it reads, changes and writes back in separate
steps, so two concurrent conditional updates can both "win" and one `$inc` can
erase another (measured: 18 of 20 trials of eight racing conditional updates
had more than one winner; see docs/adr/0005). Real MongoDB is atomic per
document. Holding a per-document lock around each write makes the embedded
stack behave like MongoDB for every writer in this process; with FerretDB a
service's database must therefore have one writing process (its own), which is
how Trellis runs it. The locks cost one dict lookup with MongoDB, where they
are simply redundant.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager


class WriteLocks:
    def __init__(self) -> None:
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._users: dict[Hashable, int] = {}

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if self._users[key] == 0:  # nobody waits: forget it, so the map stays small
                del self._users[key]
                del self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)


# One registry per process: every store, relay and inbox that writes a document
# takes its lock here, keyed by (database, collection, document id).
PROCESS_WRITE_LOCKS = WriteLocks()

# Read-change-write cycles on one document queue here, one at a time per
# document, so a burst of N concurrent changes in this process costs N writes
# instead of up to N² retried ones. Separate from the write locks (which are
# taken inside each write) because asyncio locks are not re-entrant. The version
# check still guards against writers in other processes.
PROCESS_CHANGE_LOCKS = WriteLocks()


def document_key(collection: object, document_id: object) -> tuple[str, object]:
    return (str(getattr(collection, "full_name", collection)), document_id)
