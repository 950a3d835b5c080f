"""pytest plugin: real Kafka and a real MongoDB-wire database for tests.

Where they come from, in this order, per component:
1. `TRELLIS_KAFKA_BOOTSTRAP` / `TRELLIS_MONGODB_URI` (external servers);
2. testcontainers (Kafka and MongoDB images) when a Docker engine answers a
   ping — a `docker` binary alone proves nothing;
3. the embedded stack under deploy/local (Kafka from Maven jars, FerretDB),
   started if it is not running and stopped again afterwards if we started it.

Every test gets its own database and topic names, so tests never see each
other's data even when they share one broker and one server.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from trellis_shared.kafka.topics import TopicSpec, dead_letter_topic, delete_topics, ensure_topics
from trellis_shared.settings import embedded_kafka_bootstrap, embedded_mongodb_uri

REPO_ROOT = Path(__file__).resolve().parents[4]
STACK_SCRIPT = REPO_ROOT / "deploy" / "local" / "stack.sh"
KAFKA_IMAGE = "apache/kafka:4.1.2"
MONGO_IMAGE = "mongo:7.0"


@dataclass(frozen=True)
class Infrastructure:
    kafka_bootstrap: str
    mongodb_uri: str
    origin: str  # which rule above provided it, shown in the test report header


def docker_engine_answers() -> bool:
    try:
        import docker

        return bool(docker.from_env(timeout=3).ping())
    except Exception:
        return False


def _embedded_running() -> bool:
    return (
        subprocess.run(
            ["bash", str(STACK_SCRIPT), "status"], capture_output=True, check=False
        ).returncode
        == 0
    )


def _run_stack(command: str) -> None:
    result = subprocess.run(["bash", str(STACK_SCRIPT), command], check=False, text=True)
    if result.returncode != 0:
        pytest.exit(f"embedded stack `{command}` failed (see output above)", returncode=3)


@pytest.fixture(scope="session")
def infrastructure() -> Iterator[Infrastructure]:
    kafka = os.environ.get("TRELLIS_KAFKA_BOOTSTRAP")
    mongo = os.environ.get("TRELLIS_MONGODB_URI")
    if kafka and mongo:
        yield Infrastructure(kafka, mongo, "environment")
        return
    if docker_engine_answers():
        yield from _containers(kafka, mongo)
        return
    started_here = not _embedded_running()
    if started_here:
        _run_stack("up")  # honours whichever of the two variables is set
    try:
        yield Infrastructure(
            kafka or embedded_kafka_bootstrap(), mongo or embedded_mongodb_uri(), "embedded"
        )
    finally:
        if started_here:
            _run_stack("down")


def _containers(kafka: str | None, mongo: str | None) -> Iterator[Infrastructure]:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.mongodb import MongoDbContainer

    kafka_container = None if kafka else KafkaContainer(KAFKA_IMAGE).with_kraft()
    mongo_container = None if mongo else MongoDbContainer(MONGO_IMAGE)
    try:
        if kafka_container is not None:
            kafka_container.start()
            kafka = kafka_container.get_bootstrap_server()
        if mongo_container is not None:
            mongo_container.start()
            mongo = mongo_container.get_connection_url()
        if not (kafka and mongo):
            raise RuntimeError("testcontainers gave no Kafka or MongoDB address")
        yield Infrastructure(kafka, mongo, "testcontainers")
    finally:
        for container in (kafka_container, mongo_container):
            if container is not None:
                container.stop()


def unique_suffix() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
async def mongo_client(infrastructure: Infrastructure) -> AsyncIterator[AsyncMongoClient[Any]]:
    client: AsyncMongoClient[Any] = AsyncMongoClient(
        infrastructure.mongodb_uri,
        serverSelectionTimeoutMS=10000,
        tz_aware=True,
        retryWrites=False,
    )
    yield client
    await client.close()


@pytest.fixture
async def mongo_database(
    mongo_client: AsyncMongoClient[Any],
) -> AsyncIterator[AsyncDatabase[Any]]:
    """A database of this test's own, dropped afterwards."""
    database = mongo_client[f"test_{unique_suffix()}"]
    yield database
    await mongo_client.drop_database(database.name)


TopicFactory = Callable[..., Awaitable[str]]


@pytest.fixture
async def kafka_topic(infrastructure: Infrastructure) -> AsyncIterator[TopicFactory]:
    """Create topics (and their `.dlt`) with names of this test's own; deleted afterwards."""
    created: list[str] = []

    async def make(base: str, *, partitions: int = 1, dead_letter: bool = True) -> str:
        name = f"test.{unique_suffix()}.{base}"
        specs = [TopicSpec(name=name, partitions=partitions)]
        if dead_letter:
            specs.append(TopicSpec(name=dead_letter_topic(name), partitions=1))
        await ensure_topics(infrastructure.kafka_bootstrap, specs)
        created.extend(spec.name for spec in specs)
        return name

    yield make
    if created:
        await delete_topics(infrastructure.kafka_bootstrap, created)


NamespaceFactory = Callable[..., Awaitable[str]]


@pytest.fixture
async def kafka_namespace(infrastructure: Infrastructure) -> AsyncIterator[NamespaceFactory]:
    """Create several topics under one prefix of this test's own (for TRELLIS_TOPIC_PREFIX).

    `prefix = await kafka_namespace("a.v1", "b.v1")` creates `<prefix>a.v1`,
    `<prefix>b.v1` and their `.dlt` topics; all are deleted afterwards.
    """
    created: list[str] = []

    async def make(*bases: str, partitions: int = 1) -> str:
        prefix = f"test.{unique_suffix()}."
        specs = []
        for base in bases:
            specs.append(TopicSpec(name=prefix + base, partitions=partitions))
            specs.append(TopicSpec(name=dead_letter_topic(prefix + base), partitions=1))
        await ensure_topics(infrastructure.kafka_bootstrap, specs)
        created.extend(spec.name for spec in specs)
        return prefix

    yield make
    if created:
        await delete_topics(infrastructure.kafka_bootstrap, created)


@pytest.fixture
def consumer_group() -> str:
    return f"test-group-{unique_suffix()}"


def pytest_report_header(config: pytest.Config) -> str:
    return f"trellis infrastructure: env > testcontainers (docker ping) > embedded ({STACK_SCRIPT})"
