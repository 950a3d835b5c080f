"""The profiles service on the real broker and database, as a gRPC client sees it."""

from collections.abc import AsyncIterator
from datetime import date

import grpc
import pytest
from profiles_harness import HR, TOPICS, RunningProfiles, as_, running_profiles

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis_shared.contracts.bidding import AWARD_TOPIC, AssignmentAwarded
from trellis_shared.contracts.common import SkillLevel
from trellis_shared.contracts.postings import OPPORTUNITY_TOPIC, WorkCompleted
from trellis_shared.contracts.profiles import PROFILE_SNAPSHOT_TOPIC
from trellis_shared.events.envelope import Envelope, envelope_from_kafka
from trellis_shared.grpc.status import field_violations_from_trailers
from trellis_shared.kafka.topics import dead_letter_topic
from trellis_shared.testing.infrastructure import Infrastructure, NamespaceFactory
from trellis_shared.testing.kafka_reader import read_topic
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.integration


@pytest.fixture
async def service(
    infrastructure: Infrastructure, kafka_namespace: NamespaceFactory
) -> AsyncIterator[RunningProfiles]:
    prefix = await kafka_namespace(*TOPICS)
    async for running in running_profiles(infrastructure, prefix):
        yield running


async def org(service: RunningProfiles) -> None:
    """boss <- manager <- alice, bob (alice hidden from searches)."""
    await service.create("boss", "Grace Boss")
    await service.create("mgr", "Mia Manager", manager_id="boss", ladder="manager")
    await service.create("alice", "Alice Doe", manager_id="mgr", department="Data")
    await service.create("bob", "Bob Roe", manager_id="mgr", department="Data")


def violations(error: grpc.aio.AioRpcError) -> dict[str, str]:
    """Field -> description; several violations of one field are joined with ' | '."""
    found = field_violations_from_trailers(error.trailing_metadata())  # type: ignore[arg-type]
    joined: dict[str, str] = {}
    for v in found:
        joined[v.field] = (
            f"{joined[v.field]} | {v.description}" if v.field in joined else (v.description)
        )
    return joined


async def test_a_profile_change_publishes_a_full_snapshot(service: RunningProfiles) -> None:
    created = await service.create("alice", "Alice Doe")
    assert created.version == 1
    await service.profiles.UpdateSkills(
        pb.UpdateSkillsRequest(
            employee_id="alice", set=[pb.SkillLevel(skill_id="python", level=4)]
        ),
        metadata=as_("alice"),
    )
    records = await read_topic(service.bootstrap, service.prefix + PROFILE_SNAPSHOT_TOPIC, 2)
    snapshots = [envelope_from_kafka(r.value) for r in records]
    assert [s.data["version"] for s in snapshots] == [1, 2]
    assert {r.key for r in records} == {b"alice"}
    assert snapshots[1].type == "trellis.profiles.profile.snapshot"
    assert snapshots[1].data["skills"] == [{"skill_id": "python", "level": 4, "source": "self"}]
    assert snapshots[1].data["name"] == "Alice Doe"


