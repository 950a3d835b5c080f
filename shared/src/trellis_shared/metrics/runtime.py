"""A service's metrics, the one way every service runs them: `serve_metrics`.

The shared service runtime (and the portal, which runs its own HTTP server)
starts it beside its other work; it serves `/metrics` and keeps the gauges'
samples of the service's outboxes and consumer groups fresh until told to stop.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from trellis_shared.metrics.endpoint import MetricsEndpoint, metrics_port
from trellis_shared.metrics.gauges import BacklogSampler
from trellis_shared.operations.consumer_lag import PartitionLag, consumer_lag
from trellis_shared.operations.outbox_backlog import outbox_backlog
from trellis_shared.settings import TrellisSettings


def consumer_groups(broker: KafkaBroker) -> dict[str, list[str]]:
    """The consumer groups the broker's subscribers joined, with their topics.

    Broadcast readers join no group and commit nothing: they have no lag to
    report (they catch up before the service is ready).
    """
    groups: dict[str, list[str]] = {}
    for subscriber in broker.subscribers:
        group = getattr(subscriber, "group_id", None)
        if group:
            groups.setdefault(group, []).extend(getattr(subscriber, "topic_names", ()))
    return groups


async def serve_metrics(
    settings: TrellisSettings,
    *,
    service: str,
    database: AsyncDatabase[dict[str, Any]],
    broker: KafkaBroker,
    stop: asyncio.Event,
) -> None:
    """Serve `/metrics` (unless its port is 0) and sample until `stop` is set.

    Sampling runs even without the endpoint: OTLP export reads the same gauges.
    """
    port = metrics_port(settings.metrics_port, service)
    endpoint = MetricsEndpoint(settings.metrics_host, port) if port else None
    if endpoint is not None:
        endpoint.start()

    async def read_lag(group: str, topics: Sequence[str]) -> list[PartitionLag]:
        return await consumer_lag(settings.kafka_bootstrap, group, topics)

    sampler = BacklogSampler(
        database_name=database.name,
        read_outboxes=functools.partial(outbox_backlog, database),
        groups=consumer_groups(broker),
        read_lag=read_lag,
        interval_s=settings.metrics_sample_interval_s,
    )
    try:
        await sampler.run(stop)
    finally:
        if endpoint is not None:
            await asyncio.to_thread(endpoint.stop)  # waits out the server's poll
