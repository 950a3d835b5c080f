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

Provisioning converges: an existing topic gets the policy's configs where its
own differ (other configs set on it are kept), and a partition count or
replication factor that differs is reported, not changed.
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


@dataclass(frozen=True)
class LayoutMismatch:
    """An existing topic whose partitions or replication differ from what is asked.

    Provisioning reports these and never changes them: they are not configs."""

    topic: str
    what: str  # "replication factor" or "partitions"
    has: int
    wanted: int

    def explain(self) -> str:
        if self.what == "replication factor":
            why = (
                "changing it needs a partition reassignment "
                "(kafka-reassign-partitions), an operator's step"
            )
        elif self.wanted < self.has:
            why = "Kafka cannot remove partitions (only recreating the topic can)"
        else:
            why = (
                "adding partitions moves keys to other partitions, which breaks per-key "
                "order for records already written; add them by hand when that is safe"
            )
        return (
            f"topic {self.topic} has {self.what} {self.has}, the manifest and policy ask "
            f"for {self.wanted}; not changed automatically: {why}"
        )


@dataclass(frozen=True)
class Provisioning:
    """What `ensure_topics` did: every manifest topic is in exactly one of `created`,
    `updated` and `already_right`, unless it is in `mismatches` (then it may also be
    in `updated`: its configs were still converged)."""

    created: list[str] = field(default_factory=list)
    # topic -> config -> (value before, if it was set on the topic; value written)
    updated: dict[str, dict[str, tuple[str | None, str]]] = field(default_factory=dict)
    already_right: list[str] = field(default_factory=list)
    mismatches: list[LayoutMismatch] = field(default_factory=list)


async def ensure_topics(
    bootstrap: str, specs: list[TopicSpec], *, policy: TopicPolicy | None = None
) -> Provisioning:
    """Create missing topics and converge existing ones to the policy. Safe to run twice.

    An existing topic gets the policy's configs (`TopicPolicy.configs_for`) where
    its own differ; every other config set on the topic (an operator's
    `max.message.bytes`, say) is kept. Partition counts and replication factors
    are only compared: a difference is returned in `mismatches`, never changed."""
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
                pass  # another provisioner won the race: converged below like any other
        await _wait_until_listed(admin, [s.name for s in missing])
        present = [s for s in specs if s.name not in created]
        mismatches = await _layout_mismatches(admin, present, policy)
        updated = await _converge_configs(admin, present, policy)
        odd = {m.topic for m in mismatches}
        already_right = [s.name for s in present if s.name not in updated and s.name not in odd]
        return Provisioning(created, updated, already_right, mismatches)
    finally:
        await admin.close()


async def _layout_mismatches(
    admin: AIOKafkaAdminClient, specs: list[TopicSpec], policy: TopicPolicy
) -> list[LayoutMismatch]:
    if not specs:
        return []
    described = {t["topic"]: t for t in await admin.describe_topics([s.name for s in specs])}
    mismatches: list[LayoutMismatch] = []
    for spec in specs:
        topic = described.get(spec.name)
        if topic is None or topic["error_code"]:
            code = None if topic is None else topic["error_code"]
            raise RuntimeError(f"describe topic {spec.name}: error {code}")
        partitions = topic["partitions"]
        if len(partitions) != spec.partitions:
            mismatches.append(
                LayoutMismatch(spec.name, "partitions", len(partitions), spec.partitions)
            )
        copies = {len(p["replicas"]) for p in partitions}
        if copies != {policy.replication_factor}:
            # The weakest partition if any is short of the policy, else the largest.
            short = min(copies)
            has = short if short < policy.replication_factor else max(copies)
            mismatches.append(
                LayoutMismatch(spec.name, "replication factor", has, policy.replication_factor)
            )
    return mismatches


async def _converge_configs(
    admin: AIOKafkaAdminClient, specs: list[TopicSpec], policy: TopicPolicy
) -> dict[str, dict[str, tuple[str | None, str]]]:
    """Write the policy's configs where a topic's own differ; keep all its others.

    aiokafka has only the non-incremental AlterConfigs, which replaces the whole
    set of configs set on the topic: so the set sent is the topic's own configs
    with the policy's laid over them."""
    if not specs:
        return {}
    explicit = await _explicit_configs(admin, [s.name for s in specs])
    changes: dict[str, dict[str, tuple[str | None, str]]] = {}
    resources: list[ConfigResource] = []
    for spec in specs:
        own = explicit[spec.name]
        wanted = policy.configs_for(spec)
        change = {k: (own.get(k), v) for k, v in wanted.items() if own.get(k) != v}
        if not change:
            continue
        hidden = sorted(k for k, v in own.items() if v is None)
        if hidden:
            # A value the broker will not show cannot be sent back, and leaving it
            # out of the replacing set would delete it.
            raise RuntimeError(
                f"topic {spec.name}: cannot rewrite its configs without losing {hidden} "
                "(sensitive, values not readable); set "
                f"{sorted(change)} on it by hand"
            )
        merged = {k: v for k, v in own.items() if v is not None} | wanted
        resources.append(ConfigResource(ConfigResourceType.TOPIC, spec.name, merged))
        changes[spec.name] = change
    if resources:
        for response in await admin.alter_configs(resources):
            for error_code, error_message, _type, name in response.resources:
                if error_code:
                    raise RuntimeError(f"alter configs of {name}: {error_code} {error_message}")
    return changes


async def _explicit_configs(
    admin: AIOKafkaAdminClient, names: list[str]
) -> dict[str, dict[str, str | None]]:
    """Per topic, the configs set on the topic itself (None: a sensitive value)."""
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    configs: dict[str, dict[str, str | None]] = {}
    for response in await admin.describe_configs(resources):
        for resource in response.resources:
            error_code, error_message, name, entries = (
                resource[0],
                resource[1],
                resource[3],
                resource[4],
            )
            if error_code:
                raise RuntimeError(f"describe configs of {name}: {error_code} {error_message}")
            # Entries (v1+): name, value, read_only, config_source, is_sensitive, synonyms.
            configs[name] = {e[0]: e[1] for e in entries if e[3] == _TOPIC_CONFIG_SOURCE}
    missing = [name for name in names if name not in configs]
    if missing:
        raise RuntimeError(f"describe configs: no answer for {missing}")
    return configs


async def explicit_topic_configs(bootstrap: str, name: str) -> dict[str, str]:
    """The configs set on the topic itself (what the topic does not inherit)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        configs = (await _explicit_configs(admin, [name]))[name]
        return {k: v for k, v in configs.items() if v is not None}
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
