"""Topics take replication, min.insync.replicas and dead-letter retention from configuration."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from trellis_shared.kafka.topics import THIRTY_DAYS_MS, TopicPolicy, TopicSpec
from trellis_shared.settings import TrellisSettings

pytestmark = pytest.mark.unit

K8S_MANIFESTS = Path(__file__).resolve().parents[3] / "deploy" / "k8s"


def k8s_config_map(name: str) -> dict[str, str]:
    """The flat `data:` of one ConfigMap under deploy/k8s (no YAML library needed:
    a ConfigMap's data is one level of `KEY: "value"` lines)."""
    for manifest in sorted(K8S_MANIFESTS.glob("*.yaml")):
        for document in manifest.read_text().split("\n---"):
            if "kind: ConfigMap" not in document or f"name: {name}" not in document:
                continue
            data: dict[str, str] = {}
            in_data = False
            for line in document.splitlines():
                if line.startswith("data:"):
                    in_data = True
                elif in_data and line.startswith("  ") and not line.strip().startswith("#"):
                    key, _, value = line.strip().partition(":")
                    data[key] = value.split("#")[0].strip().strip('"')
                elif in_data and line and not line.startswith(" "):
                    in_data = False
            return data
    raise AssertionError(f"no ConfigMap {name} under {K8S_MANIFESTS}")


def test_the_kubernetes_config_replicates_topics_three_times_and_needs_two_in_sync(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in k8s_config_map("trellis-config").items():
        monkeypatch.setenv(key, value)
    policy = TopicPolicy.from_settings(TrellisSettings())
    assert (policy.replication_factor, policy.min_insync_replicas) == (3, 2)
    assert policy.dead_letter_retention_ms == THIRTY_DAYS_MS


def test_locally_topics_have_one_copy_and_dead_letters_stay_thirty_days() -> None:
    policy = TopicPolicy.from_settings(TrellisSettings())
    assert (policy.replication_factor, policy.min_insync_replicas) == (1, 1)
    assert policy.configs_for(TopicSpec("trellis.x.v1.dlt", partitions=1)) == {
        "min.insync.replicas": "1",
        "retention.ms": str(THIRTY_DAYS_MS),
    }


def test_every_topic_states_its_insync_minimum_and_a_declared_retention_wins() -> None:
    policy = TopicPolicy(replication_factor=3, min_insync_replicas=2, dead_letter_retention_ms=5)
    assert policy.configs_for(TopicSpec("trellis.x.v1", retention_ms=7)) == {
        "min.insync.replicas": "2",
        "retention.ms": "7",
    }
    assert policy.configs_for(TopicSpec("trellis.x.v1.dlt", retention_ms=9))["retention.ms"] == "9"


def test_an_insync_minimum_above_the_replication_factor_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # acks=all writes could never succeed on such a topic.
    with pytest.raises(ValueError, match="replication factor"):
        TopicPolicy(replication_factor=1, min_insync_replicas=2)
    monkeypatch.setenv("TRELLIS_TOPIC_MIN_INSYNC_REPLICAS", "2")
    with pytest.raises(ValidationError, match="TRELLIS_TOPIC_REPLICATION_FACTOR"):
        TrellisSettings()