async def test_an_award_delivered_twice_changes_the_profile_once(
    service: RunningProfiles,
) -> None:
    await service.create("alice", "Alice Doe")
    await service.profiles.SetPreferences(
        pb.SetPreferencesRequest(
            employee_id="alice", availability=pb.Availability(share_free_pct=40)
        ),
        metadata=as_("alice"),
    )
    award = Envelope.wrap(
        AssignmentAwarded(
            round_id="r1",
            assignment_id="stretch-9",
            employee_id="alice",
            title="Lead the launch",
            share_pct=20,
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 6, 30),
            skills=[SkillLevel(skill_id="python", level=3)],
        ),
        source="bidding",
        subject="alice",
    )
    await service.publish(AWARD_TOPIC, award)
    await service.publish(AWARD_TOPIC, award)  # redelivered
    done = Envelope.wrap(
        WorkCompleted(
            opportunity_id="stretch-9",
            kind="stretch",
            employee_id="alice",
            title="Lead the launch",
            completed_on=date(2027, 5, 31),
            skills_demonstrated=[SkillLevel(skill_id="python", level=4)],
        ),
        source="postings",
        subject="stretch-9",
    )
    await service.publish(OPPORTUNITY_TOPIC, done)
    await service.publish(OPPORTUNITY_TOPIC, done)

    async def completed() -> pb.Profile | None:
        reply = await service.profiles.GetProfile(
            pb.GetProfileRequest(employee_id="alice"), metadata=as_("alice")
        )
        history = reply.profile.history
        return reply.profile if history and history[0].status == "completed" else None

    profile = await eventually(completed)
    # Both duplicates are behind the marker event on the same partitions; one more
    # look after the consumer has passed them.
    await eventually(lambda: _consumed_all(service))
    reply = await service.profiles.GetProfile(
        pb.GetProfileRequest(employee_id="alice"), metadata=as_("alice")
    )
    profile = reply.profile
    assert [(h.kind, h.reference, h.status) for h in profile.history] == [
        ("stretch", "stretch-9", "completed")
    ]
    assert [(c.reference, c.share_pct, c.ends_on) for c in profile.commitments] == [
        ("stretch-9", 20, "2027-05-31")
    ]
    python = next(s for s in profile.skills if s.skill_id == "python")
    assert (python.level, python.source) == (4, "evidenced_by_work")
    assert [e.reference for e in python.evidence] == ["stretch-9"]
    # created, preferences, award, completion: four versions, not six.
    assert profile.version == 4


async def _consumed_all(service: RunningProfiles) -> bool:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=service.bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(service.settings.profiles_consumer_group)
    finally:
        await admin.close()
    committed = {tp.topic: meta.offset for tp, meta in offsets.items()}
    return (
        committed.get(service.prefix + AWARD_TOPIC) == 2
        and committed.get(service.prefix + OPPORTUNITY_TOPIC) == 2
    )


async def test_an_event_for_an_unknown_employee_is_dead_lettered(
    service: RunningProfiles,
) -> None:
    award = Envelope.wrap(
        AssignmentAwarded(
            round_id="r1",
            assignment_id="s1",
            employee_id="nobody",
            share_pct=10,
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 2, 1),
        ),
        source="bidding",
        subject="nobody",
    )
    await service.publish(AWARD_TOPIC, award)
    (parked,) = await read_topic(
        service.bootstrap, dead_letter_topic(service.prefix + AWARD_TOPIC), 1
    )
    assert dict(parked.headers)["trellis_dlt_reason"] == b"poison"


