"""The topics manifest (deploy/topics.toml) and idempotent provisioning.

Broker-side auto-creation is off, so every topic a service uses is declared in
the manifest with its partitions, retention and cleanup policy. Snapshot topics
(full state keyed by aggregate id) are compacted so a new consumer can rebuild a
read model from the latest record per key.
"""

from __future__ import annotations

import asyncio
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

DEAD_LETTER_SUFFIX = ".dlt"


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
            # Dead letters are kept long enough for someone to look at them.
            specs.append(
                TopicSpec(name=dead_letter_topic(spec.name), partitions=1, retention_ms=None)
            )
    names = [s.name for s in specs]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"topics declared twice in {path}: {sorted(duplicates)}")
    return specs


async def ensure_topics(
    bootstrap: str, specs: list[TopicSpec], *, replication_factor: int = 1
) -> tuple[list[str], list[str]]:
    """Create missing topics; return (created, already present). Safe to run twice."""
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
                            replication_factor=replication_factor,
                            topic_configs=spec.broker_configs(),
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
