"""A running profiles service (gRPC, relay, consumers) on the real broker and database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import grpc
from aiokafka import AIOKafkaProducer

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis.profiles.v1 import profiles_pb2_grpc as rpc
from trellis_profiles.bootstrap import ProfilesApp, build_app
from trellis_profiles.config import ProfilesSettings
from trellis_shared.contracts.bidding import AWARD_TOPIC
from trellis_shared.contracts.mentorship import MATCH_TOPIC
from trellis_shared.contracts.postings import APPLICATION_TOPIC, OPPORTUNITY_TOPIC
from trellis_shared.contracts.profiles import PROFILE_SNAPSHOT_TOPIC, PROFILE_TOPIC
from trellis_shared.events.envelope import Envelope, kafka_headers
from trellis_shared.grpc.tokens import Principal, TokenCodec
from trellis_shared.kafka.consumer import RetryPolicy
from trellis_shared.service_runtime import start_readers
from trellis_shared.testing.infrastructure import Infrastructure, unique_suffix

SECRET = "profiles-test-secret-that-is-long-enough-for-hs256"
# Tests build caller metadata once, at import; a whole `make test` run must not
# outlive the tokens (services keep the default five-minute lifetime).
CODEC = TokenCodec(SECRET, ttl=timedelta(hours=2))
TOPICS = (
    PROFILE_SNAPSHOT_TOPIC,
    PROFILE_TOPIC,
    AWARD_TOPIC,
    APPLICATION_TOPIC,
    OPPORTUNITY_TOPIC,
    MATCH_TOPIC,
)


def as_(subject: str, *roles: str) -> tuple[tuple[str, str], ...]:
    return CODEC.metadata(Principal(subject, frozenset(roles or ("employee",))))


HR = as_("hr-1", "employee", "hr_admin")


@dataclass
class RunningProfiles:
    app: ProfilesApp
    settings: ProfilesSettings
    profiles: rpc.ProfileServiceStub
    org_chart: rpc.OrgChartServiceStub
    taxonomy: rpc.TaxonomyServiceStub
    ledger: rpc.LedgerServiceStub
    prefix: str
    bootstrap: str

    async def create(
        self, employee_id: str, name: str, manager_id: str = "", **org: Any
    ) -> pb.Profile:
        reply = await self.profiles.UpsertProfile(
            pb.UpsertProfileRequest(
                employee_id=employee_id,
                org=pb.OrgData(
                    name=name,
                    email=f"{employee_id}@example.com",
                    level=3,
                    manager_id=manager_id,
                    **org,
                ),
            ),
            metadata=HR,
        )
        return reply.profile

    async def publish(self, topic: str, envelope: Envelope) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap)
        await producer.start()
        try:
            headers = kafka_headers(envelope, {})
            await producer.send_and_wait(
                self.prefix + topic,
                envelope.to_bytes(),
                key=envelope.subject.encode(),
                headers=[(k, v.encode()) for k, v in headers.items()],
            )
        finally:
            await producer.stop()


async def running_profiles(
    infrastructure: Infrastructure, prefix: str
) -> AsyncIterator[RunningProfiles]:
    settings = ProfilesSettings(
        kafka_bootstrap=infrastructure.kafka_bootstrap,
        mongodb_uri=infrastructure.mongodb_uri,
        auth_secret=SECRET,
        profiles_addr="127.0.0.1:0",
        profiles_database=f"test_{unique_suffix()}_profiles",
        profiles_consumer_group=f"test-profiles-{unique_suffix()}",
        topic_prefix=prefix,
    )
    app = build_app(settings, RetryPolicy(attempts=2, first_backoff_s=0.05))
    await app.repository.ensure_indexes()
    stop = asyncio.Event()
    await app.broker.start()
    # As `serve` does: the people index loaded and following before any call.
    readers = await start_readers([app.snapshots], stop, 60)
    await app.grpc.start()
    relay = asyncio.create_task(app.relay.run(stop))
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc.port}") as channel:
            yield RunningProfiles(
                app,
                settings,
                rpc.ProfileServiceStub(channel),
                rpc.OrgChartServiceStub(channel),
                rpc.TaxonomyServiceStub(channel),
                rpc.LedgerServiceStub(channel),
                prefix,
                infrastructure.kafka_bootstrap,
            )
    finally:
        stop.set()
        await relay
        await asyncio.gather(*readers, return_exceptions=True)
        await app.grpc.stop()
        await app.broker.stop()
        await app.mongo.drop_database(settings.profiles_database)
        await app.mongo.close()
