"""Two replicas of profiles (separate OS processes) on one database and one set of topics.

Each replica is `trellis-profiles serve`, as in production. What must hold:
- a change through one replica shows in search, GetProfile and the org chart on
  the other (each keeps the whole people index, fed by every replica's
  snapshots), and a replica that starts later is complete before it serves;
- changes to one profile raced through both replicas all land, one version each;
- a replica killed (SIGKILL) in the middle of an import loses and doubles
  nothing once the import is retried.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from profiles_harness import HR, SECRET, TOPICS, as_
from pymongo import AsyncMongoClient

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis.profiles.v1 import profiles_pb2_grpc as rpc
from trellis_profiles.adapters.taxonomy_files import load_default_taxonomy
from trellis_profiles.app.org_import import check_rows
from trellis_profiles.app.synthetic_org import generate_organisation
from trellis_profiles.entrypoints.import_client import person_message
from trellis_shared.contracts.profiles import PROFILE_SNAPSHOT_TOPIC
from trellis_shared.testing.infrastructure import Infrastructure, NamespaceFactory, unique_suffix
from trellis_shared.testing.kafka_reader import read_topic
from trellis_shared.testing.replicas import ReplicaSet, service_replicas
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.integration
IMPORTER = as_("org-import", "service")
PARTITIONS = 3  # more than one, so a replica reading one partition would miss people
# How long to wait for another replica to follow (not a speed check: the machine is shared).
FOLLOW_S = 180.0


@dataclass
class Replicas:
    set: ReplicaSet
    database: Any
    prefix: str
    bootstrap: str
    channels: list[grpc.aio.Channel]

    def stub(self, index: int) -> rpc.ProfileServiceStub:
        return rpc.ProfileServiceStub(self.channels[index])

    def org_chart(self, index: int) -> rpc.OrgChartServiceStub:
        return rpc.OrgChartServiceStub(self.channels[index])

    async def reconnect(self, index: int) -> None:
        await self.channels[index].close()
        self.channels[index] = self.set.channel_to(index)


@pytest.fixture
async def replicas(
    infrastructure: Infrastructure, kafka_namespace: NamespaceFactory, tmp_path: Path
) -> AsyncIterator[Replicas]:
    prefix = await kafka_namespace(*TOPICS, partitions=PARTITIONS)
    database = f"test_{unique_suffix()}_profiles"
    replica_set = service_replicas(
        "profiles",
        kafka_bootstrap=infrastructure.kafka_bootstrap,
        mongodb_uri=infrastructure.mongodb_uri,
        auth_secret=SECRET,
        topic_prefix=prefix,
        database=database,
        consumer_group=f"test-profiles-{unique_suffix()}",
        log_dir=tmp_path,
        # A killed replica leaves events in the outbox; the survivors' sweep sends them.
        settings={"TRELLIS_PROFILES_OUTBOX_SWEEP_S": "1"},
    )
    mongo: AsyncMongoClient[Any] = AsyncMongoClient(infrastructure.mongodb_uri)
    await replica_set.start()
    channels = [replica_set.channel_to(0), replica_set.channel_to(1)]
    try:
        yield Replicas(
            replica_set, mongo[database], prefix, infrastructure.kafka_bootstrap, channels
        )
    except BaseException:
        for index in range(replica_set.count):
            print(f"--- replica {index} ---\n{replica_set.tail(index)}")
        raise
    finally:
        for channel in channels:
            await channel.close()
        await replica_set.stop()
        await mongo.drop_database(database)
        await mongo.close()


async def create(
    stub: rpc.ProfileServiceStub, employee_id: str, manager_id: str = "", **org: Any
) -> pb.Profile:
    reply = await stub.UpsertProfile(
        pb.UpsertProfileRequest(
            employee_id=employee_id,
            org=pb.OrgData(
                name=employee_id.title(),
                email=f"{employee_id}@example.com",
                level=3,
                manager_id=manager_id,
                **org,
            ),
        ),
        metadata=HR,
    )
    return reply.profile


def python_search() -> pb.SearchProfilesRequest:
    return pb.SearchProfilesRequest(skills=[pb.SkillRequirement(skill_id="python", min_level=4)])


async def found_by_python(stub: rpc.ProfileServiceStub) -> list[str]:
    reply = await stub.SearchProfiles(python_search(), metadata=as_("someone"))
    return [p.employee_id for p in reply.profiles]


async def chain_of(replicas: Replicas, index: int, employee_id: str) -> list[str]:
    try:
        reply = await replicas.org_chart(index).GetReportingChain(
            pb.GetReportingChainRequest(employee_id=employee_id), metadata=as_("someone")
        )
    except grpc.aio.AioRpcError as error:
        if error.code() is grpc.StatusCode.NOT_FOUND:
            return []
        raise
    return list(reply.manager_ids)


async def free_share_seen_by(stub: rpc.ProfileServiceStub, viewer: str) -> int:
    """What `viewer` reads of alice's availability (0 unless they may see it in full)."""
    reply = await stub.GetProfile(pb.GetProfileRequest(employee_id="alice"), metadata=as_(viewer))
    return reply.profile.availability.share_free_pct


