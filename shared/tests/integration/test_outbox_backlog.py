"""The outbox backlog an operator (and the metrics) see, on a real database and broker."""

from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from trellis_shared.contracts.catalog import load_all
from trellis_shared.contracts.skeleton import TALLY_TOPIC, TallyIncremented
from trellis_shared.kafka.broker import make_broker
from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_shared.mongo.outbox import FastStreamPublisher, OutboxRelay
from trellis_shared.operations.outbox_backlog import OutboxBacklog, outbox_backlog
from trellis_shared.testing.infrastructure import Infrastructure, TopicFactory

pytestmark = pytest.mark.integration


def increment(tally: str, n: int) -> TallyIncremented:
    return TallyIncremented(tally_id=tally, amount=1, total=n, sequence=n)


async def written_at(database: AsyncDatabase[Any], collection: str, tally: str) -> list[datetime]:
    """When each event still pending on `tally` was written, oldest first."""
    document = await database[collection].find_one({"_id": tally})
    assert document is not None
    return sorted(entry["created_at"] for entry in document["outbox"].values())


async def test_backlog_counts_pending_events_and_the_oldest_per_collection(
    infrastructure: Infrastructure,
    mongo_database: AsyncDatabase[Any],
    kafka_topic: TopicFactory,
) -> None:
    # Events go to a tally topic of this test's own: the name before TALLY_TOPIC.
    prefix = (await kafka_topic(TALLY_TOPIC)).removesuffix(TALLY_TOPIC)
    things, quiet = (
        AggregateStore(
            mongo_database[name], source="test", registry=load_all(), topic_prefix=prefix
        )
        for name in ("things", "quiet")
    )
    await mongo_database["no_outbox"].insert_one({"_id": "x"})
    # Oldest first: a (two events), then b, then a third event on a.
    await things.save("a", {"total": 1}, expected_version=0, events=[increment("a", 1)])
    await things.save("b", {"total": 1}, expected_version=0, events=[increment("b", 1)])
    await things.save("a", {"total": 2}, expected_version=1, events=[increment("a", 2)])
    await quiet.save("q", {"total": 1}, expected_version=0, events=[increment("q", 1)])

    broker = make_broker(infrastructure.kafka_bootstrap, client_id="test-backlog")
    await broker.start()
    try:
        # Everything of `quiet` goes out: its row stays, empty.
        assert (
            await OutboxRelay(
                mongo_database["quiet"], FastStreamPublisher(broker)
            ).publish_pending()
            == 1
        )
        a_written = await written_at(mongo_database, "things", "a")
        b_written = await written_at(mongo_database, "things", "b")
        assert await outbox_backlog(mongo_database) == [
            OutboxBacklog("quiet", 0, None),
            OutboxBacklog("things", 3, a_written[0]),
        ]
        # Once a is out, the oldest pending event is b's.
        relay = OutboxRelay(mongo_database["things"], FastStreamPublisher(broker))
        relay.nudge("a")
        assert await relay.publish_dirty() == 2
        assert await outbox_backlog(mongo_database) == [
            OutboxBacklog("quiet", 0, None),
            OutboxBacklog("things", 1, b_written[0]),
        ]
    finally:
        await broker.stop()
    (row,) = [r for r in await outbox_backlog(mongo_database) if r.collection == "things"]
    assert row.oldest_at is not None
    assert row.oldest_at.tzinfo is not None
    assert row.oldest_at <= datetime.now(UTC)


async def test_backlog_of_a_database_without_outboxes_is_empty(
    mongo_database: AsyncDatabase[Any],
) -> None:
    await mongo_database["plain"].insert_one({"_id": "x"})
    assert await outbox_backlog(mongo_database) == []
