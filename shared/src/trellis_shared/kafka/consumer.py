"""Reliable event consumption: parse, trace, retry with backoff, dead-letter.

The offset of a record is committed only after it was processed or parked in
the dead-letter topic, so a crash redelivers instead of losing it. A record that
cannot be parsed, or that keeps failing after the retries, goes to
`<topic>.dlt` with the reason in its headers, and the partition moves on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol, cast

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy
from opentelemetry import trace
from pydantic import ValidationError

from trellis_shared.events.envelope import Envelope, decode_headers, envelope_from_kafka
from trellis_shared.kafka.topics import dead_letter_topic
from trellis_shared.telemetry import context_from_headers

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("trellis.kafka.consumer")


class PoisonMessage(Exception):
    """Raised by a handler for a message that no retry can fix (dead-letter it now)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    first_backoff_s: float = 0.2
    max_backoff_s: float = 5.0

    def backoff(self, failed_attempt: int) -> float:
        return float(min(self.max_backoff_s, self.first_backoff_s * 2 ** (failed_attempt - 1)))


@dataclass(frozen=True)
class ConsumedRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def consumed_record(raw: ConsumerRecord[bytes, bytes]) -> ConsumedRecord:
    return ConsumedRecord(
        topic=raw.topic,
        partition=raw.partition,
        offset=raw.offset,
        key=raw.key,
        body=raw.value or b"",
        headers=decode_headers(raw.headers or ()),
    )


class Outcome(Enum):
    PROCESSED = "processed"
    DEAD_LETTERED = "dead_lettered"


EventHandler = Callable[[Envelope, ConsumedRecord], Awaitable[None]]


class DeadLetterSink(Protocol):
    async def send(self, topic: str, record: ConsumedRecord, headers: dict[str, str]) -> None: ...


@dataclass
class BrokerDeadLetterSink:
    broker: KafkaBroker

    async def send(self, topic: str, record: ConsumedRecord, headers: dict[str, str]) -> None:
        await self.broker.publish(record.body, topic=topic, key=record.key, headers=headers)


async def process_record(
    record: ConsumedRecord,
    handler: EventHandler,
    *,
    consumer: str,
    dead_letters: DeadLetterSink,
    retry: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> Outcome:
    """Run `handler` on one record under the reliability rules above.

    Raises only when the dead-letter topic itself cannot be written; then the
    caller must not commit, and the record will be delivered again.
    """
    parent = context_from_headers(record.headers)
    with _tracer.start_as_current_span(
        f"{record.topic} process",
        context=parent,
        kind=trace.SpanKind.CONSUMER,
        attributes={
            "messaging.system": "kafka",
            "messaging.destination.name": record.topic,
            "messaging.kafka.partition": record.partition,
            "messaging.kafka.offset": record.offset,
            "messaging.consumer.group.name": consumer,
        },
    ) as span:
        try:
            envelope = envelope_from_kafka(record.body)
        except ValidationError as exc:
            span.set_attribute("trellis.dead_letter.reason", "unparseable")
            await _dead_letter(record, consumer, dead_letters, "unparseable", str(exc))
            return Outcome.DEAD_LETTERED
        span.set_attribute("messaging.message.id", envelope.id)
        error = await _handle_with_retries(envelope, record, handler, retry, sleep)
        if error is None:
            log.info(
                "event processed",
                extra={"event_id": envelope.id, "event_type": envelope.type, "consumer": consumer},
            )
            return Outcome.PROCESSED
        span.record_exception(error)
        reason = "poison" if isinstance(error, PoisonMessage | ValidationError) else "failed"
        await _dead_letter(record, consumer, dead_letters, reason, repr(error))
        return Outcome.DEAD_LETTERED


async def _handle_with_retries(
    envelope: Envelope,
    record: ConsumedRecord,
    handler: EventHandler,
    retry: RetryPolicy,
    sleep: Callable[[float], Awaitable[Any]],
) -> Exception | None:
    for attempt in range(1, retry.attempts + 1):
        try:
            await handler(envelope, record)
            return None
        except (PoisonMessage, ValidationError) as exc:
            # A payload that does not fit its contract will not fit next time either.
            return exc
        except Exception as exc:
            if attempt == retry.attempts:
                return exc
            delay = retry.backoff(attempt)
            log.warning(
                "handler failed; retrying",
                extra={
                    "event_id": envelope.id,
                    "attempt": attempt,
                    "delay_s": delay,
                    "error": repr(exc),
                },
            )
            await sleep(delay)
    return None  # unreachable: the loop returns on the last attempt


async def _dead_letter(
    record: ConsumedRecord,
    consumer: str,
    dead_letters: DeadLetterSink,
    reason: str,
    detail: str,
) -> None:
    headers = dict(record.headers)
    headers.update(
        {
            "trellis_dlt_reason": reason,
            "trellis_dlt_error": detail[:2000],
            "trellis_dlt_consumer": consumer,
            "trellis_dlt_source_topic": record.topic,
            "trellis_dlt_source_partition": str(record.partition),
            "trellis_dlt_source_offset": str(record.offset),
        }
    )
    target = dead_letter_topic(record.topic)
    await dead_letters.send(target, record, headers)
    log.error(
        "message dead-lettered",
        extra={
            "reason": reason,
            "dead_letter_topic": target,
            "source_offset": record.offset,
            "consumer": consumer,
        },
    )


def subscribe_events(
    broker: KafkaBroker,
    topics: str | Sequence[str],
    handler: EventHandler,
    *,
    group_id: str,
    retry: RetryPolicy = RetryPolicy(),
) -> None:
    """Register `handler` for `topics` in consumer group `group_id` with the rules above.

    All topics share one consumer, so a service joins its group once instead of
    once per topic (each join would trigger a rebalance of the others).
    """
    sink = BrokerDeadLetterSink(broker)

    async def on_message(message: KafkaMessage) -> None:
        record = consumed_record(cast(ConsumerRecord[bytes, bytes], message.raw_message))
        await process_record(record, handler, consumer=group_id, dead_letters=sink, retry=retry)

    names = [topics] if isinstance(topics, str) else list(topics)
    broker.subscriber(
        *names,
        group_id=group_id,
        # Commit after processing; on an exception (dead-letter topic down) seek
        # back so the record is read again rather than skipped.
        ack_policy=AckPolicy.NACK_ON_ERROR,
        auto_offset_reset="earliest",
    )(on_message)
