"""JSON API for stretch-assignment bidding (see features/bidding*.py).

Bids are always the signed-in person's own: no path or body names a bidder,
and a body that tries to (an unknown field such as employee_id) is refused
with 422, so nobody can read or place bids for someone else.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from trellis_portal.features import bidding, bidding_releases, bidding_rounds
from trellis_portal.features.bidding_models import (
    Assignment,
    BidderResult,
    BidEntry,
    ReleaseRequest,
    Round,
    RoundDetail,
    RoundReport,
    RoundTerms,
    Wallet,
    Winner,
)
from trellis_portal.http.auth import Actor, Viewer

router = APIRouter(prefix="/api/v1/bidding", tags=["bidding"])

MAX_BIDS = 50  # the bidding service refuses longer bid sets
RoundId = Annotated[str, Path(min_length=1, max_length=100)]
EmployeeId = Annotated[str, Path(min_length=1, max_length=64)]


class BidInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignment_id: str = Field(min_length=1, max_length=100)
    points: int = Field(ge=1, le=100_000, description="at least 1")
    rank: int = Field(ge=1, le=MAX_BIDS, description="1 = favourite; unique in the set")


class PlaceBidsBody(BaseModel):
    """My whole new bid set: it replaces the old one; an empty list withdraws."""

    model_config = ConfigDict(extra="forbid")

    bids: list[BidInput] = Field(max_length=MAX_BIDS)
    expected_version: int = Field(default=0, ge=0, description="0 = no check")


class RoundList(BaseModel):
    rounds: list[Round]


class AssignmentList(BaseModel):
    assignments: list[Assignment]


class WinnerList(BaseModel):
    winners: list[Winner]


class ReleaseList(BaseModel):
    requests: list[ReleaseRequest]


@router.get("/rounds")
async def list_rounds(caller: Viewer) -> RoundList:
    """Every bidding round, the ones taking bids first."""
    return RoundList(rounds=await bidding.list_rounds(caller))


@router.post("/rounds", status_code=201)
async def open_round(caller: Actor, terms: RoundTerms) -> Round:
    """hr_admin: open a round over catalog assignments."""
    return await bidding_rounds.open_round(caller, terms)


@router.get("/rounds/{round_id}")
async def get_round(caller: Viewer, round_id: RoundId) -> RoundDetail:
    """A round with its assignments."""
    return await bidding.get_round(caller, round_id)


@router.get("/assignments")
async def list_assignments(
    caller: Viewer, include_closed: Annotated[bool, Query()] = False
) -> AssignmentList:
    """The stretch assignments postings published (open ones unless asked)."""
    found = await bidding.list_assignments(caller, include_closed=include_closed)
    return AssignmentList(assignments=found)


@router.get("/rounds/{round_id}/my-bids")
async def my_bids(caller: Viewer, round_id: RoundId) -> Wallet:
    """My budget and sealed bids in a round (empty before my first bid)."""
    return await bidding.my_bids(caller, round_id)


@router.put("/rounds/{round_id}/my-bids")
async def place_my_bids(caller: Actor, round_id: RoundId, body: PlaceBidsBody) -> Wallet:
    """Replace my bid set. Over the budget: 422 with the reason on `bids`."""
    entries = [
        BidEntry(assignment_id=b.assignment_id, points=b.points, rank=b.rank) for b in body.bids
    ]
    return await bidding.place_bids(caller, round_id, entries, body.expected_version)


@router.get("/rounds/{round_id}/my-result")
async def my_result(caller: Viewer, round_id: RoundId) -> BidderResult:
    """After clearing: what I won and why, and the points spent and carried over."""
    return await bidding.my_result(caller, round_id)


@router.get("/rounds/{round_id}/assignments/{assignment_id}/winners")
async def winners(
    caller: Viewer, round_id: RoundId, assignment_id: Annotated[str, Path(max_length=100)]
) -> WinnerList:
    """After clearing: an assignment's winners, for its owner and hr_admin."""
    return WinnerList(winners=await bidding.winners(caller, round_id, assignment_id))


@router.post("/rounds/{round_id}/close")
async def close_round(caller: Actor, round_id: RoundId) -> Round:
    """hr_admin: stop taking bids before the window ends."""
    return await bidding_rounds.close_round(caller, round_id)


@router.post("/rounds/{round_id}/clear")
async def clear_round(caller: Actor, round_id: RoundId) -> Round:
    """hr_admin: allocate now (an open round is closed first)."""
    return await bidding_rounds.clear_round(caller, round_id)


@router.post("/rounds/{round_id}/cancel")
async def cancel_round(caller: Actor, round_id: RoundId) -> Round:
    """hr_admin: cancel a round that is not cleared yet."""
    return await bidding_rounds.cancel_round(caller, round_id)


@router.get("/rounds/{round_id}/report")
async def round_report(caller: Viewer, round_id: RoundId) -> RoundReport:
    """hr_admin after clearing: every award and the numbers."""
    return await bidding_rounds.round_report(caller, round_id)


@router.get("/releases")
async def list_releases(caller: Viewer) -> ReleaseList:
    """Managers: direct reports who take part in a round, waiting for their time."""
    return ReleaseList(requests=await bidding_releases.list_releases(caller))


@router.post("/releases/{round_id}/{employee_id}/approve")
async def approve_release(
    caller: Actor, round_id: RoundId, employee_id: EmployeeId
) -> ReleaseRequest:
    """Managers: release a direct report's time for the round now."""
    return await bidding_releases.approve_release(caller, round_id, employee_id)
