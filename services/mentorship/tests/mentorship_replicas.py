"""Mentorship replicas as separate OS processes, fed by events we publish ourselves.

The replicas are the service's own `serve` command (ReplicaSet) on one
database, topic prefix and consumer group. People arrive as profile snapshots
published to the topic as profiles would; the few calls mentorship makes to
profiles (reporting chain, time reservations, skill lookup, a profile on a
read-model miss) are answered by a small stand-in gRPC server: nobody has a manager, every
commitment fits, every skill is known, and nobody exists beyond the snapshots.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import grpc

from trellis.profiles.v1 import profiles_pb2 as ppb
from trellis.profiles.v1 import profiles_pb2_grpc as prpc
from trellis_shared.contracts.profiles import (
    PROFILE_SNAPSHOT_TOPIC,
    ProfileSnapshot,
    SnapshotAvailability,
    SnapshotMobility,
    SnapshotSkill,
)
from trellis_shared.grpc.tokens import Principal, TokenCodec
from trellis_shared.testing.feeder import Feeder
from trellis_shared.testing.infrastructure import Infrastructure, unique_suffix
from trellis_shared.testing.replicas import ReplicaSet, service_replicas

SECRET = "mentorship-replicas-test-secret-0123456789"
# Metadata is built once, at import; a slow run must not outlive the tokens.
CODEC = TokenCodec(SECRET, ttl=timedelta(hours=2))
HR = CODEC.metadata(Principal("hr-1", frozenset({"employee", "hr_admin"})))
Context = grpc.aio.ServicerContext[object, object]


def as_(employee_id: str) -> tuple[tuple[str, str], ...]:
    return CODEC.metadata(Principal(employee_id, frozenset({"employee"})))


class NobodyBeyondSnapshots(prpc.ProfileServiceServicer):
    async def GetProfile(
        self, request: ppb.GetProfileRequest, context: Context
    ) -> ppb.ProfileReply:
        await context.abort(grpc.StatusCode.NOT_FOUND, f"{request.employee_id} not found")
        raise AssertionError("unreachable")


class NoManagers(prpc.OrgChartServiceServicer):
    async def GetReportingChain(
        self, request: ppb.GetReportingChainRequest, context: Context
    ) -> ppb.GetReportingChainReply:
        return ppb.GetReportingChainReply(manager_ids=[])


class EverythingFits(prpc.LedgerServiceServicer):
    async def CheckCommitment(
        self, request: ppb.CheckCommitmentRequest, context: Context
    ) -> ppb.CheckCommitmentReply:
        return ppb.CheckCommitmentReply(fits=True, limit_pct=100)

    async def ReserveTime(
        self, request: ppb.ReserveTimeRequest, context: Context
    ) -> ppb.ReserveTimeReply:
        return ppb.ReserveTimeReply(state="reserved", limit_pct=100)

    async def ReleaseTime(
        self, request: ppb.ReleaseTimeRequest, context: Context
    ) -> ppb.ReleaseTimeReply:
        return ppb.ReleaseTimeReply(freed=True)


class EverySkillKnown(prpc.TaxonomyServiceServicer):
    async def LookupSkills(
        self, request: ppb.LookupSkillsRequest, context: Context
    ) -> ppb.LookupSkillsReply:
        return ppb.LookupSkillsReply(
            skills=[ppb.Skill(id=skill_id, name=skill_id) for skill_id in request.skill_ids]
        )


async def start_fake_profiles() -> tuple[grpc.aio.Server, int]:
    server = grpc.aio.server()
    prpc.add_ProfileServiceServicer_to_server(NobodyBeyondSnapshots(), server)
    prpc.add_OrgChartServiceServicer_to_server(NoManagers(), server)
    prpc.add_LedgerServiceServicer_to_server(EverythingFits(), server)
    prpc.add_TaxonomyServiceServicer_to_server(EverySkillKnown(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, port


def person(
    employee_id: str,
    *,
    department: str = "Engineering",
    level: int = 3,
    skills: dict[str, int] | None = None,
    mentor_capacity: int = 0,
    title: str = "",
) -> ProfileSnapshot:
    return ProfileSnapshot(
        employee_id=employee_id,
        version=1,
        name=employee_id.title(),
        email=f"{employee_id}@example.com",
        title=title,
        level=level,
        department=department,
        skills=[
            SnapshotSkill(skill_id=s, level=lvl, source="self_assessed")
            for s, lvl in (skills or {}).items()
        ],
        availability=SnapshotAvailability(share_free_pct=50),
        mobility=SnapshotMobility(
            offers_mentoring=mentor_capacity > 0,
            mentor_capacity=mentor_capacity,
            mentor_topics=sorted(skills or {}) if mentor_capacity else [],
        ),
    )


class PeopleFeeder(Feeder):
    async def people(self, *snapshots: ProfileSnapshot) -> None:
        await self.publish([(PROFILE_SNAPSHOT_TOPIC, s.employee_id, s) for s in snapshots])


def mentorship_replicas(
    infrastructure: Infrastructure,
    prefix: str,
    profiles_port: int,
    log_dir: Path,
    *,
    count: int = 2,
    database: str = "",
) -> ReplicaSet:
    return service_replicas(
        "mentorship",
        kafka_bootstrap=infrastructure.kafka_bootstrap,
        mongodb_uri=infrastructure.mongodb_uri,
        auth_secret=SECRET,
        topic_prefix=prefix,
        database=database or f"test_{unique_suffix()}_mentorship",
        consumer_group=f"test-mentorship-{unique_suffix()}",
        log_dir=log_dir,
        count=count,
        settings={"TRELLIS_PROFILES_ADDR": f"127.0.0.1:{profiles_port}"},
    )
