"""Run a service process: check dependencies, start, serve until SIGTERM, stop in order.

Every service that owns a database, a broker, a gRPC server and an outbox relay
runs the same way; this is that one way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from trellis_shared.grpc.server import GrpcServer, stop_on_signals
from trellis_shared.kafka.broadcast import BroadcastReader
from trellis_shared.metrics.runtime import serve_metrics
from trellis_shared.mongo.outbox import OutboxRelay
from trellis_shared.settings import TrellisSettings
from trellis_shared.startup import check_kafka, check_mongodb

log = logging.getLogger(__name__)


async def run_service(
    settings: TrellisSettings,
    *,
    name: str,
    mongo: AsyncMongoClient[Any],
    broker: KafkaBroker,
    grpc: GrpcServer,
    relay: OutboxRelay,
    prepare: Callable[[], Awaitable[None]] | None = None,
    ready_details: dict[str, Any] | None = None,
    background: Sequence[Callable[[asyncio.Event], Coroutine[Any, Any, None]]] = (),
    readers: Sequence[BroadcastReader] = (),
    catch_up_timeout_s: float = 600.0,
) -> None:
    """Raises DependencyUnreachable (within the timeout) when Kafka or the database is down."""
    await check_mongodb(mongo, settings.mongodb_uri, settings.dependency_timeout_s)
    await check_kafka(settings.kafka_bootstrap, settings.dependency_timeout_s)
    await relay.ensure_indexes()
    if prepare is not None:
        await prepare()
    stop = asyncio.Event()
    stop_on_signals(stop)
    # Metrics from the start, so a slow catch-up or a backlog shows while it lasts.
    tasks = [
        asyncio.create_task(
            serve_metrics(settings, service=name, database=relay.database, broker=broker, stop=stop)
        )
    ]
    try:
        # The producer first (readers dead-letter through it), then the read
        # models every replica keeps whole, caught up before anything is served.
        await broker.connect()
        tasks += await start_readers(readers, stop, catch_up_timeout_s)
        await broker.start()
        await grpc.start()
        log.info(f"{name} ready", extra={"grpc_port": grpc.port, **(ready_details or {})})
        # Periodic work beside the relay (sweeps); each returns once `stop` is set.
        tasks += [asyncio.create_task(work(stop)) for work in background]
        await relay.run(stop)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        # Stop taking calls first, then stop consuming, then close the database.
        await grpc.stop()
        await broker.stop()
        await mongo.close()


async def start_readers(
    readers: Sequence[BroadcastReader], stop: asyncio.Event, timeout_s: float
) -> list[asyncio.Task[None]]:
    """Start each reader, run it until `stop`, and wait until all have caught up."""
    tasks = []
    for reader in readers:
        await reader.start()
        tasks.append(asyncio.create_task(reader.run(stop)))
    for reader in readers:
        log.info("catching up", extra={"reader": reader.name})
        await reader.wait_caught_up(timeout_s)
    return tasks