async def test_reads_and_writes_follow_the_rules(service: RunningProfiles) -> None:
    await org(service)
    await service.profiles.SetPreferences(
        pb.SetPreferencesRequest(employee_id="alice", visibility="hidden"), metadata=as_("alice")
    )
    # Own profile and the chain: full access.
    for who in (as_("alice"), as_("mgr", "employee", "manager"), as_("boss"), HR):
        reply = await service.profiles.GetProfile(
            pb.GetProfileRequest(employee_id="alice"), metadata=who
        )
        assert reply.profile.employee_id == "alice"
    # A colleague cannot read a hidden profile by id: it looks missing.
    with pytest.raises(grpc.aio.AioRpcError) as hidden:
        await service.profiles.GetProfile(
            pb.GetProfileRequest(employee_id="alice"), metadata=as_("bob")
        )
    assert hidden.value.code() == grpc.StatusCode.NOT_FOUND
    # Nor write to it.
    with pytest.raises(grpc.aio.AioRpcError) as write:
        await service.profiles.UpdateSkills(
            pb.UpdateSkillsRequest(
                employee_id="alice", set=[pb.SkillLevel(skill_id="python", level=5)]
            ),
            metadata=as_("bob"),
        )
    assert write.value.code() == grpc.StatusCode.PERMISSION_DENIED
    # Nor change org data, which is HR's.
    with pytest.raises(grpc.aio.AioRpcError) as org_write:
        await service.profiles.UpsertProfile(
            pb.UpsertProfileRequest(
                employee_id="alice", org=pb.OrgData(name="Alice", email="a@example.com")
            ),
            metadata=as_("alice"),
        )
    assert org_write.value.code() == grpc.StatusCode.PERMISSION_DENIED
    # Only the direct manager endorses; the manager's manager does not.
    endorsed = await service.profiles.EndorseSkill(
        pb.EndorseSkillRequest(employee_id="alice", skill_id="python", level=4),
        metadata=as_("mgr", "manager"),
    )
    assert endorsed.profile.skills[0].source == "manager_endorsed"
    with pytest.raises(grpc.aio.AioRpcError) as skip_level:
        await service.profiles.EndorseSkill(
            pb.EndorseSkillRequest(employee_id="alice", skill_id="python", level=5),
            metadata=as_("boss", "manager"),
        )
    assert skip_level.value.code() == grpc.StatusCode.PERMISSION_DENIED
    validated = await service.profiles.EndorseSkill(
        pb.EndorseSkillRequest(employee_id="alice", skill_id="python", level=5, validate=True),
        metadata=HR,
    )
    assert validated.profile.skills[0].source == "validated"
    # A colleague sees bob (visible to everyone) but not his availability.
    await service.profiles.SetPreferences(
        pb.SetPreferencesRequest(
            employee_id="bob", availability=pb.Availability(share_free_pct=30)
        ),
        metadata=as_("bob"),
    )
    seen = await service.profiles.GetProfile(
        pb.GetProfileRequest(employee_id="bob"), metadata=as_("alice")
    )
    assert seen.profile.availability.share_free_pct == 0
    # Ledger: the employee and their chain may ask; a colleague may not.
    with pytest.raises(grpc.aio.AioRpcError) as ledger:
        await service.ledger.CheckCommitment(
            pb.CheckCommitmentRequest(
                employee_id="bob",
                kind="gig",
                share_pct=10,
                starts_on="2027-01-01",
                ends_on="2027-02-01",
            ),
            metadata=as_("alice"),
        )
    assert ledger.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_bad_input_is_refused_field_by_field_and_writes_nothing(
    service: RunningProfiles,
) -> None:
    await org(service)
    alice = as_("alice")

    async def refused(call: object) -> dict[str, str]:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call  # type: ignore[misc]
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        return violations(caught.value)

    unknown = await refused(
        service.profiles.UpdateSkills(
            pb.UpdateSkillsRequest(
                employee_id="alice",
                set=[
                    pb.SkillLevel(skill_id="python", level=3),
                    pb.SkillLevel(skill_id="basket-weaving", level=2),
                    pb.SkillLevel(skill_id="underwater-chess", level=2),
                ],
            ),
            metadata=alice,
        )
    )
    assert unknown == {
        "skills": "unknown skill id 'basket-weaving' | unknown skill id 'underwater-chess'"
    }
    level = await refused(
        service.profiles.UpdateSkills(
            pb.UpdateSkillsRequest(
                employee_id="alice", set=[pb.SkillLevel(skill_id="python", level=6)]
            ),
            metadata=alice,
        )
    )
    assert "set.0.level" in level
    share = await refused(
        service.profiles.SetPreferences(
            pb.SetPreferencesRequest(
                employee_id="alice", availability=pb.Availability(share_free_pct=120)
            ),
            metadata=alice,
        )
    )
    assert "availability.share_free_pct" in share
    dates = await refused(
        service.profiles.SetPreferences(
            pb.SetPreferencesRequest(
                employee_id="alice",
                availability=pb.Availability(
                    share_free_pct=20, available_from="2027-05-01", available_to="2027-01-01"
                ),
            ),
            metadata=alice,
        )
    )
    assert "availability.available_to" in dates
    cycle = await refused(
        service.profiles.UpsertProfile(
            pb.UpsertProfileRequest(
                employee_id="boss",
                org=pb.OrgData(name="Grace Boss", email="boss@example.com", manager_id="alice"),
            ),
            metadata=HR,
        )
    )
    assert "boss -> alice -> mgr -> boss" in cycle["org.manager_id"]
    oversized = await refused(
        service.profiles.SetAspirations(
            pb.SetAspirationsRequest(
                employee_id="alice",
                aspirations=pb.Aspirations(target_roles=["Staff engineer"] * 50),
            ),
            metadata=alice,
        )
    )
    assert "aspirations.target_roles" in oversized
    long_text = await refused(
        service.profiles.SetAspirations(
            pb.SetAspirationsRequest(
                employee_id="alice", aspirations=pb.Aspirations(interests=["x" * 5000])
            ),
            metadata=alice,
        )
    )
    assert any(field.startswith("aspirations.interests") for field in long_text)
    reply = await service.profiles.GetProfile(
        pb.GetProfileRequest(employee_id="alice"), metadata=alice
    )
    assert reply.profile.version == 1  # nothing above was written
    assert list(reply.profile.skills) == []