async def test_a_change_through_one_replica_shows_on_the_other(replicas: Replicas) -> None:
    first, second = replicas.stub(0), replicas.stub(1)
    await create(first, "boss")
    await create(first, "mgr", manager_id="boss", ladder="manager")
    await create(first, "alice", manager_id="mgr", department="Data")
    await first.UpdateSkills(
        pb.UpdateSkillsRequest(
            employee_id="alice", set=[pb.SkillLevel(skill_id="python", level=5)]
        ),
        metadata=as_("alice"),
    )
    await first.SetPreferences(
        pb.SetPreferencesRequest(
            employee_id="alice",
            availability=pb.Availability(share_free_pct=20),
            visibility="everyone",
        ),
        metadata=as_("alice"),
    )

    # The other replica learns of it through the snapshot topic (it wrote nothing itself).
    assert await followed(lambda: found_by_python(second), ["alice"])
    assert await eventually(
        lambda: _equals(chain_of(replicas, 1, "alice"), ["mgr", "boss"]), timeout_s=FOLLOW_S
    )
    # Access follows the chain it knows: the skip-level manager reads availability,
    # a colleague does not.
    assert await free_share_seen_by(second, "boss") == 20
    assert await free_share_seen_by(second, "colleague") == 0
    # Replica 1 now holds alice in memory; a change through replica 0 replaces it there.
    await first.SetPreferences(
        pb.SetPreferencesRequest(
            employee_id="alice",
            availability=pb.Availability(share_free_pct=30),
            visibility="everyone",
        ),
        metadata=as_("alice"),
    )
    assert await eventually(
        lambda: _equals(free_share_seen_by(second, "boss"), 30), timeout_s=FOLLOW_S
    )
    reports = await replicas.org_chart(1).ListDirectReports(
        pb.ListDirectReportsRequest(manager_id="mgr"), metadata=as_("mgr", "manager")
    )
    assert [p.employee_id for p in reports.profiles] == ["alice"]

    # And the other way round: a move and a hidden profile, written through replica 1.
    await create(second, "mgr2", manager_id="boss", ladder="manager")
    await create(second, "alice", manager_id="mgr2", department="Data")
    assert await eventually(
        lambda: _equals(chain_of(replicas, 0, "alice"), ["mgr2", "boss"]), timeout_s=FOLLOW_S
    )
    await second.SetPreferences(
        pb.SetPreferencesRequest(employee_id="alice", visibility="hidden"), metadata=as_("alice")
    )
    assert await followed(lambda: found_by_python(first), [])

    # A replica that starts again serves only with the whole index, loaded before it is ready.
    await replicas.set.restart(1)
    await replicas.reconnect(1)
    assert await chain_of(replicas, 1, "alice") == ["mgr2", "boss"]
    assert await chain_of(replicas, 1, "mgr") == ["boss"]
    seen_by_hr = await replicas.stub(1).SearchProfiles(python_search(), metadata=HR)
    assert [p.employee_id for p in seen_by_hr.profiles] == ["alice"]


async def _equals(check: Any, expected: Any) -> bool:
    return bool(await check == expected)


async def version_on(replicas: Replicas, index: int, employee_id: str) -> int:
    reply = await replicas.stub(index).GetProfile(
        pb.GetProfileRequest(employee_id=employee_id), metadata=as_(employee_id)
    )
    return int(reply.profile.version)


async def followed(check: Callable[[], Awaitable[Any]], expected: Any) -> bool:
    """Waits until `check()` gives `expected` (another replica has followed a change)."""
    return bool(await eventually(lambda: _equals(check(), expected), timeout_s=FOLLOW_S))


