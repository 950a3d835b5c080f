"""`trellis-postings serve | demo`."""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import UTC, datetime

import grpc

from trellis_postings.bootstrap import build_app
from trellis_postings.config import PostingsSettings
from trellis_postings.entrypoints.demo_seed import seed
from trellis_shared.errors import DependencyUnreachable
from trellis_shared.grpc.tokens import TokenCodec
from trellis_shared.logging import configure_logging
from trellis_shared.service_runtime import run_service
from trellis_shared.startup import exit_unreachable
from trellis_shared.telemetry import configure_telemetry

log = logging.getLogger("trellis_postings")


async def serve(settings: PostingsSettings) -> None:
    app = build_app(settings)
    try:
        await run_service(
            settings,
            name="postings",
            mongo=app.mongo,
            broker=app.broker,
            grpc=app.grpc,
            relay=app.relay,
            prepare=app.prepare,
            ready_details={"disclosure_point": settings.postings_disclosure_point.value},
            background=[app.sweep_forever, app.follow_opportunities, app.relay_applications],
            readers=app.readers,
        )
    finally:
        await app.profiles_client.close()


async def seed_demo(settings: PostingsSettings) -> None:
    try:
        created = await seed(
            settings.postings_client_addr,
            settings.profiles_addr,
            TokenCodec(settings.auth_secret),
            datetime.now(UTC).date(),
        )
    except grpc.aio.AioRpcError as error:
        if error.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
            raise SystemExit(
                "[trellis] demo: postings (TRELLIS_POSTINGS_CLIENT_ADDR="
                f"{settings.postings_client_addr}) or profiles (TRELLIS_PROFILES_ADDR="
                f"{settings.profiles_addr}) does not answer; start them with `make run`"
            ) from None
        raise
    print(f"[trellis] demo: {created} demo postings created (existing ones kept)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trellis-postings")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the gRPC service, outbox relay, consumers and sweep")
    commands.add_parser("demo", help="post demo opportunities of every kind (idempotent)")
    args = parser.parse_args(argv)
    settings = PostingsSettings()
    configure_logging("postings", settings.log_level)
    configure_telemetry("trellis-postings")
    try:
        if args.command == "serve":
            asyncio.run(serve(settings))
        else:
            asyncio.run(seed_demo(settings))
    except DependencyUnreachable as error:
        exit_unreachable(error)


if __name__ == "__main__":
    main()
