"""`trellis-mentorship demo`: demo mentors, mentee requests and an open cycle,
written through the running services' gRPC APIs (one writer per database, ADR
0005) as hr_admin. Idempotent: offers are rewritten unchanged, the demo cycle is
reused, and a mentee already in it is skipped.

Mentoring must fit in the share of time a mentor has said is free (the
commitment ledger's rule in profiles), and the demo organisation has none, so
the demo mentors also opt in on their profiles with some free time: the way a
real mentor would, and what lets the demo pairs become active."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import grpc

from trellis.mentorship.v1 import mentorship_pb2 as mpb
from trellis.mentorship.v1 import mentorship_pb2_grpc as mrpc
from trellis.profiles.v1 import profiles_pb2 as fpb
from trellis.profiles.v1 import profiles_pb2_grpc as frpc
from trellis_mentorship.app.demo_cohort import (
    DEMO_CYCLE_NAME,
    DemoOffer,
    DemoPerson,
    demo_cohort,
)
from trellis_shared.grpc.tokens import Principal, TokenCodec

SEEDER = Principal("demo-seed", frozenset({"hr_admin", "service"}))
PAGE = 100
DEMO_MENTOR_FREE_PCT = 10
Metadata = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Seeded:
    offers: int
    requests_filed: int
    cycle_id: str


async def _profiles(stub: Any, metadata: Metadata) -> list[fpb.Profile]:
    profiles: list[fpb.Profile] = []
    token = ""
    while True:
        reply = await stub.SearchProfiles(
            fpb.SearchProfilesRequest(page_size=PAGE, page_token=token), metadata=metadata
        )
        profiles.extend(reply.profiles)
        token = reply.next_page_token
        if not token:
            return profiles


def demo_person(profile: fpb.Profile) -> DemoPerson:
    return DemoPerson(
        profile.employee_id,
        profile.org.department,
        profile.org.level,
        {s.skill_id: s.level for s in profile.skills},
    )


async def _opt_in_on_profile(
    stub: Any, metadata: Metadata, profile: fpb.Profile, offer: DemoOffer
) -> None:
    """Everything else on the profile is kept; profiles writes nothing when unchanged."""
    availability = fpb.Availability()
    availability.CopyFrom(profile.availability)
    availability.share_free_pct = max(availability.share_free_pct, DEMO_MENTOR_FREE_PCT)
    mobility = fpb.Mobility()
    mobility.CopyFrom(profile.mobility)
    mobility.offers_mentoring = True
    mobility.mentor_capacity = offer.capacity
    del mobility.mentor_topics[:]
    mobility.mentor_topics.extend(offer.topics)
    await stub.SetPreferences(
        fpb.SetPreferencesRequest(
            employee_id=profile.employee_id,
            availability=availability,
            mobility=mobility,
            visibility=profile.visibility,
        ),
        metadata=metadata,
    )


async def _demo_cycle(matching: Any, metadata: Metadata) -> str:
    listed = await matching.ListCycles(mpb.ListCyclesRequest(), metadata=metadata)
    for cycle in listed.cycles:
        if cycle.name == DEMO_CYCLE_NAME and cycle.status != "closed":
            return str(cycle.cycle_id)
    opened = await matching.OpenCycle(
        mpb.OpenCycleRequest(name=DEMO_CYCLE_NAME, duration_weeks=12), metadata=metadata
    )
    return str(opened.cycle.cycle_id)


async def seed(mentorship_addr: str, profiles_addr: str, codec: TokenCodec) -> Seeded:
    metadata = codec.metadata(SEEDER)
    async with (
        grpc.aio.insecure_channel(profiles_addr) as profiles_channel,
        grpc.aio.insecure_channel(mentorship_addr) as channel,
    ):
        profiles = frpc.ProfileServiceStub(profiles_channel)
        people = {p.employee_id: p for p in await _profiles(profiles, metadata)}
        offers, requests = demo_cohort([demo_person(p) for p in people.values()])
        mentorship = mrpc.MentorshipServiceStub(channel)
        for offer in offers:
            await _opt_in_on_profile(profiles, metadata, people[offer.mentor_id], offer)
            await mentorship.OfferMentoring(
                mpb.OfferMentoringRequest(
                    employee_id=offer.mentor_id, capacity=offer.capacity, topics=offer.topics
                ),
                metadata=metadata,
            )
        cycle_id = await _demo_cycle(mrpc.MatchingServiceStub(channel), metadata)
        filed = 0
        for request in requests:
            try:
                await mentorship.SubmitMenteeRequest(
                    mpb.SubmitMenteeRequestRequest(
                        mentee_id=request.mentee_id,
                        cycle_id=cycle_id,
                        goals=[mpb.Goal(skill_id=s, target_level=lvl) for s, lvl in request.goals],
                        prefers_other_department=request.prefers_other_department,
                    ),
                    metadata=metadata,
                )
                filed += 1
            except grpc.aio.AioRpcError as error:
                if error.code() is not grpc.StatusCode.FAILED_PRECONDITION:
                    raise  # FAILED_PRECONDITION: already in the cycle from an earlier run
        return Seeded(len(offers), filed, cycle_id)
