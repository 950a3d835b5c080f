"""Bidding replicas as separate OS processes, fed by events we publish ourselves.

The replicas are the service's own `serve` command (ReplicaSet), sharing one
database, one topic prefix and one consumer group. What they need from other
services comes the way it comes in production, but from stand-ins so the tests
and the benchmark do not depend on profiles and postings: stretch postings and
profile snapshots are published to the topics as postings and profiles would,
and skill fit comes from a small gRPC server in place of postings (a fixed
score per pair, derived from the ids so that it is reproducible), which also
stands in for the profiles ledger that award time is reserved in.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import grpc

from trellis.postings.v1 import postings_pb2 as ppb
from trellis.postings.v1 import postings_pb2_grpc as prpc
from trellis.profiles.v1 import profiles_pb2 as lpb
from trellis.profiles.v1 import profiles_pb2_grpc as lrpc
from trellis_shared.contracts.postings import (
    OPPORTUNITY_TOPIC,
    OpportunityPublished,
    PostedOpportunity,
)
from trellis_shared.contracts.profiles import (
    PROFILE_SNAPSHOT_TOPIC,
    ProfileSnapshot,
    SnapshotAvailability,
)
from trellis_shared.grpc.tokens import Principal, TokenCodec
from trellis_shared.testing.feeder import Feeder
from trellis_shared.testing.infrastructure import Infrastructure, unique_suffix
from trellis_shared.testing.replicas import ReplicaSet, service_replicas

SECRET = "bidding-replicas-test-secret-0123456789"
# Metadata is built once, at import; a slow run must not outlive the tokens.
CODEC = TokenCodec(SECRET, ttl=timedelta(hours=2))
HR = CODEC.metadata(Principal("hr-1", frozenset({"employee", "hr_admin"})))


def as_(employee_id: str) -> tuple[tuple[str, str], ...]:
    return CODEC.metadata(Principal(employee_id, frozenset({"employee"})))


def fit_of(assignment_id: str, employee_id: str) -> float:
    digest = hashlib.blake2b(f"{assignment_id}|{employee_id}".encode(), digest_size=2).digest()
    return int.from_bytes(digest) % 101


class FitsFromIds(prpc.RecommendationServiceServicer):
    """Stands in for postings' ScoreFits: a fixed score per pair."""

    def __init__(self) -> None:
        self.pairs_scored = 0

    async def ScoreFits(
        self, request: ppb.ScoreFitsRequest, context: grpc.aio.ServicerContext[object, object]
    ) -> ppb.ScoreFitsReply:
        self.pairs_scored += len(request.pairs)
        return ppb.ScoreFitsReply(
            fits=[
                ppb.ScoredFit(
                    opportunity_id=p.opportunity_id,
                    employee_id=p.employee_id,
                    score=fit_of(p.opportunity_id, p.employee_id),
                )
                for p in request.pairs
            ]
        )


class SeatsGrantingAll(prpc.OpportunityServiceServicer):
    """Stands in for postings' seats: every award's seat is held."""

    async def HoldSeat(
        self, request: ppb.HoldSeatRequest, context: grpc.aio.ServicerContext[object, object]
    ) -> ppb.HoldSeatReply:
        return ppb.HoldSeatReply(seats_free=0)

    async def ReleaseSeat(
        self, request: ppb.ReleaseSeatRequest, context: grpc.aio.ServicerContext[object, object]
    ) -> ppb.HoldSeatReply:
        return ppb.HoldSeatReply(seats_free=1)


class LedgerGrantingAll(lrpc.LedgerServiceServicer):
    """Stands in for profiles' ledger: every award's time is granted (whether time
    fits is profiles' decision, tested there and in test_clearing_crashes)."""

    async def ReserveTime(
        self, request: lpb.ReserveTimeRequest, context: grpc.aio.ServicerContext[object, object]
    ) -> lpb.ReserveTimeReply:
        return lpb.ReserveTimeReply(state="reserved", limit_pct=100)

    async def ReleaseTime(
        self, request: lpb.ReleaseTimeRequest, context: grpc.aio.ServicerContext[object, object]
    ) -> lpb.ReleaseTimeReply:
        return lpb.ReleaseTimeReply(freed=True)


async def start_fake_postings() -> tuple[grpc.aio.Server, int]:
    """Postings' fit scores and seats, and profiles' ledger, on one port."""
    server = grpc.aio.server()
    prpc.add_RecommendationServiceServicer_to_server(FitsFromIds(), server)
    lrpc.add_LedgerServiceServicer_to_server(LedgerGrantingAll(), server)
    prpc.add_OpportunityServiceServicer_to_server(SeatsGrantingAll(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, port


def stretch(assignment_id: str, *, seats: int = 1, share_pct: int = 20) -> OpportunityPublished:
    return OpportunityPublished(
        opportunity=PostedOpportunity(
            opportunity_id=assignment_id,
            kind="stretch",
            status="open",
            title=f"Stretch {assignment_id}",
            hiring_manager_id="hm",
            share_pct=share_pct,
            seats=seats,
            starts_on=date(2027, 1, 4),
            ends_on=date(2027, 6, 30),
        )
    )


def snapshot(employee_id: str, *, free_pct: int = 100, manager_id: str = "") -> ProfileSnapshot:
    return ProfileSnapshot(
        employee_id=employee_id,
        version=1,
        name=employee_id,
        email=f"{employee_id}@example.com",
        manager_id=manager_id,
        availability=SnapshotAvailability(share_free_pct=free_pct),
    )


class BiddingFeeder(Feeder):
    """Stretch postings and profile snapshots, as postings and profiles publish them."""

    async def postings(self, *published: OpportunityPublished) -> None:
        await self.publish(
            [(OPPORTUNITY_TOPIC, p.opportunity.opportunity_id, p) for p in published]
        )

    async def people(self, *snapshots: ProfileSnapshot) -> None:
        await self.publish([(PROFILE_SNAPSHOT_TOPIC, s.employee_id, s) for s in snapshots])


def bidding_replicas(
    infrastructure: Infrastructure,
    prefix: str,
    postings_port: int,
    log_dir: Path,
    *,
    count: int = 2,
    sweep_interval_s: float = 3600.0,
    database: str = "",
) -> ReplicaSet:
    """`count` bidding processes on one database, prefix and consumer group."""
    return service_replicas(
        "bidding",
        kafka_bootstrap=infrastructure.kafka_bootstrap,
        mongodb_uri=infrastructure.mongodb_uri,
        auth_secret=SECRET,
        topic_prefix=prefix,
        database=database or f"test_{unique_suffix()}_bidding",
        consumer_group=f"test-bidding-{unique_suffix()}",
        log_dir=log_dir,
        count=count,
        settings={
            "TRELLIS_POSTINGS_ADDR": f"127.0.0.1:{postings_port}",
            "TRELLIS_PROFILES_ADDR": f"127.0.0.1:{postings_port}",
            "TRELLIS_BIDDING_SWEEP_INTERVAL_S": str(sweep_interval_s),
        },
    )
