"""Every replica follows every profile save, its own and the other replicas'.

Each replica keeps the whole people index (search, reporting chains) in memory,
so each reads all partitions of profiles' own snapshot topic itself (no
consumer group), from the moment it starts. Order matters: the reader first
notes where the topic ends, THEN the index is loaded from the database, then
the reader follows from the noted offsets. A save that lands between the two is
seen twice at worst, which the index shrugs off (a version it holds already).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from trellis_shared.kafka.broadcast import BroadcastReader, StartAt
from trellis_shared.kafka.consumer import DeadLetterSink, EventHandler, RetryPolicy


class SnapshotFollower(BroadcastReader):
    """A `StartAt.FROM_NOW` reader that loads the index between noting and following."""

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        handler: EventHandler,
        *,
        name: str,
        dead_letters: DeadLetterSink,
        load: Callable[[], Awaitable[int]],
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(
            bootstrap,
            topic,
            handler,
            name=name,
            dead_letters=dead_letters,
            start_at=StartAt.FROM_NOW,
            retry=retry,
        )
        self._load = load
        self.loaded = 0

    async def start(self) -> None:
        await super().start()  # the topic's end offsets are noted here
        self.loaded = await self._load()
