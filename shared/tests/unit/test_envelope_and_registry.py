import json

import pytest
from pydantic import ValidationError

from trellis_shared.contracts.catalog import SCHEMA_DIR, load_all
from trellis_shared.contracts.skeleton import TALLY_TOPIC, TallyIncremented
from trellis_shared.events.envelope import (
    Envelope,
    decode_headers,
    envelope_from_kafka,
    kafka_headers,
)
from trellis_shared.events.registry import EventRegistry, event_schema, render_schema

pytestmark = pytest.mark.unit


def sample() -> TallyIncremented:
    return TallyIncremented(tally_id="t1", amount=2, total=5, sequence=3)


def test_wrap_carries_type_version_subject_and_data() -> None:
    envelope = Envelope.wrap(sample(), source="skeleton", subject="t1")
    assert envelope.type == "trellis.skeleton.tally.incremented"
    assert envelope.version == 1
    assert envelope.subject == "t1"
    assert envelope.data == {"tally_id": "t1", "amount": 2, "total": 5, "sequence": 3}
    assert envelope.time.tzinfo is not None


def test_envelope_round_trips_through_bytes() -> None:
    envelope = Envelope.wrap(sample(), source="skeleton", subject="t1")
    assert envelope_from_kafka(envelope.to_bytes()) == envelope


@pytest.mark.parametrize("body", [b"not json", b"{}", b'{"type": "x"}', b"\xff\xfe"])
def test_malformed_bodies_are_rejected(body: bytes) -> None:
    with pytest.raises(ValidationError):
        envelope_from_kafka(body)


def test_unknown_fields_are_ignored_by_consumers() -> None:
    envelope = Envelope.wrap(sample(), source="skeleton", subject="t1")
    raw = json.loads(envelope.to_bytes())
    raw["newer_attribute"] = "from a newer producer"
    raw["data"]["newer_field"] = 42
    parsed = envelope_from_kafka(json.dumps(raw).encode())
    registry = load_all()
    assert registry.parse(parsed) == sample()


def test_unknown_event_types_parse_to_none() -> None:
    envelope = Envelope(type="trellis.other.thing", version=1, source="x", subject="s", data={})
    assert load_all().parse(envelope) is None


def test_kafka_headers_carry_cloudevents_attributes_and_trace() -> None:
    envelope = Envelope.wrap(sample(), source="skeleton", subject="t1")
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    headers = kafka_headers(envelope, {"traceparent": traceparent, "baggage": "ignored"})
    assert headers["ce_id"] == envelope.id
    assert headers["ce_type"] == envelope.type
    assert headers["ce_specversion"] == "1.0"
    assert headers["traceparent"] == traceparent
    assert "baggage" not in headers


def test_decode_headers_tolerates_bad_bytes() -> None:
    assert decode_headers([("a", b"ok"), ("b", b"\xff")]) == {"a": "ok", "b": "\ufffd"}


def test_registering_a_conflicting_contract_fails() -> None:
    registry = EventRegistry()
    registry.register(TallyIncremented, topic="one")
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(TallyIncremented, topic="two")


def test_schema_pins_type_version_and_topic() -> None:
    spec = load_all().spec_for(TallyIncremented)
    schema = event_schema(spec)
    assert schema["x-kafka-topic"] == TALLY_TOPIC
    assert schema["properties"]["type"] == {"const": TallyIncremented.event_type}  # type: ignore[index]


@pytest.mark.parametrize("spec", load_all().specs(), ids=lambda s: s.schema_file_name)
def test_checked_in_schema_matches_the_model(spec) -> None:  # type: ignore[no-untyped-def]
    """Contract test: a payload change without a schema update (make contracts) fails."""
    path = SCHEMA_DIR / spec.schema_file_name
    assert path.exists(), f"missing {path}; run `make contracts`"
    assert path.read_text() == render_schema(spec), f"{path.name} drifted; run `make contracts`"


def test_every_checked_in_schema_has_a_registered_event() -> None:
    registered = {spec.schema_file_name for spec in load_all().specs()}
    on_disk = {path.name for path in SCHEMA_DIR.glob("*.json")}
    assert on_disk == registered
