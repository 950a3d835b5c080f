import json
import logging
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider

from trellis_shared.errors import DependencyUnreachable
from trellis_shared.kafka.topics import load_manifest
from trellis_shared.logging import JsonFormatter
from trellis_shared.settings import TrellisSettings
from trellis_shared.startup import _redact
from trellis_shared.telemetry import context_from_headers, current_traceparent

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[3]


def test_manifest_adds_dead_letter_topics_and_compaction(tmp_path: Path) -> None:
    manifest = tmp_path / "topics.toml"
    manifest.write_text(
        '[[topic]]\nname = "a.v1"\npartitions = 6\ndead_letter = true\n'
        '[[topic]]\nname = "b.snapshots.v1"\ncompacted = true\nretention_ms = 1000\n'
    )
    specs = {s.name: s for s in load_manifest(manifest)}
    assert set(specs) == {"a.v1", "a.v1.dlt", "b.snapshots.v1"}
    assert specs["a.v1"].partitions == 6
    assert specs["b.snapshots.v1"].broker_configs() == {
        "cleanup.policy": "compact",
        "retention.ms": "1000",
    }


def test_manifest_rejects_duplicate_names(tmp_path: Path) -> None:
    manifest = tmp_path / "topics.toml"
    manifest.write_text('[[topic]]\nname = "a"\n[[topic]]\nname = "a"\n')
    with pytest.raises(ValueError, match="twice"):
        load_manifest(manifest)


def test_checked_in_manifest_loads() -> None:
    names = [s.name for s in load_manifest(REPO / "deploy" / "topics.toml")]
    assert "trellis.skeleton.tally.v1" in names


def test_json_log_lines_carry_trace_ids_and_extras() -> None:
    tracer = TracerProvider().get_tracer("t")
    formatter = JsonFormatter("svc")
    with tracer.start_as_current_span("work") as span:
        record = logging.makeLogRecord(
            {
                "msg": "hello %s",
                "args": ("you",),
                "levelname": "INFO",
                "name": "x",
                "event_id": "e1",
            }
        )
        line = json.loads(formatter.format(record))
        expected = format(span.get_span_context().trace_id, "032x")
    assert line["message"] == "hello you"
    assert line["service"] == "svc"
    assert line["trace_id"] == expected
    assert line["event_id"] == "e1"


def test_trace_context_round_trips_through_headers() -> None:
    tracer = TracerProvider().get_tracer("t")
    with tracer.start_as_current_span("work") as span:
        headers = current_traceparent()
    restored = context_from_headers(headers)
    from opentelemetry import trace

    assert trace.get_current_span(restored).get_span_context().trace_id == (
        span.get_span_context().trace_id
    )


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRELLIS_KAFKA_PORT", raising=False)
    monkeypatch.setenv("TRELLIS_KAFKA_BOOTSTRAP", "kafka.example:19092")
    assert TrellisSettings().kafka_bootstrap == "kafka.example:19092"
    monkeypatch.delenv("TRELLIS_KAFKA_BOOTSTRAP")
    assert TrellisSettings().kafka_bootstrap == "localhost:9092"


def test_default_addresses_follow_the_embedded_stack_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    # `deploy/local/stack.sh` listens on these ports; unset addresses must find it there.
    monkeypatch.delenv("TRELLIS_KAFKA_BOOTSTRAP", raising=False)
    monkeypatch.delenv("TRELLIS_MONGODB_URI", raising=False)
    monkeypatch.setenv("TRELLIS_KAFKA_PORT", "19092")
    monkeypatch.setenv("TRELLIS_FERRETDB_PORT", "37017")
    settings = TrellisSettings()
    assert settings.kafka_bootstrap == "localhost:19092"
    assert settings.mongodb_uri == "mongodb://localhost:37017"


def test_unreachable_message_names_address_and_variable_without_password() -> None:
    error = DependencyUnreachable(
        "the database", _redact("mongodb://u:secret@db:27017"), "TRELLIS_MONGODB_URI"
    )
    assert "secret" not in str(error)
    assert "db:27017" in str(error)
    assert "TRELLIS_MONGODB_URI" in str(error)
