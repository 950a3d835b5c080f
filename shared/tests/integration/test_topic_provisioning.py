"""Provisioning against the real broker writes the configured policy on each topic."""

import asyncio
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from trellis_shared.kafka.provision import main as provision
from trellis_shared.kafka.topics import dead_letter_topic, delete_topics, explicit_topic_configs
from trellis_shared.testing.infrastructure import Infrastructure, unique_suffix

pytestmark = pytest.mark.integration

NINE_DAYS_MS = 9 * 24 * 3600 * 1000


async def replication_factor(bootstrap: str, topic: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
        return min(len(partition["replicas"]) for partition in described["partitions"])
    finally:
        await admin.close()


async def test_provisioning_sets_configured_insync_minimum_and_dead_letter_retention(
    infrastructure: Infrastructure, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    topic = f"test.{unique_suffix()}.policy.v1"
    manifest = tmp_path / "topics.toml"
    manifest.write_text(
        f'[[topic]]\nname = "{topic}"\npartitions = 2\nretention_ms = 86400000\n'
        "dead_letter = true\n"
    )
    monkeypatch.setenv("TRELLIS_KAFKA_BOOTSTRAP", infrastructure.kafka_bootstrap)
    monkeypatch.setenv("TRELLIS_TOPIC_REPLICATION_FACTOR", "1")  # one local broker
    monkeypatch.setenv("TRELLIS_TOPIC_MIN_INSYNC_REPLICAS", "1")
    monkeypatch.setenv("TRELLIS_DEAD_LETTER_RETENTION_MS", str(NINE_DAYS_MS))
    bootstrap = infrastructure.kafka_bootstrap
    try:
        # The operator's command (`make provision`), which runs its own event loop.
        assert await asyncio.to_thread(provision, [str(manifest)]) == 0

        dead_letters = await explicit_topic_configs(bootstrap, dead_letter_topic(topic))
        assert dead_letters["retention.ms"] == str(NINE_DAYS_MS)
        assert dead_letters["min.insync.replicas"] == "1"
        main = await explicit_topic_configs(bootstrap, topic)
        assert main["retention.ms"] == "86400000"  # the manifest's own retention
        assert main["min.insync.replicas"] == "1"
        assert await replication_factor(bootstrap, topic) == 1
    finally:
        await delete_topics(bootstrap, [topic, dead_letter_topic(topic)])
