"""`trellis-skeleton writer|reader`: run one side of the skeleton as a process."""

from __future__ import annotations

import argparse
import asyncio
import logging

import grpc

from trellis.skeleton.v1 import skeleton_pb2, skeleton_pb2_grpc
from trellis_shared.errors import DependencyUnreachable
from trellis_shared.grpc.server import stop_on_signals
from trellis_shared.grpc.tokens import Principal, TokenCodec
from trellis_shared.logging import configure_logging
from trellis_shared.service_runtime import run_service
from trellis_shared.startup import check_kafka, check_mongodb, exit_unreachable
from trellis_shared.telemetry import configure_telemetry
from trellis_skeleton.bootstrap import build_reader, build_writer
from trellis_skeleton.config import SkeletonSettings

log = logging.getLogger("trellis_skeleton")


async def run_writer(settings: SkeletonSettings) -> None:
    writer = build_writer(settings)
    await run_service(
        settings,
        name="skeleton writer",
        mongo=writer.mongo,
        broker=writer.broker,
        grpc=writer.grpc,
        relay=writer.relay,
    )


async def run_reader(settings: SkeletonSettings) -> None:
    reader = build_reader(settings)
    await check_mongodb(reader.mongo, settings.mongodb_uri, settings.dependency_timeout_s)
    await check_kafka(settings.kafka_bootstrap, settings.dependency_timeout_s)
    await reader.broker.start()
    stop = asyncio.Event()
    stop_on_signals(stop)
    log.info("skeleton reader ready", extra={"topic_prefix": settings.topic_prefix})
    try:
        await stop.wait()
    finally:
        await reader.broker.stop()
        await reader.mongo.close()


async def run_demo(settings: SkeletonSettings) -> None:
    """Count one increment through the running writer and wait for the reader to see it."""
    reader = build_reader(settings)
    port = settings.skeleton_addr.rsplit(":", 1)[1]
    metadata = TokenCodec(settings.auth_secret).metadata(DEMO_CALLER)
    try:
        async with grpc.aio.insecure_channel(f"localhost:{port}") as channel:
            stub = skeleton_pb2_grpc.TallyServiceStub(channel)
            await channel.channel_ready()
            before = await reader.board.seen_total("demo")
            reply = await stub.Increment(
                skeleton_pb2.IncrementRequest(tally_id="demo", amount=1), metadata=metadata
            )
        for _ in range(150):
            seen = await reader.board.seen_total("demo")
            if seen > before:
                print(f"[trellis] demo: tally 'demo' is {reply.total}; the reader has seen {seen}")
                return
            await asyncio.sleep(0.2)
        raise SystemExit("[trellis] demo: the reader did not see the increment within 30 s")
    finally:
        await reader.mongo.close()


DEMO_CALLER = Principal("demo", frozenset({"service"}))
RUNNERS = {"writer": run_writer, "reader": run_reader, "demo": run_demo}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trellis-skeleton")
    parser.add_argument("role", choices=sorted(RUNNERS))
    args = parser.parse_args(argv)
    settings = SkeletonSettings()
    configure_logging(f"skeleton-{args.role}", settings.log_level)
    configure_telemetry(f"trellis-skeleton-{args.role}")
    runner = RUNNERS[args.role]
    try:
        asyncio.run(runner(settings))
    except DependencyUnreachable as error:
        exit_unreachable(error)


if __name__ == "__main__":
    main()
