"""Which failures a consumer waits out, which it parks, and how long it waits (in memory)."""

from __future__ import annotations

import asyncio
from typing import cast

import grpc
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import (
    IllegalStateError,
    KafkaConnectionError,
    KafkaTimeoutError,
    NotLeaderForPartitionError,
    RequestTimedOutError,
)
from grpc import aio
from pydantic import BaseModel, ValidationError
from pymongo.errors import (
    AutoReconnect,
    DuplicateKeyError,
    NetworkTimeout,
    ServerSelectionTimeoutError,
)

from trellis_shared.contracts.skeleton import TallyIncremented
from trellis_shared.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    StaleVersion,
    Unavailable,
)
from trellis_shared.events.envelope import Envelope
from trellis_shared.kafka.consumer import (
    ConsumedRecord,
    Outcome,
    PartitionHolds,
    PoisonMessage,
    RetryPolicy,
    RetryState,
    process_record,
)
from trellis_shared.kafka.failures import Failure, classify

pytestmark = pytest.mark.unit


def rpc_error(code: grpc.StatusCode) -> aio.AioRpcError:
    return aio.AioRpcError(code, aio.Metadata(), aio.Metadata(), details="from a peer")


def validation_error() -> ValidationError:
    class Amount(BaseModel):
        amount: int

    try:
        Amount.model_validate({"amount": "lots"})
    except ValidationError as exc:
        return exc
    raise AssertionError("validation passed")


def caused(outer: Exception, cause: BaseException) -> Exception:
    outer.__cause__ = cause
    return outer


TRANSIENT = [
    AutoReconnect("connection reset"),
    ServerSelectionTimeoutError("no server within 5 s"),
    NetworkTimeout("read timed out"),
    Unavailable("profiles did not answer"),
    StaleVersion("a", 3),
    TimeoutError(),
    ConnectionRefusedError(),
    KafkaConnectionError("broker gone"),
    KafkaTimeoutError(),
    RequestTimedOutError(),
    NotLeaderForPartitionError(),
    rpc_error(grpc.StatusCode.UNAVAILABLE),
    rpc_error(grpc.StatusCode.DEADLINE_EXCEEDED),
    rpc_error(grpc.StatusCode.RESOURCE_EXHAUSTED),
    caused(RuntimeError("could not load the round"), AutoReconnect("reset")),
]
POISON = [
    PoisonMessage("unknown employee"),
    validation_error(),
    InvalidArgument("negative share"),
    FailedPrecondition("the posting is closed"),
    rpc_error(grpc.StatusCode.INVALID_ARGUMENT),
    rpc_error(grpc.StatusCode.FAILED_PRECONDITION),
    # Said at the top, poison wins over a transient cause.
    caused(PoisonMessage("unknown employee"), AutoReconnect("reset")),
]
UNKNOWN = [
    RuntimeError("bug"),
    KeyError("kind"),
    ValueError("not a stretch assignment"),
    NotFound("no such profile"),
    DuplicateKeyError("E11000"),
    IllegalStateError(),
    rpc_error(grpc.StatusCode.INTERNAL),
    rpc_error(grpc.StatusCode.UNAUTHENTICATED),
]


@pytest.mark.parametrize("error", TRANSIENT, ids=repr)
def test_an_unreachable_dependency_is_transient(error: BaseException) -> None:
    assert classify(error) is Failure.TRANSIENT


@pytest.mark.parametrize("error", POISON, ids=repr)
def test_a_record_that_can_never_succeed_is_poison(error: BaseException) -> None:
    assert classify(error) is Failure.POISON


@pytest.mark.parametrize("error", UNKNOWN, ids=repr)
def test_anything_else_is_unknown(error: BaseException) -> None:
    assert classify(error) is Failure.UNKNOWN


# --- the backoff schedule ---------------------------------------------------


def test_backoff_doubles_up_to_the_cap_and_stays_there() -> None:
    policy = RetryPolicy(first_backoff_s=0.2, max_backoff_s=5.0, jitter=0)
    schedule = [policy.backoff(n) for n in range(1, 9)]
    assert schedule == pytest.approx([0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0])
    # An outage of hours means thousands of attempts: no overflow, still the cap.
    assert policy.backoff(100_000) == 5.0


def test_jitter_shortens_each_wait_by_at_most_its_share() -> None:
    policy = RetryPolicy(first_backoff_s=1.0, max_backoff_s=8.0, jitter=0.5)
    assert policy.backoff(3, draw=lambda: 0.0) == 4.0
    assert policy.backoff(3, draw=lambda: 0.5) == 3.0
    assert policy.backoff(3, draw=lambda: 0.999) == pytest.approx(2.002)
    assert policy.backoff(50, draw=lambda: 0.999) == pytest.approx(4.004)


def test_by_default_retries_of_one_record_do_not_move_in_lockstep() -> None:
    waits = {RetryPolicy().backoff(4) for _ in range(50)}
    assert len(waits) > 1
    assert all(0.8 <= wait <= 1.6 for wait in waits)


# --- process_record under each kind -------------------------------------------


class RecordingSink:
    def __init__(self) -> None:
        self.reasons: list[str] = []

    async def send(self, topic: str, record: ConsumedRecord, headers: dict[str, str]) -> None:
        self.reasons.append(headers["trellis_dlt_reason"])


