"""Dead-lettered records as an operator sees them: where from, why, and whether replayed.

A consumer that gives up on a record writes it unchanged to `<topic>.dlt` with
headers saying why (`trellis_shared.kafka.consumer._dead_letter`): the reason
(`unparseable`, `poison`, `failed`), the error, the consumer, and the source
topic, partition and offset. The CloudEvents headers of the original (`ce_id`,
`ce_type`) ride along. Replays are remembered as the committed offsets of the
replay tool's own consumer group (`trellis_shared.operations.replay`), so a
record below its partition's committed offset has been replayed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from trellis_shared.events.envelope import decode_headers
from trellis_shared.kafka.topics import DEAD_LETTER_SUFFIX
from trellis_shared.operations.consumer_lag import PartitionLag, consumer_lag
from trellis_shared.operations.records import read_to

# Headers the consumer writes on a dead letter; all start with this.
DLT_HEADER_PREFIX = "trellis_dlt_"
# Header a replayed record carries: the dead letter it was replayed from.
REPLAY_OF_HEADER = "trellis_replay_of"
DEFAULT_REPLAY_GROUP = "trellis-admin-replay"


@dataclass(frozen=True)
class DeadLetter:
    topic: str  # the `.dlt` topic
    partition: int
    offset: int
    parked_at: datetime  # when it was dead-lettered (the record's timestamp)
    source_topic: str
    source_partition: int | None
    source_offset: int | None
    reason: str
    error: str
    consumer: str
    event_id: str | None
    event_type: str | None
    key: bytes | None
    body: bytes
    headers: dict[str, str]
    replayed: bool

    @property
    def coordinates(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"

    @property
    def source(self) -> tuple[str, int | None, int | None]:
        """The original record: dead-lettered by several consumers, it is one record."""
        if self.source_offset is None:  # no origin recorded: count each one apart
            return (self.coordinates, None, None)
        return (self.source_topic, self.source_partition, self.source_offset)


def dead_letter_from(record: ConsumerRecord[bytes, bytes], *, replayed: bool) -> DeadLetter:
    headers = decode_headers(record.headers or ())

    def number(name: str) -> int | None:
        value = headers.get(DLT_HEADER_PREFIX + name, "")
        return int(value) if value.lstrip("-").isdigit() else None

    return DeadLetter(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        parked_at=datetime.fromtimestamp(record.timestamp / 1000, UTC),
        # Written by every Trellis consumer; the name is the fallback for others.
        source_topic=headers.get(DLT_HEADER_PREFIX + "source_topic")
        or record.topic.removesuffix(DEAD_LETTER_SUFFIX),
        source_partition=number("source_partition"),
        source_offset=number("source_offset"),
        reason=headers.get(DLT_HEADER_PREFIX + "reason", "unknown"),
        error=headers.get(DLT_HEADER_PREFIX + "error", ""),
        consumer=headers.get(DLT_HEADER_PREFIX + "consumer", ""),
        event_id=headers.get("ce_id"),
        event_type=headers.get("ce_type"),
        key=record.key,
        body=record.value or b"",
        headers=headers,
        replayed=replayed,
    )


async def dead_letter_topics(bootstrap: str, prefix: str = "") -> list[str]:
    """The `.dlt` topics on the cluster (under `prefix`, the TRELLIS_TOPIC_PREFIX)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15_000)
    await admin.start()
    try:
        names = await admin.list_topics()
    finally:
        await admin.close()
    return sorted(n for n in names if n.startswith(prefix) and n.endswith(DEAD_LETTER_SUFFIX))


async def list_dead_letters(
    bootstrap: str, topics: list[str], *, replay_group: str = DEFAULT_REPLAY_GROUP
) -> list[DeadLetter]:
    """Every record on the `.dlt` `topics`, oldest first per partition."""
    if not topics:
        return []
    # The replay group's committed offsets say what was replayed; its end offsets
    # say where this listing stops.
    progress = await consumer_lag(bootstrap, replay_group, topics)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = {TopicPartition(p.topic, p.partition): p for p in progress}
        consumer.assign(list(partitions))
        await consumer.seek_to_beginning(*partitions)
        ends = {tp: p.end for tp, p in partitions.items()}
        return [
            dead_letter_from(record, replayed=_replayed(partitions, record))
            async for record in read_to(consumer, ends)
        ]
    finally:
        await consumer.stop()


def _replayed(
    progress: dict[TopicPartition, PartitionLag], record: ConsumerRecord[bytes, bytes]
) -> bool:
    committed = progress[TopicPartition(record.topic, record.partition)].committed
    return committed is not None and record.offset < committed
