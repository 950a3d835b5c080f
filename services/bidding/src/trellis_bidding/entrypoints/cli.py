"""`trellis-bidding serve | demo`."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta

import grpc

from trellis.bidding.v1 import bidding_pb2 as pb
from trellis.bidding.v1 import bidding_pb2_grpc as rpc
from trellis_bidding.bootstrap import build_app
from trellis_bidding.config import BiddingSettings
from trellis_shared.errors import DependencyUnreachable
from trellis_shared.grpc.tokens import Principal, TokenCodec
from trellis_shared.logging import configure_logging
from trellis_shared.service_runtime import run_service
from trellis_shared.startup import exit_unreachable
from trellis_shared.telemetry import configure_telemetry

DEMO_TITLE = "Demo stretch round"
SEEDER = Principal("demo-seed", frozenset({"hr_admin", "service"}))
CATALOG_WAIT_S = 60


async def serve(settings: BiddingSettings) -> None:
    app = build_app(settings)
    try:
        await run_service(
            settings,
            name="bidding",
            mongo=app.mongo,
            broker=app.broker,
            grpc=app.grpc,
            relay=app.relay,
            prepare=app.prepare,
            background=[app.sweep_forever, app.announcement_relay.run],
            readers=app.readers,
        )
    finally:
        await app.postings_client.close()
        await app.profiles_client.close()


async def seed_demo(settings: BiddingSettings) -> str:
    """Open the demo round over the stretch assignments in the catalog (idempotent)."""
    metadata = TokenCodec(settings.auth_secret).metadata(SEEDER)
    async with grpc.aio.insecure_channel(settings.bidding_client_addr) as channel:
        rounds = rpc.RoundServiceStub(channel)
        existing = await rounds.ListRounds(pb.ListRoundsRequest(), metadata=metadata)
        for found in existing.rounds:
            if found.title == DEMO_TITLE and found.status in ("scheduled", "open"):
                return f"the demo round {found.round_id} is already {found.status}"
        catalog = rpc.CatalogServiceStub(channel)
        # The catalog fills from postings events; give it a moment after seeding postings.
        for _ in range(CATALOG_WAIT_S):
            listed = await catalog.ListAssignments(pb.ListAssignmentsRequest(), metadata=metadata)
            if listed.assignments:
                break
            await asyncio.sleep(1)
        else:
            return "no stretch assignments in the catalog yet; run `trellis-postings demo` first"
        opened = await rounds.OpenRound(
            pb.OpenRoundRequest(
                title=DEMO_TITLE,
                assignment_ids=[a.assignment_id for a in listed.assignments],
                closes_at=(datetime.now(UTC) + timedelta(days=7)).isoformat(),
                budget=100,
            ),
            metadata=metadata,
        )
        return f"opened {opened.round.round_id} over {len(listed.assignments)} assignments"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="trellis-bidding")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the gRPC service, outbox relay, consumers and sweep")
    commands.add_parser("demo", help="open a demo round over the demo stretch assignments")
    args = parser.parse_args(argv)
    settings = BiddingSettings()
    configure_logging("bidding", settings.log_level)
    configure_telemetry("trellis-bidding")
    try:
        if args.command == "serve":
            asyncio.run(serve(settings))
        else:
            try:
                print(f"[trellis] demo: {asyncio.run(seed_demo(settings))}")
            except grpc.aio.AioRpcError as error:
                raise SystemExit(
                    f"[trellis] demo: bidding at {settings.bidding_client_addr} answered "
                    f"{error.code().name}: {error.details()}"
                ) from None
    except DependencyUnreachable as error:
        exit_unreachable(error)


if __name__ == "__main__":
    main()
