"""Reliable event consumption: parse, trace, retry with backoff, dead-letter.

The offset of a record is committed only after it was processed or parked in
the dead-letter topic, so a crash redelivers instead of losing it. What happens
to a failure depends on its kind (`trellis_shared.kafka.failures`):

- transient (database, peer or broker unreachable, timeouts): retried with
  capped, jittered exponential backoff for as long as it lasts; the partition
  waits, so nothing after the record is processed before it;
- poison (unparseable, failing validation, `PoisonMessage`, a domain refusal):
  `<topic>.dlt` at once, with the reason in its headers, and the partition
  moves on;
- anything else: a few attempts, then `<topic>.dlt`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol, cast

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import IllegalStateError, KafkaError
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy
from opentelemetry import trace
from pydantic import ValidationError

from trellis_shared.crash_points import crash_point
from trellis_shared.events.envelope import Envelope, decode_headers, envelope_from_kafka
from trellis_shared.kafka.failures import Failure, classify
from trellis_shared.kafka.failures import PoisonMessage as PoisonMessage
from trellis_shared.kafka.topics import dead_letter_topic
from trellis_shared.metrics.counters import count_dead_letter, count_retry
from trellis_shared.telemetry import context_from_headers

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("trellis.kafka.consumer")


@dataclass(frozen=True)
class RetryPolicy:
    """How a failing handler is retried (see `failures` for the kinds of failure).

    A transient failure is retried for as long as it lasts; any other failure
    `attempts` times in all, then the record is dead-lettered. The wait doubles
    from `first_backoff_s` up to `max_backoff_s`, and each wait is cut by a random
    share of up to `jitter`, so replicas that failed together retry apart.
    """

    attempts: int = 4
    first_backoff_s: float = 0.2
    max_backoff_s: float = 5.0
    jitter: float = 0.5

    def backoff(self, failed_attempt: int, draw: Callable[[], float] = random.random) -> float:
        doubled = self.first_backoff_s * 2.0 ** min(failed_attempt - 1, 60)
        return min(self.max_backoff_s, doubled) * (1.0 - self.jitter * draw())


@dataclass
class RetryState:
    """How often one record has failed so far; kept across its redeliveries."""

    transient: int = 0
    other: int = 0
    delay_s: float = 0.0  # the wait before the next attempt


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
    # A transient failure with `defer_transient`: the caller redelivers it later.
    DEFERRED = "deferred"


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
    state: RetryState | None = None,
    defer_transient: bool = False,
) -> Outcome:
    """Run `handler` on one record under the reliability rules above.

    A transient failure is retried here, sleeping in between, until it passes;
    with `defer_transient` it returns DEFERRED instead, for a caller that must
    not block (a group member pauses the partition and reads the record again).
    `state` carries the failure counts across such redeliveries.

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
        state = state if state is not None else RetryState()
        while True:
            try:
                await handler(envelope, record)
            except Exception as exc:
                kind = classify(exc)
                if kind is Failure.TRANSIENT:
                    state.transient += 1
                    delay = state.delay_s = retry.backoff(state.transient)
                else:
                    state.other += 1
                    delay = state.delay_s = retry.backoff(state.other)
                    if kind is Failure.POISON or state.other >= retry.attempts:
                        span.record_exception(exc)
                        reason = "poison" if kind is Failure.POISON else "failed"
                        await _dead_letter(record, consumer, dead_letters, reason, repr(exc))
                        return Outcome.DEAD_LETTERED
                count_retry(consumer=consumer, topic=record.topic, reason=kind.value)
                log.warning(
                    "handler failed; retrying",
                    extra={
                        "event_id": envelope.id,
                        "failure": kind.value,
                        "attempt": state.transient + state.other,
                        "delay_s": round(delay, 3),
                        "error": repr(exc),
                        "consumer": consumer,
                    },
                )
                if kind is Failure.TRANSIENT and defer_transient:
                    return Outcome.DEFERRED
                await sleep(delay)
            else:
                crash_point("after_effect")  # done, offset not committed: delivered again
                log.info(
                    "event processed",
                    extra={
                        "event_id": envelope.id,
                        "event_type": envelope.type,
                        "consumer": consumer,
                    },
                )
                return Outcome.PROCESSED


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
    # Counted once the record is parked: a send that failed is retried, not lost.
    count_dead_letter(consumer=consumer, topic=record.topic, reason=reason)
    log.error(
        "message dead-lettered",
        extra={
            "reason": reason,
            "dead_letter_topic": target,
            "source_offset": record.offset,
            "consumer": consumer,
        },
    )


