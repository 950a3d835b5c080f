"""Bidding for a person: the rounds, their assignments, my sealed bids, my result.

Every call goes out as the signed-in person, and the bidding service answers
only with that person's own wallet: there is no way to name another bidder, so
nobody can read or change someone else's bids through the portal.
"""

from __future__ import annotations

import grpc
from grpc import aio

from trellis.bidding.v1 import bidding_pb2 as pb
from trellis_portal.features.bidding_models import (
    Assignment,
    AssignmentWinners,
    BidderResult,
    BidEntry,
    Round,
    RoundDetail,
    Wallet,
    Winner,
    from_message,
)
from trellis_portal.features.caller import Caller

# States in which a person can still do something, shown first.
_STATUS_ORDER = {"open": 0, "scheduled": 1, "closed": 2, "clearing": 2, "cleared": 3}


async def list_rounds(caller: Caller) -> list[Round]:
    """Every round, the ones taking bids first, the newest first within a state."""
    reply = await caller.call(
        caller.backends.bidding, caller.backends.rounds().ListRounds, pb.ListRoundsRequest()
    )
    rounds = [from_message(r, Round) for r in reply.rounds]
    rounds.sort(key=lambda r: r.opens_at, reverse=True)
    rounds.sort(key=lambda r: _STATUS_ORDER.get(r.status, 4))
    return rounds


async def list_assignments(caller: Caller, *, include_closed: bool = False) -> list[Assignment]:
    reply = await caller.call(
        caller.backends.bidding,
        caller.backends.catalog().ListAssignments,
        pb.ListAssignmentsRequest(include_closed=include_closed),
    )
    return [from_message(a, Assignment) for a in reply.assignments]


async def get_round(caller: Caller, round_id: str) -> RoundDetail:
    reply = await caller.call(
        caller.backends.bidding,
        caller.backends.rounds().GetRound,
        pb.GetRoundRequest(round_id=round_id),
    )
    round_ = from_message(reply.round, Round)
    # Closed and filled assignments stay part of the round, so ask for them too.
    known = {a.assignment_id: a for a in await list_assignments(caller, include_closed=True)}
    assignments = [
        known.get(i) or Assignment(assignment_id=i, title=i, status="unknown")
        for i in round_.assignment_ids
    ]
    return RoundDetail(round=round_, assignments=assignments)


async def my_bids(caller: Caller, round_id: str) -> Wallet:
    reply = await caller.call(
        caller.backends.bidding,
        caller.backends.bids().GetMyBids,
        pb.GetMyBidsRequest(round_id=round_id),
    )
    return from_message(reply.wallet, Wallet)


async def place_bids(
    caller: Caller, round_id: str, bids: list[BidEntry], expected_version: int = 0
) -> Wallet:
    """Replace my whole bid set (an empty list withdraws). The service checks it
    against my budget in one write: a refused set changes nothing."""
    reply = await caller.call(
        caller.backends.bidding,
        caller.backends.bids().PlaceBids,
        pb.PlaceBidsRequest(
            round_id=round_id,
            bids=[
                pb.BidEntry(assignment_id=b.assignment_id, points=b.points, rank=b.rank)
                for b in bids
            ],
            expected_version=expected_version,
        ),
    )
    return from_message(reply.wallet, Wallet)


async def my_result(caller: Caller, round_id: str) -> BidderResult:
    reply = await caller.call(
        caller.backends.bidding,
        caller.backends.bids().GetMyResult,
        pb.GetMyBidsRequest(round_id=round_id),
    )
    return from_message(reply.result, BidderResult)


async def my_result_if_any(caller: Caller, round_id: str) -> BidderResult | None:
    """My result, or None when I did not bid in the round (the service says NOT_FOUND)."""
    try:
        return await my_result(caller, round_id)
    except aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            return None
        raise


def in_words(result: BidderResult, titles: dict[str, str]) -> BidderResult:
    """The result with assignment ids in its explanations replaced by their titles,
    for people (the API keeps the ids, which clients can look up)."""

    def readable(text: str) -> str:
        for assignment_id, title in titles.items():
            text = text.replace(assignment_id, f"“{title}”")
        return text

    outcomes = [
        o.model_copy(update={"reason": readable(o.reason), "cutoff": readable(o.cutoff)})
        for o in result.outcomes
    ]
    return result.model_copy(update={"outcomes": outcomes})


async def winners(caller: Caller, round_id: str, assignment_id: str) -> list[Winner]:
    """After clearing: an assignment's winners, for its owner and hr_admin only."""
    reply = await caller.call(
        caller.backends.bidding,
        caller.backends.bids().ListWinners,
        pb.ListWinnersRequest(round_id=round_id, assignment_id=assignment_id),
    )
    return [from_message(w, Winner) for w in reply.winners]


async def winners_i_may_see(caller: Caller, detail: RoundDetail) -> list[AssignmentWinners]:
    """The winners of the round's assignments that I own (all of them for hr_admin)."""
    if detail.round.status != "cleared":
        return []
    found = []
    for assignment in detail.assignments:
        if assignment.owner_id != caller.employee_id and not caller.has_role("hr_admin"):
            continue
        listed = await winners(caller, detail.round.round_id, assignment.assignment_id)
        found.append(
            AssignmentWinners(
                assignment_id=assignment.assignment_id, title=assignment.title, winners=listed
            )
        )
    return found
