"""Read models every replica needs whole: each replica reads every partition itself.

A consumer group splits a topic's partitions among its members, which is right
for work that must happen once (an award recorded, a notification sent) and
wrong for a read model a replica needs complete (people and their reporting
chains, a catalog, the open postings it recommends): with two replicas in one
group each would know half the people. A `BroadcastReader` joins no group and
commits nothing; it assigns itself all partitions of its topics and chooses
where to start:

- `FROM_BEGINNING`, for compacted snapshot topics: the log holds the whole
  state, so the replica rebuilds it by reading from offset 0;
- `FROM_NOW`, for topics whose events say "this aggregate changed": the replica
  first records the end offsets, then loads the state from its own database,
  then follows from the recorded offsets, so no change falls in between (one may
  come twice, which idempotent handlers shrug off).

`wait_caught_up()` returns once the reader has handled everything that was in
the topics when it started, so a replica reports ready only with a complete
read model. Records go through the same parse / retry / dead-letter rules as the
group consumers (`process_record`); every replica dead-letters a poison record
on its own, tagged with the reader's name. A transient failure is retried in
place for as long as it lasts (a reader has no group membership to lose by not
polling), and a reader told to stop meanwhile stops without waiting for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from enum import Enum

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from trellis_shared.kafka.consumer import (
    DeadLetterSink,
    EventHandler,
    RetryPolicy,
    consumed_record,
    process_record,
)

log = logging.getLogger(__name__)


class StartAt(Enum):
    FROM_BEGINNING = "beginning"
    FROM_NOW = "now"


class _Stopped(Exception):
    """The reader was told to stop while it waited to retry a record."""


class TopicMissing(RuntimeError):
    """A topic the reader needs does not exist (not provisioned: `make provision`)."""


class BroadcastReader:
    def __init__(
        self,
        bootstrap: str,
        topics: str | Sequence[str],
        handler: EventHandler,
        *,
        name: str,
        dead_letters: DeadLetterSink,
        start_at: StartAt = StartAt.FROM_BEGINNING,
        retry: RetryPolicy | None = None,
        batch_size: int = 1000,
    ) -> None:
        self._bootstrap = bootstrap
        self._topics = [topics] if isinstance(topics, str) else list(topics)
        self._handler = handler
        self._name = name
        self._dead_letters = dead_letters
        self._start_at = start_at
        self._retry = retry or RetryPolicy()
        self._batch_size = batch_size
        self._consumer: AIOKafkaConsumer | None = None
        self._targets: dict[TopicPartition, int] = {}
        self._caught_up = asyncio.Event()
        self.handled = 0

    @property
    def name(self) -> str:
        return self._name

    async def start(self) -> None:
        """Assign every partition and record where "caught up" is; reads nothing yet."""
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            client_id=f"{self._name}-broadcast",
        )
        await consumer.start()
        try:
            partitions = await self._all_partitions(consumer)
            consumer.assign(partitions)
            ends = await consumer.end_offsets(partitions)
            if self._start_at is StartAt.FROM_BEGINNING:
                await consumer.seek_to_beginning(*partitions)
            else:
                for partition in partitions:
                    consumer.seek(partition, ends[partition])
        except BaseException:
            await consumer.stop()
            raise
        self._consumer = consumer
        self._targets = dict(ends)
        await self._note_progress()

    async def _all_partitions(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        known = await consumer.topics()
        missing = [topic for topic in self._topics if topic not in known]
        if missing:
            raise TopicMissing(
                f"{self._name}: topics {missing} do not exist on {self._bootstrap}; "
                "create them with `make provision`"
            )
        admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap)
        await admin.start()
        try:
            described = await admin.describe_topics(self._topics)
        finally:
            await admin.close()
        return [
            TopicPartition(topic["topic"], partition["partition"])
            for topic in described
            for partition in sorted(topic["partitions"], key=lambda p: int(p["partition"]))
        ]

    async def wait_caught_up(self, timeout_s: float) -> None:
        """Return once everything present at `start` was handled; TimeoutError otherwise."""
        await asyncio.wait_for(self._caught_up.wait(), timeout_s)

    @property
    def is_caught_up(self) -> bool:
        return self._caught_up.is_set()

    async def run(self, stop: asyncio.Event) -> None:
        """Handle records until `stop` is set (then close the consumer)."""
        consumer = self._consumer
        if consumer is None:
            raise RuntimeError(f"{self._name}: start() the reader before run()")
        try:
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=200, max_records=self._batch_size)
                for records in batches.values():
                    for raw in records:
                        await self._handle(raw, stop)
                if not self._caught_up.is_set():
                    await self._note_progress()
        except _Stopped:
            log.info("stopped while waiting to retry", extra={"reader": self._name})
        finally:
            await consumer.stop()

    async def _handle(self, raw: ConsumerRecord[bytes, bytes], stop: asyncio.Event) -> None:
        async def wait_unless_stopped(delay: float) -> None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            if stop.is_set():
                raise _Stopped

        record = consumed_record(raw)
        await process_record(
            record,
            self._handler,
            consumer=self._name,
            dead_letters=self._dead_letters,
            retry=self._retry,
            sleep=wait_unless_stopped,
        )
        self.handled += 1

    async def _note_progress(self) -> None:
        assert self._consumer is not None
        for partition, target in self._targets.items():
            if await self._consumer.position(partition) < target:
                return
        if not self._caught_up.is_set():
            log.info("read model caught up", extra={"reader": self._name, "handled": self.handled})
        self._caught_up.set()
