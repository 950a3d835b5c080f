"""Topics, outbox relay and reliable consumers against a real Kafka broker."""

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from trellis_shared.contracts.catalog import load_all
from trellis_shared.contracts.skeleton import TALLY_TOPIC, TallyIncremented
from trellis_shared.events.envelope import Envelope, envelope_from_kafka
from trellis_shared.kafka.broker import make_broker
from trellis_shared.kafka.consumer import ConsumedRecord, RetryPolicy, subscribe_events
from trellis_shared.kafka.topics import TopicSpec, dead_letter_topic, ensure_topics
from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_shared.mongo.outbox import FastStreamPublisher, OutboxDue, OutboxRelay, note_clock
from trellis_shared.testing.infrastructure import Infrastructure, TopicFactory, unique_suffix
from trellis_shared.testing.kafka_reader import read_topic

pytestmark = pytest.mark.integration


async def test_provisioning_is_idempotent(infrastructure: Infrastructure) -> None:
    name = f"test.{unique_suffix()}.provision"
    specs = [TopicSpec(name=name, partitions=2, compacted=True)]
    first = await ensure_topics(infrastructure.kafka_bootstrap, specs)
    assert (first.created, first.updated, first.already_right) == ([name], {}, [])
    second = await ensure_topics(infrastructure.kafka_bootstrap, specs)
    assert (second.created, second.updated, second.already_right) == ([], {}, [name])
    assert second.mismatches == []


async def test_relay_publishes_pending_events_in_order_and_marks_them_sent(
    infrastructure: Infrastructure,
    mongo_database: AsyncDatabase[Any],
    kafka_topic: TopicFactory,
) -> None:
    topic = await kafka_topic(TALLY_TOPIC)
    prefix = topic.removesuffix(TALLY_TOPIC)
    registry = load_all()
    collection = mongo_database["things"]
    broker = make_broker(infrastructure.kafka_bootstrap, client_id="test-relay")
    await broker.start()
    try:
        relay = OutboxRelay(collection, FastStreamPublisher(broker))
        things = AggregateStore(collection, source="test", registry=registry, topic_prefix=prefix)
        version = 0
        for n in range(1, 4):
            version = await things.save(
                "a",
                {"total": n},
                expected_version=version,
                events=[TallyIncremented(tally_id="a", amount=1, total=n, sequence=n)],
            )
        assert await relay.publish_pending() == 3
        assert await relay.publish_pending() == 0
    finally:
        await broker.stop()
    document = await collection.find_one({"_id": "a"})
    assert document is not None
    assert document["outbox_pending"] == 0
    assert document["outbox"] == {}  # published events leave the document
    records = await read_topic(infrastructure.kafka_bootstrap, topic, 3)
    totals = [envelope_from_kafka(r.value).data["total"] for r in records]
    assert totals == [1, 2, 3]
    assert {r.key for r in records} == {b"a"}
    headers = dict(records[0].headers)
    assert headers["ce_type"] == b"trellis.skeleton.tally.incremented"


async def test_consumer_dead_letters_poison_and_keeps_going(
    infrastructure: Infrastructure,
    kafka_topic: TopicFactory,
    consumer_group: str,
) -> None:
    topic = await kafka_topic("consume")
    seen: list[str] = []
    consumer_broker = make_broker(infrastructure.kafka_bootstrap, client_id="test-consumer")

    async def handler(envelope: Envelope, record: ConsumedRecord) -> None:
        if envelope.data.get("explode"):
            raise RuntimeError("cannot handle this one")
        seen.append(envelope.subject)

    subscribe_events(
        consumer_broker,
        topic,
        handler,
        group_id=consumer_group,
        retry=RetryPolicy(attempts=2, first_backoff_s=0.01),
    )
    producer = make_broker(infrastructure.kafka_bootstrap, client_id="test-producer")
    await producer.start()
    await consumer_broker.start()
    try:

        def envelope(subject: str, **data: Any) -> bytes:
            return Envelope(type="t", version=1, source="s", subject=subject, data=data).to_bytes()

        await producer.publish(b"\x00 not an envelope", topic=topic, key=b"k")
        await producer.publish(envelope("bad", explode=True), topic=topic, key=b"k")
        await producer.publish(envelope("good"), topic=topic, key=b"k")
        for _ in range(200):
            if seen:
                break
            await asyncio.sleep(0.1)
    finally:
        await consumer_broker.stop()
        await producer.stop()
    assert seen == ["good"]
    parked = await read_topic(infrastructure.kafka_bootstrap, dead_letter_topic(topic), 2)
    reasons = [dict(r.headers)["trellis_dlt_reason"] for r in parked]
    assert reasons == [b"unparseable", b"failed"]
    assert parked[0].value == b"\x00 not an envelope"


