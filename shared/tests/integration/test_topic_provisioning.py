"""Provisioning against the real broker writes the configured policy on each topic."""

import asyncio
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from trellis_shared.kafka.provision import main as provision
from trellis_shared.kafka.topics import (
    LayoutMismatch,
    TopicPolicy,
    TopicSpec,
    dead_letter_topic,
    delete_topics,
    ensure_topics,
    explicit_topic_configs,
)
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


async def partition_count(bootstrap: str, topic: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
        return len(described["partitions"])
    finally:
        await admin.close()


async def create_old_topic(
    bootstrap: str, name: str, *, partitions: int, configs: dict[str, str]
) -> None:
    """A topic as a cluster provisioned before the policy (or by hand) has it."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(name, num_partitions=partitions, replication_factor=1, topic_configs=configs)]
        )
        for _ in range(100):
            if name in await admin.list_topics():
                return
            await asyncio.sleep(0.1)
        raise TimeoutError(name)
    finally:
        await admin.close()


def use_local_policy(monkeypatch: pytest.MonkeyPatch, bootstrap: str) -> None:
    monkeypatch.setenv("TRELLIS_KAFKA_BOOTSTRAP", bootstrap)
    monkeypatch.setenv("TRELLIS_TOPIC_REPLICATION_FACTOR", "1")  # one local broker
    monkeypatch.setenv("TRELLIS_TOPIC_MIN_INSYNC_REPLICAS", "1")
    monkeypatch.setenv("TRELLIS_DEAD_LETTER_RETENTION_MS", str(NINE_DAYS_MS))


async def test_provisioning_sets_configured_insync_minimum_and_dead_letter_retention(
    infrastructure: Infrastructure, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    topic = f"test.{unique_suffix()}.policy.v1"
    manifest = tmp_path / "topics.toml"
    manifest.write_text(
        f'[[topic]]\nname = "{topic}"\npartitions = 2\nretention_ms = 86400000\n'
        "dead_letter = true\n"
    )
    bootstrap = infrastructure.kafka_bootstrap
    use_local_policy(monkeypatch, bootstrap)
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


async def test_provisioning_converges_existing_topics_and_keeps_an_operators_configs(
    infrastructure: Infrastructure,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bootstrap = infrastructure.kafka_bootstrap
    topic = f"test.{unique_suffix()}.converge.v1"
    dlt = dead_letter_topic(topic)
    manifest = tmp_path / "topics.toml"
    manifest.write_text(
        f'[[topic]]\nname = "{topic}"\npartitions = 2\nretention_ms = 86400000\n'
        "dead_letter = true\n"
    )
    use_local_policy(monkeypatch, bootstrap)
    # Provisioned before the policy: another retention, no min.insync.replicas,
    # the dead letters on the broker's default retention; and an operator raised
    # the record size limit on both by hand.
    await create_old_topic(
        bootstrap,
        topic,
        partitions=2,
        configs={"retention.ms": "3600000", "max.message.bytes": "2000000"},
    )
    await create_old_topic(bootstrap, dlt, partitions=1, configs={"max.message.bytes": "2000000"})
    try:
        assert await asyncio.to_thread(provision, [str(manifest)]) == 0
        out = capsys.readouterr().out
        assert "0 created, 2 updated, 0 already right" in out
        assert f"updated {topic}: " in out
        assert "retention.ms 3600000 -> 86400000" in out

        main = await explicit_topic_configs(bootstrap, topic)
        assert main == {
            "retention.ms": "86400000",
            "min.insync.replicas": "1",
            "max.message.bytes": "2000000",  # the operator's, kept
        }
        dead_letters = await explicit_topic_configs(bootstrap, dlt)
        assert dead_letters == {
            "retention.ms": str(NINE_DAYS_MS),
            "min.insync.replicas": "1",
            "max.message.bytes": "2000000",
        }

        # Converged: a second run changes nothing.
        assert await asyncio.to_thread(provision, [str(manifest)]) == 0
        assert "0 created, 0 updated, 2 already right" in capsys.readouterr().out
        assert await explicit_topic_configs(bootstrap, topic) == main
        assert await explicit_topic_configs(bootstrap, dlt) == dead_letters
    finally:
        await delete_topics(bootstrap, [topic, dlt])


async def test_another_partition_count_is_reported_and_left_alone(
    infrastructure: Infrastructure,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bootstrap = infrastructure.kafka_bootstrap
    topic = f"test.{unique_suffix()}.partitions.v1"
    manifest = tmp_path / "topics.toml"
    manifest.write_text(f'[[topic]]\nname = "{topic}"\npartitions = 2\n')
    use_local_policy(monkeypatch, bootstrap)
    await create_old_topic(bootstrap, topic, partitions=3, configs={"min.insync.replicas": "1"})
    try:
        result = await ensure_topics(
            bootstrap, [TopicSpec(topic, partitions=2)], policy=TopicPolicy()
        )
        assert result.mismatches == [LayoutMismatch(topic, "partitions", 3, 2)]
        assert (result.created, result.updated, result.already_right) == ([], {}, [])
        assert await partition_count(bootstrap, topic) == 3

        # The operator's command says so, naming the topic, both counts and why.
        assert await asyncio.to_thread(provision, [str(manifest)]) == 0
        captured = capsys.readouterr()
        assert (
            f"WARNING topic {topic} has partitions 3, the manifest and policy ask for 2"
            in captured.err
        )
        assert "cannot remove partitions" in captured.err
        assert "0 created, 0 updated, 0 already right, 1 to fix by hand" in captured.out
        assert await partition_count(bootstrap, topic) == 3
    finally:
        await delete_topics(bootstrap, [topic])


async def test_another_replication_factor_is_reported_and_left_alone(
    infrastructure: Infrastructure,
) -> None:
    bootstrap = infrastructure.kafka_bootstrap
    topic = f"test.{unique_suffix()}.replication.v1"
    await create_old_topic(bootstrap, topic, partitions=1, configs={"min.insync.replicas": "1"})
    try:
        # A policy asking two copies of a topic made with one (say, a cluster that grew).
        policy = TopicPolicy(replication_factor=2, min_insync_replicas=1)
        result = await ensure_topics(bootstrap, [TopicSpec(topic, partitions=1)], policy=policy)
        (mismatch,) = result.mismatches
        assert mismatch == LayoutMismatch(topic, "replication factor", 1, 2)
        assert "partition reassignment" in mismatch.explain()
        assert await replication_factor(bootstrap, topic) == 1
    finally:
        await delete_topics(bootstrap, [topic])
