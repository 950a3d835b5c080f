"""Profiles and postings running together (gRPC, relays, consumers, sweep) on the
real broker and database, as the postings tests and benchmarks use them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import grpc
from profiles_harness import CODEC, SECRET, RunningProfiles, as_
from profiles_harness import TOPICS as PROFILES_TOPICS

from trellis.postings.v1 import postings_pb2 as pb
from trellis.postings.v1 import postings_pb2_grpc as rpc
from trellis_postings.bootstrap import PostingsApp, build_app
from trellis_postings.config import PostingsSettings
from trellis_shared.contracts.postings import INTERVIEW_TOPIC
from trellis_shared.kafka.consumer import RetryPolicy
from trellis_shared.service_runtime import start_readers
from trellis_shared.testing.infrastructure import Infrastructure, unique_suffix

TOPICS = (*PROFILES_TOPICS, INTERVIEW_TOPIC)
__all__ = ["CODEC", "TOPICS", "RunningPostings", "as_", "running_postings"]


@dataclass
class RunningPostings:
    app: PostingsApp
    settings: PostingsSettings
    opportunities: rpc.OpportunityServiceStub
    applications: rpc.ApplicationServiceStub
    interviews: rpc.InterviewServiceStub
    recommendations: rpc.RecommendationServiceStub

    async def post(
        self, kind: str, manager: str, publish: bool = True, **details: Any
    ) -> pb.Opportunity:
        details.setdefault("title", f"A {kind} in Data")
        details.setdefault("hiring_manager_id", manager)
        reply = await self.opportunities.CreateOpportunity(
            pb.CreateOpportunityRequest(
                kind=kind, details=pb.OpportunityDetails(**details), publish=publish
            ),
            metadata=as_(manager, "employee", "manager"),
        )
        return reply.opportunity


async def running_postings(
    infrastructure: Infrastructure,
    prefix: str,
    profiles: RunningProfiles,
    **overrides: Any,
) -> AsyncIterator[RunningPostings]:
    settings = PostingsSettings(
        kafka_bootstrap=infrastructure.kafka_bootstrap,
        mongodb_uri=infrastructure.mongodb_uri,
        auth_secret=SECRET,
        postings_addr="127.0.0.1:0",
        profiles_addr=f"127.0.0.1:{profiles.app.grpc.port}",
        postings_database=f"test_{unique_suffix()}_postings",
        postings_consumer_group=f"test-postings-{unique_suffix()}",
        topic_prefix=prefix,
        postings_sweep_interval_s=0.5,
        **overrides,
    )
    app = build_app(settings, RetryPolicy(attempts=2, first_backoff_s=0.05))
    await app.prepare()
    stop = asyncio.Event()
    # As run_service does: the producer, then the read models caught up.
    await app.broker.connect()
    background = await start_readers(app.readers, stop, timeout_s=60)
    await app.broker.start()
    await app.grpc.start()
    background += [
        asyncio.create_task(app.relay.run(stop)),
        asyncio.create_task(app.relay_applications(stop)),
        asyncio.create_task(app.follow_opportunities(stop)),
        asyncio.create_task(app.sweep_forever(stop)),
    ]
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc.port}") as channel:
            yield RunningPostings(
                app,
                settings,
                rpc.OpportunityServiceStub(channel),
                rpc.ApplicationServiceStub(channel),
                rpc.InterviewServiceStub(channel),
                rpc.RecommendationServiceStub(channel),
            )
    finally:
        stop.set()
        await asyncio.gather(*background)
        await app.grpc.stop()
        await app.broker.stop()
        await app.profiles_client.close()
        await app.mongo.drop_database(settings.postings_database)
        await app.mongo.close()
