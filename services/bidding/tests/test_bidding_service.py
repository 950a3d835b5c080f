"""Bidding with real profiles and postings on the real broker and database: a
stretch posting reaches the catalog, a round takes concurrent bids, clears, and
its awards reach postings (seats) and profiles (history, ledger) exactly once."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from bidding_harness import RunningBidding, running_bidding
from postings_harness import TOPICS, RunningPostings, running_postings
from profiles_harness import RunningProfiles, as_, running_profiles
from test_postings_service import _gig_details, _org

from trellis.bidding.v1 import bidding_pb2 as pb
from trellis.postings.v1 import postings_pb2 as ppb
from trellis.profiles.v1 import profiles_pb2 as fpb
from trellis_shared.contracts.bidding import AWARD_TOPIC, ROUND_TOPIC
from trellis_shared.events.envelope import envelope_from_kafka
from trellis_shared.grpc.status import field_violations_from_trailers
from trellis_shared.testing.infrastructure import Infrastructure, NamespaceFactory
from trellis_shared.testing.kafka_reader import read_topic
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.integration

HR = as_("hr-1", "employee", "hr_admin")
HIRING = as_("hm", "employee", "manager")
ALICE = as_("alice")


@dataclass
class Stack:
    profiles: RunningProfiles
    postings: RunningPostings
    bidding: RunningBidding


@pytest.fixture
async def stack(
    infrastructure: Infrastructure, kafka_namespace: NamespaceFactory
) -> AsyncIterator[Stack]:
    prefix = await kafka_namespace(*TOPICS, ROUND_TOPIC)
    async for profiles in running_profiles(infrastructure, prefix):
        await _org(profiles)
        await profiles.create("carol", "Carol", manager_id="m1", department="Data")
        await profiles.profiles.SetPreferences(
            fpb.SetPreferencesRequest(
                employee_id="carol", availability=fpb.Availability(share_free_pct=30)
            ),
            metadata=as_("carol"),
        )
        async for postings in running_postings(infrastructure, prefix, profiles):
            async for bidding in running_bidding(infrastructure, prefix, postings):
                yield Stack(profiles, postings, bidding)


async def _stretch(stack: Stack, title: str, seats: int = 1) -> str:
    posted = await stack.postings.post(
        "stretch", "hm", **_gig_details(title=title, share_pct=20, seats=seats)
    )

    async def in_catalog() -> bool:
        return stack.bidding.app.catalog.get(posted.opportunity_id) is not None

    await eventually(in_catalog, timeout_s=30)
    return posted.opportunity_id


async def _known(stack: Stack, *people: str) -> None:
    async def all_known() -> bool:
        return all(stack.bidding.app.bidders.get(p) is not None for p in people)

    await eventually(all_known, timeout_s=30)


def _violations(error: grpc.aio.AioRpcError) -> dict[str, str]:
    found = field_violations_from_trailers(error.trailing_metadata())  # type: ignore[arg-type]
    return {v.field: v.description for v in found}


async def _open_round(stack: Stack, assignment_ids: list[str], budget: int = 100) -> str:
    opened = await stack.bidding.rounds.OpenRound(
        pb.OpenRoundRequest(
            title="Winter stretch round",
            assignment_ids=assignment_ids,
            closes_at=(datetime.now(UTC) + timedelta(hours=1)).isoformat(),
            budget=budget,
        ),
        metadata=HR,
    )
    assert opened.round.status == "open"
    return opened.round.round_id


async def test_a_round_from_catalog_to_awards_in_postings_and_profiles(stack: Stack) -> None:
    planning = await _stretch(stack, "Lead planning")
    onboarding = await _stretch(stack, "Own onboarding")
    listed = await stack.bidding.catalog.ListAssignments(
        pb.ListAssignmentsRequest(), metadata=ALICE
    )
    assert {a.assignment_id for a in listed.assignments} == {planning, onboarding}
    await _known(stack, "alice", "carol", "bob")
    round_id = await _open_round(stack, [planning, onboarding])

    # Hundreds of concurrent bid sets from one person: the budget is never overspent.
    rng = random.Random(5)
    attempts = [
        [
            pb.BidEntry(assignment_id=planning, points=rng.randint(1, 90), rank=1),
            pb.BidEntry(assignment_id=onboarding, points=rng.randint(1, 40), rank=2),
        ]
        for _ in range(200)
    ]
    results = await asyncio.gather(
        *(
            stack.bidding.bids.PlaceBids(
                pb.PlaceBidsRequest(round_id=round_id, bids=bids), metadata=ALICE
            )
            for bids in attempts
        ),
        return_exceptions=True,
    )
    placed = [r for r in results if isinstance(r, pb.WalletReply)]
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    over_budget = sum(1 for bids in attempts if sum(b.points for b in bids) > 100)
    assert len(refused) == over_budget
    assert all(r.code() is grpc.StatusCode.INVALID_ARGUMENT for r in refused)
    assert all(w.wallet.points_bid <= w.wallet.budget == 100 for w in placed)
    final = await stack.bidding.bids.GetMyBids(
        pb.GetMyBidsRequest(round_id=round_id), metadata=ALICE
    )
    assert 0 < final.wallet.points_bid <= 100
    assert final.wallet.version == len(placed)  # every accepted set was one write

    # Alice ends with a known set; carol outbids her on planning.
    await stack.bidding.bids.PlaceBids(
        pb.PlaceBidsRequest(
            round_id=round_id,
            bids=[
                pb.BidEntry(assignment_id=planning, points=60, rank=1),
                pb.BidEntry(assignment_id=onboarding, points=40, rank=2),
            ],
        ),
        metadata=ALICE,
    )
    await stack.bidding.bids.PlaceBids(
        pb.PlaceBidsRequest(
            round_id=round_id, bids=[pb.BidEntry(assignment_id=planning, points=70, rank=1)]
        ),
        metadata=as_("carol"),
    )
    # Her manager learns that she takes part (not her bids) and may release her early.
    manager = as_("m1", "employee", "manager")
    waiting = await stack.bidding.bids.ListReleaseRequests(
        pb.ListReleaseRequestsRequest(), metadata=manager
    )
    assert {(r.round_id, r.employee_id, r.status) for r in waiting.requests} == {
        (round_id, "alice", "requested"),
        (round_id, "carol", "requested"),
    }
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stack.bidding.bids.ApproveRelease(
            pb.ApproveReleaseRequest(round_id=round_id, employee_id="alice"),
            metadata=as_("hm", "employee", "manager"),
        )
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND
    approved = await stack.bidding.bids.ApproveRelease(
        pb.ApproveReleaseRequest(round_id=round_id, employee_id="alice"), metadata=manager
    )
    assert approved.status == "approved"
    assert approved.decided_by == "m1"

    # Sealed: another person only ever sees their own (empty) wallet; no winners before clearing.
    bobs = await stack.bidding.bids.GetMyBids(
        pb.GetMyBidsRequest(round_id=round_id), metadata=as_("bob")
    )
    assert bobs.wallet.employee_id == "bob"
    assert not bobs.wallet.bids
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stack.bidding.bids.ListWinners(
            pb.ListWinnersRequest(round_id=round_id, assignment_id=planning), metadata=HIRING
        )
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION

    # Only hr_admin clears; a second concurrent clearing is refused.
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stack.bidding.rounds.ClearRound(
            pb.RoundActionRequest(round_id=round_id), metadata=ALICE
        )
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    # Clearing an open round closes and claims it in one write: the sweep (every
    # 0.5 s here) clears closed rounds, and must not take it from the person asking.
    clearings = await asyncio.gather(
        stack.bidding.rounds.ClearRound(pb.RoundActionRequest(round_id=round_id), metadata=HR),
        stack.bidding.rounds.ClearRound(pb.RoundActionRequest(round_id=round_id), metadata=HR),
        return_exceptions=True,
    )
    cleared = [c for c in clearings if isinstance(c, pb.RoundReply)]
    lost = [c for c in clearings if isinstance(c, grpc.aio.AioRpcError)]
    assert len(cleared) == 1
    assert cleared[0].round.status == "cleared"
    assert len(lost) == 1
    assert lost[0].code() is grpc.StatusCode.FAILED_PRECONDITION

    # Results with explanations; winners for the owner.
    result = await stack.bidding.bids.GetMyResult(
        pb.GetMyBidsRequest(round_id=round_id), metadata=ALICE
    )
    assert list(result.result.awarded) == [onboarding]
    assert result.result.points_spent == 40
    by_assignment = {o.assignment_id: o for o in result.result.outcomes}
    assert not by_assignment[planning].won
    assert by_assignment[planning].reason
    assert by_assignment[planning].cutoff.startswith("70 points")
    winners = await stack.bidding.bids.ListWinners(
        pb.ListWinnersRequest(round_id=round_id, assignment_id=planning), metadata=HIRING
    )
    assert [(w.employee_id, w.points) for w in winners.winners] == [("carol", 70)]
    report = await stack.bidding.rounds.GetRoundReport(
        pb.GetRoundRequest(round_id=round_id), metadata=HR
    )
    assert report.report.awards == 2
    assert report.report.blocking_pairs == 0

    # Awards reach postings (seats) and profiles (history and ledger), once each.
    async def seats_filled() -> bool:
        got = await stack.postings.opportunities.GetOpportunity(
            ppb.GetOpportunityRequest(opportunity_id=planning), metadata=HIRING
        )
        return got.opportunity.seats_filled == 1 and got.opportunity.status == "filled"

    await eventually(seats_filled, timeout_s=30)

    async def in_history() -> bool:
        got = await stack.profiles.profiles.GetProfile(
            fpb.GetProfileRequest(employee_id="alice"), metadata=ALICE
        )
        return any(h.reference == onboarding for h in got.profile.history)

    await eventually(in_history, timeout_s=30)
    alice = await stack.profiles.profiles.GetProfile(
        fpb.GetProfileRequest(employee_id="alice"), metadata=ALICE
    )
    assert [h.kind for h in alice.profile.history if h.reference == onboarding] == ["stretch"]
    assert [c.share_pct for c in alice.profile.commitments if c.reference == onboarding] == [20]
    awards = await read_topic(
        stack.bidding.settings.kafka_bootstrap,
        stack.bidding.settings.topic_prefix + AWARD_TOPIC,
        3,
        timeout_s=5,
    )
    # Keyed by the round, so one round's awards stay in order; exactly one per seat.
    envelopes = [envelope_from_kafka(r.value) for r in awards]
    assert {e.subject for e in envelopes} == {round_id}
    assert sorted(e.data["assignment_id"] for e in envelopes) == sorted([planning, onboarding])


async def test_bad_bids_and_rounds_are_refused_with_field_details(stack: Stack) -> None:
    planning = await _stretch(stack, "Lead planning")
    await _known(stack, "alice", "bob")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stack.bidding.rounds.OpenRound(
            pb.OpenRoundRequest(
                title="Bad",
                assignment_ids=[planning, "opp-nope"],
                closes_at=datetime.now(UTC).isoformat(),
            ),
            metadata=HR,
        )
    fields = _violations(caught.value)
    assert "assignment_ids.1" in fields
    assert "closes_at" in fields
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stack.bidding.rounds.OpenRound(
            pb.OpenRoundRequest(title="Mine", assignment_ids=[planning]), metadata=ALICE
        )
    assert caught.value.code() in (
        grpc.StatusCode.PERMISSION_DENIED,
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    round_id = await _open_round(stack, [planning], budget=50)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stack.bidding.bids.PlaceBids(
            pb.PlaceBidsRequest(
                round_id=round_id,
                bids=[
                    pb.BidEntry(assignment_id=planning, points=-3, rank=1),
                    pb.BidEntry(assignment_id="opp-elsewhere", points=60, rank=1),
                ],
            ),
            metadata=ALICE,
        )
    fields = _violations(caught.value)
    assert "bids.0.points" in fields
    assert "bids.1.assignment_id" in fields
    assert "bids.1.rank" in fields
    assert "budget" in fields["bids"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stack.bidding.bids.PlaceBids(
            pb.PlaceBidsRequest(
                round_id=round_id, bids=[pb.BidEntry(assignment_id=planning, points=5, rank=1)]
            ),
            metadata=as_("bob"),  # no free time declared
        )
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "you have 0% free" in (caught.value.details() or "")
    mine = await stack.bidding.bids.GetMyBids(
        pb.GetMyBidsRequest(round_id=round_id), metadata=ALICE
    )
    assert list(mine.wallet.bids) == []  # nothing partial was written
    await stack.bidding.rounds.CancelRound(pb.RoundActionRequest(round_id=round_id), metadata=HR)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stack.bidding.bids.PlaceBids(
            pb.PlaceBidsRequest(
                round_id=round_id, bids=[pb.BidEntry(assignment_id=planning, points=5, rank=1)]
            ),
            metadata=ALICE,
        )
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "cancelled" in (caught.value.details() or "")


async def test_a_round_closes_and_clears_itself_at_the_deadline(stack: Stack) -> None:
    planning = await _stretch(stack, "Lead planning")
    await _known(stack, "alice")
    opened = await stack.bidding.rounds.OpenRound(
        pb.OpenRoundRequest(
            title="Short round",
            assignment_ids=[planning],
            closes_at=(datetime.now(UTC) + timedelta(seconds=4)).isoformat(),
        ),
        metadata=HR,
    )
    round_id = opened.round.round_id
    await stack.bidding.bids.PlaceBids(
        pb.PlaceBidsRequest(
            round_id=round_id, bids=[pb.BidEntry(assignment_id=planning, points=30, rank=1)]
        ),
        metadata=ALICE,
    )

    async def cleared() -> bool:
        got = await stack.bidding.rounds.GetRound(
            pb.GetRoundRequest(round_id=round_id), metadata=ALICE
        )
        return got.round.status == "cleared"

    await eventually(cleared, timeout_s=30)
    result = await stack.bidding.bids.GetMyResult(
        pb.GetMyBidsRequest(round_id=round_id), metadata=ALICE
    )
    assert list(result.result.awarded) == [planning]
    assert result.result.points_returned == 70
    assert result.result.next_round_budget == 170  # 100 + the 70 returned (cap = budget)
    events = await read_topic(
        stack.bidding.settings.kafka_bootstrap,
        stack.bidding.settings.topic_prefix + ROUND_TOPIC,
        3,
    )
    assert [envelope_from_kafka(r.value).type for r in events] == [
        "trellis.bidding.round.opened",
        "trellis.bidding.round.closed",
        "trellis.bidding.round.cleared",
    ]
