"""Serialise writes to one document within this process.

Why, then and now: stock FerretDB 1.24 did not apply concurrent updates to one
document atomically (ADR 0005), and these locks made one process's writers
behave as on MongoDB. Our patched build (ADR 0010) holds a lock around each
update's read-change-write across processes, as MongoDB is atomic per
document, so the locks are now only a cheap guard for the stock build
(`TRELLIS_FERRETDB_STOCK=1`, used to show what the patch fixes): one dict
lookup per write.
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