async def test_stale_versions_are_aborted(service: RunningProfiles) -> None:
    await service.create("alice", "Alice Doe")
    with pytest.raises(grpc.aio.AioRpcError) as stale:
        await service.profiles.SetAspirations(
            pb.SetAspirationsRequest(
                employee_id="alice",
                aspirations=pb.Aspirations(target_roles=["Lead"]),
                expected_version=7,
            ),
            metadata=as_("alice"),
        )
    assert stale.value.code() == grpc.StatusCode.ABORTED


async def test_search_chain_reports_taxonomy_and_ledger(service: RunningProfiles) -> None:
    await org(service)
    for who, levels in (("alice", {"python": 5, "sql": 4}), ("bob", {"python": 3, "sql": 4})):
        await service.profiles.UpdateSkills(
            pb.UpdateSkillsRequest(
                employee_id=who, set=[pb.SkillLevel(skill_id=k, level=v) for k, v in levels.items()]
            ),
            metadata=as_(who),
        )
    found = await service.profiles.SearchProfiles(
        pb.SearchProfilesRequest(
            skills=[
                pb.SkillRequirement(skill_id="python", min_level=3),
                pb.SkillRequirement(skill_id="sql", min_level=4),
            ],
            page_size=1,
        ),
        metadata=as_("boss"),
    )
    assert [p.employee_id for p in found.profiles] == ["alice"]
    assert found.profiles[0].version == 2  # created, then skills set
    second = await service.profiles.SearchProfiles(
        pb.SearchProfilesRequest(
            skills=[
                pb.SkillRequirement(skill_id="python", min_level=3),
                pb.SkillRequirement(skill_id="sql", min_level=4),
            ],
            page_size=1,
            page_token=found.next_page_token,
        ),
        metadata=as_("boss"),
    )
    assert [p.employee_id for p in second.profiles] == ["bob"]
    assert second.next_page_token == ""
    await service.profiles.SetPreferences(
        pb.SetPreferencesRequest(employee_id="alice", visibility="hidden"), metadata=as_("alice")
    )
    hidden = await service.profiles.SearchProfiles(
        pb.SearchProfilesRequest(skills=[pb.SkillRequirement(skill_id="python", min_level=3)]),
        metadata=as_("boss"),
    )
    assert [p.employee_id for p in hidden.profiles] == ["bob"]

    chain = await service.org_chart.GetReportingChain(
        pb.GetReportingChainRequest(employee_id="alice"), metadata=as_("bob")
    )
    assert list(chain.manager_ids) == ["mgr", "boss"]
    with pytest.raises(grpc.aio.AioRpcError) as unknown:
        await service.org_chart.GetReportingChain(
            pb.GetReportingChainRequest(employee_id="nobody"), metadata=as_("bob")
        )
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
    reports = await service.org_chart.ListDirectReports(
        pb.ListDirectReportsRequest(manager_id="mgr"), metadata=as_("mgr", "manager")
    )
    assert [p.employee_id for p in reports.profiles] == ["alice", "bob"]

    resolved = await service.taxonomy.ResolveSkills(
        pb.ResolveSkillsRequest(texts=["k8s", "Python ", "basket weaving"]), metadata=as_("bob")
    )
    assert {r.text: r.skill.id for r in resolved.resolved} == {
        "k8s": "kubernetes",
        "Python ": "python",
    }
    assert list(resolved.unknown) == ["basket weaving"]

    await service.profiles.SetPreferences(
        pb.SetPreferencesRequest(
            employee_id="bob", availability=pb.Availability(share_free_pct=20)
        ),
        metadata=as_("bob"),
    )
    fits = await service.ledger.CheckCommitment(
        pb.CheckCommitmentRequest(
            employee_id="bob",
            kind="gig",
            share_pct=20,
            starts_on="2027-01-01",
            ends_on="2027-03-01",
        ),
        metadata=as_("mgr", "manager"),
    )
    assert fits.fits
    too_much = await service.ledger.CheckCommitment(
        pb.CheckCommitmentRequest(
            employee_id="bob",
            kind="gig",
            share_pct=30,
            starts_on="2027-01-01",
            ends_on="2027-03-01",
        ),
        metadata=as_("bob"),
    )
    assert not too_much.fits
    assert too_much.limit_pct == 20


