"""Concurrent bid placement through gRPC into the database, budget invariant held.

The bidding service runs in this process on a real Kafka and database; its
catalog and bidder read models are fed directly (what postings and profiles
events would do). Two loads: 300 bid sets fired at once by ONE person (the
race the budget rule must survive; some sets are over budget on purpose), and
300 bid sets from 100 people, 16 at a time. After each, every accepted wallet
and the final one are checked against the budget. Baseline in the same run: the
same number of plain `update_one` of a document of the same shape, at the same
concurrency. Information only: the machine is shared and noisy.

`python -m benchmarks.bidding_bids` runs it alone.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import grpc
from pymongo import AsyncMongoClient

from benchmarks.profiles import (
    CODEC,
    SECRET,
    Endpoints,
    bench_topics,
    run_on_stack,
)
from benchmarks.service_process import cancel_and_wait, every_step
from trellis.bidding.v1 import bidding_pb2 as pb
from trellis.bidding.v1 import bidding_pb2_grpc as rpc
from trellis_bidding.bootstrap import BiddingApp, build_app
from trellis_bidding.config import BiddingSettings
from trellis_shared.contracts.bidding import ROUND_TOPIC
from trellis_shared.contracts.postings import OPPORTUNITY_TOPIC, PostedOpportunity
from trellis_shared.contracts.profiles import (
    PROFILE_SNAPSHOT_TOPIC,
    ProfileSnapshot,
    SnapshotAvailability,
)
from trellis_shared.grpc.tokens import Principal
from trellis_shared.testing.infrastructure import unique_suffix

CONCURRENCY = 16
BURST = 300
BUDGET = 100
# The service subscribes to these and publishes round events.
TOPICS = (ROUND_TOPIC, OPPORTUNITY_TOPIC, PROFILE_SNAPSHOT_TOPIC)
HR = CODEC.metadata(Principal("bench-hr", frozenset({"employee", "hr_admin"})))


@asynccontextmanager
async def running_bidding(
    endpoints: Endpoints, suffix: str
) -> AsyncIterator[tuple[BiddingApp, str]]:
    settings = BiddingSettings(
        kafka_bootstrap=endpoints.kafka_bootstrap,
        mongodb_uri=endpoints.mongodb_uri,
        auth_secret=SECRET,
        bidding_addr="127.0.0.1:0",
        bidding_database=f"bench_{suffix}_bidding",
        bidding_consumer_group=f"bench-bidding-{suffix}",
        topic_prefix=f"bench.{suffix}.",
    )
    app = build_app(settings)
    stop = asyncio.Event()
    relay: asyncio.Task[None] | None = None
    try:
        await app.relay.ensure_indexes()
        await app.prepare()
        await app.broker.start()
        await app.grpc.start()
        relay = asyncio.create_task(app.relay.run(stop))
        yield app, f"127.0.0.1:{app.grpc.port}"
    finally:
        stop.set()
        await every_step(
            lambda: cancel_and_wait(relay),
            app.grpc.stop,
            app.broker.stop,
            app.postings_client.close,
            lambda: app.mongo.drop_database(settings.bidding_database),
            app.mongo.close,
        )


async def feed(app: BiddingApp, people: list[str], assignments: list[str]) -> None:
    for assignment_id in assignments:
        await app.catalog.apply_posting(
            PostedOpportunity(
                opportunity_id=assignment_id,
                kind="stretch",
                status="open",
                title=f"Stretch {assignment_id}",
                hiring_manager_id="owner",
                share_pct=10,
                seats=2,
            )
        )
    for person in people:
        await app.bidders.apply_snapshot(
            ProfileSnapshot(
                employee_id=person,
                version=1,
                name=person,
                email=f"{person}@example.com",
                availability=SnapshotAvailability(share_free_pct=50),
            )
        )


def bid_set(rng: random.Random, assignments: list[str]) -> list[pb.BidEntry]:
    chosen = rng.sample(assignments, 3)
    return [
        pb.BidEntry(assignment_id=a, points=rng.randint(1, 45), rank=r + 1)
        for r, a in enumerate(chosen)
    ]


async def bounded(jobs: list[Callable[[], Awaitable[object]]], concurrency: int) -> list[object]:
    gate = asyncio.Semaphore(concurrency)

    async def one(job: Callable[[], Awaitable[object]]) -> object:
        async with gate:
            try:
                return await job()
            except grpc.aio.AioRpcError as error:
                return error

    return list(await asyncio.gather(*(one(j) for j in jobs)))


def check_budget(results: list[object]) -> tuple[int, int]:
    placed = [r for r in results if isinstance(r, pb.WalletReply)]
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    overspent = [w for w in placed if w.wallet.points_bid > w.wallet.budget]
    if overspent:
        raise AssertionError(f"{len(overspent)} wallets over budget")
    wrong = [r for r in refused if r.code() is not grpc.StatusCode.INVALID_ARGUMENT]
    if wrong:
        raise AssertionError(f"unexpected refusals: {wrong[0].code().name} {wrong[0].details()}")
    return len(placed), len(refused)


async def baseline(endpoints: Endpoints, count: int) -> float:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(endpoints.mongodb_uri)
    collection = client[f"bench_{unique_suffix()}_bare"]["wallets"]
    await collection.insert_many([{"_id": n, "bids": [], "version": 1} for n in range(100)])
    rng = random.Random(2)

    def job(n: int) -> Callable[[], Awaitable[object]]:
        bids = [
            {"assignment_id": f"a{rng.randrange(50)}", "points": 10, "rank": r} for r in range(3)
        ]
        return lambda: collection.update_one({"_id": n % 100}, {"$set": {"bids": bids}})

    try:
        started = time.perf_counter()
        await bounded([job(n) for n in range(count)], CONCURRENCY)
        return time.perf_counter() - started
    finally:
        await client.drop_database(collection.database.name)
        await client.close()


async def run(endpoints: Endpoints) -> None:
    suffix = unique_suffix()
    people = [f"p{n:03d}" for n in range(100)]
    assignments = [f"a{n}" for n in range(50)]
    rng = random.Random(9)
    async with (
        bench_topics(endpoints.kafka_bootstrap, f"bench.{suffix}.", TOPICS),
        running_bidding(endpoints, suffix) as (app, address),
    ):
        await feed(app, people, assignments)
        async with grpc.aio.insecure_channel(address) as channel:
            rounds = rpc.RoundServiceStub(channel)
            bids = rpc.BidServiceStub(channel)
            opened = await rounds.OpenRound(
                pb.OpenRoundRequest(
                    title="Benchmark round",
                    assignment_ids=assignments,
                    closes_at=(datetime.now(UTC) + timedelta(hours=1)).isoformat(),
                    budget=BUDGET,
                ),
                metadata=HR,
            )
            round_id = opened.round.round_id

            def place(who: str) -> Callable[[], Awaitable[object]]:
                request = pb.PlaceBidsRequest(round_id=round_id, bids=bid_set(rng, assignments))
                metadata = CODEC.metadata(Principal(who, frozenset({"employee"})))
                return lambda: bids.PlaceBids(request, metadata=metadata)

            started = time.perf_counter()
            burst = await bounded([place("p000") for _ in range(BURST)], BURST)
            burst_s = time.perf_counter() - started
            burst_ok, burst_refused = check_budget(burst)
            final = await bids.GetMyBids(
                pb.GetMyBidsRequest(round_id=round_id),
                metadata=CODEC.metadata(Principal("p000", frozenset({"employee"}))),
            )
            if final.wallet.points_bid > final.wallet.budget:
                raise AssertionError("the final wallet is over budget")

            started = time.perf_counter()
            spread = await bounded([place(people[n % 100]) for n in range(BURST)], CONCURRENCY)
            spread_s = time.perf_counter() - started
            spread_ok, spread_refused = check_budget(spread)
    bare = await baseline(endpoints, BURST)
    print(
        f"bids (one person, {BURST} at once)   {BURST / burst_s:>8,.1f} sets/s  "
        f"({burst_ok} placed, {burst_refused} over budget refused; budget held)\n"
        f"bids (100 people, {CONCURRENCY} at a time) {BURST / spread_s:>8,.1f} sets/s  "
        f"({spread_ok} placed, {spread_refused} refused; budget held)\n"
        f"           baseline plain update_one {BURST / bare:,.1f}/s   "
        f"ratio {spread_s / bare:.1f}x slower (100 people against baseline)"
    )


def main() -> int:
    print("[trellis] bench: bidding, concurrent bid placement (real Kafka + database)")
    return run_on_stack("bidding bids", run)


if __name__ == "__main__":
    raise SystemExit(main())
