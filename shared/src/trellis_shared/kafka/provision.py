"""`python -m trellis_shared.kafka.provision [manifest]`: create the manifest's topics."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from trellis_shared.kafka.topics import TopicPolicy, ensure_topics, load_manifest
from trellis_shared.settings import TrellisSettings

DEFAULT_MANIFEST = Path(__file__).resolve().parents[4] / "deploy" / "topics.toml"


def main(argv: list[str]) -> int:
    manifest = Path(argv[0]) if argv else DEFAULT_MANIFEST
    settings = TrellisSettings()
    specs = load_manifest(manifest)
    policy = TopicPolicy.from_settings(settings)
    try:
        provisioning = ensure_topics(settings.kafka_bootstrap, specs, policy=policy)
        created, present = asyncio.run(provisioning)
    except Exception as exc:
        print(
            f"[trellis] topics: cannot provision on {settings.kafka_bootstrap} "
            f"(TRELLIS_KAFKA_BOOTSTRAP): {exc!r}",
            file=sys.stderr,
        )
        return 1
    print(
        f"[trellis] topics: {len(created)} created, {len(present)} already present "
        f"(manifest {manifest}; replication {policy.replication_factor}, "
        f"min.insync.replicas {policy.min_insync_replicas})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
