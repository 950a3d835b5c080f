"""JSON API for mentorship: requests, suggestions, direct requests, pairs,
offers (everyone) and cycles (hr_admin). The pages call the same features.

Who may do what is the mentorship service's decision: a pair or request that
is not yours answers 404, an HR-only call 403, an illegal move 409.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status
from pydantic import BaseModel

from trellis_portal.features import mentorship as feature
from trellis_portal.features import mentorship_cycles as cycles
from trellis_portal.features.mentorship_models import (
    Cycle,
    CycleDetail,
    CycleInput,
    DirectRequestInput,
    FeedbackInput,
    Match,
    MenteeRequest,
    MenteeRequestInput,
    MentorOffer,
    OfferInput,
    ReasonInput,
    RunInput,
    Suggestion,
)
from trellis_portal.http.auth import Actor, Viewer

router = APIRouter(prefix="/api/v1", tags=["mentorship"])

Id = Annotated[str, Path(min_length=1, max_length=120)]
MatchStatus = Literal["", "proposed", "requested", "active", "completed", "declined", "ended"]


class Suggestions(BaseModel):
    request_id: str  # empty when the caller has no request waiting for a mentor
    suggestions: list[Suggestion]


@router.get("/mentorship/requests")
async def list_requests(caller: Viewer) -> list[MenteeRequest]:
    """The caller's own mentee requests, newest first."""
    return await feature.my_requests(caller)


@router.post("/mentorship/requests", status_code=status.HTTP_201_CREATED)
async def submit_request(caller: Actor, body: MenteeRequestInput) -> MenteeRequest:
    """Ask for a mentor: into an open cycle (cycle_id) or on demand."""
    return await feature.submit_request(caller, body)


@router.post("/mentorship/requests/{request_id}/withdraw")
async def withdraw_request(caller: Actor, request_id: Id) -> MenteeRequest:
    return await feature.withdraw_request(caller, request_id)


@router.get("/mentorship/suggestions")
async def suggestions(
    caller: Viewer,
    request_id: Annotated[str, Query(max_length=120)] = "",
) -> Suggestions:
    """The best five mentors for one of the caller's requests (default: the newest
    one still waiting), each with the explanation of its score."""
    if not request_id:
        waiting = feature.newest_waiting(await feature.my_requests(caller))
        if waiting is None:
            return Suggestions(request_id="", suggestions=[])
        request_id = waiting.request_id
    return Suggestions(
        request_id=request_id, suggestions=await feature.suggestions_for(caller, request_id)
    )


@router.post("/mentorship/direct-requests", status_code=status.HTTP_201_CREATED)
async def request_mentor(caller: Actor, body: DirectRequestInput) -> Match:
    """Ask one mentor directly; the pair is `requested` until the mentor answers."""
    return await feature.request_mentor(caller, body)


@router.get("/mentorship/matches")
async def list_matches(
    caller: Viewer,
    role: Annotated[Literal["", "mentor", "mentee"], Query()] = "",
    state: Annotated[MatchStatus, Query(alias="status")] = "",
) -> list[Match]:
    """Pairs the caller is part of, newest first (filter by side and status)."""
    return await feature.my_matches(caller, role, state)


@router.get("/mentorship/matches/{match_id}")
async def get_match(caller: Viewer, match_id: Id) -> Match:
    return await feature.get_match(caller, match_id)


@router.post("/mentorship/matches/{match_id}/accept")
async def accept_match(caller: Actor, match_id: Id) -> Match:
    """Say yes to a proposal (either side) or to a direct request (the mentor)."""
    return await feature.accept_match(caller, match_id)


@router.post("/mentorship/matches/{match_id}/decline")
async def decline_match(caller: Actor, match_id: Id, body: ReasonInput | None = None) -> Match:
    return await feature.decline_match(caller, match_id, body.reason if body else "")


@router.post("/mentorship/matches/{match_id}/complete")
async def complete_match(caller: Actor, match_id: Id, body: FeedbackInput) -> Match:
    """Close an active mentorship with feedback; completed once both sides gave it."""
    return await feature.complete_match(caller, match_id, body)


@router.post("/mentorship/matches/{match_id}/end")
async def end_match(caller: Actor, match_id: Id, body: ReasonInput | None = None) -> Match:
    """End an active mentorship early."""
    return await feature.end_match(caller, match_id, body.reason if body else "")


@router.get("/mentorship/offer")
async def get_offer(caller: Viewer) -> MentorOffer:
    """The caller's offer to mentor, with places taken and free."""
    return await feature.my_offer(caller)


@router.put("/mentorship/offer")
async def put_offer(caller: Actor, body: OfferInput) -> MentorOffer:
    """Offer to mentor (capacity 1..10) or withdraw the offer (capacity 0)."""
    return await feature.offer_mentoring(caller, body)


@router.get("/mentorship/cycles")
async def list_cycles(caller: Viewer) -> list[Cycle]:
    """Every cycle, newest first; the last report only for hr_admin."""
    return await cycles.list_cycles(caller)


@router.post("/mentorship/cycles", status_code=status.HTTP_201_CREATED)
async def open_cycle(caller: Actor, body: CycleInput) -> Cycle:
    """Open a cycle (hr_admin)."""
    return await cycles.open_cycle(caller, body)


@router.post("/mentorship/cycles/{cycle_id}/run")
async def run_cycle(caller: Actor, cycle_id: Id, body: RunInput | None = None) -> Cycle:
    """Match the cycle's waiting requests and propose pairs (hr_admin). Stable: no
    mentee and mentor would both rather be together; optimal: the highest total
    fit. A run while another is going on answers 409."""
    return await cycles.run_cycle(caller, cycle_id, body.mode if body else "stable")


@router.get("/mentorship/cycles/{cycle_id}/report")
async def cycle_report(caller: Viewer, cycle_id: Id) -> CycleDetail:
    """The last run's report with the pairs it proposed (hr_admin)."""
    return await cycles.cycle_detail(caller, cycle_id)


@router.post("/mentorship/cycles/{cycle_id}/close")
async def close_cycle(caller: Actor, cycle_id: Id) -> Cycle:
    return await cycles.close_cycle(caller, cycle_id)