class FakeClock:
    """Sleeps advance a counter instead of the wall clock."""

    def __init__(self) -> None:
        self.now = 0.0
        self.delays: list[float] = []

    async def sleep(self, delay: float) -> None:
        self.delays.append(delay)
        self.now += delay


def valid_record() -> ConsumedRecord:
    envelope = Envelope.wrap(
        TallyIncremented(tally_id="a", amount=1, total=1, sequence=1), source="test", subject="a"
    )
    return ConsumedRecord(topic="t", partition=0, offset=7, key=b"a", body=envelope.to_bytes())


POLICY = RetryPolicy(attempts=4, first_backoff_s=0.2, max_backoff_s=5.0, jitter=0)


async def test_a_database_outage_is_waited_out_however_long_it_lasts() -> None:
    """60 s down (in fake time): far past the 4 attempts unknown failures get."""
    sink, clock = RecordingSink(), FakeClock()
    calls = 0

    async def needs_the_database(envelope: Envelope, _: ConsumedRecord) -> None:
        nonlocal calls
        calls += 1
        if clock.now < 60.0:
            raise ServerSelectionTimeoutError("127.0.0.1:27017: connection refused")

    outcome = await process_record(
        valid_record(),
        needs_the_database,
        consumer="c",
        dead_letters=sink,
        retry=POLICY,
        sleep=clock.sleep,
    )
    assert outcome is Outcome.PROCESSED
    assert sink.reasons == []
    assert calls == len(clock.delays) + 1
    assert calls > POLICY.attempts
    assert max(clock.delays) == POLICY.max_backoff_s
    assert clock.delays[:3] == pytest.approx([0.2, 0.4, 0.8])


@pytest.mark.parametrize(
    "error",
    [FailedPrecondition("closed"), rpc_error(grpc.StatusCode.INVALID_ARGUMENT)],
    ids=repr,
)
async def test_a_domain_refusal_is_dead_lettered_at_once(error: Exception) -> None:
    sink, clock = RecordingSink(), FakeClock()

    async def refuse(envelope: Envelope, _: ConsumedRecord) -> None:
        raise error

    outcome = await process_record(
        valid_record(), refuse, consumer="c", dead_letters=sink, retry=POLICY, sleep=clock.sleep
    )
    assert outcome is Outcome.DEAD_LETTERED
    assert sink.reasons == ["poison"]
    assert clock.delays == []


async def test_a_group_member_defers_a_transient_failure_instead_of_sleeping() -> None:
    sink, clock = RecordingSink(), FakeClock()
    state = RetryState()

    async def down(envelope: Envelope, _: ConsumedRecord) -> None:
        raise Unavailable("postings did not answer")

    for delivery in range(1, 11):
        outcome = await process_record(
            valid_record(),
            down,
            consumer="c",
            dead_letters=sink,
            retry=POLICY,
            sleep=clock.sleep,
            state=state,
            defer_transient=True,
        )
        assert outcome is Outcome.DEFERRED
        assert state.transient == delivery
    assert clock.delays == []
    assert sink.reasons == []


async def test_unknown_failures_count_across_redeliveries_and_end_in_the_dead_letter_topic() -> (
    None
):
    sink, clock = RecordingSink(), FakeClock()
    state = RetryState(transient=7, other=3)  # failed this way before a redelivery

    async def broken(envelope: Envelope, _: ConsumedRecord) -> None:
        raise RuntimeError("bug")

    outcome = await process_record(
        valid_record(),
        broken,
        consumer="c",
        dead_letters=sink,
        retry=POLICY,
        sleep=clock.sleep,
        state=state,
        defer_transient=True,
    )
    assert outcome is Outcome.DEAD_LETTERED
    assert sink.reasons == ["failed"]
    assert clock.delays == []


# --- holding a group member's partition ---------------------------------------


class FakeKafka:
    def __init__(self) -> None:
        self.log: list[tuple[str, int]] = []
        self.resumed = asyncio.Event()

    def pause(self, partition: TopicPartition) -> None:
        self.log.append(("pause", partition.partition))

    def seek(self, partition: TopicPartition, offset: int) -> None:
        self.log.append(("seek", offset))

    def resume(self, partition: TopicPartition) -> None:
        self.log.append(("resume", partition.partition))
        self.resumed.set()


async def test_a_held_partition_is_paused_at_the_record_and_resumed_after_the_backoff() -> None:
    holds, kafka = PartitionHolds(), FakeKafka()
    record = valid_record()
    state = holds.state_of(record)
    state.transient, state.delay_s = 3, 0.01
    holds.hold(cast(AIOKafkaConsumer, kafka), record)
    assert kafka.log == [("pause", 0), ("seek", record.offset)]
    await kafka.resumed.wait()
    assert kafka.log[-1] == ("resume", 0)
    # Redelivered, the record keeps its count (the backoff goes on growing)...
    assert holds.state_of(record).transient == 3
    # ...until it is done; then the next record starts afresh.
    holds.release(record)
    assert holds.state_of(record).transient == 0
    later = ConsumedRecord(topic="t", partition=0, offset=8, key=b"a", body=record.body)
    state.transient = 5
    assert holds.state_of(later).transient == 0
