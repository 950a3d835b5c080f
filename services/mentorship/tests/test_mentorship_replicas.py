"""Two mentorship replicas (separate OS processes) on one database, topics and group.

What must hold whichever replica answers: each replica knows every person
(also one that starts late); a mentor's capacity holds when more requests are
accepted through both replicas than it has places; a cycle run asked of both
replicas at once runs once (one set of proposals, one event each).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from mentorship_replicas import (
    HR,
    PeopleFeeder,
    as_,
    mentorship_replicas,
    person,
    start_fake_profiles,
)

from trellis.mentorship.v1 import mentorship_pb2 as pb
from trellis.mentorship.v1 import mentorship_pb2_grpc as rpc
from trellis_shared.contracts.mentorship import CYCLE_TOPIC, MATCH_TOPIC
from trellis_shared.contracts.profiles import PROFILE_SNAPSHOT_TOPIC
from trellis_shared.events.envelope import envelope_from_kafka
from trellis_shared.testing.infrastructure import Infrastructure, NamespaceFactory
from trellis_shared.testing.kafka_reader import read_topic
from trellis_shared.testing.replicas import ReplicaSet
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.integration
TOPICS = (PROFILE_SNAPSHOT_TOPIC, MATCH_TOPIC, CYCLE_TOPIC)


@dataclass
class TwoReplicas:
    replicas: ReplicaSet
    feeder: PeopleFeeder
    prefix: str
    bootstrap: str
    channels: list[grpc.aio.Channel]

    def mentorship(self, index: int) -> rpc.MentorshipServiceStub:
        return rpc.MentorshipServiceStub(self.channels[index])

    def matching(self, index: int) -> rpc.MatchingServiceStub:
        return rpc.MatchingServiceStub(self.channels[index])

    async def capacity(self, index: int, mentor_id: str) -> int:
        reply = await self.mentorship(index).GetMentorOffer(
            pb.GetMentorOfferRequest(employee_id=mentor_id), metadata=HR
        )
        return int(reply.offer.capacity)

    async def known_everywhere(self, mentor_ids: list[str], capacity: int) -> None:
        """Wait until every replica sees each mentor's profile capacity."""

        async def all_known() -> bool:
            for index in range(self.replicas.count):
                for mentor_id in mentor_ids:
                    if await self.capacity(index, mentor_id) != capacity:
                        return False
            return True

        await eventually(all_known, timeout_s=60)


@pytest.fixture
async def two(
    infrastructure: Infrastructure, kafka_namespace: NamespaceFactory, tmp_path: Path
) -> AsyncIterator[TwoReplicas]:
    # Six partitions, as in production: a shared consumer group would split them.
    prefix = await kafka_namespace(*TOPICS, partitions=6)
    feeder = PeopleFeeder(infrastructure.kafka_bootstrap, prefix)
    server, port = await start_fake_profiles()
    replicas = mentorship_replicas(infrastructure, prefix, port, tmp_path)
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


def _goal(skill_id: str = "python") -> list[pb.Goal]:
    return [pb.Goal(skill_id=skill_id, target_level=3)]


async def test_every_replica_knows_every_person(two: TwoReplicas) -> None:
    # Twelve keys over six partitions: with a shared group each replica knows half.
    mentors = [f"mentor-{n}" for n in range(12)]
    await two.feeder.people(*(person(m, mentor_capacity=3, skills={"python": 4}) for m in mentors))
    await two.known_everywhere(mentors, capacity=3)

    # A replica started late reads every snapshot before it reports ready.
    late = [f"late-{n}" for n in range(6)]
    await two.feeder.people(*(person(m, mentor_capacity=2) for m in late))
    await two.replicas.restart(1)
    assert [await two.capacity(1, m) for m in late] == [2] * len(late)


