"""A backend that is down holds a notification back until it is up; it never parks it.

NotificationConsumer under process_record, with in-memory backends and store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import grpc
import pytest
from grpc import aio

from trellis_portal.adapters.backends import Backends
from trellis_portal.adapters.notification_consumer import NotificationConsumer
from trellis_portal.adapters.notification_store import NotificationStore
from trellis_portal.domain.notifications import Notice
from trellis_shared.contracts.catalog import load_all
from trellis_shared.contracts.postings import ApplicationSubmitted
from trellis_shared.errors import Unavailable
from trellis_shared.events.envelope import Envelope
from trellis_shared.kafka.consumer import ConsumedRecord, Outcome, RetryPolicy, process_record

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class Peer:
    """Fails with each of `failures` in turn, then answers `reply`."""

    def __init__(self, reply: Any, failures: Sequence[Exception] = ()) -> None:
        self.reply = reply
        self.failures = list(failures)
        self.calls = 0

    async def call(self, method: Any, request: Any, **_: Any) -> Any:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return self.reply


class MemoryStore:
    def __init__(self) -> None:
        self.added: dict[str, list[Notice]] = {}

    async def add(self, event_id: str, notices: Sequence[Notice], now: datetime) -> int:
        self.added.setdefault(event_id, list(notices))
        return len(notices)


class Sink:
    def __init__(self) -> None:
        self.reasons: list[str] = []

    async def send(self, topic: str, record: ConsumedRecord, headers: dict[str, str]) -> None:
        self.reasons.append(headers["trellis_dlt_reason"])


def rpc_error(code: grpc.StatusCode) -> aio.AioRpcError:
    return aio.AioRpcError(code, aio.Metadata(), aio.Metadata(), details="peer says no")


def backends(profiles: Peer) -> Backends:
    postings = Peer(SimpleNamespace(opportunity=SimpleNamespace(details=SimpleNamespace(
        title="Data gig"))))  # fmt: skip
    stub = SimpleNamespace(GetOpportunity=None, GetProfile=None, FindCandidates=None)
    return cast(
        Backends,
        SimpleNamespace(
            profiles=profiles,
            postings=postings,
            opportunities=lambda: stub,
            profile_service=lambda: stub,
            recommendations=lambda: stub,
        ),
    )


def submitted() -> ConsumedRecord:
    load_all()
    payload = ApplicationSubmitted(
        application_id="opp-1:emp1",
        opportunity_id="opp-1",
        kind="gig",
        employee_id="emp1",
        hiring_manager_id="mdata",
        confidential=False,
    )
    envelope = Envelope.wrap(payload, source="postings", subject="opp-1:emp1")
    return ConsumedRecord(
        topic="trellis.postings.application.v1", partition=0, offset=1, key=b"k",
        body=envelope.to_bytes(),
    )  # fmt: skip


async def deliver(profiles: Peer) -> tuple[Outcome, MemoryStore, Sink]:
    store, sink = MemoryStore(), Sink()
    consumer = NotificationConsumer(cast(NotificationStore, store), backends(profiles), lambda: NOW)

    async def no_sleep(_: float) -> None:
        return None

    outcome = await process_record(
        submitted(),
        consumer.handle,
        consumer="portal",
        dead_letters=sink,
        retry=RetryPolicy(attempts=2, jitter=0),
        sleep=no_sleep,
    )
    return outcome, store, sink


def bodies(store: MemoryStore) -> list[str]:
    return [notice.body for notices in store.added.values() for notice in notices]


async def test_an_unavailable_profiles_service_delays_the_event_and_never_parks_it() -> None:
    down = [Unavailable("profiles did not answer (UNAVAILABLE)") for _ in range(10)]
    profiles = Peer(
        SimpleNamespace(profile=SimpleNamespace(org=SimpleNamespace(name="Emp1"))), down
    )
    outcome, store, sink = await deliver(profiles)
    assert outcome is Outcome.PROCESSED
    assert sink.reasons == []
    assert profiles.calls == 11
    (body,) = bodies(store)
    assert "Emp1" in body


async def test_an_overloaded_peer_is_waited_for_rather_than_leaving_the_name_out() -> None:
    busy = [rpc_error(grpc.StatusCode.RESOURCE_EXHAUSTED) for _ in range(3)]
    profiles = Peer(
        SimpleNamespace(profile=SimpleNamespace(org=SimpleNamespace(name="Emp1"))), busy
    )
    outcome, store, sink = await deliver(profiles)
    assert outcome is Outcome.PROCESSED
    assert sink.reasons == []
    (body,) = bodies(store)
    assert "Emp1" in body


async def test_a_refused_lookup_still_falls_back_to_the_id_at_once() -> None:
    profiles = Peer(None, [rpc_error(grpc.StatusCode.NOT_FOUND)])
    outcome, store, sink = await deliver(profiles)
    assert outcome is Outcome.PROCESSED
    assert sink.reasons == []
    assert profiles.calls == 1
    (body,) = bodies(store)
    assert "emp1" in body
