"""Postings replicas as separate OS processes beside one in-process profiles.

The replicas are the service's own `serve` command (ReplicaSet): one database,
one topic prefix, one consumer group, each its own gRPC port, as replicas
behind a Kubernetes Service are. Profiles runs in the test process (its
harness), so postings asks it for chains and ledger answers as in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc
from profiles_harness import SECRET, RunningProfiles, as_

from trellis.postings.v1 import postings_pb2 as pb
from trellis.postings.v1 import postings_pb2_grpc as rpc
from trellis_shared.testing.infrastructure import Infrastructure, unique_suffix
from trellis_shared.testing.replicas import ReplicaSet, service_replicas

__all__ = ["Stubs", "as_", "postings_replicas"]


def postings_replicas(
    infrastructure: Infrastructure,
    prefix: str,
    profiles: RunningProfiles,
    log_dir: Path,
    *,
    count: int = 2,
    database: str = "",
    sweep_interval_s: float = 3600.0,
) -> ReplicaSet:
    return service_replicas(
        "postings",
        kafka_bootstrap=infrastructure.kafka_bootstrap,
        mongodb_uri=infrastructure.mongodb_uri,
        auth_secret=SECRET,
        topic_prefix=prefix,
        database=database or f"test_{unique_suffix()}_postings",
        consumer_group=f"test-postings-{unique_suffix()}",
        log_dir=log_dir,
        count=count,
        settings={
            "TRELLIS_PROFILES_ADDR": f"127.0.0.1:{profiles.app.grpc.port}",
            "TRELLIS_POSTINGS_SWEEP_INTERVAL_S": str(sweep_interval_s),
        },
    )


@dataclass
class Stubs:
    """The postings services over one channel (one replica, or round-robin)."""

    opportunities: rpc.OpportunityServiceStub
    applications: rpc.ApplicationServiceStub
    interviews: rpc.InterviewServiceStub
    recommendations: rpc.RecommendationServiceStub

    @classmethod
    def over(cls, channel: grpc.aio.Channel) -> Stubs:
        return cls(
            rpc.OpportunityServiceStub(channel),
            rpc.ApplicationServiceStub(channel),
            rpc.InterviewServiceStub(channel),
            rpc.RecommendationServiceStub(channel),
        )

    async def post(
        self, kind: str, manager: str, publish: bool = True, **details: object
    ) -> pb.Opportunity:
        details.setdefault("title", f"A {kind} in Data")
        details.setdefault("hiring_manager_id", manager)
        reply = await self.opportunities.CreateOpportunity(
            pb.CreateOpportunityRequest(
                kind=kind,
                details=pb.OpportunityDetails(**details),  # type: ignore[arg-type]
                publish=publish,
            ),
            metadata=as_(manager, "employee", "manager"),
        )
        return reply.opportunity
