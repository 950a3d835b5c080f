"""The walking skeleton across processes, on the real broker and database.

The writer (gRPC API + outbox relay) runs in this process; the reader runs as
a separate process, exactly as it would in production. We check:
- a write's state change and event land in one document and reach the reader;
- one trace id runs from the gRPC write through Kafka into the reader's logs;
- a redelivered duplicate has no second effect;
- a malformed record goes to the dead-letter topic and later records still flow.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from aiokafka import AIOKafkaProducer
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pymongo import AsyncMongoClient

from trellis.skeleton.v1 import skeleton_pb2, skeleton_pb2_grpc
from trellis_shared.contracts.skeleton import TALLY_TOPIC
from trellis_shared.grpc.tokens import Principal, TokenCodec
from trellis_shared.kafka.topics import dead_letter_topic
from trellis_shared.telemetry import configure_telemetry
from trellis_shared.testing.infrastructure import Infrastructure, TopicFactory, unique_suffix
from trellis_shared.testing.kafka_reader import read_topic
from trellis_shared.testing.waiting import eventually
from trellis_skeleton.bootstrap import build_writer
from trellis_skeleton.config import SkeletonSettings

pytestmark = pytest.mark.e2e

SECRET = "e2e-secret-that-is-long-enough-for-hs256-tokens"


@dataclass
class Skeleton:
    stub: skeleton_pb2_grpc.TallyServiceStub
    metadata: tuple[tuple[str, str], ...]
    settings: SkeletonSettings
    spans: InMemorySpanExporter
    reader_log: Path
    topic: str


def reader_env(settings: SkeletonSettings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "TRELLIS_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
            "TRELLIS_MONGODB_URI": settings.mongodb_uri,
            "TRELLIS_SKELETON_BOARD_DATABASE": settings.skeleton_board_database,
            "TRELLIS_SKELETON_CONSUMER_GROUP": settings.skeleton_consumer_group,
            "TRELLIS_TOPIC_PREFIX": settings.topic_prefix,
            "TRELLIS_LOG_LEVEL": "INFO",
        }
    )
    return env


@pytest.fixture
async def skeleton(
    infrastructure: Infrastructure,
    kafka_topic: TopicFactory,
    mongo_client: AsyncMongoClient[Any],
    tmp_path: Path,
) -> AsyncIterator[Skeleton]:
    exporter = InMemorySpanExporter()
    configure_telemetry("e2e-tests", extra_processor=SimpleSpanProcessor(exporter))
    topic = await kafka_topic(TALLY_TOPIC)
    suffix = unique_suffix()
    settings = SkeletonSettings(
        kafka_bootstrap=infrastructure.kafka_bootstrap,
        mongodb_uri=infrastructure.mongodb_uri,
        auth_secret=SECRET,
        skeleton_addr="127.0.0.1:0",
        skeleton_database=f"test_{suffix}_writer",
        skeleton_board_database=f"test_{suffix}_board",
        skeleton_consumer_group=f"test-board-{suffix}",
        topic_prefix=topic.removesuffix(TALLY_TOPIC),
    )
    reader_log = tmp_path / "reader.log"
    with reader_log.open("w") as log_file:
        reader = subprocess.Popen(  # noqa: ASYNC220 - starting it does not block
            [sys.executable, "-m", "trellis_skeleton.entrypoints.cli", "reader"],
            env=reader_env(settings),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    writer = build_writer(settings)
    await writer.broker.start()
    await writer.grpc.start()
    stop = asyncio.Event()
    relay = asyncio.create_task(writer.relay.run(stop))
    try:
        await eventually(lambda: _logged(reader_log, "skeleton reader ready"))
        async with grpc.aio.insecure_channel(f"127.0.0.1:{writer.grpc.port}") as channel:
            yield Skeleton(
                stub=skeleton_pb2_grpc.TallyServiceStub(channel),
                metadata=TokenCodec(SECRET).metadata(Principal("emp-1", frozenset({"employee"}))),
                settings=settings,
                spans=exporter,
                reader_log=reader_log,
                topic=topic,
            )
    finally:
        stop.set()
        await relay
        await writer.grpc.stop()
        await writer.broker.stop()
        await writer.mongo.close()
        reader.send_signal(signal.SIGTERM)
        exit_code = reader.wait(timeout=30)
        for database in (settings.skeleton_database, settings.skeleton_board_database):
            await mongo_client.drop_database(database)
    assert exit_code == 0, f"reader did not stop cleanly:\n{reader_log.read_text()[-3000:]}"


async def _logged(path: Path, message: str) -> list[dict[str, Any]]:
    return [line for line in _log_lines(path) if line.get("message") == message]


def _log_lines(path: Path) -> list[dict[str, Any]]:
    lines = []
    for raw in path.read_text().splitlines():
        try:
            lines.append(json.loads(raw))
        except json.JSONDecodeError:
            continue  # e.g. interpreter warnings
    return lines


async def seen_total(
    mongo: AsyncMongoClient[Any], settings: SkeletonSettings, tally_id: str
) -> dict[str, Any] | None:
    return await mongo[settings.skeleton_board_database]["totals"].find_one({"_id": tally_id})


async def test_write_reaches_the_reader_once_in_one_trace(
    skeleton: Skeleton,
    mongo_client: AsyncMongoClient[Any],
    infrastructure: Infrastructure,
) -> None:
    reply = await skeleton.stub.Increment(
        skeleton_pb2.IncrementRequest(tally_id="t1", amount=5), metadata=skeleton.metadata
    )
    assert (reply.total, reply.version) == (5, 1)

    # State and event were written in one document.
    writer_doc = await mongo_client[skeleton.settings.skeleton_database]["tallies"].find_one(
        {"_id": "t1"}
    )
    assert writer_doc is not None
    assert writer_doc["state"] == {"total": 5}
    assert len(writer_doc["outbox"]) == 1

    board = await eventually(lambda: seen_total(mongo_client, skeleton.settings, "t1"))
    assert board["seen_total"] == 5

    # One trace: the gRPC server span, the relay's publish and the reader's processing.
    server_spans = [
        s for s in skeleton.spans.get_finished_spans() if s.name.endswith("TallyService/Increment")
    ]
    assert len(server_spans) == 1
    trace_id = format(server_spans[0].context.trace_id, "032x")
    (event_id,) = writer_doc["outbox"].keys()
    assert trace_id in writer_doc["outbox"][event_id]["trace"]["traceparent"]
    processed = await eventually(lambda: _logged(skeleton.reader_log, "event processed"))
    assert [(line["event_id"], line["trace_id"]) for line in processed] == [(event_id, trace_id)]
    publish_spans = [s for s in skeleton.spans.get_finished_spans() if s.name.endswith("publish")]
    assert {format(s.context.trace_id, "032x") for s in publish_spans} == {trace_id}

    # Redeliver the very same record (as Kafka may after a rebalance): no second effect.
    (published,) = await read_topic(infrastructure.kafka_bootstrap, skeleton.topic, 1)
    producer = AIOKafkaProducer(bootstrap_servers=infrastructure.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            skeleton.topic, published.value, key=published.key, headers=list(published.headers)
        )
    finally:
        await producer.stop()
    await eventually(lambda: _logged(skeleton.reader_log, "duplicate event ignored"))
    await skeleton.stub.Increment(
        skeleton_pb2.IncrementRequest(tally_id="t1", amount=2), metadata=skeleton.metadata
    )
    board = await eventually(lambda: _at_least(mongo_client, skeleton.settings, "t1", events=2))
    assert (board["seen_total"], board["events"]) == (7, 2)


async def _at_least(
    mongo: AsyncMongoClient[Any], settings: SkeletonSettings, tally_id: str, *, events: int
) -> dict[str, Any] | None:
    document = await seen_total(mongo, settings, tally_id)
    return document if document and document["events"] >= events else None


async def test_malformed_record_is_dead_lettered_and_later_ones_still_flow(
    skeleton: Skeleton,
    mongo_client: AsyncMongoClient[Any],
    infrastructure: Infrastructure,
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=infrastructure.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(skeleton.topic, b'{"this": "is not an envelope"', key=b"t2")
    finally:
        await producer.stop()
    await skeleton.stub.Increment(
        skeleton_pb2.IncrementRequest(tally_id="t2", amount=3), metadata=skeleton.metadata
    )
    board = await eventually(lambda: seen_total(mongo_client, skeleton.settings, "t2"))
    assert board["seen_total"] == 3
    (parked,) = await read_topic(
        infrastructure.kafka_bootstrap, dead_letter_topic(skeleton.topic), 1
    )
    assert parked.value == b'{"this": "is not an envelope"'
    headers = {k: v.decode() for k, v in parked.headers}
    assert headers["trellis_dlt_reason"] == "unparseable"
    assert headers["trellis_dlt_consumer"] == skeleton.settings.skeleton_consumer_group


@pytest.mark.parametrize(
    ("variable", "value"),
    [("TRELLIS_MONGODB_URI", "mongodb://127.0.0.1:9"), ("TRELLIS_KAFKA_BOOTSTRAP", "127.0.0.1:9")],
)
def test_unreachable_dependency_exits_naming_address_and_variable(
    infrastructure: Infrastructure,
    variable: str,
    value: str,
) -> None:
    env = dict(os.environ)
    env.update(
        {
            "TRELLIS_KAFKA_BOOTSTRAP": infrastructure.kafka_bootstrap,
            "TRELLIS_MONGODB_URI": infrastructure.mongodb_uri,
            "TRELLIS_SKELETON_ADDR": "127.0.0.1:0",
            "TRELLIS_DEPENDENCY_TIMEOUT_S": "5",
            variable: value,
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "trellis_skeleton.entrypoints.cli", "writer"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "127.0.0.1:9" in result.stderr
    assert variable in result.stderr
