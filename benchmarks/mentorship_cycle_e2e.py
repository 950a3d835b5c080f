"""A mentoring cycle of 10,000 mentees run end to end through the service.

The mentorship service runs as its own process (`trellis-mentorship serve`, as
in production) on the real Kafka and database. People arrive the way profiles
sends them: TRELLIS_BENCH_E2E_MENTEES (10,000) mentees and a fifth as many
mentors (capacity 1-5, about 3 places each on average, so some mentees stay
unmatched) published as profile snapshots; the few calls the service makes to
profiles are answered by a stand-in in this process. Then:

- ready: the process started and read every snapshot (the broadcast reader
  catches up before it serves);
- requests: TRELLIS_BENCH_E2E_REQUESTS_VIA_GRPC (500) requests filed through
  gRPC (the service's path: checks, reporting chain, one write); the others are
  inserted straight into the database in the service's document shape;
- run: RunCycle through gRPC, timed from the call to its answer: the claim,
  reading every request and mentor place, the matching engine, then for every
  pair a place taken (capacity checked in one conditional write), the request
  claimed and the match written with its event, and the unmatched noted;
- events: until the relay has published the `cycle.run` event;
- memory: the service process's peak resident set (VmHWM) after the run.

Information only (no target in the issue; the machine is shared and noisy).
`python -m benchmarks.mentorship_cycle_e2e` runs it alone.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
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
from trellis.mentorship.v1 import mentorship_pb2 as pb
from trellis.mentorship.v1 import mentorship_pb2_grpc as rpc
from trellis_mentorship.app.requests import request_id_for
from trellis_mentorship.domain.mentee_request import GoalSpec, MenteeRequest, RequestTerms
from trellis_shared.contracts.mentorship import CYCLE_TOPIC, MATCH_TOPIC
from trellis_shared.contracts.profiles import PROFILE_SNAPSHOT_TOPIC
from trellis_shared.events import EventPayload
from trellis_shared.events.envelope import envelope_from_kafka
from trellis_shared.grpc.tokens import Principal
from trellis_shared.testing.infrastructure import unique_suffix
from trellis_shared.testing.kafka_reader import read_topic

MENTEES = env_int("TRELLIS_BENCH_E2E_MENTEES", 10_000)
MENTORS = max(5, MENTEES // 5)
VIA_GRPC = min(MENTEES, env_int("TRELLIS_BENCH_E2E_REQUESTS_VIA_GRPC", 500))
SKILLS = [f"skill-{n:03d}" for n in range(300)]
DEPARTMENTS = [f"dept-{n:02d}" for n in range(20)]
CONCURRENCY = 16
TOPICS = (PROFILE_SNAPSHOT_TOPIC, MATCH_TOPIC, CYCLE_TOPIC)
REQUESTS_PER_INSERT = 2_000


def hr(roles: Any) -> tuple[tuple[str, str], ...]:
    """A fresh token for every call: tokens expire within the longer phases."""
    metadata: tuple[tuple[str, str], ...] = roles.CODEC.metadata(
        Principal("hr-1", frozenset({"employee", "hr_admin"}))
    )
    return metadata


def step(text: str) -> None:
    """Each figure as soon as it is known (a long run that fails still reports)."""
    print(f"  {text}", flush=True)


def people(roles: Any, rng: random.Random) -> Iterator[tuple[str, str, EventPayload]]:
    for n in range(MENTORS):
        employee_id = f"mentor-{n:05d}"
        skills = {s: rng.randint(3, 5) for s in rng.sample(SKILLS, rng.randint(5, 10))}
        snapshot = roles.person(
            employee_id,
            department=rng.choice(DEPARTMENTS),
            level=rng.randint(4, 8),
            skills=skills,
            mentor_capacity=rng.randint(1, 5),
        )
        yield PROFILE_SNAPSHOT_TOPIC, employee_id, snapshot
    for n in range(MENTEES):
        employee_id = f"mentee-{n:06d}"
        skills = {s: rng.randint(1, 3) for s in rng.sample(SKILLS, rng.randint(3, 6))}
        snapshot = roles.person(
            employee_id, department=rng.choice(DEPARTMENTS), level=rng.randint(1, 4), skills=skills
        )
        yield PROFILE_SNAPSHOT_TOPIC, employee_id, snapshot


def goals(rng: random.Random) -> list[tuple[str, int]]:
    return [(s, rng.randint(2, 4)) for s in rng.sample(SKILLS, rng.randint(1, 3))]


def request_document(
    cycle_id: str, mentee_id: str, wanted: list[tuple[str, int]]
) -> dict[str, Any]:
    """What a request the service wrote looks like (AggregateStore's shape)."""
    request = MenteeRequest(
        request_id=request_id_for(cycle_id, mentee_id),
        mentee_id=mentee_id,
        cycle_id=cycle_id,
        terms=RequestTerms(goals=[GoalSpec(skill_id=s, target_level=t) for s, t in wanted]),
        created_at=datetime.now(UTC),
    )
    return {
        "_id": request.request_id,
        "version": 1,
        "state": request.model_dump(mode="json"),
        "outbox": {},
        "outbox_pending": 0,
    }


async def file_via_grpc(
    roles: Any, stub: Any, cycle_id: str, plan: dict[str, list[tuple[str, int]]]
) -> float:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(mentee_id: str, wanted: list[tuple[str, int]]) -> None:
        async with gate:
            await stub.SubmitMenteeRequest(
                pb.SubmitMenteeRequestRequest(
                    cycle_id=cycle_id,
                    goals=[pb.Goal(skill_id=s, target_level=t) for s, t in wanted],
                ),
                metadata=roles.as_(mentee_id),
            )

    started = time.perf_counter()
    await asyncio.gather(*(one(m, w) for m, w in plan.items()))
    return time.perf_counter() - started


async def wait_for_run(bootstrap: str, topic: str, cycle_id: str) -> None:
    while True:
        for record in await read_topic(bootstrap, topic, 10, timeout_s=2):
            envelope = envelope_from_kafka(record.value)
            if envelope.subject == cycle_id and envelope.type.endswith("cycle.run"):
                return


async def run(endpoints: Endpoints) -> None:
    bootstrap = endpoints.kafka_bootstrap
    roles = stand_ins("mentorship", "mentorship_replicas")
    suffix = unique_suffix()
    prefix = f"bench.{suffix}."
    database = f"bench_{suffix}_mentorship"
    rng = random.Random(20261207)
    plan = {f"mentee-{n:06d}": goals(rng) for n in range(MENTEES)}
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(endpoints.mongodb_uri)
    async with bench_topics(bootstrap, prefix, TOPICS):
        started = time.perf_counter()
        fed = await publish_many(bootstrap, prefix, people(roles, rng))
        feed_s = time.perf_counter() - started
        step(f"fed {fed:,} snapshots: {feed_s:.1f} s")
        server, port = await roles.start_fake_profiles()
        with tempfile.TemporaryDirectory() as logs:
            replicas = roles.mentorship_replicas(
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
                    matching = rpc.MatchingServiceStub(channel)
                    cycle = (
                        await matching.OpenCycle(
                            pb.OpenCycleRequest(name="Bench"), metadata=hr(roles)
                        )
                    ).cycle
                    via_grpc = dict(list(plan.items())[:VIA_GRPC])
                    file_s = await file_via_grpc(
                        roles, rpc.MentorshipServiceStub(channel), cycle.cycle_id, via_grpc
                    )
                    requests = mongo[database]["requests"]
                    direct = [(m, w) for m, w in plan.items() if m not in via_grpc]
                    started = time.perf_counter()
                    for start in range(0, len(direct), REQUESTS_PER_INSERT):
                        await requests.insert_many(
                            [
                                request_document(cycle.cycle_id, m, w)
                                for m, w in direct[start : start + REQUESTS_PER_INSERT]
                            ]
                        )
                    insert_s = time.perf_counter() - started
                    step(f"requests via gRPC: {file_s:.1f} s; others inserted: {insert_s:.1f} s")
                    started = time.perf_counter()
                    await matching.RunCycle(
                        pb.RunCycleRequest(cycle_id=cycle.cycle_id), metadata=hr(roles)
                    )
                    run_s = time.perf_counter() - started
                    step(f"RunCycle answered: {run_s:.1f} s, peak RSS {peak_rss_mib(pid):,.0f} MiB")
                    await wait_for_run(bootstrap, prefix + CYCLE_TOPIC, cycle.cycle_id)
                    events_s = time.perf_counter() - started
                    peak_mib = peak_rss_mib(pid)
                    report = (
                        await matching.GetCycleReport(
                            pb.CycleActionRequest(cycle_id=cycle.cycle_id), metadata=hr(roles)
                        )
                    ).cycle.last_report
                    matches = await mongo[database]["matches"].estimated_document_count()
            finally:
                await replicas.stop()
                await server.stop(None)
                await mongo.drop_database(database)
                await mongo.close()
    if matches != report.proposed:
        raise AssertionError(f"{report.proposed} proposed but {matches} match documents")
    print(
        f"cycle e2e: {MENTEES:,} mentees, {MENTORS:,} mentors\n"
        f"  fed {fed:,} snapshots              {feed_s:8.1f} s\n"
        f"  service ready (read them all)   {ready_s:8.1f} s   peak RSS {ready_mib:,.0f} MiB\n"
        f"  requests via gRPC ({VIA_GRPC:,})       {file_s:8.1f} s   "
        f"{VIA_GRPC / file_s:,.0f} requests/s\n"
        f"  other requests inserted         {insert_s:8.1f} s\n"
        f"  RunCycle (gRPC, end to end)     {run_s:8.1f} s   "
        f"{report.proposed:,} proposed ({report.matched_share:.0%}), mean score "
        f"{report.mean_score:.1f}\n"
        f"  ... until cycle.run on Kafka    {events_s:8.1f} s\n"
        f"  service peak RSS                {peak_mib:8,.0f} MiB"
    )


def main() -> int:
    print(f"[trellis] bench: mentoring cycle end to end ({MENTEES:,} mentees, service process)")
    return run_on_stack("mentorship cycle e2e", run)


if __name__ == "__main__":
    raise SystemExit(main())