class PartitionHolds:
    """Records of a group consumer waiting out a transient failure, one per partition.

    Sleeping inside the handler would stop the consumer from polling, and a
    member that does not poll within `max.poll.interval.ms` is dropped from its
    group. So a held record's partition is paused and rewound to the record
    (nothing after it is read, and a commit stays at it), the handler returns,
    the consumer keeps polling its other partitions, and after the backoff the
    partition resumes and the same record is delivered again.
    """

    def __init__(self) -> None:
        self._held: dict[TopicPartition, tuple[int, RetryState]] = {}
        self._timers: dict[TopicPartition, asyncio.TimerHandle] = {}

    def state_of(self, record: ConsumedRecord) -> RetryState:
        partition = TopicPartition(record.topic, record.partition)
        held = self._held.get(partition)
        if held is None or held[0] != record.offset:
            held = (record.offset, RetryState())
            self._held[partition] = held
        return held[1]

    def release(self, record: ConsumedRecord) -> None:
        self._held.pop(TopicPartition(record.topic, record.partition), None)

    def hold(self, consumer: AIOKafkaConsumer, record: ConsumedRecord) -> None:
        """Pause the record's partition at the record; resume it after the backoff."""
        partition = TopicPartition(record.topic, record.partition)
        try:
            consumer.pause(partition)
            consumer.seek(partition, record.offset)
        except IllegalStateError:
            return  # revoked meanwhile: its new owner reads it from the commit
        previous = self._timers.pop(partition, None)
        if previous is not None:
            previous.cancel()
        self._timers[partition] = asyncio.get_running_loop().call_later(
            self.state_of(record).delay_s, self._resume, consumer, partition
        )

    def _resume(self, consumer: AIOKafkaConsumer, partition: TopicPartition) -> None:
        self._timers.pop(partition, None)
        with contextlib.suppress(KafkaError):  # revoked, or the consumer stopped
            consumer.resume(partition)


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
    once per topic (each join would trigger a rebalance of the others). A
    transient failure holds the record's partition (`PartitionHolds`) for as
    long as it lasts; the other partitions go on.
    """
    sink = BrokerDeadLetterSink(broker)
    holds = PartitionHolds()

    async def on_message(message: KafkaMessage) -> None:
        record = consumed_record(cast(ConsumerRecord[bytes, bytes], message.raw_message))
        kafka = message.consumer
        if not isinstance(kafka, AIOKafkaConsumer):  # an in-memory test broker
            await process_record(record, handler, consumer=group_id, dead_letters=sink, retry=retry)
            return
        state = holds.state_of(record)
        try:
            outcome = await process_record(
                record,
                handler,
                consumer=group_id,
                dead_letters=sink,
                retry=retry,
                state=state,
                defer_transient=True,
            )
        except Exception as exc:
            if classify(exc) is not Failure.TRANSIENT:
                raise  # NACK: seek back, read it again
            state.transient += 1  # the dead-letter topic is unreachable for now
            state.delay_s = retry.backoff(state.transient)
            count_retry(consumer=group_id, topic=record.topic, reason=Failure.TRANSIENT.value)
            log.warning("dead-letter topic unreachable; holding", extra={"error": repr(exc)})
            outcome = Outcome.DEFERRED
        if outcome is Outcome.DEFERRED:
            holds.hold(kafka, record)  # then return: the commit stays at this record
        else:
            holds.release(record)

    names = [topics] if isinstance(topics, str) else list(topics)
    broker.subscriber(
        *names,
        group_id=group_id,
        # Commit after processing; on an exception (dead-letter topic down) seek
        # back so the record is read again rather than skipped.
        ack_policy=AckPolicy.NACK_ON_ERROR,
        auto_offset_reset="earliest",
    )(on_message)
