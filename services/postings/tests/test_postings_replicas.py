"""Two postings replicas (separate OS processes) on one database, with profiles:
the guarantees that must hold across processes, not just inside one."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
import pytest
from postings_harness import TOPICS
from postings_replicas import Stubs, as_, postings_replicas
from profiles_harness import RunningProfiles, running_profiles
from pymongo.asynchronous.database import AsyncDatabase

from trellis.postings.v1 import postings_pb2 as pb
from trellis.profiles.v1 import profiles_pb2 as ppb
from trellis_postings.domain.applying import application_id_for
from trellis_shared.contracts.postings import APPLICATION_TOPIC
from trellis_shared.events.envelope import envelope_from_kafka
from trellis_shared.testing.infrastructure import (
    Infrastructure,
    NamespaceFactory,
    unique_suffix,
)
from trellis_shared.testing.kafka_reader import read_topic
from trellis_shared.testing.replicas import ReplicaSet
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.integration
HIRING = as_("hm", "employee", "manager")
HR = as_("hr-1", "employee", "hr_admin")
PEOPLE = [f"p{n:02d}" for n in range(30)]


@dataclass
class Two:
    profiles: RunningProfiles
    replicas: ReplicaSet
    stubs: list[Stubs]
    prefix: str
    database: AsyncDatabase[dict[str, Any]]


async def _org(profiles: RunningProfiles) -> None:
    """ceo <- hm (hiring); ceo <- m1 <- p00..p29 and alice."""
    await profiles.create("ceo", "Cee Oh", ladder="manager", department="Executive")
    await profiles.create("hm", "Hal Hiring", manager_id="ceo", ladder="manager")
    await profiles.create("m1", "Mia One", manager_id="ceo", ladder="manager")
    await asyncio.gather(
        *(profiles.create(p, p.upper(), manager_id="m1", department="Data") for p in PEOPLE)
    )
    await profiles.create("alice", "Alice", manager_id="m1", department="Data")
    await profiles.profiles.UpdateSkills(
        ppb.UpdateSkillsRequest(
            employee_id="alice", set=[ppb.SkillLevel(skill_id="python", level=4)]
        ),
        metadata=as_("alice"),
    )


@pytest.fixture
async def two(
    infrastructure: Infrastructure, kafka_namespace: NamespaceFactory, tmp_path: Path
) -> AsyncIterator[Two]:
    # Six partitions, as in production: a shared consumer group would split them.
    prefix = await kafka_namespace(*TOPICS, partitions=6)
    async for profiles in running_profiles(infrastructure, prefix):
        await _org(profiles)
        name = f"test_{unique_suffix()}_postings"
        replicas = postings_replicas(infrastructure, prefix, profiles, tmp_path, database=name)
        try:
            await replicas.start()
            channels = [replicas.channel_to(i) for i in range(replicas.count)]
            try:
                yield Two(
                    profiles,
                    replicas,
                    [Stubs.over(c) for c in channels],
                    prefix,
                    profiles.app.mongo[name],
                )
            finally:
                for channel in channels:
                    await channel.close()
        finally:
            await replicas.stop()
            await profiles.app.mongo.drop_database(name)


def _job(**changes: object) -> dict[str, object]:
    details: dict[str, object] = {
        "title": "Data engineer",
        "department": "Platform",
        "required_skills": [pb.RequiredSkill(skill_id="python", min_level=3)],
        "deadline": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
    }
    details.update(changes)
    return details


async def _apply(stubs: Stubs, opportunity_id: str, person: str) -> pb.Application:
    reply = await stubs.applications.SubmitApplication(
        pb.SubmitApplicationRequest(opportunity_id=opportunity_id, request_id=f"req-{person}"),
        metadata=as_(person),
    )
    return reply.application


async def test_the_last_seat_is_never_overfilled_across_replicas(two: Two) -> None:
    job = await two.stubs[0].post("job", "hm", **_job(seats=3))
    applicants = PEOPLE[:8]
    offers = []
    for n, person in enumerate(applicants):
        stubs = two.stubs[n % 2]
        application = await _apply(stubs, job.opportunity_id, person)
        for status in ("shortlisted", "offered"):
            await stubs.applications.MoveApplication(
                pb.MoveApplicationRequest(application_id=application.application_id, status=status),
                metadata=HIRING,
            )
        offers.append((person, application.application_id))

    results = await asyncio.gather(
        *(
            two.stubs[n % 2].applications.MoveApplication(
                pb.MoveApplicationRequest(application_id=application_id, status="accepted"),
                metadata=as_(person),
            )
            for n, (person, application_id) in enumerate(offers)
        ),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, pb.ApplicationReply)]
    lost = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(won) == 3, results
    assert len(lost) == 5
    assert {e.code() for e in lost} == {grpc.StatusCode.FAILED_PRECONDITION}
    for index in (0, 1):
        posting = await two.stubs[index].opportunities.GetOpportunity(
            pb.GetOpportunityRequest(opportunity_id=job.opportunity_id), metadata=HIRING
        )
        assert posting.opportunity.seats_filled == 3
        assert posting.opportunity.status == "filled"
        listed = await two.stubs[index].applications.ListApplications(
            pb.ListApplicationsRequest(opportunity_id=job.opportunity_id), metadata=HIRING
        )
        statuses = sorted(a.status for a in listed.applications)
        assert statuses == ["accepted"] * 3 + ["offered"] * 5


async def test_the_interview_cap_holds_across_replicas(two: Two) -> None:
    slot = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    hosted = [
        await two.stubs[n % 2].post(
            "interest_interview",
            "hm",
            title=f"Meet team {n}",
            interview_slots=[slot.isoformat()],
        )
        for n in range(8)
    ]
    requester = as_("p10")
    results = await asyncio.gather(
        *(
            two.stubs[n % 2].interviews.RequestInterview(
                pb.RequestInterviewRequest(opportunity_id=o.opportunity_id), metadata=requester
            )
            for n, o in enumerate(hosted)
        ),
        return_exceptions=True,
    )
    granted = [r for r in results if isinstance(r, pb.InterviewReply)]
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(granted) == 3, results
    assert len(refused) == 5
    assert all("at most 3" in (r.details() or "") for r in refused)
    for stubs in two.stubs:
        mine = await stubs.interviews.ListMyInterviews(
            pb.ListMyInterviewsRequest(), metadata=requester
        )
        assert [i.status for i in mine.interviews] == ["requested"] * 3
    # A request that closes frees its slot for one more, on either replica.
    first = granted[0].interview.opportunity_id
    await two.stubs[1].interviews.CancelInterview(
        pb.InterviewActionRequest(opportunity_id=first), metadata=requester
    )
    taken = {g.interview.opportunity_id for g in granted}
    another = next(o.opportunity_id for o in hosted if o.opportunity_id not in taken)
    await two.stubs[0].interviews.RequestInterview(
        pb.RequestInterviewRequest(opportunity_id=another), metadata=requester
    )


async def test_a_replica_killed_mid_load_loses_and_doubles_nothing(two: Two) -> None:
    job = await two.stubs[1].post("job", "hm", **_job(seats=1))
    first: dict[str, pb.Application] = {}
    failed: list[str] = []

    async def submit(n: int, person: str) -> None:
        try:
            first[person] = await _apply(two.stubs[n % 2], job.opportunity_id, person)
        except grpc.aio.AioRpcError:
            failed.append(person)

    async def arrive() -> list[asyncio.Task[None]]:
        # People arrive one after another, as they do, so the load outlasts the
        # kill: all thirty at once can finish before any kill lands.
        tasks = []
        for n, person in enumerate(PEOPLE):
            tasks.append(asyncio.create_task(submit(n, person)))
            await asyncio.sleep(0.05)
        return tasks

    arriving = asyncio.create_task(arrive())

    async def some_answered() -> bool:
        return len(first) >= 4

    await eventually(some_answered, timeout_s=60, every_s=0.02)
    two.replicas.kill(0)  # SIGKILL: whatever replica 0 was doing stops mid-way
    await asyncio.gather(*await arriving)
    assert failed, "the kill should have cut some submissions short"

    # Every client retries with its request id on the replica that carries on.
    for person in PEOPLE:
        again = await _apply(two.stubs[1], job.opportunity_id, person)
        if person in first:
            assert again.application_id == first[person].application_id
            assert again.submitted_at == first[person].submitted_at
        assert again.attempt == 1

    listed = await two.stubs[1].applications.ListApplications(
        pb.ListApplicationsRequest(opportunity_id=job.opportunity_id), metadata=HIRING
    )
    assert sorted(a.employee_id for a in listed.applications) == PEOPLE
    counted = await two.stubs[1].opportunities.GetOpportunity(
        pb.GetOpportunityRequest(opportunity_id=job.opportunity_id), metadata=HIRING
    )
    assert counted.opportunity.application_count == len(PEOPLE)

    # Restarted, replica 0 publishes what the kill left in its outbox; every
    # application is announced, each by exactly one event (a re-sent copy
    # carries the same event id, which consumers drop).
    await two.replicas.restart(0)
    topic = two.prefix + APPLICATION_TOPIC
    bootstrap = two.profiles.bootstrap

    async def announced() -> dict[str, set[str]]:
        # Everything there (a throwaway group needs a few seconds to join).
        records = await read_topic(bootstrap, topic, 10**6, timeout_s=10)
        ids: dict[str, set[str]] = defaultdict(set)
        for record in records:
            envelope = envelope_from_kafka(record.value)
            if envelope.type == "trellis.postings.application.submitted":
                ids[envelope.data["employee_id"]].add(envelope.id)
        return ids

    async def all_announced() -> bool:
        return set(await announced()) == set(PEOPLE)

    try:
        await eventually(all_announced, timeout_s=120)
    except AssertionError:
        seen = await announced()
        missing = sorted(set(PEOPLE) - set(seen))
        documents = [
            await two.database.applications.find_one(
                {"_id": application_id_for(job.opportunity_id, person)}
            )
            for person in missing
        ]
        raise AssertionError(f"never announced: {missing}; pending: {documents}") from None
    assert {person: len(ids) for person, ids in (await announced()).items()} == dict.fromkeys(
        PEOPLE, 1
    )


async def test_a_replica_recommends_what_another_replica_published(two: Two) -> None:
    gig_details = {
        "title": "Python pipelines",
        "required_skills": [pb.RequiredSkill(skill_id="python", min_level=3)],
    }
    published = await two.stubs[0].post("job", "hm", **gig_details)
    alice = as_("alice")

    async def recommended_by_1() -> set[str]:
        reply = await two.stubs[1].recommendations.RecommendOpportunities(
            pb.RecommendOpportunitiesRequest(employee_id="alice", limit=100), metadata=alice
        )
        return {r.opportunity.opportunity_id for r in reply.recommendations}

    async def learnt() -> bool:
        return published.opportunity_id in await recommended_by_1()

    await eventually(learnt, timeout_s=60)
    assert published.opportunity_id in await recommended_by_1()
    await two.stubs[0].opportunities.CloseOpportunity(
        pb.OpportunityActionRequest(opportunity_id=published.opportunity_id), metadata=HIRING
    )

    async def forgotten() -> bool:
        return published.opportunity_id not in await recommended_by_1()

    await eventually(forgotten, timeout_s=60)
    assert published.opportunity_id not in await recommended_by_1()


async def test_every_replica_knows_every_person(two: Two) -> None:
    posting = await two.stubs[0].post("job", "hm", **_job())
    await two.profiles.create("late", "Late Joiner", manager_id="m1")
    everyone = {*PEOPLE, "alice", "late"}

    async def candidates_on(stubs: Stubs) -> set[str]:
        reply = await stubs.recommendations.FindCandidates(
            pb.FindCandidatesRequest(opportunity_id=posting.opportunity_id, limit=100),
            metadata=HR,
        )
        return {c.employee_id for c in reply.candidates}

    async def known_on_both() -> bool:
        return all([everyone <= await candidates_on(stubs) for stubs in two.stubs])

    await eventually(known_on_both, timeout_s=60)
    for stubs in two.stubs:
        assert everyone <= await candidates_on(stubs)