async def test_changes_raced_through_both_replicas_all_land(replicas: Replicas) -> None:
    await create(replicas.stub(0), "mgr", ladder="manager")
    await create(replicas.stub(0), "alice", manager_id="mgr")
    await followed(lambda: chain_of(replicas, 1, "alice"), ["mgr"])
    skills = [skill.id for skill in load_default_taxonomy().skills()[:24]]

    async def endorse(n: int, skill_id: str) -> pb.ProfileReply:
        return await replicas.stub(n % 2).EndorseSkill(
            pb.EndorseSkillRequest(employee_id="alice", skill_id=skill_id, level=3),
            metadata=as_("mgr", "manager"),
        )

    async def free_time(n: int) -> pb.ProfileReply:
        return await replicas.stub(n % 2).SetAspirations(
            pb.SetAspirationsRequest(
                employee_id="alice", aspirations=pb.Aspirations(interests=[f"interest {n}"])
            ),
            metadata=as_("alice"),
        )

    replies = await asyncio.gather(
        *(endorse(n, skill) for n, skill in enumerate(skills)),
        *(free_time(n) for n in range(8)),
    )

    # Every change got a version of its own, one after the other, and none was lost.
    versions = sorted(reply.profile.version for reply in replies)
    assert versions == list(range(2, 2 + len(skills) + 8))
    newest = 1 + len(skills) + 8
    # A caller that saw the newest version gets it from either replica at once,
    # even before that replica has read the snapshots (read-your-writes).
    for index in (0, 1):
        final = await replicas.stub(index).GetProfile(
            pb.GetProfileRequest(employee_id="alice", min_version=newest), metadata=as_("alice")
        )
        assert final.profile.version == newest
    # Without the token, each replica converges on it once the snapshots arrive.
    assert await followed(lambda: version_on(replicas, 1, "alice"), newest)
    endorsed = {s.skill_id for s in final.profile.skills if s.source == "manager_endorsed"}
    assert endorsed == set(skills)
    document = await replicas.database["profiles"].find_one({"_id": "alice"})
    assert document["version"] == final.profile.version


def import_batches(size: int, batch: int) -> list[pb.ImportProfilesRequest]:
    taxonomy = load_default_taxonomy()
    records = generate_organisation(size, taxonomy, seed=5)
    rows, rejected = check_rows(list(enumerate(records, start=1)), taxonomy)
    assert not rejected
    return [
        pb.ImportProfilesRequest(people=[person_message(r) for r in rows[start : start + batch]])
        for start in range(0, len(rows), batch)
    ]


async def send_all(
    replicas: Replicas, batches: Sequence[pb.ImportProfilesRequest]
) -> list[pb.ImportProfilesReply | grpc.aio.AioRpcError]:
    """Every batch once: even ones through replica 0, odd ones through replica 1, together."""

    async def through(index: int) -> list[pb.ImportProfilesReply | grpc.aio.AioRpcError]:
        replies: list[pb.ImportProfilesReply | grpc.aio.AioRpcError] = []
        for request in batches[index::2]:
            try:
                replies.append(
                    await replicas.stub(index).ImportProfiles(
                        request, metadata=IMPORTER, timeout=120
                    )
                )
            except grpc.aio.AioRpcError as error:
                replies.append(error)
        return replies

    even, odd = await asyncio.gather(through(0), through(1))
    return [*even, *odd]


async def import_killing_replica_0(
    replicas: Replicas, batches: Sequence[pb.ImportProfilesRequest], after: int
) -> list[pb.ImportProfilesReply | grpc.aio.AioRpcError]:
    """Replica 1 imports the odd batches; replica 0 the even ones until, `after` batches
    in, it is killed while its next batch is being written."""
    profiles = replicas.database["profiles"]

    async def grown_or_done(before: int, call: asyncio.Future[Any]) -> bool:
        return call.done() or await profiles.count_documents({}) > before

    async def through_0() -> list[pb.ImportProfilesReply | grpc.aio.AioRpcError]:
        replies: list[pb.ImportProfilesReply | grpc.aio.AioRpcError] = []
        for n, request in enumerate(batches[0::2]):
            before = await profiles.count_documents({})
            call = asyncio.ensure_future(
                replicas.stub(0).ImportProfiles(request, metadata=IMPORTER, timeout=120)
            )
            if n == after:
                # Killed once the batch's rows start to land (or it is done): mid-import.
                await eventually(
                    lambda b=before, c=call: grown_or_done(b, c), every_s=0.005, timeout_s=FOLLOW_S
                )
                replicas.set.kill(0)
            try:
                replies.append(await call)
            except grpc.aio.AioRpcError as error:
                replies.append(error)
        return replies

    async def through_1() -> list[pb.ImportProfilesReply | grpc.aio.AioRpcError]:
        replies: list[pb.ImportProfilesReply | grpc.aio.AioRpcError] = []
        for request in batches[1::2]:
            replies.append(
                await replicas.stub(1).ImportProfiles(request, metadata=IMPORTER, timeout=120)
            )
        return replies

    even, odd = await asyncio.gather(through_0(), through_1())
    return [*even, *odd]


