"""The metrics' settings, the endpoint's port rule and the sampler's fallbacks."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pytest

from trellis_shared.metrics.endpoint import DEFAULT_PORTS, MetricsEndpoint, metrics_port
from trellis_shared.metrics.gauges import BacklogSampler, OutboxState, PartitionState
from trellis_shared.settings import TrellisSettings

pytestmark = pytest.mark.unit


def test_each_service_has_its_own_port_and_the_setting_overrides_or_turns_it_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TRELLIS_METRICS_PORT", raising=False)
    assert len(set(DEFAULT_PORTS.values())) == len(DEFAULT_PORTS)
    # None of DESIGN.md's local ports.
    assert not set(DEFAULT_PORTS.values()) & {8000, 9092, 9093, 27017, *range(50050, 50057)}
    assert metrics_port(TrellisSettings().metrics_port, "postings") == 9452
    monkeypatch.setenv("TRELLIS_METRICS_PORT", "9999")
    assert metrics_port(TrellisSettings().metrics_port, "postings") == 9999
    for off in ("0", ""):
        monkeypatch.setenv("TRELLIS_METRICS_PORT", off)
        assert metrics_port(TrellisSettings().metrics_port, "postings") == 0
    assert metrics_port(None, "a process with no default") == 0


def test_a_taken_port_leaves_the_service_running_without_the_endpoint() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        endpoint = MetricsEndpoint("127.0.0.1", taken.getsockname()[1])
        assert endpoint.start() is False
        endpoint.stop()


@dataclass(frozen=True)
class Outbox:
    collection: str
    pending: int
    oldest_at: datetime | None


@dataclass(frozen=True)
class Lag:
    topic: str
    partition: int
    lag: int


async def test_a_failed_measurement_keeps_the_last_one() -> None:
    answers: list[Sequence[OutboxState] | Exception] = [[Outbox("a", 2, None)], OSError("down")]
    lags: list[Sequence[PartitionState] | Exception] = [[Lag("t", 0, 5)], TimeoutError()]

    async def read_outboxes() -> Sequence[OutboxState]:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def read_lag(group: str, topics: Sequence[str]) -> Sequence[PartitionState]:
        answer = lags.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    sampler = BacklogSampler(
        database_name="db",
        read_outboxes=read_outboxes,
        groups={"g": ["t"]},
        read_lag=read_lag,
        interval_s=1.0,
    )
    await sampler.sample()
    await sampler.sample()
    assert sampler.outboxes == [Outbox("a", 2, None)]
    assert sampler.lags == {"g": [Lag("t", 0, 5)]}


async def test_stopping_does_not_wait_for_a_measurement_that_hangs() -> None:
    async def hangs() -> Sequence[OutboxState]:
        await asyncio.sleep(3600)
        return []

    async def no_lag(group: str, topics: Sequence[str]) -> Sequence[PartitionState]:
        return []

    sampler = BacklogSampler(
        database_name="db", read_outboxes=hangs, groups={}, read_lag=no_lag, interval_s=600
    )
    stop = asyncio.Event()
    running = asyncio.create_task(sampler.run(stop))
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(running, 2)
