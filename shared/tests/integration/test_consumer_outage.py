"""A group consumer waits out a dependency outage on the real broker (ADR 0014).

The handler's "database" is down for longer than the old retry window (4
attempts, about 1.4 s): the record must wait, not go to the dead-letter topic,
be processed once when the database is back, and the records behind it on its
partition must come after it. Meanwhile the consumer keeps polling (it holds the
partition instead of sleeping in the handler), so another partition goes on.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from pymongo.errors import ServerSelectionTimeoutError

from trellis_shared.events.envelope import Envelope, envelope_from_kafka
from trellis_shared.kafka.broker import make_broker
from trellis_shared.kafka.consumer import (
    ConsumedRecord,
    PoisonMessage,
    RetryPolicy,
    subscribe_events,
)
from trellis_shared.kafka.topics import dead_letter_topic
from trellis_shared.testing.infrastructure import Infrastructure, TopicFactory
from trellis_shared.testing.kafka_reader import read_topic

pytestmark = pytest.mark.integration

OUTAGE_S = 8.0  # longer than the old retry window, short enough for a test
# Small waits so the test stays short; only 2 attempts for an unknown failure,
# so under the old rules the outage would have parked the record at once.
RETRY = RetryPolicy(attempts=2, first_backoff_s=0.05, max_backoff_s=0.5)


def envelope(subject: str) -> bytes:
    return Envelope(type="t", version=1, source="s", subject=subject, data={}).to_bytes()


async def test_an_outage_is_waited_out_in_order_and_only_poison_is_parked(
    infrastructure: Infrastructure,
    kafka_topic: TopicFactory,
    consumer_group: str,
) -> None:
    topic = await kafka_topic("outage", partitions=2)
    loop = asyncio.get_running_loop()
    calls: list[str] = []
    done: list[str] = []
    back_at: float | None = None

    async def handler(envelope: Envelope, record: ConsumedRecord) -> None:
        nonlocal back_at
        subject = envelope.subject
        calls.append(subject)
        if subject == "first":
            back_at = back_at or loop.time() + OUTAGE_S
            # Down for OUTAGE_S, and at least until the other partition got
            # through: a consumer that blocked in here would never get there.
            if loop.time() < back_at or "elsewhere" not in done:
                raise ServerSelectionTimeoutError("127.0.0.1:27017: connection refused")
        if subject == "poison":
            raise PoisonMessage("no such employee")
        done.append(subject)

    consumer_broker = make_broker(infrastructure.kafka_bootstrap, client_id="test-outage")
    subscribe_events(consumer_broker, topic, handler, group_id=consumer_group, retry=RETRY)
    producer = make_broker(infrastructure.kafka_bootstrap, client_id="test-producer")
    await producer.start()
    try:
        for subject in ("first", "poison", "second"):
            await producer.publish(envelope(subject), topic=topic, key=b"k", partition=0)
        await producer.publish(envelope("elsewhere"), topic=topic, key=b"e", partition=1)
    finally:
        await producer.stop()
    await consumer_broker.start()
    try:
        for _ in range(1200):
            if "second" in done:
                break
            await asyncio.sleep(0.1)
    finally:
        await consumer_broker.stop()

    # Each record processed exactly once; the held one before those behind it.
    assert done == ["elsewhere", "first", "second"]
    # Retried far past the attempts an unknown failure gets, and nothing on its
    # partition was even tried while it waited.
    first_calls = [n for n, subject in enumerate(calls) if subject == "first"]
    assert len(first_calls) > RETRY.attempts
    assert calls[first_calls[-1] + 1 :] == ["poison", "second"]
    # Only the poison was parked, at its first failure.
    parked = await read_topic(
        infrastructure.kafka_bootstrap, dead_letter_topic(topic), 2, timeout_s=5
    )
    assert [envelope_from_kafka(r.value).subject for r in parked] == ["poison"]
    assert dict(parked[0].headers)["trellis_dlt_reason"] == b"poison"
    # And the group's commit is past all of them: a restart redelivers nothing.
    assert await committed(infrastructure.kafka_bootstrap, consumer_group, topic) == {0: 3, 1: 1}


async def committed(bootstrap: str, group: str, topic: str) -> dict[int, Any]:
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    await reader.start()
    try:
        return {p: await reader.committed(TopicPartition(topic, p)) for p in (0, 1)}
    finally:
        await reader.stop()
