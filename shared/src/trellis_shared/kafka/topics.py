"""The topics manifest (deploy/topics.toml) and idempotent provisioning.

Broker-side auto-creation is off, so every topic a service uses is declared in
the manifest with its partitions, retention and cleanup policy. Snapshot topics
(full state keyed by aggregate id) are compacted so a new consumer can rebuild a
read model from the latest record per key.

How topics are stored on the cluster (replication factor, `min.insync.replicas`,
how long dead letters are kept) is not in the manifest but in configuration
(`TopicPolicy`): the same manifest serves a one-broker laptop and a
three-broker cluster. Every setting is written on the topic itself, so the
topic does not silently follow whatever the broker's default is.
"""

from __future__ import annotations

import asyncio
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError

from trellis_shared.settings import TrellisSettings

DEAD_LETTER_SUFFIX = ".dlt"
THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000
# DescribeConfigs' source of a value set on the topic itself (not a broker default).
_TOPIC_CONFIG_SOURCE = 1


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int = 3
    retention_ms: int | None = None
    compacted: bool = False
    dead_letter: bool = False
    configs: dict[str, str] = field(default_factory=dict)

    def broker_configs(self) -> dict[str, str]:
        configs = dict(self.configs)
        if self.compacted:
            configs["cleanup.policy"] = "compact"
        if self.retention_ms is not None:
            configs["retention.ms"] = str(self.retention_ms)
        return configs


def dead_letter_topic(topic: str) -> str:
    return topic + DEAD_LETTER_SUFFIX


@dataclass(frozen=True)
class TopicPolicy:
    """How every created topic is stored on the cluster (see the module docstring)."""

    replication_factor: int = 1
    min_insync_replicas: int = 1
    dead_letter_retention_ms: int = THIRTY_DAYS_MS

    def __post_init__(self) -> None:
        if not 1 <= self.min_insync_replicas <= self.replication_factor:
            raise ValueError(
                f"min.insync.replicas {self.min_insync_replicas} must be between 1 and "
                f"the replication factor {self.replication_factor}"
            )

    @classmethod
    def from_settings(cls, settings: TrellisSettings) -> TopicPolicy:
        return cls(
            replication_factor=settings.topic_replication_factor,
            min_insync_replicas=settings.topic_min_insync_replicas,
            dead_letter_retention_ms=settings.dead_letter_retention_ms,
        )

    def configs_for(self, spec: TopicSpec) -> dict[str, str]:
        configs = {"min.insync.replicas": str(self.min_insync_replicas)}
        # Dead letters wait for a person; the broker default (often 7 days) can
        # delete them before anyone looked. Every `.dlt` topic is recognised by
        # name, however it was declared (manifest, test fixture, harness).
        if spec.name.endswith(DEAD_LETTER_SUFFIX) and spec.retention_ms is None:
            configs["retention.ms"] = str(self.dead_letter_retention_ms)
        configs.update(spec.broker_configs())
        return configs


def load_manifest(path: Path) -> list[TopicSpec]:
    """Read the manifest; each topic with `dead_letter = true` also gets `<name>.dlt`."""
    raw = tomllib.loads(path.read_text())
    specs: list[TopicSpec] = []
    for entry in raw.get("topic", []):
        spec = TopicSpec(
            name=entry["name"],
            partitions=int(entry.get("partitions", 3)),
            retention_ms=entry.get("retention_ms"),
            compacted=bool(entry.get("compacted", False)),
            dead_letter=bool(entry.get("dead_letter", False)),
            configs={k: str(v) for k, v in entry.get("configs", {}).items()},
        )
        specs.append(spec)
        if spec.dead_letter:
            # Its retention comes from the TopicPolicy (dead_letter_retention_ms).
            specs.append(
                TopicSpec(name=dead_letter_topic(spec.name), partitions=1, retention_ms=None)
            )
    names = [s.name for s in specs]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"topics declared twice in {path}: {sorted(duplicates)}")
    return specs


async def ensure_topics(
    bootstrap: str, specs: list[TopicSpec], *, policy: TopicPolicy | None = None
) -> tuple[list[str], list[str]]:
    """Create missing topics; return (created, already present). Safe to run twice.

    Topics already present are left as they are (changing a replication factor
    needs a partition reassignment, not a config write)."""
    policy = policy or TopicPolicy()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [s for s in specs if s.name not in existing]
        created: list[str] = []
        for spec in missing:
            try:
                await admin.create_topics(
                    [
                        NewTopic(
                            name=spec.name,
                            num_partitions=spec.partitions,
                            replication_factor=policy.replication_factor,
                            topic_configs=policy.configs_for(spec),
                        )
                    ]
                )
                created.append(spec.name)
            except TopicAlreadyExistsError:
                pass  # another provisioner won the race; that is fine
        present = [s.name for s in specs if s.name in existing]
        await _wait_until_listed(admin, [s.name for s in missing])
        return created, present
    finally:
        await admin.close()


async def explicit_topic_configs(bootstrap: str, name: str) -> dict[str, str]:
    """The configs set on the topic itself (what the topic does not inherit)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        (response,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
        (resource,) = response.resources
        error_code, error_message, entries = resource[0], resource[1], resource[4]
        if error_code:
            raise RuntimeError(f"describe configs of {name}: {error_code} {error_message}")
        # Entries (v1+): name, value, read_only, config_source, is_sensitive, synonyms.
        return {entry[0]: entry[1] for entry in entries if entry[3] == _TOPIC_CONFIG_SOURCE}
    finally:
        await admin.close()


async def delete_topics(bootstrap: str, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        doomed = [n for n in names if n in existing]
        if doomed:
            await admin.delete_topics(doomed)
    finally:
        await admin.close()


async def _wait_until_listed(admin: AIOKafkaAdminClient, names: list[str]) -> None:
    """Topic creation is asynchronous on the broker; wait until metadata shows it."""
    for _ in range(100):
        if set(names) <= set(await admin.list_topics()):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"topics not visible after creation: {names}")
