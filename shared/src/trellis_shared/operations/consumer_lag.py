"""How far a consumer group is behind: its committed offset against the end of each partition.

The committed offset is the next record the group will read, so the lag of a
partition is `end - committed`: records on the broker that the group has not
processed yet (a consumer commits only after processing). A partition the
group has never committed on is read from the beginning when it joins
(`auto_offset_reset="earliest"`), so its lag counts every record still kept.

Nothing here joins the group: offsets are read through the admin API and end
offsets through a consumer without a group, so asking never causes a rebalance
of the running service.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import (
    CoordinatorLoadInProgressError,
    GroupCoordinatorNotAvailableError,
    NotCoordinatorForGroupError,
)

_REQUEST_TIMEOUT_MS = 15_000
_UNKNOWN_TOPIC = 3  # UNKNOWN_TOPIC_OR_PARTITION in a metadata answer
_COORDINATOR_NOT_READY = (
    GroupCoordinatorNotAvailableError,
    CoordinatorLoadInProgressError,
    NotCoordinatorForGroupError,
)
_COORDINATOR_WAIT_S = 30.0


@dataclass(frozen=True)
class PartitionLag:
    topic: str
    partition: int
    committed: int | None  # None: the group never committed on this partition
    end: int  # the offset the next record written will get
    lag: int  # records the group has still to process


class UnknownTopic(LookupError):
    """A topic asked about does not exist on the cluster."""


async def consumer_lag(
    bootstrap: str, group_id: str, topics: Sequence[str] | None = None
) -> list[PartitionLag]:
    """The lag of `group_id` per partition, sorted by topic and partition.

    With `topics`, every partition of those topics (including ones the group
    has not committed on yet); without, the partitions the group has committed
    offsets for. A group nobody ever ran has no rows then.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=_REQUEST_TIMEOUT_MS)
    offsets = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        request_timeout_ms=_REQUEST_TIMEOUT_MS,
    )
    await admin.start()
    try:
        await offsets.start()
        try:
            committed = await _committed(admin, group_id)
            partitions = (
                sorted(committed) if topics is None else await _partitions_of(admin, topics)
            )
            if not partitions:
                return []
            ends = await offsets.end_offsets(partitions)
            never = [p for p in partitions if p not in committed]
            starts = await offsets.beginning_offsets(never) if never else {}
        finally:
            await offsets.stop()
    finally:
        await admin.close()
    rows = []
    for partition in partitions:
        end = ends[partition]
        done = committed.get(partition)
        read_from = done if done is not None else starts[partition]
        # A commit can sit past the end only after records were deleted; no lag then.
        rows.append(
            PartitionLag(partition.topic, partition.partition, done, end, max(0, end - read_from))
        )
    return rows


async def _committed(admin: AIOKafkaAdminClient, group_id: str) -> dict[TopicPartition, int]:
    # A broker that just started has no coordinator for groups until its offsets
    # topic is ready: that passes, so ask again for a while before giving up.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _COORDINATOR_WAIT_S
    delay = 0.2
    while True:
        try:
            listed = await admin.list_consumer_group_offsets(group_id)
            break
        except _COORDINATOR_NOT_READY:
            if loop.time() + delay > deadline:
                raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
    # -1 is the protocol's "no offset committed".
    return {partition: meta.offset for partition, meta in listed.items() if meta.offset >= 0}


async def _partitions_of(admin: AIOKafkaAdminClient, topics: Sequence[str]) -> list[TopicPartition]:
    described = await admin.describe_topics(list(dict.fromkeys(topics)))
    missing = sorted(t["topic"] for t in described if t["error_code"] == _UNKNOWN_TOPIC)
    if missing:
        raise UnknownTopic(f"no such topic on the cluster: {', '.join(missing)}")
    return sorted(
        TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]
    )
