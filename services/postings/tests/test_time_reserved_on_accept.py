"""Accepting an offer reserves the time in profiles at that moment (issue 14: a
person with 50% free could accept two 40% gigs, because the ledger was only
checked, and recorded days later after the manager's release)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import grpc
import pytest
from postings_harness import TOPICS, RunningPostings, as_, running_postings
from profiles_harness import RunningProfiles, running_profiles

from trellis.postings.v1 import postings_pb2 as pb
from trellis.profiles.v1 import profiles_pb2 as ppb
from trellis_shared.testing.infrastructure import Infrastructure, NamespaceFactory

pytestmark = pytest.mark.integration
HIRING = as_("hm", "employee", "manager")
ALICE = as_("alice")


@pytest.fixture
async def stack(
    infrastructure: Infrastructure, kafka_namespace: NamespaceFactory
) -> AsyncIterator[tuple[RunningProfiles, RunningPostings]]:
    prefix = await kafka_namespace(*TOPICS)
    async for profiles in running_profiles(infrastructure, prefix):
        await profiles.create("ceo", "Cee Oh", ladder="manager")
        await profiles.create("m1", "Mia One", manager_id="ceo", ladder="manager")
        await profiles.create("hm", "Hal Hiring", manager_id="ceo", ladder="manager")
        await profiles.create("alice", "Alice", manager_id="m1")
        await profiles.profiles.SetPreferences(
            ppb.SetPreferencesRequest(
                employee_id="alice",
                availability=ppb.Availability(share_free_pct=50),
                mobility=ppb.Mobility(open_to_gigs=True),
                visibility="everyone",
            ),
            metadata=ALICE,
        )
        async for postings in running_postings(infrastructure, prefix, profiles):
            yield profiles, postings


async def offered_gig(postings: RunningPostings, title: str) -> str:
    """A 40% gig over the same weeks, with alice holding its offer."""
    starts = date.today() + timedelta(days=30)
    posted = await postings.post(
        "gig",
        "hm",
        title=title,
        description="Two days a week",
        share_pct=40,
        starts_on=starts.isoformat(),
        ends_on=(starts + timedelta(days=60)).isoformat(),
        seats=1,
        deadline=(datetime.now(UTC) + timedelta(days=10)).isoformat(),
    )
    applied = await postings.applications.SubmitApplication(
        pb.SubmitApplicationRequest(opportunity_id=posted.opportunity_id, request_id=title),
        metadata=ALICE,
    )
    application_id = applied.application.application_id
    for status in ("shortlisted", "offered"):
        await postings.applications.MoveApplication(
            pb.MoveApplicationRequest(application_id=application_id, status=status),
            metadata=HIRING,
        )
    return application_id


async def test_two_concurrent_accepts_of_forty_percent_with_fifty_free_one_wins(
    stack: tuple[RunningProfiles, RunningPostings],
) -> None:
    profiles, postings = stack
    first, second = [await offered_gig(postings, f"Gig {n}") for n in (1, 2)]
    answers = await asyncio.gather(
        *(
            postings.applications.MoveApplication(
                pb.MoveApplicationRequest(application_id=application_id, status="accepted"),
                metadata=ALICE,
            )
            for application_id in (first, second)
        ),
        return_exceptions=True,
    )
    accepted = [a for a in answers if isinstance(a, pb.ApplicationReply)]
    refused = [a for a in answers if isinstance(a, grpc.aio.AioRpcError)]
    assert len(accepted) == 1, answers
    assert [e.code() for e in refused] == [grpc.StatusCode.FAILED_PRECONDITION]
    assert "above the limit of 50%" in (refused[0].details() or "")
    loser = second if accepted[0].application.application_id == first else first
    still = await postings.applications.GetApplication(
        pb.GetApplicationRequest(application_id=loser), metadata=ALICE
    )
    assert still.application.status == "offered"
    # The time is held in profiles from the moment of acceptance, long before the
    # manager's release lets the accepted event record the commitment.
    profile = await profiles.profiles.GetProfile(
        ppb.GetProfileRequest(employee_id="alice"), metadata=ALICE
    )
    assert [(c.share_pct, c.state) for c in profile.profile.commitments] == [(40, "reserved")]
    # The loser's seat was never taken: the gig still takes an acceptance.
    loser_posting = await postings.opportunities.GetOpportunity(
        pb.GetOpportunityRequest(opportunity_id=still.application.opportunity_id),
        metadata=HIRING,
    )
    assert loser_posting.opportunity.status == "open"
