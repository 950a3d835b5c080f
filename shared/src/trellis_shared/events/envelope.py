"""One envelope for every Trellis event (CloudEvents attributes, JSON body).

The body of a Kafka record is the whole envelope as JSON; the headers repeat
the CloudEvents attributes (binary-mode names `ce_*`) so brokers, tools and
consumers can route or filter without parsing the body, and carry the W3C
`traceparent` of the write that raised the event.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

CLOUDEVENTS_SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"


class EventPayload(BaseModel):
    """Base for the `data` of an event.

    Subclasses name their type and schema version. Consumers ignore fields they
    do not know (`extra="ignore"`), so producers may add optional fields within
    a version; anything breaking is a new version.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    event_version: ClassVar[int] = 1


class Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()), min_length=1)
    type: str = Field(min_length=1, description="e.g. trellis.postings.application.submitted")
    version: int = Field(ge=1, description="schema version of `data` for this type")
    time: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    source: str = Field(min_length=1, description="the service that raised the event")
    subject: str = Field(min_length=1, description="the aggregate id; also the Kafka key")
    data: dict[str, Any]

    @classmethod
    def wrap(cls, payload: EventPayload, *, source: str, subject: str) -> Envelope:
        return cls(
            type=payload.event_type,
            version=payload.event_version,
            source=source,
            subject=subject,
            data=payload.model_dump(mode="json"),
        )

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()


def kafka_headers(envelope: Envelope, trace_headers: Mapping[str, str]) -> dict[str, str]:
    """CloudEvents binary-mode attributes plus the W3C trace context."""
    headers = {
        "ce_specversion": CLOUDEVENTS_SPEC_VERSION,
        "ce_id": envelope.id,
        "ce_type": envelope.type,
        "ce_source": envelope.source,
        "ce_subject": envelope.subject,
        "ce_time": envelope.time.isoformat(),
        "ce_dataschemaversion": str(envelope.version),
        "content-type": CONTENT_TYPE,
    }
    headers.update({k: v for k, v in trace_headers.items() if k in ("traceparent", "tracestate")})
    return headers


def envelope_from_kafka(body: bytes) -> Envelope:
    """Parse a record body; raises pydantic.ValidationError on anything malformed."""
    return Envelope.model_validate_json(body)


def decode_headers(raw: Iterable[tuple[str, bytes]] | Mapping[str, Any]) -> dict[str, str]:
    """Kafka headers arrive as bytes; tolerate bad bytes rather than fail parsing."""
    items = raw.items() if isinstance(raw, Mapping) else raw
    decoded: dict[str, str] = {}
    for key, value in items:
        if isinstance(value, bytes):
            decoded[key] = value.decode("utf-8", errors="replace")
        elif value is not None:
            decoded[key] = str(value)
    return decoded
