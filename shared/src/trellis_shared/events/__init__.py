"""Event envelope, payload base class, registry and JSON-schema export."""

from trellis_shared.events.envelope import (
    Envelope,
    EventPayload,
    envelope_from_kafka,
    kafka_headers,
)
from trellis_shared.events.registry import EventRegistry, EventSpec

__all__ = [
    "Envelope",
    "EventPayload",
    "EventRegistry",
    "EventSpec",
    "envelope_from_kafka",
    "kafka_headers",
]
