"""Which payload model belongs to which event type, version and topic.

Each service's contract module registers its events here; the schema exporter
and the contract test walk the registry, so an event cannot be added without a
checked-in schema.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from trellis_shared.events.envelope import Envelope, EventPayload


@dataclass(frozen=True)
class EventSpec:
    payload: type[EventPayload]
    topic: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.payload.event_type, self.payload.event_version)

    @property
    def schema_file_name(self) -> str:
        return f"{self.payload.event_type}.v{self.payload.event_version}.json"


class EventRegistry:
    def __init__(self) -> None:
        self._specs: dict[tuple[str, int], EventSpec] = {}

    def register(self, payload: type[EventPayload], *, topic: str) -> type[EventPayload]:
        spec = EventSpec(payload=payload, topic=topic)
        if spec.key in self._specs and self._specs[spec.key] != spec:
            raise ValueError(f"event {spec.key} registered twice with different contracts")
        self._specs[spec.key] = spec
        return payload

    def specs(self) -> list[EventSpec]:
        return sorted(self._specs.values(), key=lambda s: s.key)

    def spec_for(self, payload: EventPayload | type[EventPayload]) -> EventSpec:
        key = (payload.event_type, payload.event_version)
        try:
            return self._specs[key]
        except KeyError:
            raise KeyError(f"event {key} is not registered") from None

    def parse(self, envelope: Envelope) -> EventPayload | None:
        """The typed payload, or None for a type/version this registry does not know.

        Unknown events are not errors: a newer producer may emit types an older
        consumer has no use for.
        """
        spec = self._specs.get((envelope.type, envelope.version))
        if spec is None:
            return None
        return spec.payload.model_validate(envelope.data)


def event_schema(spec: EventSpec) -> dict[str, object]:
    """The JSON schema of the full envelope with this event's payload as `data`."""
    envelope_schema = Envelope.model_json_schema()
    data_schema = spec.payload.model_json_schema()
    envelope_schema["title"] = spec.payload.event_type
    envelope_schema["properties"]["type"] = {"const": spec.payload.event_type}
    envelope_schema["properties"]["version"] = {"const": spec.payload.event_version}
    defs = data_schema.pop("$defs", {})
    envelope_schema["properties"]["data"] = data_schema
    if defs:
        envelope_schema.setdefault("$defs", {}).update(defs)
    envelope_schema["x-kafka-topic"] = spec.topic
    return envelope_schema


def render_schema(spec: EventSpec) -> str:
    return json.dumps(event_schema(spec), indent=2, sort_keys=True) + "\n"


def export_schemas(registry: EventRegistry, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in registry.specs():
        path = directory / spec.schema_file_name
        path.write_text(render_schema(spec))
        written.append(path)
    return written
