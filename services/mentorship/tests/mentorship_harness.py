"""Profiles and mentorship running together (gRPC, relays, consumers) on the real
broker and database, with a small organisation both services know."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import grpc
from profiles_harness import CODEC, SECRET, RunningProfiles, as_
from profiles_harness import TOPICS as PROFILES_TOPICS

from trellis.mentorship.v1 import mentorship_pb2_grpc as rpc
from trellis.profiles.v1 import profiles_pb2 as ppb
from trellis_mentorship.bootstrap import MentorshipApp, build_app
from trellis_mentorship.config import MentorshipSettings
from trellis_shared.contracts.mentorship import CYCLE_TOPIC
from trellis_shared.kafka.consumer import RetryPolicy
from trellis_shared.service_runtime import start_readers
from trellis_shared.testing.infrastructure import Infrastructure, unique_suffix

TOPICS = (*PROFILES_TOPICS, CYCLE_TOPIC)
HR = as_("hr-1", "employee", "hr_admin")
__all__ = ["CODEC", "HR", "TOPICS", "RunningMentorship", "as_", "person", "running_mentorship"]


@dataclass
class RunningMentorship:
    app: MentorshipApp
    settings: MentorshipSettings
    mentorship: rpc.MentorshipServiceStub
    matching: rpc.MatchingServiceStub


async def person(
    profiles: RunningProfiles,
    employee_id: str,
    *,
    department: str,
    level: int,
    manager_id: str = "",
    title: str = "",
    skills: dict[str, int] | None = None,
    mentor_capacity: int = 0,
    free_pct: int = 0,
    **org: Any,
) -> None:
    """One employee in profiles: org data, skills, free time (mentoring must fit in
    it: the ledger's rule) and an opt-in as mentor if capacity > 0."""
    await profiles.profiles.UpsertProfile(
        ppb.UpsertProfileRequest(
            employee_id=employee_id,
            org=ppb.OrgData(
                name=employee_id.title(),
                email=f"{employee_id}@example.com",
                level=level,
                manager_id=manager_id,
                department=department,
                title=title,
                **org,
            ),
        ),
        metadata=HR,
    )
    own = as_(employee_id)
    if skills:
        await profiles.profiles.UpdateSkills(
            ppb.UpdateSkillsRequest(
                employee_id=employee_id,
                set=[ppb.SkillLevel(skill_id=s, level=lvl) for s, lvl in skills.items()],
            ),
            metadata=own,
        )
    if mentor_capacity or free_pct:
        await profiles.profiles.SetPreferences(
            ppb.SetPreferencesRequest(
                employee_id=employee_id,
                availability=ppb.Availability(share_free_pct=free_pct or 20),
                mobility=ppb.Mobility(
                    offers_mentoring=mentor_capacity > 0,
                    mentor_capacity=mentor_capacity,
                    mentor_topics=sorted(skills or {}) if mentor_capacity else [],
                ),
                visibility="everyone",
            ),
            metadata=own,
        )


async def running_mentorship(
    infrastructure: Infrastructure,
    prefix: str,
    profiles: RunningProfiles,
    **overrides: Any,
) -> AsyncIterator[RunningMentorship]:
    settings = MentorshipSettings(
        kafka_bootstrap=infrastructure.kafka_bootstrap,
        mongodb_uri=infrastructure.mongodb_uri,
        auth_secret=SECRET,
        mentorship_addr="127.0.0.1:0",
        profiles_addr=f"127.0.0.1:{profiles.app.grpc.port}",
        mentorship_database=f"test_{unique_suffix()}_mentorship",
        mentorship_consumer_group=f"test-mentorship-{unique_suffix()}",
        topic_prefix=prefix,
        **overrides,
    )
    app = build_app(settings, RetryPolicy(attempts=2, first_backoff_s=0.05))
    await app.prepare()
    await app.broker.start()
    stop = asyncio.Event()
    relays = await start_readers(app.readers, stop, timeout_s=60)
    await app.grpc.start()
    relays += [
        asyncio.create_task(app.relay.run(stop)),
        asyncio.create_task(app.cycle_relay.run(stop)),
        asyncio.create_task(app.repair_forever(stop)),
    ]
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc.port}") as channel:
            yield RunningMentorship(
                app, settings, rpc.MentorshipServiceStub(channel), rpc.MatchingServiceStub(channel)
            )
    finally:
        stop.set()
        await asyncio.gather(*relays)
        await app.grpc.stop()
        await app.broker.stop()
        await app.profiles_client.close()
        await app.mongo.drop_database(settings.mentorship_database)
        await app.mongo.close()