async def test_import_through_the_service_reports_rejections_and_is_idempotent(
    service: RunningProfiles,
) -> None:
    from pathlib import Path

    from profiles_harness import CODEC

    from trellis_profiles.adapters.taxonomy_files import load_default_taxonomy
    from trellis_profiles.entrypoints.import_client import import_via_service

    text = (Path(__file__).parent / "fixtures" / "org_sample.csv").read_text()
    address = f"127.0.0.1:{service.app.grpc.port}"
    taxonomy = load_default_taxonomy()
    seen: list[tuple[int, int]] = []
    first = await import_via_service(
        address, CODEC, taxonomy, text, "csv", lambda done, total: seen.append((done, total))
    )
    assert (first.rows, first.created_or_changed, first.unchanged) == (8, 3, 0)
    assert [(r.line, r.employee_id) for r in first.rejected] == [
        (5, "e1"),
        (6, "e2"),
        (7, "e3"),
        (8, "x1"),
        (9, "x2"),
    ]
    assert seen[-1] == (3, 3)
    again = await import_via_service(address, CODEC, taxonomy, text, "csv")
    assert (again.created_or_changed, again.unchanged) == (0, 3)
    chain = await service.org_chart.GetReportingChain(
        pb.GetReportingChainRequest(employee_id="e1"), metadata=HR
    )
    assert list(chain.manager_ids) == ["m1", "ceo"]
    # An employee may not import.
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await service.profiles.ImportProfiles(pb.ImportProfilesRequest(), metadata=as_("e1"))
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_health_and_reflection_answer_without_a_token(service: RunningProfiles) -> None:
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    from trellis_profiles.entrypoints.grpc_api import SERVICE_NAMES

    async with grpc.aio.insecure_channel(f"127.0.0.1:{service.app.grpc.port}") as channel:
        health = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service="trellis.profiles.v1.ProfileService")
        )
        assert health.status == health_pb2.HealthCheckResponse.SERVING

        async def ask() -> AsyncIterator[reflection_pb2.ServerReflectionRequest]:
            yield reflection_pb2.ServerReflectionRequest(list_services="")

        listed: list[str] = []
        async for reply in reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(
            ask()
        ):
            listed = [s.name for s in reply.list_services_response.service]
    assert set(SERVICE_NAMES) <= set(listed)
    assert len(SERVICE_NAMES) == 4
