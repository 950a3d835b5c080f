"""`python -m trellis_shared.kafka.provision [manifest]`: create the manifest's topics
and converge existing ones to the topic policy (see `ensure_topics`)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from trellis_shared.kafka.topics import Provisioning, TopicPolicy, ensure_topics, load_manifest
from trellis_shared.settings import TrellisSettings

DEFAULT_MANIFEST = Path(__file__).resolve().parents[4] / "deploy" / "topics.toml"


def main(argv: list[str]) -> int:
    manifest = Path(argv[0]) if argv else DEFAULT_MANIFEST
    settings = TrellisSettings()
    specs = load_manifest(manifest)
    policy = TopicPolicy.from_settings(settings)
    try:
        provisioning = ensure_topics(settings.kafka_bootstrap, specs, policy=policy)
        result = asyncio.run(provisioning)
    except Exception as exc:
        print(
            f"[trellis] topics: cannot provision on {settings.kafka_bootstrap} "
            f"(TRELLIS_KAFKA_BOOTSTRAP): {exc!r}",
            file=sys.stderr,
        )
        return 1
    report(result, manifest, policy)
    return 0


def report(result: Provisioning, manifest: Path, policy: TopicPolicy) -> None:
    for topic, changes in result.updated.items():
        written = ", ".join(
            f"{key} {'(unset)' if before is None else before} -> {after}"
            for key, (before, after) in sorted(changes.items())
        )
        print(f"[trellis] topics: updated {topic}: {written}")
    for mismatch in result.mismatches:
        print(f"[trellis] topics: WARNING {mismatch.explain()}", file=sys.stderr)
    to_fix = len({m.topic for m in result.mismatches})
    by_hand = f", {to_fix} to fix by hand (warnings above)" if to_fix else ""
    print(
        f"[trellis] topics: {len(result.created)} created, {len(result.updated)} updated, "
        f"{len(result.already_right)} already right{by_hand} "
        f"(manifest {manifest}; replication {policy.replication_factor}, "
        f"min.insync.replicas {policy.min_insync_replicas})"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