async def test_a_mentors_capacity_holds_across_replicas(two: TwoReplicas) -> None:
    mentees = [f"mentee-{n}" for n in range(8)]
    await two.feeder.people(
        person("guru", mentor_capacity=2, level=6, skills={"python": 5}, department="Data"),
        *(person(m, level=2, skills={"python": 1}) for m in mentees),
    )
    await two.known_everywhere(["guru"], capacity=2)
    match_ids = []
    for n, mentee in enumerate(mentees):
        filed = await two.mentorship(n % 2).SubmitMenteeRequest(
            pb.SubmitMenteeRequestRequest(goals=_goal()), metadata=as_(mentee)
        )
        asked = await two.mentorship((n + 1) % 2).RequestMentor(
            pb.RequestMentorRequest(request_id=filed.request.request_id, mentor_id="guru"),
            metadata=as_(mentee),
        )
        match_ids.append(asked.match.match_id)

    async def accept(n: int, match_id: str) -> str:
        try:
            await two.mentorship(n % 2).AcceptMatch(
                pb.MatchActionRequest(match_id=match_id), metadata=as_("guru")
            )
        except grpc.aio.AioRpcError as error:
            return str(error.code().name)
        return "OK"

    # Eight acceptances for two places, spread over both replicas at once.
    answers = await asyncio.gather(*(accept(n, m) for n, m in enumerate(match_ids)))
    assert answers.count("OK") == 2, answers
    assert set(answers) == {"OK", "FAILED_PRECONDITION"}
    for index in range(two.replicas.count):
        offer = (
            await two.mentorship(index).GetMentorOffer(
                pb.GetMentorOfferRequest(employee_id="guru"), metadata=HR
            )
        ).offer
        assert (offer.places_taken, offer.places_free) == (2, 0)
    matches = await two.mentorship(1).ListMyMatches(
        pb.ListMyMatchesRequest(role="mentor"), metadata=as_("guru")
    )
    assert sorted(m.status for m in matches.matches) == ["active"] * 2 + ["requested"] * 6


async def test_a_cycle_run_asked_of_both_replicas_at_once_runs_once(two: TwoReplicas) -> None:
    mentors = [f"cm-{n}" for n in range(3)]
    mentees = [f"cx-{n}" for n in range(6)]
    await two.feeder.people(
        *(person(m, mentor_capacity=2, level=6, skills={"python": 5}) for m in mentors),
        *(person(m, level=2, skills={"python": 1}, department="Sales") for m in mentees),
    )
    await two.known_everywhere(mentors, capacity=2)
    cycle = (await two.matching(0).OpenCycle(pb.OpenCycleRequest(name="Spring"), metadata=HR)).cycle
    for n, mentee in enumerate(mentees):
        await two.mentorship(n % 2).SubmitMenteeRequest(
            pb.SubmitMenteeRequestRequest(cycle_id=cycle.cycle_id, goals=_goal()),
            metadata=as_(mentee),
        )

    async def run(index: int) -> str:
        try:
            await two.matching(index).RunCycle(
                pb.RunCycleRequest(cycle_id=cycle.cycle_id), metadata=HR
            )
        except grpc.aio.AioRpcError as error:
            return str(error.code().name)
        return "OK"

    answers = sorted(await asyncio.gather(run(0), run(1)))
    assert answers == ["FAILED_PRECONDITION", "OK"]
    report = (
        await two.matching(1).GetCycleReport(
            pb.CycleActionRequest(cycle_id=cycle.cycle_id), metadata=HR
        )
    ).cycle.last_report
    assert report.run == 1
    assert report.proposed == 6  # three mentors with two places each, six mentees
    proposed = set(report.proposed_match_ids)
    assert len(proposed) == 6

    # Each mentee has exactly one proposal, whichever replica is asked.
    for n, mentee in enumerate(mentees):
        mine = await two.mentorship(n % 2).ListMyMatches(
            pb.ListMyMatchesRequest(role="mentee"), metadata=as_(mentee)
        )
        assert [m.match_id for m in mine.matches if m.match_id in proposed] == [
            m.match_id for m in mine.matches
        ]
        assert len(mine.matches) == 1

    # One `match.proposed` event per proposal (a relay may send one twice, under
    # the same id: consumers drop that), and one `cycle.run` event.
    async def proposals_seen() -> dict[str, str]:
        records = await read_topic(two.bootstrap, two.prefix + MATCH_TOPIC, 100, timeout_s=3)
        found = {}
        for record in records:
            envelope = envelope_from_kafka(record.value)
            if envelope.type.endswith("proposed"):
                found[envelope.id] = envelope.subject
        return found if len(found) >= 6 else {}

    events = await eventually(proposals_seen, timeout_s=60)
    assert sorted(events.values()) == sorted(proposed)
    records = await read_topic(two.bootstrap, two.prefix + CYCLE_TOPIC, 100, timeout_s=3)
    runs = {
        envelope.id
        for envelope in map(envelope_from_kafka, (r.value for r in records))
        if envelope.type.endswith(".run")
    }
    assert len(runs) == 1