@pytest.mark.timeout(900)  # two process starts and 1,200 people twice, on a shared machine
async def test_time_promised_through_both_replicas_at_once_never_exceeds_the_free_share(
    replicas: Replicas,
) -> None:
    """The ledger's sum is one document's: twelve promises of 40% to someone with
    50% free, raced through two processes, grant exactly one."""
    await create(replicas.stub(0), "alice")
    await replicas.stub(0).SetPreferences(
        pb.SetPreferencesRequest(
            employee_id="alice", availability=pb.Availability(share_free_pct=50)
        ),
        metadata=as_("alice"),
    )

    async def promise(n: int) -> str:
        try:
            await rpc.LedgerServiceStub(replicas.channels[n % 2]).ReserveTime(
                pb.ReserveTimeRequest(
                    employee_id="alice",
                    key=f"application:gig-{n}",
                    kind="gig",
                    reference=f"gig-{n}",
                    share_pct=40,
                    starts_on="2027-03-01",
                    ends_on="2027-05-31",
                ),
                metadata=as_("postings", "service"),
            )
        except grpc.aio.AioRpcError as error:
            return error.code().name
        return "OK"

    answers = await asyncio.gather(*(promise(n) for n in range(12)))
    assert sorted(answers) == ["FAILED_PRECONDITION"] * 11 + ["OK"]

    async def held() -> list[tuple[int, str]]:
        # Either replica, once it has followed the other's last save.
        stored = await replicas.stub(1).GetProfile(
            pb.GetProfileRequest(employee_id="alice"), metadata=as_("alice")
        )
        return [(c.share_pct, c.state) for c in stored.profile.commitments]

    await followed(held, [(40, "reserved")])


async def test_a_replica_killed_during_an_import_loses_and_doubles_nothing(
    replicas: Replicas,
) -> None:
    people = 1200
    batches = import_batches(people, 50)
    profiles = replicas.database["profiles"]
    first = await import_killing_replica_0(replicas, batches, after=3)
    failed = [r for r in first if isinstance(r, grpc.aio.AioRpcError)]
    assert failed, "the kill should have cut replica 0's batches off"
    assert all(r.code() is grpc.StatusCode.UNAVAILABLE for r in failed)
    present = await profiles.count_documents({})
    assert present < people

    await replicas.set.restart(0)
    await replicas.reconnect(0)
    retried = await send_all(replicas, batches)
    replies = [r for r in retried if isinstance(r, pb.ImportProfilesReply)]
    assert len(replies) == len(batches)
    assert sum(r.created_or_changed for r in replies) == people - present
    assert sum(r.unchanged for r in replies) == present
    assert not [r for reply in replies for r in reply.rejected]

    # Nothing doubled, nothing written twice: one document per person, each at version 1.
    assert await profiles.count_documents({}) == people
    assert await profiles.count_documents({"version": 1}) == people
    # Every person's snapshot reaches the topic, also those the killed replica never sent.
    await eventually(
        lambda: _equals(profiles.count_documents({"outbox_pending": {"$gt": 0}}), 0),
        timeout_s=FOLLOW_S,
    )
    records = await read_topic(
        replicas.bootstrap, replicas.prefix + PROFILE_SNAPSHOT_TOPIC, people, timeout_s=FOLLOW_S
    )
    assert len({record.key for record in records}) == people
    # Both replicas' indexes are whole.
    for index in (0, 1):
        assert await eventually(
            lambda i=index: _equals(everyone_on(replicas, i), people), timeout_s=FOLLOW_S
        )


async def everyone_on(replicas: Replicas, index: int) -> int:
    """People HR finds on replica `index`, paging through a search with no criteria."""
    seen: list[str] = []
    token = ""
    while True:
        page = await replicas.stub(index).SearchProfiles(
            pb.SearchProfilesRequest(page_size=100, page_token=token), metadata=HR
        )
        seen += [p.employee_id for p in page.profiles]
        token = page.next_page_token
        if not token:
            break
    assert len(seen) == len(set(seen))
    return len(seen)
