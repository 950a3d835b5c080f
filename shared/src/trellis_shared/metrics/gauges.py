"""Gauges of outbox backlog and consumer lag, read from the last sample.

OpenTelemetry calls an observable gauge's callback synchronously, at collection
time (a scrape, an OTLP export) and from whichever thread collects. Measuring
needs the database and the broker, which are asynchronous and may be slow or
down, so a `BacklogSampler` measures on an interval inside the service's event
loop and keeps the result; the callbacks only read it. When a measurement
fails the previous one stays (and says how old it is through the age gauge,
which is computed at read time from the oldest event's timestamp, so a stuck
outbox keeps ageing even while the database cannot be asked).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Protocol

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation

log = logging.getLogger(__name__)


class OutboxState(Protocol):
    """One collection's pending outbox events (`operations.outbox_backlog`)."""

    @property
    def collection(self) -> str: ...
    @property
    def pending(self) -> int: ...
    @property
    def oldest_at(self) -> datetime | None: ...


class PartitionState(Protocol):
    """One partition's lag behind its end (`operations.consumer_lag`)."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def lag(self) -> int: ...


ReadOutboxes = Callable[[], Awaitable[Sequence[OutboxState]]]
ReadLag = Callable[[str, Sequence[str]], Awaitable[Sequence[PartitionState]]]

# The samplers running in this process (one per service; tests may run several).
_ACTIVE: set[BacklogSampler] = set()


class BacklogSampler:
    """Measures the outboxes of one database and the lag of consumer groups."""

    def __init__(
        self,
        *,
        database_name: str,
        read_outboxes: ReadOutboxes,
        groups: Mapping[str, Sequence[str]],
        read_lag: ReadLag,
        interval_s: float,
    ) -> None:
        self.database_name = database_name
        self._read_outboxes = read_outboxes
        self._groups = dict(groups)
        self._read_lag = read_lag
        self._interval_s = interval_s
        self.outboxes: Sequence[OutboxState] = ()
        self.lags: dict[str, Sequence[PartitionState]] = {}

    async def sample(self) -> None:
        """Measure once; a part that fails keeps its previous measurement."""
        try:
            self.outboxes = await asyncio.wait_for(self._read_outboxes(), self._interval_s)
        except Exception as exc:
            log.warning("outbox backlog not measured", extra={"error": repr(exc)})
        for group, topics in self._groups.items():
            try:
                self.lags[group] = await asyncio.wait_for(
                    self._read_lag(group, topics), self._interval_s
                )
            except Exception as exc:
                log.warning("consumer lag not measured", extra={"group": group, "error": repr(exc)})

    async def run(self, stop: asyncio.Event) -> None:
        """Sample every interval until `stop`; the gauges show it meanwhile."""
        _ACTIVE.add(self)
        try:
            while not stop.is_set():
                # A measurement waiting on a dead broker must not hold up shutdown.
                sampling = asyncio.ensure_future(self.sample())
                stopped = asyncio.ensure_future(stop.wait())
                await asyncio.wait({sampling, stopped}, return_when=asyncio.FIRST_COMPLETED)
                sampling.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sampling
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopped, self._interval_s)
                stopped.cancel()
        finally:
            _ACTIVE.discard(self)


def _pending(_: CallbackOptions) -> Iterable[Observation]:
    for sampler in list(_ACTIVE):
        for outbox in sampler.outboxes:
            yield Observation(outbox.pending, _outbox_attributes(sampler, outbox))


def _oldest_age(_: CallbackOptions) -> Iterable[Observation]:
    now = datetime.now(UTC)
    for sampler in list(_ACTIVE):
        for outbox in sampler.outboxes:
            age = 0.0
            if outbox.pending and outbox.oldest_at is not None:
                oldest = outbox.oldest_at
                if oldest.tzinfo is None:  # a client without tz_aware: stored as UTC
                    oldest = oldest.replace(tzinfo=UTC)
                age = max(0.0, (now - oldest).total_seconds())
            yield Observation(age, _outbox_attributes(sampler, outbox))


def _outbox_attributes(sampler: BacklogSampler, outbox: OutboxState) -> dict[str, str]:
    return {"database": sampler.database_name, "collection": outbox.collection}


def _lag(_: CallbackOptions) -> Iterable[Observation]:
    for sampler in list(_ACTIVE):
        for group, partitions in sampler.lags.items():
            for partition in partitions:
                yield Observation(
                    partition.lag,
                    {"group": group, "topic": partition.topic, "partition": partition.partition},
                )


_meter = metrics.get_meter("trellis")
_meter.create_observable_gauge(
    "trellis.outbox.pending",
    callbacks=[_pending],
    unit="{event}",
    description="outbox events written but not yet published",
)
_meter.create_observable_gauge(
    "trellis.outbox.oldest_pending_age",
    callbacks=[_oldest_age],
    unit="s",
    description="how long the oldest unpublished outbox event has waited (0 when none)",
)
_meter.create_observable_gauge(
    "trellis.consumer.lag",
    callbacks=[_lag],
    unit="{record}",
    description="records on a partition after the consumer group's committed offset",
)
