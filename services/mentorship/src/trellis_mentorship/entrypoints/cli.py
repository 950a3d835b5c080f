"""`trellis-mentorship serve | demo | warm-up`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import time

import grpc

from trellis_mentorship.bootstrap import build_app
from trellis_mentorship.config import MentorshipSettings
from trellis_mentorship.domain.matching.warm_up import warm_up
from trellis_mentorship.entrypoints.demo_seed import seed
from trellis_shared.errors import DependencyUnreachable
from trellis_shared.grpc.tokens import TokenCodec
from trellis_shared.logging import configure_logging
from trellis_shared.service_runtime import run_service
from trellis_shared.startup import exit_unreachable
from trellis_shared.telemetry import configure_telemetry

log = logging.getLogger("trellis_mentorship")


async def warm_engine(stop: asyncio.Event) -> None:
    """Compile or load the engine's loops in a thread while the service starts serving."""
    del stop  # it finishes on its own, within seconds
    started = time.perf_counter()
    try:
        await asyncio.to_thread(warm_up)
    except Exception:
        # Serving goes on; the first cycle run compiles (and reports) instead.
        log.exception("matching engine warm-up failed")
        return
    log.info(
        "matching engine ready (compiled loops loaded in %.1f s)", time.perf_counter() - started
    )


def warm_up_command() -> None:
    started = time.perf_counter()
    pairs = warm_up()
    print(
        f"[trellis] mentorship: matching engine compiled and cached ({pairs} test pairs, "
        f"{time.perf_counter() - started:.1f} s)"
    )


async def serve(settings: MentorshipSettings) -> None:
    app = build_app(settings)
    try:
        await run_service(
            settings,
            name="mentorship",
            mongo=app.mongo,
            broker=app.broker,
            grpc=app.grpc,
            relay=app.relay,
            prepare=app.prepare,
            # Cycle events have their own collection, hence their own relay.
            background=[app.cycle_relay.run, app.repair_forever, warm_engine],
            readers=app.readers,
        )
    finally:
        await app.profiles_client.close()


async def seed_demo(settings: MentorshipSettings) -> None:
    try:
        seeded = await seed(
            settings.mentorship_client_addr,
            settings.profiles_addr,
            TokenCodec(settings.auth_secret),
        )
    except grpc.aio.AioRpcError as error:
        if error.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
            raise SystemExit(
                "[trellis] demo: mentorship (TRELLIS_MENTORSHIP_CLIENT_ADDR="
                f"{settings.mentorship_client_addr}) or profiles (TRELLIS_PROFILES_ADDR="
                f"{settings.profiles_addr}) does not answer; start them with `make run`"
            ) from None
        raise
    print(
        f"[trellis] demo: {seeded.offers} mentor offers, {seeded.requests_filed} new mentee "
        f"requests in cycle {seeded.cycle_id} (existing ones kept)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trellis-mentorship")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the gRPC service, outbox relays and consumer")
    commands.add_parser("demo", help="demo mentors, mentee requests and an open cycle")
    commands.add_parser(
        "warm-up", help="compile the matching engine's loops once (numba caches them on disk)"
    )
    args = parser.parse_args(argv)
    if args.command == "warm-up":
        warm_up_command()
        return
    settings = MentorshipSettings()
    configure_logging("mentorship", settings.log_level)
    configure_telemetry("trellis-mentorship")
    try:
        if args.command == "serve":
            asyncio.run(serve(settings))
        else:
            asyncio.run(seed_demo(settings))
    except DependencyUnreachable as error:
        exit_unreachable(error)


if __name__ == "__main__":
    main()