async def test_a_relay_finishes_what_a_dead_writer_left_through_the_due_notes(
    infrastructure: Infrastructure,
    mongo_database: AsyncDatabase[Any],
    kafka_topic: TopicFactory,
) -> None:
    """The writer saved and died before publishing; another replica's relay has
    never seen those aggregates, and finds them through the notes alone."""
    topic = await kafka_topic(TALLY_TOPIC)
    prefix = topic.removesuffix(TALLY_TOPIC)
    collection = mongo_database["things"]
    # The writer: no relay of its own is ever nudged (it "died").
    writer = AggregateStore(collection, source="test", registry=load_all(), topic_prefix=prefix)
    await writer.save("a", {"total": 1}, expected_version=0, events=[
        TallyIncremented(tally_id="a", amount=1, total=1, sequence=1)])  # fmt: skip
    created = await writer.create_many(
        [(f"b{n}", {"total": 1}, [TallyIncremented(tally_id=f"b{n}", amount=1, total=1,
                                                   sequence=1)]) for n in range(3)]
    )  # fmt: skip
    assert created == set()
    # The sweep reads the notes, never the aggregates collection as a whole.
    broker = make_broker(infrastructure.kafka_bootstrap, client_id="test-relay")
    await broker.start()
    try:
        other_replica = OutboxRelay(collection, FastStreamPublisher(broker))
        # Notes younger than the grace are left to their writer...
        assert await other_replica.publish_pending(timedelta(minutes=5)) == 0
        # ...older ones are the relay's: everything is published, notes dropped.
        assert await other_replica.publish_pending() == 4
        assert await other_replica.publish_pending() == 0
    finally:
        await broker.stop()
    assert await mongo_database["things_outbox_due"].count_documents({}) == 0
    records = await read_topic(infrastructure.kafka_bootstrap, topic, 4)
    assert sorted(envelope_from_kafka(r.value).subject for r in records) == ["a", "b0", "b1", "b2"]


async def test_the_writers_relay_drops_its_notes_once_published(
    infrastructure: Infrastructure,
    mongo_database: AsyncDatabase[Any],
    kafka_topic: TopicFactory,
) -> None:
    """Notes of work finished by its own process leave nothing for the sweep; many
    aggregates are published side by side, each in its own order."""
    topic = await kafka_topic(TALLY_TOPIC)
    prefix = topic.removesuffix(TALLY_TOPIC)
    collection = mongo_database["things"]
    broker = make_broker(infrastructure.kafka_bootstrap, client_id="test-relay")
    await broker.start()
    try:
        relay = OutboxRelay(collection, FastStreamPublisher(broker))
        store = AggregateStore(
            collection, source="test", registry=load_all(), topic_prefix=prefix,
            on_saved=relay.nudge,
        )  # fmt: skip

        async def count_to_three(tally: str) -> None:
            for n in range(1, 4):
                await store.save(tally, {"total": n}, expected_version=n - 1, events=[
                    TallyIncremented(tally_id=tally, amount=1, total=n, sequence=n)])  # fmt: skip

        await asyncio.gather(*(count_to_three(f"t{k}") for k in range(10)))
        assert await relay.publish_dirty() == 30
    finally:
        await broker.stop()
    assert await mongo_database["things_outbox_due"].count_documents({}) == 0
    records = await read_topic(infrastructure.kafka_bootstrap, topic, 30)
    for k in range(10):
        totals = [
            envelope_from_kafka(r.value).data["total"] for r in records if r.key == f"t{k}".encode()
        ]
        assert totals == [1, 2, 3]


async def test_a_note_whose_write_landed_after_the_relays_read_is_kept(
    mongo_database: AsyncDatabase[Any],
) -> None:
    collection = mongo_database["things"]
    due = OutboxDue(collection)
    first = await due.note(["a"])
    due.landed(first, {"a": None})
    read_at = note_clock()  # the relay reads "a" here...
    second = await due.note(["a"])
    due.landed(second, {"a": None})  # ...and this write lands after that read
    await due.published("a", read_at=read_at)
    left = [n["_id"] async for n in mongo_database["things_outbox_due"].find({})]
    assert left == [second]
