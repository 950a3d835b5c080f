"""Application submissions end to end: gRPC → postings → database → Kafka.

Profiles and postings run in this process on a real Kafka and database (as
`make run` starts them, minus the process boundary). N applicants each submit
to one of several open gigs, 16 at a time; the clock stops when the last
`application.submitted` event has been read back from Kafka. The baseline in the
same run does the same number of plain PyMongo `insert_one` of a document the
size of an application event plus a plain aiokafka `send_and_wait` (acks=all,
idempotent) of that event, at the same concurrency. The ratio is the price of
everything Trellis adds: authentication, the reporting-chain call to profiles
(for confidentiality), validation, the version-checked aggregate write with its
outbox, and the relay. Information only: the machine is shared and noisy.

Knobs: TRELLIS_BENCH_SUBMISSIONS (300), TRELLIS_BENCH_POSTINGS (15).
`python -m benchmarks.postings_submit` runs it alone.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import grpc
from aiokafka import AIOKafkaProducer

from benchmarks.profiles import (
    CODEC,
    SECRET,
    SERVICE_TOPICS,
    Endpoints,
    bench_settings,
    bench_topics,
    cancel_and_wait,
    env_int,
    every_step,
    infrastructure,
    quiet_library_logs,
    running_service,
)
from trellis.postings.v1 import postings_pb2 as pb
from trellis.postings.v1 import postings_pb2_grpc as rpc
from trellis_postings.bootstrap import build_app
from trellis_postings.config import PostingsSettings
from trellis_profiles.adapters.taxonomy_files import load_default_taxonomy
from trellis_profiles.app.synthetic_org import generate_organisation
from trellis_profiles.entrypoints.import_client import import_via_service
from trellis_shared.contracts.postings import APPLICATION_TOPIC, INTERVIEW_TOPIC
from trellis_shared.grpc.tokens import Principal
from trellis_shared.testing.infrastructure import unique_suffix
from trellis_shared.testing.kafka_reader import read_topic

CONCURRENCY = 16
HR = CODEC.metadata(Principal("bench-hr", frozenset({"employee", "hr_admin"})))
TOPICS = (*SERVICE_TOPICS, INTERVIEW_TOPIC)


@dataclass(frozen=True)
class Postings:
    stub: rpc.ApplicationServiceAsyncStub
    opportunities: rpc.OpportunityServiceAsyncStub
    settings: PostingsSettings


@asynccontextmanager
async def running_postings(
    endpoints: Endpoints, prefix: str, profiles_address: str, suffix: str
) -> AsyncIterator[Postings]:
    settings = PostingsSettings(
        kafka_bootstrap=endpoints.kafka_bootstrap,
        mongodb_uri=endpoints.mongodb_uri,
        auth_secret=SECRET,
        postings_addr="127.0.0.1:0",
        profiles_addr=profiles_address,
        postings_database=f"bench_{suffix}_postings",
        postings_consumer_group=f"bench-postings-{suffix}",
        topic_prefix=prefix,
    )
    app = build_app(settings)
    stop = asyncio.Event()
    relay: asyncio.Task[None] | None = None
    try:
        await app.relay.ensure_indexes()
        await app.prepare()
        await app.broker.start()
        await app.grpc.start()
        relay = asyncio.create_task(app.relay.run(stop))
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc.port}") as channel:
            yield Postings(
                rpc.ApplicationServiceStub(channel), rpc.OpportunityServiceStub(channel), settings
            )
    finally:
        stop.set()
        await every_step(
            lambda: cancel_and_wait(relay),
            app.grpc.stop,
            app.broker.stop,
            app.profiles_client.close,
            lambda: app.mongo.drop_database(settings.postings_database),
            app.mongo.close,
        )


async def bounded(jobs: list[Callable[[], Awaitable[object]]]) -> None:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(job: Callable[[], Awaitable[object]]) -> None:
        async with gate:
            await job()

    await asyncio.gather(*(one(job) for job in jobs))


async def open_gigs(postings: Postings, count: int) -> list[str]:
    starts = date.today() + timedelta(days=30)
    ids = []
    for n in range(count):
        reply = await postings.opportunities.CreateOpportunity(
            pb.CreateOpportunityRequest(
                kind="gig",
                details=pb.OpportunityDetails(
                    title=f"Benchmark gig {n}",
                    # Outside the org: never in an applicant's chain, so confidential
                    # applications are allowed for everyone.
                    hiring_manager_id="bench-hiring-manager",
                    required_skills=[pb.RequiredSkill(skill_id="python", min_level=2)],
                    share_pct=20,
                    starts_on=starts.isoformat(),
                    ends_on=(starts + timedelta(days=60)).isoformat(),
                    deadline=(datetime.now(UTC) + timedelta(days=7)).isoformat(),
                ),
                publish=True,
            ),
            metadata=HR,
        )
        ids.append(reply.opportunity.opportunity_id)
    return ids


async def submissions_end_to_end(
    postings: Postings, applicants: list[str], opportunity_ids: list[str]
) -> tuple[float, bytes]:
    def submit(n: int, who: str) -> Callable[[], Awaitable[object]]:
        request = pb.SubmitApplicationRequest(
            opportunity_id=opportunity_ids[n % len(opportunity_ids)],
            request_id=f"bench-{n}",
            note="I would love to help with this.",
            confidential=n % 2 == 0,
        )
        metadata = CODEC.metadata(Principal(who, frozenset({"employee"})))
        return lambda: postings.stub.SubmitApplication(request, metadata=metadata)

    started = time.perf_counter()
    await bounded([submit(n, who) for n, who in enumerate(applicants)])
    records = await read_topic(
        postings.settings.kafka_bootstrap,
        postings.settings.topic_prefix + APPLICATION_TOPIC,
        len(applicants),
        timeout_s=600,
    )
    if len(records) < len(applicants):
        raise RuntimeError(f"only {len(records)} of {len(applicants)} events reached Kafka")
    return time.perf_counter() - started, records[-1].value


async def baseline(endpoints: Endpoints, prefix: str, count: int, event: bytes) -> float:
    from pymongo import AsyncMongoClient

    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(endpoints.mongodb_uri)
    collection = client[f"bench_{unique_suffix()}_bare"]["applications"]
    producer = AIOKafkaProducer(
        bootstrap_servers=endpoints.kafka_bootstrap, acks="all", enable_idempotence=True
    )
    await producer.start()
    topic = prefix + APPLICATION_TOPIC

    def job(n: int) -> Callable[[], Awaitable[object]]:
        async def run() -> None:
            await collection.insert_one({"_id": n, "event": event})
            await producer.send_and_wait(topic, event, key=str(n).encode())

        return run

    try:
        started = time.perf_counter()
        await bounded([job(n) for n in range(count)])
        return time.perf_counter() - started
    finally:
        await producer.stop()
        await client.drop_database(collection.database.name)
        await client.close()


async def run(endpoints: Endpoints) -> None:
    count = env_int("TRELLIS_BENCH_SUBMISSIONS", 300)
    posting_count = env_int("TRELLIS_BENCH_POSTINGS", 15)
    suffix = unique_suffix()
    profiles_settings = bench_settings(endpoints, suffix)
    prefix = profiles_settings.topic_prefix
    records = generate_organisation(count + 20, load_default_taxonomy(), seed=3)
    applicants = [r["employee_id"] for r in records if r["ladder"] != "manager"][:count]
    async with (
        bench_topics(endpoints.kafka_bootstrap, prefix, TOPICS),
        running_service(profiles_settings) as profiles,
    ):
        await import_via_service(
            profiles.address, CODEC, load_default_taxonomy(), json.dumps(records), "json"
        )
        async with running_postings(endpoints, prefix, profiles.address, suffix) as postings:
            opportunity_ids = await open_gigs(postings, posting_count)
            seconds, event = await submissions_end_to_end(postings, applicants, opportunity_ids)
        bare = await baseline(endpoints, prefix, len(applicants), event)
    ours = len(applicants) / seconds
    theirs = len(applicants) / bare
    print(
        f"submit     {ours:>10,.1f} submissions/s end to end ({len(applicants)} over "
        f"{posting_count} postings, {CONCURRENCY} at a time, {seconds:.1f}s)\n"
        f"           baseline {theirs:,.1f}/s (insert_one + send_and_wait of a "
        f"{len(event)}-byte event, {bare:.1f}s)   ratio {theirs / ours:.1f}x slower"
    )


def main() -> int:
    print("[trellis] bench: postings submissions (real Kafka + database)")
    quiet_library_logs()
    try:
        with infrastructure() as endpoints:
            asyncio.run(run(endpoints))
    except Exception as error:
        traceback.print_exc()
        print(f"[trellis] bench: postings submissions failed: {error!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
