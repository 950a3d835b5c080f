"""`trellis-admin` as an operator runs it: the installed command, a real broker and database.

The services, their databases and groups come from the services' settings, so
pointing TRELLIS_SKELETON_DATABASE at this test's database is all it takes for
the tool to look there.
"""

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from trellis_shared.contracts.catalog import load_all
from trellis_shared.contracts.skeleton import TALLY_TOPIC, TallyIncremented
from trellis_shared.events.envelope import Envelope
from trellis_shared.kafka.broker import make_broker
from trellis_shared.kafka.consumer import ConsumedRecord, subscribe_events
from trellis_shared.kafka.topics import dead_letter_topic
from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_shared.mongo.inbox import Inbox
from trellis_shared.testing.infrastructure import Infrastructure, TopicFactory, unique_suffix
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.integration


async def admin(infrastructure: Infrastructure, *args: str, returncode: int = 0, **env: str) -> str:
    process = await asyncio.create_subprocess_exec(
        # The console script installed beside this interpreter (PATH may not have it).
        str(Path(sys.executable).parent / "trellis-admin"),
        *args,
        env={
            **os.environ,
            "TRELLIS_KAFKA_BOOTSTRAP": infrastructure.kafka_bootstrap,
            "TRELLIS_MONGODB_URI": infrastructure.mongodb_uri,
            **env,
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == returncode, err.decode()
    return out.decode()


async def test_outbox_and_lag_of_a_service_found_through_its_settings(
    infrastructure: Infrastructure,
    mongo_database: AsyncDatabase[Any],
    consumer_group: str,
) -> None:
    store = AggregateStore(mongo_database["tallies"], source="test", registry=load_all())
    await store.save("t", {"total": 1}, expected_version=0, events=[
        TallyIncremented(tally_id="t", amount=1, total=1, sequence=1)])  # fmt: skip
    skeleton = {
        "TRELLIS_SKELETON_DATABASE": mongo_database.name,
        "TRELLIS_SKELETON_BOARD_DATABASE": f"test_{unique_suffix()}",  # never written
        "TRELLIS_SKELETON_CONSUMER_GROUP": consumer_group,
    }
    (row,) = json.loads(
        await admin(infrastructure, "outbox", "--service", "skeleton", "--json", **skeleton)
    )
    assert (row["service"], row["database"], row["collection"], row["pending"]) == (
        "skeleton", mongo_database.name, "tallies", 1)  # fmt: skip
    assert row["oldest_age_s"] >= 0
    table = await admin(infrastructure, "outbox", "--service", "skeleton", **skeleton)
    assert table.splitlines()[0].split() == [
        "SERVICE",
        "DATABASE",
        "COLLECTION",
        "PENDING",
        "OLDEST",
    ]
    assert table.splitlines()[1].split()[:4] == ["skeleton", mongo_database.name, "tallies", "1"]

    lag = json.loads(
        await admin(infrastructure, "lag", "--service", "skeleton", "--json", **skeleton)
    )
    assert lag == [{"service": "skeleton", "group": consumer_group, "partitions": []}]


async def park(infrastructure: Infrastructure, topic: str) -> Envelope:
    """A dead letter as a consumer writes it, for an event of `topic` at offset 7."""
    envelope = Envelope(type="t", version=1, source="s", subject="a", data={})
    producer = make_broker(infrastructure.kafka_bootstrap, client_id="test-producer")
    await producer.start()
    try:
        await producer.publish(
            envelope.to_bytes(),
            topic=dead_letter_topic(topic),
            key=b"a",
            headers={
                "ce_id": envelope.id,
                "trellis_dlt_reason": "failed",
                "trellis_dlt_error": "RuntimeError('boom')",
                "trellis_dlt_consumer": "trellis-test",
                "trellis_dlt_source_topic": topic,
                "trellis_dlt_source_partition": "0",
                "trellis_dlt_source_offset": "7",
            },
        )
    finally:
        await producer.stop()
    return envelope


async def test_dead_letters_listed_and_replayed_from_the_command_line(
    infrastructure: Infrastructure, kafka_topic: TopicFactory
) -> None:
    topic = await kafka_topic(TALLY_TOPIC)
    envelope = await park(infrastructure, topic)
    group = {"TRELLIS_ADMIN_REPLAY_GROUP": f"test-replay-{unique_suffix()}"}
    listed = await admin(infrastructure, "dead-letters", "--topic", topic, **group)
    assert "failed" in listed
    assert "RuntimeError('boom')" in listed
    assert "1 dead letter, 1 not replayed" in listed

    first = await admin(infrastructure, "replay", "--topic", topic, **group)
    assert "replayed 1 record to" in first
    second = json.loads(await admin(infrastructure, "replay", "--topic", topic, "--json", **group))
    assert second["sent"] == []
    (letter,) = json.loads(
        await admin(infrastructure, "dead-letters", "--topic", topic, "--json", **group)
    )
    assert (letter["event_id"], letter["source_offset"], letter["replayed"]) == (
        envelope.id,
        7,
        True,
    )


async def test_a_replay_killed_before_its_commit_sends_again_and_the_inbox_drops_the_copy(
    infrastructure: Infrastructure,
    kafka_topic: TopicFactory,
    mongo_database: AsyncDatabase[Any],
    consumer_group: str,
) -> None:
    """The one window the replay group leaves: killed after the broker took the
    copy and before the commit. The next run sends it again; a consumer with an
    inbox applies it once."""
    topic = await kafka_topic("things")
    envelope = await park(infrastructure, topic)
    inbox = Inbox(mongo_database["inbox"], consumer_group)
    deliveries: list[str] = []
    effects: list[str] = []

    async def handler(event: Envelope, record: ConsumedRecord) -> None:
        deliveries.append(event.id)

        async def apply() -> None:
            effects.append(event.id)

        await inbox.handle_once(event.id, apply)

    consumer = make_broker(infrastructure.kafka_bootstrap, client_id="test-consumer")
    subscribe_events(consumer, topic, handler, group_id=consumer_group)
    await consumer.start()
    try:
        group = {"TRELLIS_ADMIN_REPLAY_GROUP": f"test-replay-{unique_suffix()}"}
        killed = {"TRELLIS_CRASH_POINTS": "after_replay_publish=1"}
        await admin(infrastructure, "replay", "--topic", topic, returncode=-9, **group,
                    **killed)  # fmt: skip
        assert "replayed 1 record to" in await admin(
            infrastructure, "replay", "--topic", topic, **group
        )
        assert "replayed 0 records" in await admin(
            infrastructure, "replay", "--topic", topic, **group
        )

        async def delivered_twice() -> bool:
            return len(deliveries) == 2

        await eventually(delivered_twice)
    finally:
        await consumer.stop()
    assert deliveries == [envelope.id, envelope.id]
    assert effects == [envelope.id]
