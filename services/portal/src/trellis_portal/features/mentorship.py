"""Mentorship for one person: their requests, suggested mentors, direct requests,
the pairs they are part of (as mentee or mentor) and their own offer.

Every call goes to the mentorship service as the signed-in person, which
decides who may see or answer what (a pair that is not yours is "not found").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from pydantic import BaseModel

from trellis.mentorship.v1 import mentorship_pb2 as pb
from trellis_portal.features.caller import Caller
from trellis_portal.features.mentorship_models import (
    SUGGESTIONS,
    Cycle,
    DirectRequestInput,
    FeedbackInput,
    Match,
    MenteeRequest,
    MenteeRequestInput,
    MentorOffer,
    OfferInput,
    Suggestion,
    cycle_from,
    match_from,
    offer_from,
    request_from,
    suggestion_from,
)
from trellis_portal.features.people import names_of

log = logging.getLogger("trellis_portal")
PENDING = ("proposed", "requested")
FINISHED = ("completed", "declined", "ended")


async def matches_as_views(caller: Caller, found: Iterable[pb.Match]) -> list[Match]:
    messages = list(found)
    names = await names_of(caller, [i for m in messages for i in (m.mentor_id, m.mentee_id)])
    return [match_from(m, caller.employee_id, names) for m in messages]


# ---- requests -----------------------------------------------------------------


async def my_requests(caller: Caller) -> list[MenteeRequest]:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.mentoring().ListMyMenteeRequests,
        pb.ListMyMenteeRequestsRequest(),
    )
    # Newest first: the one a person just filed is the one they look for.
    return sorted((request_from(r) for r in reply.requests), key=lambda r: r.created_at)[::-1]


async def submit_request(caller: Caller, terms: MenteeRequestInput) -> MenteeRequest:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.mentoring().SubmitMenteeRequest,
        pb.SubmitMenteeRequestRequest(
            cycle_id=terms.cycle_id.strip(),
            goals=[
                pb.Goal(skill_id=g.skill_id.strip(), target_level=g.target_level)
                for g in terms.goals
            ],
            target_role=terms.target_role.strip(),
            prefers_other_department=terms.prefers_other_department,
            languages=[lang.strip() for lang in terms.languages if lang.strip()],
            ranked_mentor_ids=[m.strip() for m in terms.ranked_mentor_ids if m.strip()],
        ),
    )
    return request_from(reply.request)


async def withdraw_request(caller: Caller, request_id: str) -> MenteeRequest:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.mentoring().WithdrawMenteeRequest,
        pb.MenteeRequestActionRequest(request_id=request_id),
    )
    return request_from(reply.request)


async def suggestions_for(caller: Caller, request_id: str) -> list[Suggestion]:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.mentoring().SuggestMentors,
        pb.SuggestMentorsRequest(request_id=request_id, limit=SUGGESTIONS),
    )
    return [suggestion_from(s) for s in reply.suggestions]


def newest_waiting(requests: list[MenteeRequest]) -> MenteeRequest | None:
    """Suggestions are for a request still looking for a mentor (the newest one)."""
    return next((r for r in requests if r.status == "waiting"), None)


async def request_mentor(caller: Caller, ask: DirectRequestInput) -> Match:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.mentoring().RequestMentor,
        pb.RequestMentorRequest(request_id=ask.request_id, mentor_id=ask.mentor_id, note=ask.note),
    )
    return (await matches_as_views(caller, [reply.match]))[0]


# ---- matches --------------------------------------------------------------------


async def my_matches(caller: Caller, role: str = "", status: str = "") -> list[Match]:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.mentoring().ListMyMatches,
        pb.ListMyMatchesRequest(role=role),
    )
    found = [m for m in reply.matches if not status or m.status == status]
    return (await matches_as_views(caller, found))[::-1]


async def get_match(caller: Caller, match_id: str) -> Match:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.mentoring().GetMatch,
        pb.MatchActionRequest(match_id=match_id),
    )
    return (await matches_as_views(caller, [reply.match]))[0]


async def accept_match(caller: Caller, match_id: str) -> Match:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.mentoring().AcceptMatch,
        pb.MatchActionRequest(match_id=match_id),
    )
    return (await matches_as_views(caller, [reply.match]))[0]


async def decline_match(caller: Caller, match_id: str, reason: str) -> Match:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.mentoring().DeclineMatch,
        pb.MatchActionRequest(match_id=match_id, reason=reason),
    )
    return (await matches_as_views(caller, [reply.match]))[0]


async def complete_match(caller: Caller, match_id: str, feedback: FeedbackInput) -> Match:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.mentoring().CompleteMatch,
        pb.CompleteMatchRequest(
            match_id=match_id, rating=feedback.rating, comment=feedback.comment
        ),
    )
    return (await matches_as_views(caller, [reply.match]))[0]


async def end_match(caller: Caller, match_id: str, reason: str) -> Match:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.mentoring().EndMatch,
        pb.MatchActionRequest(match_id=match_id, reason=reason),
    )
    return (await matches_as_views(caller, [reply.match]))[0]


# ---- offers -----------------------------------------------------------------------


async def my_offer(caller: Caller) -> MentorOffer:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.mentoring().GetMentorOffer,
        pb.GetMentorOfferRequest(),
    )
    return offer_from(reply.offer)


async def offer_mentoring(caller: Caller, offer: OfferInput) -> MentorOffer:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.mentoring().OfferMentoring,
        pb.OfferMentoringRequest(
            capacity=offer.capacity,
            topics=[t.strip() for t in offer.topics if t.strip()],
            languages=[lang.strip() for lang in offer.languages if lang.strip()],
        ),
    )
    return offer_from(reply.offer)


# ---- the whole page ---------------------------------------------------------------


class MentorshipOverview(BaseModel):
    """Everything /mentorship shows, gathered in one place for the page."""

    requests: list[MenteeRequest]
    suggestions_for: MenteeRequest | None
    suggestions: list[Suggestion]
    awaiting_me: list[Match]
    awaiting_others: list[Match]
    active: list[Match]
    finished: list[Match]
    offer: MentorOffer
    open_cycles: list[Cycle]


async def open_cycles(caller: Caller) -> list[Cycle]:
    reply = await caller.call(
        caller.backends.mentorship, caller.backends.matching().ListCycles, pb.ListCyclesRequest()
    )
    return [cycle_from(c) for c in reply.cycles if c.status != "closed"]


async def overview(caller: Caller) -> MentorshipOverview:
    # Independent reads go out together; suggestions need the newest waiting request.
    requests, matches, offer, cycles = await asyncio.gather(
        my_requests(caller), my_matches(caller), my_offer(caller), open_cycles(caller)
    )
    waiting = newest_waiting(requests)
    suggestions = await suggestions_for(caller, waiting.request_id) if waiting else []
    return MentorshipOverview(
        requests=requests,
        suggestions_for=waiting,
        suggestions=suggestions,
        awaiting_me=[m for m in matches if m.awaiting_my_answer],
        awaiting_others=[m for m in matches if m.status in PENDING and not m.awaiting_my_answer],
        active=[m for m in matches if m.status == "active"],
        finished=[m for m in matches if m.status in FINISHED],
        offer=offer,
        open_cycles=cycles,
    )
