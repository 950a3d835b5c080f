"""Dead letters listed with their reasons and replayed once, against a real broker.

The guarantee chosen for a replay run twice: the second run publishes nothing
(the replay group's committed offsets remember what was sent), checked here on
the source topic's end offset, not just on what the tool says it did.
"""

from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from trellis_shared.events.envelope import Envelope, kafka_headers
from trellis_shared.kafka.broker import make_broker
from trellis_shared.kafka.consumer import (
    ConsumedRecord,
    PoisonMessage,
    RetryPolicy,
    subscribe_events,
)
from trellis_shared.kafka.topics import TopicSpec, dead_letter_topic, delete_topics, ensure_topics
from trellis_shared.operations.dead_letters import (
    REPLAY_OF_HEADER,
    dead_letter_topics,
    list_dead_letters,
)
from trellis_shared.operations.replay import replay_dead_letters
from trellis_shared.testing.infrastructure import Infrastructure, TopicFactory, unique_suffix
from trellis_shared.testing.kafka_reader import read_topic
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.integration


def event(subject: str, **data: Any) -> Envelope:
    return Envelope(type="trellis.test.thing", version=1, source="test", subject=subject, data=data)


async def end_offset(bootstrap: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        partition = TopicPartition(topic, 0)
        return int((await consumer.end_offsets([partition]))[partition])
    finally:
        await consumer.stop()


@pytest.fixture
def replay_group() -> str:
    return f"test-replay-{unique_suffix()}"


async def test_a_poison_record_is_listed_with_its_reason_and_replayed_once(
    infrastructure: Infrastructure,
    kafka_topic: TopicFactory,
    consumer_group: str,
    replay_group: str,
) -> None:
    bootstrap = infrastructure.kafka_bootstrap
    topic = await kafka_topic("things")
    dlt = dead_letter_topic(topic)
    fixed = False  # the consumer's bug, fixed by the operator before the replay
    handled: list[str] = []

    async def handler(envelope: Envelope, record: ConsumedRecord) -> None:
        if envelope.data.get("tricky") and not fixed:
            raise PoisonMessage("cannot take tricky things yet")
        handled.append(envelope.id)

    consumer = make_broker(bootstrap, client_id="test-consumer")
    subscribe_events(consumer, topic, handler, group_id=consumer_group, retry=RetryPolicy(1))
    producer = make_broker(bootstrap, client_id="test-producer")
    await producer.start()
    await consumer.start()
    try:
        poison, good = event("a", tricky=True), event("b")
        for envelope in (poison, good):
            await producer.publish(
                envelope.to_bytes(), topic=topic, key=b"a", headers=kafka_headers(envelope, {})
            )
        await eventually(lambda: contains(handled, good.id))

        assert dlt in await dead_letter_topics(bootstrap, prefix=topic)
        (letter,) = await list_dead_letters(bootstrap, [dlt], replay_group=replay_group)
        assert (letter.reason, letter.consumer) == ("poison", consumer_group)
        assert "cannot take tricky things yet" in letter.error
        assert (letter.source_topic, letter.source_partition, letter.source_offset) == (topic, 0, 0)
        assert (letter.event_id, letter.event_type) == (poison.id, "trellis.test.thing")
        assert not letter.replayed

        fixed = True
        dry = await replay_dead_letters(bootstrap, [dlt], replay_group=replay_group, dry_run=True)
        assert [d.event_id for d in dry.sent] == [poison.id]
        assert await end_offset(bootstrap, topic) == 2  # a dry run sends nothing

        first = await replay_dead_letters(bootstrap, [dlt], replay_group=replay_group)
        assert [d.event_id for d in first.sent] == [poison.id]
        await eventually(lambda: contains(handled, poison.id))
        assert await end_offset(bootstrap, topic) == 3

        second = await replay_dead_letters(bootstrap, [dlt], replay_group=replay_group)
        assert (second.sent, second.repeats) == ([], [])
        assert await end_offset(bootstrap, topic) == 3  # nothing new on the topic
        (letter,) = await list_dead_letters(bootstrap, [dlt], replay_group=replay_group)
        assert letter.replayed
    finally:
        await consumer.stop()
        await producer.stop()
    assert handled == [good.id, poison.id]
    copy = (await read_topic(bootstrap, topic, 3))[2]
    headers = dict(copy.headers)
    assert headers[REPLAY_OF_HEADER] == f"{dlt}:0:0".encode()
    assert not any(name.startswith("trellis_dlt_") for name in headers)
    assert (copy.key, copy.value) == (b"a", poison.to_bytes())


async def test_a_record_dead_lettered_by_two_consumers_is_replayed_once(
    infrastructure: Infrastructure, kafka_topic: TopicFactory, replay_group: str
) -> None:
    bootstrap = infrastructure.kafka_bootstrap
    topic = await kafka_topic("shared")
    dlt = dead_letter_topic(topic)

    async def refuse(envelope: Envelope, record: ConsumedRecord) -> None:
        raise PoisonMessage("no")

    consumers = []
    for group in ("first", "second"):
        broker = make_broker(bootstrap, client_id=f"test-{group}")
        subscribe_events(broker, topic, refuse, group_id=f"test-{group}-{unique_suffix()}")
        consumers.append(broker)
    producer = make_broker(bootstrap, client_id="test-producer")
    await producer.start()
    for broker in consumers:
        await broker.start()
    try:
        await producer.publish(event("a").to_bytes(), topic=topic, key=b"a")

        async def both_parked() -> bool:
            return len(await list_dead_letters(bootstrap, [dlt], replay_group=replay_group)) == 2

        await eventually(both_parked)
    finally:
        for broker in consumers:
            await broker.stop()
        await producer.stop()
    report = await replay_dead_letters(bootstrap, [dlt], replay_group=replay_group)
    assert (len(report.sent), len(report.repeats)) == (1, 1)
    assert await end_offset(bootstrap, topic) == 2  # the original and one copy


async def test_dead_letters_of_a_compacted_topic_are_not_replayed(
    infrastructure: Infrastructure, replay_group: str
) -> None:
    bootstrap = infrastructure.kafka_bootstrap
    topic = f"test.{unique_suffix()}.snapshots"
    dlt = dead_letter_topic(topic)
    await ensure_topics(
        bootstrap, [TopicSpec(topic, partitions=1, compacted=True), TopicSpec(dlt, partitions=1)]
    )
    try:
        producer = make_broker(bootstrap, client_id="test-producer")
        await producer.start()
        try:
            await producer.publish(
                event("a").to_bytes(),
                topic=dlt,
                key=b"a",
                headers={"trellis_dlt_reason": "poison", "trellis_dlt_source_topic": topic},
            )
        finally:
            await producer.stop()
        report = await replay_dead_letters(bootstrap, [dlt], replay_group=replay_group)
        assert (report.sent, report.skipped_topics) == ([], [dlt])
        assert await end_offset(bootstrap, topic) == 0
        (letter,) = await list_dead_letters(bootstrap, [dlt], replay_group=replay_group)
        assert not letter.replayed  # still there for whoever looks
    finally:
        await delete_topics(bootstrap, [topic, dlt])


async def contains(items: list[str], item: str) -> bool:
    return item in items
