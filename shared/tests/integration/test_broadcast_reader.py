"""BroadcastReader: every replica sees every partition, and knows when it caught up."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from trellis_shared.errors import Unavailable
from trellis_shared.events.envelope import Envelope
from trellis_shared.kafka.broadcast import BroadcastReader, StartAt, TopicMissing
from trellis_shared.kafka.broker import make_broker
from trellis_shared.kafka.consumer import BrokerDeadLetterSink, ConsumedRecord, RetryPolicy
from trellis_shared.kafka.topics import dead_letter_topic
from trellis_shared.testing.infrastructure import Infrastructure, TopicFactory, unique_suffix
from trellis_shared.testing.kafka_reader import read_topic

pytestmark = pytest.mark.integration


def envelope(subject: str, **data: Any) -> bytes:
    return Envelope(type="t", version=1, source="s", subject=subject, data=data).to_bytes()


class Replica:
    """What one replica's read model would see."""

    def __init__(self, infrastructure: Infrastructure, topic: str, start_at: StartAt, broker: Any):
        self.seen: list[str] = []
        self.reader = BroadcastReader(
            infrastructure.kafka_bootstrap,
            topic,
            self.handle,
            name=f"test-replica-{unique_suffix()}",
            dead_letters=BrokerDeadLetterSink(broker),
            start_at=start_at,
            retry=RetryPolicy(attempts=2, first_backoff_s=0.01),
        )

    async def handle(self, envelope: Envelope, record: ConsumedRecord) -> None:
        if envelope.data.get("explode"):
            raise RuntimeError("cannot handle this one")
        self.seen.append(envelope.subject)


async def test_two_replicas_each_read_every_partition_and_catch_up(
    infrastructure: Infrastructure, kafka_topic: TopicFactory
) -> None:
    topic = await kafka_topic("broadcast", partitions=3)
    broker = make_broker(infrastructure.kafka_bootstrap, client_id="test-broadcast")
    await broker.start()
    stop = asyncio.Event()
    try:
        subjects = [f"person-{n}" for n in range(30)]
        for subject in subjects:  # keys spread the records over the 3 partitions
            await broker.publish(envelope(subject), topic=topic, key=subject.encode())
        await broker.publish(envelope("bad", explode=True), topic=topic, key=b"bad")
        first = Replica(infrastructure, topic, StartAt.FROM_BEGINNING, broker)
        second = Replica(infrastructure, topic, StartAt.FROM_BEGINNING, broker)
        tasks = []
        for replica in (first, second):
            await replica.reader.start()
            assert not replica.reader.is_caught_up
            tasks.append(asyncio.create_task(replica.reader.run(stop)))
        for replica in (first, second):
            await replica.reader.wait_caught_up(30)
            # Caught up means everything that was there at start, not a share of it.
            assert sorted(replica.seen) == sorted(subjects)
        # A replica that starts from now sees only what comes after its start.
        late = Replica(infrastructure, topic, StartAt.FROM_NOW, broker)
        await late.reader.start()
        assert late.reader.is_caught_up
        tasks.append(asyncio.create_task(late.reader.run(stop)))
        await broker.publish(envelope("newcomer"), topic=topic, key=b"newcomer")
        for _ in range(100):
            if all("newcomer" in r.seen for r in (first, second, late)):
                break
            await asyncio.sleep(0.1)
        assert late.seen == ["newcomer"]
        assert first.seen.count("newcomer") == second.seen.count("newcomer") == 1
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await broker.stop()
    # The poison record was parked by each replica, and neither stopped for it.
    parked = await read_topic(infrastructure.kafka_bootstrap, dead_letter_topic(topic), 2)
    consumers = {dict(r.headers)["trellis_dlt_consumer"] for r in parked}
    assert len(consumers) == 2


async def test_a_missing_topic_is_named(infrastructure: Infrastructure) -> None:
    broker = make_broker(infrastructure.kafka_bootstrap, client_id="test-broadcast")
    missing = f"test.{unique_suffix()}.absent"

    async def ignore(envelope: Envelope, record: ConsumedRecord) -> None:
        return None

    reader = BroadcastReader(
        infrastructure.kafka_bootstrap,
        missing,
        ignore,
        name="test",
        dead_letters=BrokerDeadLetterSink(broker),
    )
    with pytest.raises(TopicMissing, match=missing):
        await reader.start()


async def test_a_reader_waits_out_a_transient_failure_and_still_stops_when_told(
    infrastructure: Infrastructure, kafka_topic: TopicFactory
) -> None:
    topic = await kafka_topic("broadcast-outage")
    broker = make_broker(infrastructure.kafka_bootstrap, client_id="test-broadcast")
    await broker.start()
    calls = 0

    async def database_down(envelope: Envelope, record: ConsumedRecord) -> None:
        nonlocal calls
        calls += 1
        raise Unavailable("the database did not answer")

    retry = RetryPolicy(attempts=2, first_backoff_s=0.01, max_backoff_s=0.05)
    reader = BroadcastReader(
        infrastructure.kafka_bootstrap,
        topic,
        database_down,
        name=f"test-replica-{unique_suffix()}",
        dead_letters=BrokerDeadLetterSink(broker),
        retry=retry,
    )
    stop = asyncio.Event()
    try:
        await broker.publish(envelope("stuck"), topic=topic, key=b"stuck")
        await reader.start()
        task = asyncio.create_task(reader.run(stop))
        for _ in range(600):
            if calls > 5 * retry.attempts:
                break
            await asyncio.sleep(0.1)
        stop.set()
        # Told to stop in the middle of an outage, it stops (no deadline asserted:
        # the test's own timeout catches a reader that never would).
        await task
    finally:
        await broker.stop()
    assert calls > 5 * retry.attempts
    assert reader.handled == 0
    assert (
        await read_topic(infrastructure.kafka_bootstrap, dead_letter_topic(topic), 1, timeout_s=3)
        == []
    )
