"""process_record: retries, dead letters and trace continuation (in memory)."""

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from trellis_shared.contracts.skeleton import TallyIncremented
from trellis_shared.events.envelope import Envelope, kafka_headers
from trellis_shared.kafka.consumer import (
    ConsumedRecord,
    Outcome,
    PoisonMessage,
    RetryPolicy,
    process_record,
)

pytestmark = pytest.mark.unit

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
TRACEPARENT = f"00-{TRACE_ID}-b7ad6b7169203331-01"


class RecordingSink:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, ConsumedRecord, dict[str, str]]] = []
        self.fail = fail

    async def send(self, topic: str, record: ConsumedRecord, headers: dict[str, str]) -> None:
        if self.fail:
            raise ConnectionError("dead-letter topic unreachable")
        self.sent.append((topic, record, headers))


class NoSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def record(body: bytes, headers: dict[str, str] | None = None) -> ConsumedRecord:
    return ConsumedRecord(
        topic="t", partition=0, offset=7, key=b"k", body=body, headers=headers or {}
    )


def valid_record() -> ConsumedRecord:
    payload = TallyIncremented(tally_id="a", amount=1, total=1, sequence=1)
    envelope = Envelope.wrap(payload, source="test", subject="a")
    return record(envelope.to_bytes(), kafka_headers(envelope, {"traceparent": TRACEPARENT}))


async def test_unparseable_record_goes_to_the_dead_letter_topic_with_its_reason() -> None:
    sink = RecordingSink()
    calls: list[Envelope] = []

    async def handler(envelope: Envelope, _: ConsumedRecord) -> None:
        calls.append(envelope)

    outcome = await process_record(record(b"{broken"), handler, consumer="c", dead_letters=sink)
    assert outcome is Outcome.DEAD_LETTERED
    assert calls == []
    topic, parked, headers = sink.sent[0]
    assert topic == "t.dlt"
    assert parked.body == b"{broken"
    assert headers["trellis_dlt_reason"] == "unparseable"
    assert headers["trellis_dlt_source_offset"] == "7"


async def test_transient_failures_are_retried_with_growing_backoff() -> None:
    sink, sleep = RecordingSink(), NoSleep()
    attempts = 0

    async def flaky(envelope: Envelope, _: ConsumedRecord) -> None:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise ConnectionError("database blinked")

    outcome = await process_record(
        valid_record(),
        flaky,
        consumer="c",
        dead_letters=sink,
        retry=RetryPolicy(attempts=4, first_backoff_s=0.1, max_backoff_s=1, jitter=0),
        sleep=sleep,
    )
    assert outcome is Outcome.PROCESSED
    assert attempts == 3
    assert sleep.delays == [0.1, 0.2]
    assert sink.sent == []


async def test_persistent_failure_is_dead_lettered_after_the_last_attempt() -> None:
    sink, sleep = RecordingSink(), NoSleep()

    async def broken(envelope: Envelope, _: ConsumedRecord) -> None:
        raise RuntimeError("bug")

    outcome = await process_record(
        valid_record(),
        broken,
        consumer="c",
        dead_letters=sink,
        retry=RetryPolicy(attempts=3),
        sleep=sleep,
    )
    assert outcome is Outcome.DEAD_LETTERED
    assert len(sleep.delays) == 2
    assert sink.sent[0][2]["trellis_dlt_reason"] == "failed"
    assert "bug" in sink.sent[0][2]["trellis_dlt_error"]


async def test_poison_is_dead_lettered_without_retrying() -> None:
    sink, sleep = RecordingSink(), NoSleep()

    async def refuse(envelope: Envelope, _: ConsumedRecord) -> None:
        raise PoisonMessage("nonsense amount")

    outcome = await process_record(
        valid_record(), refuse, consumer="c", dead_letters=sink, sleep=sleep
    )
    assert outcome is Outcome.DEAD_LETTERED
    assert sleep.delays == []
    assert sink.sent[0][2]["trellis_dlt_reason"] == "poison"


async def test_unreachable_dead_letter_topic_raises_so_the_offset_is_not_committed() -> None:
    with pytest.raises(ConnectionError):
        await process_record(
            record(b"junk"), _noop, consumer="c", dead_letters=RecordingSink(fail=True)
        )


async def _noop(envelope: Envelope, _: ConsumedRecord) -> None:
    return None


async def test_handler_runs_inside_the_producers_trace() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    seen: list[str] = []

    async def handler(envelope: Envelope, _: ConsumedRecord) -> None:
        seen.append(format(trace.get_current_span().get_span_context().trace_id, "032x"))

    tracer = provider.get_tracer("test")
    import trellis_shared.kafka.consumer as consumer_module

    original = consumer_module._tracer
    consumer_module._tracer = tracer
    try:
        await process_record(valid_record(), handler, consumer="c", dead_letters=RecordingSink())
    finally:
        consumer_module._tracer = original
    assert seen == [TRACE_ID]
    assert exporter.get_finished_spans()[0].kind == trace.SpanKind.CONSUMER


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(attempts=10, first_backoff_s=1, max_backoff_s=3, jitter=0)
    assert [policy.backoff(n) for n in range(1, 5)] == [1, 2, 3, 3]
