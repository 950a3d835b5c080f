"""The whole of Trellis in one test process: profiles, postings, mentorship and
bidding (each on the real broker and database through its own harness), and the
portal serving HTTP on a free port, plus a small organisation to sign in as.

The organisation (ids are stable; every module gets its own databases/topics):

    ceo            Executive, level 10
    ├── hr1        People (hr_admin through the dev sign-in), level 6
    ├── mdata      Data manager, level 7: posts opportunities; mentor (capacity 2)
    │   └── dsenior   Data, level 6: python 5, sql 5; mentor (capacity 2)
    └── meng       Engineering manager, level 7
        ├── emp1   Engineering, level 3: python 4, sql 3, kubernetes 2 (the applicant)
        └── emp2   Engineering, level 3: python 2, go 3
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from bidding_harness import RunningBidding, running_bidding
from mentorship_harness import RunningMentorship, person, running_mentorship
from postings_harness import RunningPostings, running_postings
from profiles_harness import SECRET, RunningProfiles, running_profiles

from trellis_portal.bootstrap import PortalApp, build_app
from trellis_portal.config import PortalSettings
from trellis_shared.kafka.consumer import RetryPolicy
from trellis_shared.kafka.topics import (
    TopicSpec,
    delete_topics,
    ensure_topics,
    load_manifest,
)
from trellis_shared.testing.infrastructure import REPO_ROOT, Infrastructure, unique_suffix

PEOPLE: dict[str, dict[str, Any]] = {
    "ceo": {"department": "Executive", "level": 10, "title": "Chief Executive Officer"},
    "hr1": {"department": "People", "level": 6, "manager_id": "ceo", "title": "HR Partner"},
    "mdata": {
        "department": "Data",
        "level": 7,
        "manager_id": "ceo",
        "title": "Data Manager",
        "skills": {"python": 5, "sql": 4},
        "mentor_capacity": 2,
    },
    "meng": {
        "department": "Engineering",
        "level": 7,
        "manager_id": "ceo",
        "title": "Engineering Manager",
        "skills": {"go": 4},
    },
    "dsenior": {
        "department": "Data",
        "level": 6,
        "manager_id": "mdata",
        "title": "Senior Data Engineer",
        "skills": {"python": 5, "sql": 5},
        "mentor_capacity": 2,
    },
    "emp1": {
        "department": "Engineering",
        "level": 3,
        "manager_id": "meng",
        "title": "Software Engineer",
        "skills": {"python": 4, "sql": 3, "kubernetes": 2},
        "free_pct": 50,
    },
    "emp2": {
        "department": "Engineering",
        "level": 3,
        "manager_id": "meng",
        "title": "Software Engineer",
        "skills": {"python": 2, "go": 3},
        "free_pct": 30,
    },
}


@dataclass
class RunningSystem:
    profiles: RunningProfiles
    postings: RunningPostings
    mentorship: RunningMentorship
    bidding: RunningBidding
    portal: PortalApp
    url: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def seed_people(profiles: RunningProfiles) -> None:
    for employee_id, facts in PEOPLE.items():  # managers first: the dict is in order
        await person(profiles, employee_id, **facts)


@contextlib.asynccontextmanager
async def topics_of_our_own(infrastructure: Infrastructure) -> AsyncIterator[str]:
    prefix = f"test.{unique_suffix()}."
    specs: list[TopicSpec] = []
    for spec in load_manifest(REPO_ROOT / "deploy" / "topics.toml"):  # .dlt included
        specs.append(TopicSpec(name=prefix + spec.name, partitions=1))
    await ensure_topics(infrastructure.kafka_bootstrap, specs)
    try:
        yield prefix
    finally:
        await delete_topics(infrastructure.kafka_bootstrap, [s.name for s in specs])


async def start_serving(server: uvicorn.Server) -> asyncio.Task[None]:
    """Serve in the background; return once the socket accepts connections."""
    serving = asyncio.create_task(server.serve())
    while not server.started:  # uvicorn offers no event for "listening"
        if serving.done():
            serving.result()  # raises why it could not start
        await asyncio.sleep(0.05)
    return serving


@contextlib.asynccontextmanager
async def serving_portal(settings: PortalSettings) -> AsyncIterator[PortalApp]:
    app = build_app(settings, RetryPolicy(attempts=2, first_backoff_s=0.05))
    await app.prepare()
    await app.broker.start()
    stop = asyncio.Event()
    tasks = [asyncio.create_task(work(stop)) for work in app.background]
    server = uvicorn.Server(
        uvicorn.Config(
            app.http, host="127.0.0.1", port=settings.portal_port, log_config=None, lifespan="off"
        )
    )
    serving = await start_serving(server)
    try:
        yield app
    finally:
        server.should_exit = True
        await serving
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await app.broker.stop()
        await app.close()
        await app.mongo.drop_database(settings.portal_database)
        await app.mongo.close()


@contextlib.asynccontextmanager
async def running_system(infrastructure: Infrastructure) -> AsyncIterator[RunningSystem]:
    async with topics_of_our_own(infrastructure) as prefix:
        async for profiles in running_profiles(infrastructure, prefix):
            await seed_people(profiles)
            async for postings in running_postings(infrastructure, prefix, profiles):
                async for mentorship in running_mentorship(infrastructure, prefix, profiles):
                    async for bidding in running_bidding(infrastructure, prefix, postings):
                        port = free_port()
                        settings = PortalSettings(
                            kafka_bootstrap=infrastructure.kafka_bootstrap,
                            mongodb_uri=infrastructure.mongodb_uri,
                            auth_secret=SECRET,
                            topic_prefix=prefix,
                            portal_host="127.0.0.1",
                            portal_port=port,
                            portal_public_url=f"http://127.0.0.1:{port}",
                            portal_database=f"test_{unique_suffix()}_portal",
                            portal_consumer_group=f"test-portal-{unique_suffix()}",
                            profiles_addr=f"127.0.0.1:{profiles.app.grpc.port}",
                            postings_addr=f"127.0.0.1:{postings.app.grpc.port}",
                            mentorship_addr=f"127.0.0.1:{mentorship.app.grpc.port}",
                            bidding_addr=f"127.0.0.1:{bidding.app.grpc.port}",
                            portal_notification_poll_s=0.3,
                        )
                        async with serving_portal(settings) as portal:
                            yield RunningSystem(
                                profiles,
                                postings,
                                mentorship,
                                bidding,
                                portal,
                                settings.portal_public_url,
                            )
