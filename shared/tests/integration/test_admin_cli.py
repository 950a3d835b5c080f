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
from trellis_shared.kafka.topics import dead_letter_topic
from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_shared.testing.infrastructure import Infrastructure, TopicFactory, unique_suffix

pytestmark = pytest.mark.integration


async def admin(infrastructure: Infrastructure, *args: str, **env: str) -> str:
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
    assert process.returncode == 0, err.decode()
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


async def test_dead_letters_listed_and_replayed_from_the_command_line(
    infrastructure: Infrastructure, kafka_topic: TopicFactory
) -> None:
    topic = await kafka_topic(TALLY_TOPIC)
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
