"""Reserving and releasing time through the ledger's gRPC, on the real broker and
database: refusals with their field, re-sends, releases, concurrent promises,
and the work event that turns a reservation into the commitment."""

import asyncio
from collections.abc import AsyncIterator
from datetime import date

import grpc
import pytest
from profiles_harness import TOPICS, RunningProfiles, as_, running_profiles

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis_shared.contracts.postings import APPLICATION_TOPIC, ApplicationAccepted
from trellis_shared.contracts.promises import application_promise
from trellis_shared.events.envelope import Envelope
from trellis_shared.grpc.status import field_violations_from_trailers
from trellis_shared.testing.infrastructure import Infrastructure, NamespaceFactory
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.integration
SERVICE = as_("postings", "service")


@pytest.fixture
async def service(
    infrastructure: Infrastructure, kafka_namespace: NamespaceFactory
) -> AsyncIterator[RunningProfiles]:
    prefix = await kafka_namespace(*TOPICS)
    async for running in running_profiles(infrastructure, prefix):
        yield running


async def person_with_free_time(service: RunningProfiles, employee_id: str, free: int) -> None:
    await service.create(employee_id, employee_id.title())
    await service.profiles.SetPreferences(
        pb.SetPreferencesRequest(
            employee_id=employee_id, availability=pb.Availability(share_free_pct=free)
        ),
        metadata=as_(employee_id),
    )


def gig(key: str, share: int = 40, employee_id: str = "alice") -> pb.ReserveTimeRequest:
    return pb.ReserveTimeRequest(
        employee_id=employee_id,
        key=key,
        kind="gig",
        reference="opp-1",
        share_pct=share,
        starts_on="2027-02-01",
        ends_on="2027-04-30",
    )


async def commitments(
    service: RunningProfiles, employee_id: str = "alice"
) -> list[tuple[str, str]]:
    reply = await service.profiles.GetProfile(
        pb.GetProfileRequest(employee_id=employee_id), metadata=as_(employee_id)
    )
    return [(c.key, c.state) for c in reply.profile.commitments]


async def test_a_reservation_is_refused_with_its_field_when_the_time_is_taken(
    service: RunningProfiles,
) -> None:
    await person_with_free_time(service, "alice", 50)
    first = await service.ledger.ReserveTime(gig("application:a"), metadata=SERVICE)
    assert (first.state, first.repeated) == ("reserved", False)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await service.ledger.ReserveTime(gig("application:b"), metadata=SERVICE)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    fields = field_violations_from_trailers(caught.value.trailing_metadata())  # type: ignore[arg-type]
    assert [v.field for v in fields] == ["share_pct"]
    assert "above the limit of 50%" in fields[0].description
    again = await service.ledger.ReserveTime(gig("application:a"), metadata=SERVICE)
    assert (again.state, again.repeated) == ("reserved", True)
    assert await commitments(service) == [("application:a", "reserved")]
    # CheckCommitment counts reservations too.
    check = await service.ledger.CheckCommitment(
        pb.CheckCommitmentRequest(
            employee_id="alice",
            kind="gig",
            share_pct=20,
            starts_on="2027-03-01",
            ends_on="2027-03-31",
        ),
        metadata=SERVICE,
    )
    assert (check.fits, check.peak_committed_pct) == (False, 40)


async def test_only_a_service_reserves_or_releases_time(service: RunningProfiles) -> None:
    await person_with_free_time(service, "alice", 50)
    for call in (
        service.ledger.ReserveTime(gig("application:a"), metadata=as_("alice")),
        service.ledger.ReleaseTime(
            pb.ReleaseTimeRequest(employee_id="alice", key="application:a"),
            metadata=as_("alice"),
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert await commitments(service) == []


async def test_concurrent_promises_of_more_than_is_free_grant_only_what_fits(
    service: RunningProfiles,
) -> None:
    await person_with_free_time(service, "alice", 50)
    answers = await asyncio.gather(
        *(service.ledger.ReserveTime(gig(f"application:{n}"), metadata=SERVICE) for n in range(8)),
        return_exceptions=True,
    )
    granted = [a for a in answers if isinstance(a, pb.ReserveTimeReply)]
    refused = [a for a in answers if isinstance(a, grpc.aio.AioRpcError)]
    assert len(granted) == 1
    assert {e.code() for e in refused} == {grpc.StatusCode.FAILED_PRECONDITION}
    assert len(await commitments(service)) == 1


async def test_released_time_is_free_again_and_a_late_work_event_takes_none(
    service: RunningProfiles,
) -> None:
    await person_with_free_time(service, "alice", 50)
    await service.ledger.ReserveTime(gig("application:a"), metadata=SERVICE)
    release = pb.ReleaseTimeRequest(employee_id="alice", key="application:a")
    assert (await service.ledger.ReleaseTime(release, metadata=SERVICE)).freed
    assert not (await service.ledger.ReleaseTime(release, metadata=SERVICE)).freed
    await service.ledger.ReserveTime(gig("application:b"), metadata=SERVICE)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await service.ledger.ReserveTime(gig("application:a"), metadata=SERVICE)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert await commitments(service) == [("application:b", "reserved")]


async def test_the_accepted_event_turns_the_reservation_into_the_commitment(
    service: RunningProfiles,
) -> None:
    await person_with_free_time(service, "alice", 50)
    key = application_promise("opp-1:a1")
    await service.ledger.ReserveTime(gig(key), metadata=SERVICE)
    accepted = Envelope.wrap(
        ApplicationAccepted(
            application_id="opp-1:a1",
            opportunity_id="opp-1",
            kind="gig",
            employee_id="alice",
            title="Data gig",
            share_pct=40,
            starts_on=date(2027, 2, 1),
            ends_on=date(2027, 4, 30),
        ),
        source="postings",
        subject="opp-1:a1",
    )
    await service.publish(APPLICATION_TOPIC, accepted)

    async def committed() -> list[tuple[str, str]] | None:
        found = await commitments(service)
        return found if found == [(key, "committed")] else None

    assert await eventually(committed) == [(key, "committed")]
    again = await service.ledger.ReserveTime(gig(key), metadata=SERVICE)
    assert (again.state, again.repeated) == ("committed", True)


async def test_an_undone_reservation_may_be_made_again(service: RunningProfiles) -> None:
    await person_with_free_time(service, "alice", 50)
    await service.ledger.ReserveTime(gig("application:a"), metadata=SERVICE)
    undo = pb.ReleaseTimeRequest(employee_id="alice", key="application:a", undo=True)
    assert (await service.ledger.ReleaseTime(undo, metadata=SERVICE)).freed
    assert await commitments(service) == []
    again = await service.ledger.ReserveTime(gig("application:a"), metadata=SERVICE)
    assert (again.state, again.repeated) == ("reserved", False)
