"""A bidding round of 50,000 bidders cleared end to end through the service.

The bidding service runs as its own process (`trellis-bidding serve`, as in
production) on the real Kafka and database. What other services would send
is fed to it the way they send it: TRELLIS_BENCH_E2E_BIDDERS (50,000) profile
snapshots and 500 stretch postings published to the topics, and skill fit
from a stand-in for postings' ScoreFits (a fixed score per pair, answered in
this process). Then:

- ready: the process started and read every snapshot and posting (the
  broadcast readers catch up before it serves);
- bids: TRELLIS_BENCH_E2E_PLACED (2,000) bid sets placed through gRPC (the
  service's own path: budget check, version-checked wallet write); the other
  wallets are inserted straight into the database in the service's document
  shape, since placing 50,000 sets is the bid benchmark's subject, not this one;
- clear: ClearRound through gRPC, timed from the call to its answer: the claim,
  reading every wallet, skill fit for every bid, the engine, the awards and
  their events on the round, every wallet's result and carried points;
- events: until the relays have published the `round.cleared` event and every
  award event (those come from small announcement documents of their own);
- memory: the service process's peak resident set (VmHWM) after clearing.

Information only (no target in the issue; the machine is shared and noisy).
`python -m benchmarks.bidding_round_e2e` runs it alone; set the env variables
for a quick run (e.g. TRELLIS_BENCH_E2E_BIDDERS=5000).
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient

from benchmarks.profiles import (
    Endpoints,
    bench_topics,
    env_int,
    run_on_stack,
)
from benchmarks.service_process import peak_rss_mib, publish_many, stand_ins
from trellis.bidding.v1 import bidding_pb2 as pb
from trellis.bidding.v1 import bidding_pb2_grpc as rpc
from trellis_bidding.domain.wallets import BidEntry, Release, Wallet, wallet_id
from trellis_shared.contracts.bidding import AWARD_TOPIC, ROUND_TOPIC
from trellis_shared.contracts.postings import OPPORTUNITY_TOPIC
from trellis_shared.contracts.profiles import PROFILE_SNAPSHOT_TOPIC
from trellis_shared.events import EventPayload
from trellis_shared.events.envelope import envelope_from_kafka
from trellis_shared.grpc.tokens import Principal
from trellis_shared.testing.infrastructure import unique_suffix
from trellis_shared.testing.kafka_reader import read_topic

BIDDERS = env_int("TRELLIS_BENCH_E2E_BIDDERS", 50_000)
PLACED = min(BIDDERS, env_int("TRELLIS_BENCH_E2E_PLACED", 2_000))
ASSIGNMENTS = max(10, min(500, BIDDERS // 100))
BUDGET = 100
CONCURRENCY = 16
TOPICS = (OPPORTUNITY_TOPIC, PROFILE_SNAPSHOT_TOPIC, ROUND_TOPIC, AWARD_TOPIC)
WALLETS_PER_INSERT = 2_000


def hr(roles: Any) -> tuple[tuple[str, str], ...]:
    """A fresh token for every call: tokens expire within the longer phases."""
    metadata: tuple[tuple[str, str], ...] = roles.CODEC.metadata(
        Principal("hr-1", frozenset({"employee", "hr_admin"}))
    )
    return metadata


def step(text: str) -> None:
    """Each figure as soon as it is known (a long run that fails still reports)."""
    print(f"  {text}", flush=True)


def bid_entries(rng: random.Random, assignment_ids: list[str]) -> list[tuple[str, int, int]]:
    """1-5 bids with more points on the favourites, popular assignments wanted more."""
    count = rng.randint(1, 5)
    chosen: list[str] = []
    while len(chosen) < count:
        index = min(int(rng.paretovariate(1.2)) - 1, len(assignment_ids) - 1)
        candidate = assignment_ids[(index * 7919) % len(assignment_ids)]
        if candidate not in chosen:
            chosen.append(candidate)
    left = BUDGET
    entries = []
    for rank, assignment_id in enumerate(chosen, start=1):
        points = max(1, left // 2) if rank < count else max(1, left)
        points = min(points, left - (count - rank))
        left -= points
        entries.append((assignment_id, points, rank))
    return entries


def events(
    roles: Any, people: list[str], assignment_ids: list[str], rng: random.Random
) -> Iterator[tuple[str, str, EventPayload]]:
    for assignment_id in assignment_ids:
        published = roles.stretch(assignment_id, seats=rng.randint(1, 5), share_pct=20)
        yield OPPORTUNITY_TOPIC, assignment_id, published
    for employee_id in people:
        yield PROFILE_SNAPSHOT_TOPIC, employee_id, roles.snapshot(employee_id, free_pct=50)


def wallet_document(
    round_id: str, employee_id: str, bids: list[tuple[str, int, int]]
) -> dict[str, Any]:
    """What a wallet the service wrote looks like (AggregateStore's shape)."""
    now = datetime.now(UTC)
    wallet = Wallet(
        round_id=round_id,
        employee_id=employee_id,
        budget=BUDGET,
        bids=[BidEntry(assignment_id=a, points=p, rank=r) for a, p, r in bids],
        updated_at=now,
        release=Release(manager_id="", requested_at=now, due_at=now, status="approved"),
    )
    return {
        "_id": wallet_id(round_id, employee_id),
        "version": 1,
        "state": wallet.model_dump(mode="json"),
        "outbox": {},
        "outbox_pending": 0,
    }


async def place_via_grpc(
    roles: Any, bids: Any, round_id: str, plan: dict[str, list[tuple[str, int, int]]]
) -> float:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(employee_id: str, entries: list[tuple[str, int, int]]) -> None:
        async with gate:
            await bids.PlaceBids(
                pb.PlaceBidsRequest(
                    round_id=round_id,
                    bids=[pb.BidEntry(assignment_id=a, points=p, rank=r) for a, p, r in entries],
                ),
                metadata=roles.as_(employee_id),
            )

    started = time.perf_counter()
    await asyncio.gather(*(one(e, entries) for e, entries in plan.items()))
    return time.perf_counter() - started


async def wait_for_cleared(bootstrap: str, topic: str, round_id: str) -> None:
    while True:
        records = await read_topic(bootstrap, topic, 10, timeout_s=2)
        for record in records:
            envelope = envelope_from_kafka(record.value)
            if envelope.subject == round_id and envelope.type.endswith("round.cleared"):
                return


async def count_awards(bootstrap: str, topic: str, expected: int) -> int:
    """Distinct award events on the topic, once `expected` are there (or 5 idle minutes)."""
    seen: set[str] = set()
    for _ in range(30):
        records = await read_topic(bootstrap, topic, expected + 10, timeout_s=10)
        seen = {envelope_from_kafka(r.value).id for r in records}
        if len(seen) >= expected:
            break
    return len(seen)


async def run(endpoints: Endpoints) -> None:
    bootstrap, mongodb_uri = endpoints.kafka_bootstrap, endpoints.mongodb_uri
    roles = stand_ins("bidding", "bidding_replicas")
    suffix = unique_suffix()
    prefix = f"bench.{suffix}."
    database = f"bench_{suffix}_bidding"
    rng = random.Random(20261207)
    people = [f"e{n:06d}" for n in range(BIDDERS)]
    assignment_ids = [f"stretch-{n:04d}" for n in range(ASSIGNMENTS)]
    plan = {person: bid_entries(rng, assignment_ids) for person in people}
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongodb_uri)
    async with bench_topics(bootstrap, prefix, TOPICS):
        started = time.perf_counter()
        fed = await publish_many(bootstrap, prefix, events(roles, people, assignment_ids, rng))
        feed_s = time.perf_counter() - started
        step(f"fed {fed:,} events: {feed_s:.1f} s")
        server, port = await roles.start_fake_postings()
        with tempfile.TemporaryDirectory() as logs:
            replicas = roles.bidding_replicas(
                endpoints, prefix, port, Path(logs), count=1, database=database
            )
            replicas.ready_timeout_s = 1800.0
            try:
                started = time.perf_counter()
                await replicas.start()
                ready_s = time.perf_counter() - started
                pid = replicas.processes[0].pid
                ready_mib = peak_rss_mib(pid)
                step(f"service ready: {ready_s:.1f} s, peak RSS {ready_mib:,.0f} MiB")
                async with replicas.channel_to(0) as channel:
                    rounds = rpc.RoundServiceStub(channel)
                    now = datetime.now(UTC)
                    opened = await rounds.OpenRound(
                        pb.OpenRoundRequest(
                            title="End-to-end benchmark round",
                            assignment_ids=assignment_ids,
                            opens_at=(now - timedelta(minutes=1)).isoformat(),
                            closes_at=(now + timedelta(days=1)).isoformat(),
                            budget=BUDGET,
                        ),
                        metadata=hr(roles),
                    )
                    round_id = opened.round.round_id
                    via_grpc = dict(list(plan.items())[:PLACED])
                    place_s = await place_via_grpc(
                        roles, rpc.BidServiceStub(channel), round_id, via_grpc
                    )
                    wallets = mongo[database]["wallets"]
                    direct = [(e, b) for e, b in plan.items() if e not in via_grpc]
                    started = time.perf_counter()
                    for start in range(0, len(direct), WALLETS_PER_INSERT):
                        await wallets.insert_many(
                            [
                                wallet_document(round_id, e, b)
                                for e, b in direct[start : start + WALLETS_PER_INSERT]
                            ]
                        )
                    insert_s = time.perf_counter() - started
                    step(
                        f"bids via gRPC: {place_s:.1f} s; other wallets inserted: {insert_s:.1f} s"
                    )
                    await rounds.CloseRound(
                        pb.RoundActionRequest(round_id=round_id), metadata=hr(roles)
                    )
                    started = time.perf_counter()
                    await rounds.ClearRound(
                        pb.RoundActionRequest(round_id=round_id), metadata=hr(roles)
                    )
                    clear_s = time.perf_counter() - started
                    step(f"ClearRound answered: {clear_s:.1f} s, peak {peak_rss_mib(pid):,.0f} MiB")
                    await wait_for_cleared(bootstrap, prefix + ROUND_TOPIC, round_id)
                    report = (
                        await rounds.GetRoundReport(
                            pb.GetRoundRequest(round_id=round_id), metadata=hr(roles)
                        )
                    ).report
                    announced = await count_awards(bootstrap, prefix + AWARD_TOPIC, report.awards)
                    events_s = time.perf_counter() - started
                    peak_mib = peak_rss_mib(pid)
                    with_result = await wallets.count_documents(
                        {"state.round_id": round_id, "state.result": {"$ne": None}}
                    )
            finally:
                await replicas.stop()
                await server.stop(None)
                await mongo.drop_database(database)
                await mongo.close()
    if announced != report.awards or with_result != BIDDERS:
        raise AssertionError(
            f"{report.awards} awards but {announced} award events; "
            f"{with_result} of {BIDDERS} wallets have a result"
        )
    print(
        f"round e2e: {BIDDERS:,} bidders, {ASSIGNMENTS} assignments, "
        f"{sum(len(b) for b in plan.values()):,} bids\n"
        f"  fed {fed:,} events                 {feed_s:8.1f} s\n"
        f"  service ready (read them all)   {ready_s:8.1f} s   peak RSS {ready_mib:,.0f} MiB\n"
        f"  bids via gRPC ({PLACED:,})          {place_s:8.1f} s   "
        f"{PLACED / place_s:,.0f} sets/s\n"
        f"  other wallets inserted          {insert_s:8.1f} s\n"
        f"  ClearRound (gRPC, end to end)   {clear_s:8.1f} s   "
        f"{report.awards:,} awards, {with_result:,} results written\n"
        f"  ... until all events on Kafka   {events_s:8.1f} s   {announced:,} award events\n"
        f"  service peak RSS                {peak_mib:8,.0f} MiB"
    )


def main() -> int:
    print(f"[trellis] bench: bidding round end to end ({BIDDERS:,} bidders, service process)")
    return run_on_stack("bidding round e2e", run)


if __name__ == "__main__":
    raise SystemExit(main())
