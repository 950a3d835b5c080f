"""The independent checker: what the clients were told, against what the system
did (the databases, the records on Kafka, the people's profiles).

It reads everything from the outside (the brokers' topics from the first
offset, the databases, the services' read APIs) and counts, per promised
effect, how often it happened: 0 is lost, 2 or more is doubled. It also counts
duplicate deliveries (one event id on a topic more than once): a suite that saw
none did not test what it claims to.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient

from trellis_shared.events.envelope import envelope_from_kafka
from trellis_shared.kafka.topics import DEAD_LETTER_SUFFIX

log = logging.getLogger(__name__)


async def read_whole_topic(bootstrap: str, topic: str) -> list[Any]:
    """Every record of `topic`, first offset to the end as it is now."""
    # No group: the consumer takes every partition of the topic itself.
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while not consumer.assignment():
            if loop.time() > deadline:
                raise AssertionError(f"no partitions of {topic} assigned within 30 s")
            await asyncio.sleep(0.1)
        assigned = sorted(consumer.assignment())
        ends = await consumer.end_offsets(assigned)
        records: list[Any] = []
        while True:
            positions = [await consumer.position(tp) for tp in assigned]
            if all(at >= ends[tp] for at, tp in zip(positions, assigned, strict=True)):
                return records
            for batch in (await consumer.getmany(timeout_ms=1000)).values():
                records.extend(batch)
    finally:
        await consumer.stop()


async def topics_of(bootstrap: str) -> set[str]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        return set(await consumer.topics())
    finally:
        await consumer.stop()


@dataclass
class EventCount:
    """Per subject (an application id): the distinct event ids of one type, and
    how many records carried them."""

    ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    records: int = 0

    @property
    def duplicates(self) -> int:
        return self.records - sum(len(v) for v in self.ids.values())


async def count_events(bootstrap: str, topic: str, event_type: str, key: str) -> EventCount:
    counted = EventCount()
    for record in await read_whole_topic(bootstrap, topic):
        envelope = envelope_from_kafka(record.value)
        if envelope.type == event_type:
            counted.records += 1
            counted.ids[str(envelope.data[key])].add(envelope.id)
    return counted


async def dead_letters(bootstrap: str) -> dict[str, int]:
    """Records on every dead-letter topic (none of the load is poison)."""
    found = {}
    for topic in sorted(await topics_of(bootstrap)):
        if topic.endswith(DEAD_LETTER_SUFFIX):
            records = await read_whole_topic(bootstrap, topic)
            if records:
                found[topic] = len(records)
    return found


async def outbox_backlog(mongodb_uri: str, databases: list[str]) -> dict[str, int]:
    """Documents that still hold events to publish, per database.collection."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_uri, tz_aware=True)
    try:
        pending = {}
        for name in databases:
            database = client[name]
            for collection in await database.list_collection_names():
                left = await database[collection].count_documents({"outbox_pending": {"$gt": 0}})
                if left:
                    pending[f"{name}.{collection}"] = left
        return pending
    finally:
        await client.close()


@dataclass
class Verdict:
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    duplicates_seen: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)
    outbox_left: dict[str, int] = field(default_factory=dict)
    checked: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        return (
            f"checked {dict(self.checked)}; lost {len(self.lost)}, doubled "
            f"{len(self.doubled)}, duplicate deliveries seen {self.duplicates_seen}, "
            f"dead letters {self.dead_letters or 0}, outbox left {self.outbox_left or 0}"
        )


async def settle(check: Any, timeout_s: float) -> Any:
    """Run `check` until its verdict is clean or the time is up; the last verdict."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        verdict = await check()
        log.warning("faults: %s", verdict.line())
        clean = not (verdict.lost or verdict.doubled or verdict.outbox_left)
        if clean or loop.time() > deadline:
            return verdict
        await asyncio.sleep(5)
