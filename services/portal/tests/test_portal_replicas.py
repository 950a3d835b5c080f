"""Two portal replicas behind one address: any replica answers any request.

The second replica is its own OS process (`trellis-portal serve`) sharing the
first one's database, topics and consumer group, as replicas behind a load
balancer do. Sessions, CSRF tokens and import progress live in the portal's
database, so a person signed in on one replica carries on on the other
without sticky sessions.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from portal_fixtures import ApiFactory
from portal_harness import RunningSystem
from profiles_harness import SECRET

from trellis_shared.testing.replicas import ReplicaSet

pytestmark = pytest.mark.e2e


def healthz_answers(address: str, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://{address}/healthz", timeout=2) as reply,
        ):
            if reply.status == 200:
                return True
        time.sleep(0.3)
    return False


async def http_ready(address: str, timeout_s: float) -> bool:
    return await asyncio.to_thread(healthz_answers, address, timeout_s)


@pytest.fixture(scope="module")
async def second_replica(
    system: RunningSystem, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    settings = system.portal.settings
    env = {
        "TRELLIS_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "TRELLIS_MONGODB_URI": settings.mongodb_uri,
        "TRELLIS_AUTH_SECRET": SECRET,
        "TRELLIS_TOPIC_PREFIX": settings.topic_prefix,
        "TRELLIS_PORTAL_HOST": "127.0.0.1",
        "TRELLIS_PORTAL_DATABASE": settings.portal_database,
        "TRELLIS_PORTAL_CONSUMER_GROUP": settings.portal_consumer_group,
        "TRELLIS_PORTAL_PUBLIC_URL": settings.portal_public_url,
        "TRELLIS_PROFILES_ADDR": settings.profiles_addr,
        "TRELLIS_POSTINGS_ADDR": settings.postings_addr,
        "TRELLIS_MENTORSHIP_ADDR": settings.mentorship_addr,
        "TRELLIS_BIDDING_ADDR": settings.bidding_addr,
    }
    replicas = ReplicaSet(
        module="trellis_portal.entrypoints.cli",
        addr_setting="TRELLIS_PORTAL_PORT",
        addr_format="{port}",
        env=env,
        log_dir=Path(tmp_path_factory.mktemp("portal-replicas")),
        count=1,
        ready=http_ready,
    )
    await replicas.start()
    try:
        yield f"http://{replicas.addresses[0]}"
    finally:
        await replicas.stop()


def on(client: httpx.AsyncClient, base_url: str) -> httpx.AsyncClient:
    """The same person (cookie and CSRF header) talking to another replica."""
    return httpx.AsyncClient(
        base_url=base_url, cookies=client.cookies, headers=client.headers, timeout=30
    )


async def test_a_session_opened_on_one_replica_works_on_the_other(
    api_as: ApiFactory, second_replica: str
) -> None:
    first = await api_as("emp1")
    async with on(first, second_replica) as second:
        me = await second.get("/api/v1/me")
        assert me.status_code == 200, me.text
        assert me.json()["employee_id"] == "emp1"
        # A change needs the session's CSRF token, which the other replica issued.
        changed = await second.put(
            "/api/v1/profile/aspirations",
            json={"target_roles": ["Staff Engineer"], "skills_to_develop": [], "interests": []},
        )
        assert changed.status_code < 300, changed.text
        # Signing out on the second replica ends the session on the first.
        await second.post("/signout")
    assert (await first.get("/api/v1/me")).status_code == 401


async def test_import_progress_started_on_one_replica_is_read_on_the_other(
    api_as: ApiFactory, second_replica: str
) -> None:
    hr = await api_as("hr1")
    csv_file = (
        "employee_id,name,email,level,manager_id,skills\nrep-1,Rep One,r1@example.com,3,ceo,\n"
    )
    started = await hr.post("/api/v1/imports", files={"file": ("org.csv", csv_file, "text/csv")})
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    async with on(hr, second_replica) as other:
        for _ in range(150):
            progress = (await other.get(f"/api/v1/imports/{job_id}")).json()
            if progress.get("finished"):
                break
            await asyncio.sleep(0.2)
        assert progress["finished"], progress
        assert progress["total"] == 1
