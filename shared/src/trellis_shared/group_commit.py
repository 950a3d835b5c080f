"""Group commit: concurrent callers' small writes go to the database together.

While one batch is being written, the items that arrive wait and go together
in the next batch; there is no timer, so a caller alone waits for nothing, and
under load one round trip (and one database commit) serves many callers. Each
caller gets the batch's result, or its error, once its own item is written:
batching saves work, it never acknowledges an item before its write.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    def __init__(
        self, write: Callable[[Sequence[Item]], Awaitable[Result]], *, max_batch: int = 256
    ) -> None:
        self._write = write
        self._max_batch = max_batch
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def add(self, item: Item) -> Result:
        """Write `item` with whatever else is waiting; the batch's result."""
        done: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        # A caller that is cancelled stops waiting; its item is still written
        # (every item here is harmless to write for nobody).
        return await asyncio.shield(done)

    async def _write_all(self) -> None:
        while self._waiting:
            batch = self._waiting[: self._max_batch]
            del self._waiting[: self._max_batch]
            try:
                result = await self._write([item for item, _ in batch])
            except Exception as error:  # each caller gets it; the next batch is tried
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                continue
            for _, done in batch:
                if not done.done():
                    done.set_result(result)
