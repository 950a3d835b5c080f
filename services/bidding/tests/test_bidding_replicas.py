"""Two bidding replicas (separate OS processes) on one database, topics and group.

What must hold whichever replica answers: each replica knows every assignment
and every bidder (read models fed whole, also to a replica that starts late);
a wallet's conditional write has one winner however the calls are spread; a
round cleared through both replicas at once is cleared once, with one event per
award.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
import pytest
from bidding_replicas import (
    HR,
    BiddingFeeder,
    as_,
    bidding_replicas,
    snapshot,
    start_fake_postings,
    stretch,
)

from trellis.bidding.v1 import bidding_pb2 as pb
from trellis.bidding.v1 import bidding_pb2_grpc as rpc
from trellis_shared.contracts.bidding import AWARD_TOPIC, ROUND_TOPIC
from trellis_shared.contracts.postings import OPPORTUNITY_TOPIC
from trellis_shared.contracts.profiles import PROFILE_SNAPSHOT_TOPIC
from trellis_shared.events.envelope import envelope_from_kafka
from trellis_shared.testing.infrastructure import Infrastructure, NamespaceFactory
from trellis_shared.testing.kafka_reader import read_topic
from trellis_shared.testing.replicas import ReplicaSet
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.integration
TOPICS = (OPPORTUNITY_TOPIC, PROFILE_SNAPSHOT_TOPIC, ROUND_TOPIC, AWARD_TOPIC)


@dataclass
class TwoReplicas:
    replicas: ReplicaSet
    feeder: BiddingFeeder
    prefix: str
    bootstrap: str
    channels: list[grpc.aio.Channel]

    def bids(self, index: int) -> rpc.BidServiceStub:
        return rpc.BidServiceStub(self.channels[index])

    def rounds(self, index: int) -> rpc.RoundServiceStub:
        return rpc.RoundServiceStub(self.channels[index])

    def catalog(self, index: int) -> rpc.CatalogServiceStub:
        return rpc.CatalogServiceStub(self.channels[index])


@pytest.fixture
async def two(
    infrastructure: Infrastructure, kafka_namespace: NamespaceFactory, tmp_path: Path
) -> AsyncIterator[TwoReplicas]:
    # Six partitions, as in production: a shared consumer group would split them.
    prefix = await kafka_namespace(*TOPICS, partitions=6)
    feeder = BiddingFeeder(infrastructure.kafka_bootstrap, prefix)
    server, port = await start_fake_postings()
    replicas = bidding_replicas(infrastructure, prefix, port, tmp_path)
    try:
        await replicas.start()
        channels = [replicas.channel_to(i) for i in range(replicas.count)]
        try:
            yield TwoReplicas(replicas, feeder, prefix, infrastructure.kafka_bootstrap, channels)
        finally:
            for channel in channels:
                await channel.close()
    finally:
        await replicas.stop()
        await server.stop(None)


async def _open_round(two: TwoReplicas, assignment_ids: list[str], budget: int = 100) -> str:
    now = datetime.now(UTC)
    opened = await two.rounds(0).OpenRound(
        pb.OpenRoundRequest(
            title="Replica round",
            assignment_ids=assignment_ids,
            opens_at=(now - timedelta(minutes=1)).isoformat(),
            closes_at=(now + timedelta(days=1)).isoformat(),
            budget=budget,
        ),
        metadata=HR,
    )
    return str(opened.round.round_id)


async def _everyone_knows(two: TwoReplicas, assignment_ids: set[str]) -> None:
    async def listed_on_all() -> bool:
        for index in range(two.replicas.count):
            reply = await two.catalog(index).ListAssignments(
                pb.ListAssignmentsRequest(), metadata=HR
            )
            if not assignment_ids <= {a.assignment_id for a in reply.assignments}:
                return False
        return True

    await eventually(listed_on_all, timeout_s=60)


async def test_every_replica_knows_every_assignment_and_bidder(two: TwoReplicas) -> None:
    # Twelve keys spread over the six partitions: with a shared consumer group
    # each replica would hold only its half.
    assignment_ids = [f"asg-{n}" for n in range(12)]
    await two.feeder.postings(*(stretch(a, share_pct=50) for a in assignment_ids))
    people = [f"busy-{n}" for n in range(12)]
    await two.feeder.people(*(snapshot(p, free_pct=10) for p in people))
    await _everyone_knows(two, set(assignment_ids))
    round_id = await _open_round(two, assignment_ids)

    refusals: list[grpc.StatusCode] = []

    async def refused_everywhere() -> bool:
        # Each person has 10% free: a bid on a 50% assignment is refused only by a
        # replica that knows the person (an unknown bidder is checked at clearing).
        for index in range(two.replicas.count):
            for person in people:
                try:
                    await two.bids(index).PlaceBids(
                        pb.PlaceBidsRequest(
                            round_id=round_id,
                            bids=[pb.BidEntry(assignment_id=assignment_ids[0], points=5, rank=1)],
                        ),
                        metadata=as_(person),
                    )
                except grpc.aio.AioRpcError as error:
                    refusals.append(error.code())
                    continue
                return False
        return True

    await eventually(refused_everywhere, timeout_s=60)
    assert set(refusals) == {grpc.StatusCode.FAILED_PRECONDITION}

    # A replica started late reads everything before it reports ready.
    late = [f"late-{n}" for n in range(6)]
    await two.feeder.postings(*(stretch(a) for a in late))
    await two.replicas.restart(1)
    reply = await two.catalog(1).ListAssignments(pb.ListAssignmentsRequest(), metadata=HR)
    assert set(late) <= {a.assignment_id for a in reply.assignments}


async def test_a_wallet_write_has_one_winner_across_replicas(two: TwoReplicas) -> None:
    assignment_ids = ["race-a", "race-b", "race-c"]
    await two.feeder.postings(*(stretch(a) for a in assignment_ids))
    await two.feeder.people(snapshot("racer"))
    await _everyone_knows(two, set(assignment_ids))
    round_id = await _open_round(two, assignment_ids, budget=100)
    me = as_("racer")
    chooser = random.Random(13)

    def a_set() -> list[pb.BidEntry]:
        points = chooser.sample(range(1, 99), 2)
        first, second = min(points), max(points) - min(points)  # adds up to at most 98
        order = chooser.sample(assignment_ids, 2)
        return [
            pb.BidEntry(assignment_id=order[0], points=first, rank=1),
            pb.BidEntry(assignment_id=order[1], points=max(second, 1), rank=2),
        ]

    first = await two.bids(0).PlaceBids(
        pb.PlaceBidsRequest(round_id=round_id, bids=a_set()), metadata=me
    )
    read_version = first.wallet.version
    attempts = 40
    sets = [a_set() for _ in range(attempts)]

    async def place(n: int) -> pb.WalletReply | grpc.StatusCode:
        # Every call says "I read version v": exactly one may win.
        try:
            return await two.bids(n % 2).PlaceBids(
                pb.PlaceBidsRequest(round_id=round_id, bids=sets[n], expected_version=read_version),
                metadata=me,
            )
        except grpc.aio.AioRpcError as error:
            return error.code()

    outcomes = await asyncio.gather(*(place(n) for n in range(attempts)))
    winners = [o for o in outcomes if isinstance(o, pb.WalletReply)]
    refused = [o for o in outcomes if not isinstance(o, pb.WalletReply)]
    assert len(winners) == 1, f"{len(winners)} writers won the same wallet version"
    assert set(refused) == {grpc.StatusCode.ABORTED}

    # Without a version check, many sets race; the stored one is always one whole set.
    async def place_any(n: int) -> None:
        await two.bids(n % 2).PlaceBids(
            pb.PlaceBidsRequest(round_id=round_id, bids=sets[n]), metadata=me
        )

    await asyncio.gather(*(place_any(n) for n in range(attempts)))
    stored = await two.bids(1).GetMyBids(pb.GetMyBidsRequest(round_id=round_id), metadata=me)
    assert stored.wallet.points_bid <= stored.wallet.budget == 100
    as_pairs = [(b.assignment_id, b.points, b.rank) for b in stored.wallet.bids]
    assert as_pairs in [[(b.assignment_id, b.points, b.rank) for b in s] for s in sets]


async def test_clearing_asked_of_both_replicas_at_once_happens_once(two: TwoReplicas) -> None:
    assignment_ids = ["clr-a", "clr-b"]
    await two.feeder.postings(*(stretch(a, seats=2) for a in assignment_ids))
    bidders = [f"bidder-{n}" for n in range(8)]
    await two.feeder.people(*(snapshot(b) for b in bidders))
    await _everyone_knows(two, set(assignment_ids))
    round_id = await _open_round(two, assignment_ids)
    for n, bidder in enumerate(bidders):
        await two.bids(n % 2).PlaceBids(
            pb.PlaceBidsRequest(
                round_id=round_id,
                bids=[
                    pb.BidEntry(assignment_id=assignment_ids[n % 2], points=10 + n, rank=1),
                    pb.BidEntry(assignment_id=assignment_ids[(n + 1) % 2], points=5, rank=2),
                ],
            ),
            metadata=as_(bidder),
        )
    await two.rounds(0).CloseRound(pb.RoundActionRequest(round_id=round_id), metadata=HR)

    async def clear(index: int) -> str:
        try:
            await two.rounds(index).ClearRound(
                pb.RoundActionRequest(round_id=round_id), metadata=HR
            )
        except grpc.aio.AioRpcError as error:
            return str(error.code().name)
        return "OK"

    answers = sorted(await asyncio.gather(clear(0), clear(1)))
    assert answers == ["FAILED_PRECONDITION", "OK"]

    report = (
        await two.rounds(1).GetRoundReport(pb.GetRoundRequest(round_id=round_id), metadata=HR)
    ).report
    assert report.round.status == "cleared"
    assert report.awards == 4  # two seats on each of two assignments, eight bidders

    # One event per award and one `round.cleared`, whichever relay sent them (a
    # relay may send an event twice, under the same id: consumers drop that).
    async def cleared_seen() -> list[tuple[str, str]]:
        records = await read_topic(two.bootstrap, two.prefix + ROUND_TOPIC, 10, timeout_s=2)
        return [
            (e.id, e.type)
            for e in map(envelope_from_kafka, (r.value for r in records))
            if e.type.endswith("round.cleared") and e.subject == round_id
        ]

    cleared = await eventually(cleared_seen, timeout_s=60)
    assert len({event_id for event_id, _ in cleared}) == 1

    # Award events live in their own documents (their own relay): wait for them.
    async def awards_seen() -> dict[str, tuple[str, str]]:
        records = await read_topic(two.bootstrap, two.prefix + AWARD_TOPIC, 100, timeout_s=3)
        found = {}
        for record in records:
            envelope = envelope_from_kafka(record.value)
            found[envelope.id] = (envelope.data["assignment_id"], envelope.data["employee_id"])
        return found if len(found) >= 4 else {}

    awards: dict[str, tuple[str, str]] = await eventually(awards_seen, timeout_s=60)
    assert len(awards) == 4, f"{len(awards)} award events for 4 awards"
    assert len(set(awards.values())) == 4
