"""Counters kept where the thing happens: the consumer's failure handling, the relay.

Created on the global meter at import; until `configure_metrics` runs they
record nothing (OpenTelemetry's proxy instruments), so library code and unit
tests can count without setting anything up.
"""

from __future__ import annotations

from opentelemetry import metrics

_meter = metrics.get_meter("trellis")

_retries = _meter.create_counter(
    "trellis.consumer.retries",
    unit="{attempt}",
    description="failed handler attempts of a consumed record that will be tried again",
)
_dead_letters = _meter.create_counter(
    "trellis.consumer.dead_letters",
    unit="{record}",
    description="consumed records parked on their dead-letter topic",
)
_published = _meter.create_counter(
    "trellis.outbox.published",
    unit="{event}",
    description="outbox events the relay published to Kafka",
)
_publish_failures = _meter.create_counter(
    "trellis.outbox.publish_failures",
    unit="{event}",
    description="outbox publishes the broker refused (the event stays pending)",
)


def count_retry(*, consumer: str, topic: str, reason: str) -> None:
    """`reason`: the failure's kind, `transient` (waited out) or `unknown` (a few tries)."""
    _retries.add(1, {"consumer": consumer, "topic": topic, "reason": reason})


def count_dead_letter(*, consumer: str, topic: str, reason: str) -> None:
    """`reason` as in the record's `trellis_dlt_reason` header; `topic` is the source."""
    _dead_letters.add(1, {"consumer": consumer, "topic": topic, "reason": reason})


def count_published(*, collection: str, topic: str) -> None:
    _published.add(1, {"collection": collection, "topic": topic})


def count_publish_failure(*, collection: str, topic: str) -> None:
    _publish_failures.add(1, {"collection": collection, "topic": topic})
