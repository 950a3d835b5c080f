"""Consumer lag against a real broker: records produced but not yet consumed."""

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from trellis_shared.operations.consumer_lag import PartitionLag, UnknownTopic, consumer_lag
from trellis_shared.testing.infrastructure import Infrastructure, TopicFactory

pytestmark = pytest.mark.integration


async def produce(bootstrap: str, topic: str, partition: int, count: int) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for n in range(count):
            await producer.send_and_wait(topic, f"r{n}".encode(), partition=partition)
    finally:
        await producer.stop()


async def consume(bootstrap: str, group: str, partition: TopicPartition, count: int) -> None:
    """Read `count` records of `partition` in `group` and commit after them, as a service does."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        consumer.assign([partition])
        taken = 0
        for _ in range(30):  # a bounded wait, so a wrong count fails instead of hanging
            if taken >= count:
                break
            batch = await consumer.getmany(partition, timeout_ms=1000, max_records=count - taken)
            taken += len(batch.get(partition, []))
        assert taken == count
        await consumer.commit()
    finally:
        await consumer.stop()


async def test_lag_is_what_was_produced_and_not_yet_consumed(
    infrastructure: Infrastructure, kafka_topic: TopicFactory, consumer_group: str
) -> None:
    bootstrap = infrastructure.kafka_bootstrap
    topic = await kafka_topic("lag", partitions=2, dead_letter=False)
    await produce(bootstrap, topic, 0, 5)
    await produce(bootstrap, topic, 1, 3)
    # Nobody consumed yet: the group would read everything.
    assert await consumer_lag(bootstrap, consumer_group, [topic]) == [
        PartitionLag(topic, 0, None, 5, 5),
        PartitionLag(topic, 1, None, 3, 3),
    ]
    await consume(bootstrap, consumer_group, TopicPartition(topic, 0), 2)
    assert await consumer_lag(bootstrap, consumer_group, [topic]) == [
        PartitionLag(topic, 0, 2, 5, 3),
        PartitionLag(topic, 1, None, 3, 3),
    ]
    # Without topics: what the group has committed on.
    assert await consumer_lag(bootstrap, consumer_group) == [PartitionLag(topic, 0, 2, 5, 3)]
    await produce(bootstrap, topic, 0, 4)
    await consume(bootstrap, consumer_group, TopicPartition(topic, 0), 7)
    assert await consumer_lag(bootstrap, consumer_group) == [PartitionLag(topic, 0, 9, 9, 0)]


async def test_lag_of_an_unknown_topic_is_refused(
    infrastructure: Infrastructure, consumer_group: str
) -> None:
    with pytest.raises(UnknownTopic, match=r"no\.such\.topic"):
        await consumer_lag(infrastructure.kafka_bootstrap, consumer_group, ["no.such.topic"])
