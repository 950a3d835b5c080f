"""gRPC servicers of the mentorship service: thin translation onto the use cases."""

from __future__ import annotations

from typing import Any

from grpc import aio

from trellis.mentorship.v1 import mentorship_pb2 as pb
from trellis.mentorship.v1 import mentorship_pb2_grpc as rpc
from trellis_mentorship.app.cycles import Cycles
from trellis_mentorship.app.matches import MY_ROLES, Matches
from trellis_mentorship.app.mentors import MentorPlaces, require_self_or_hr
from trellis_mentorship.app.requests import MenteeRequests
from trellis_mentorship.app.suggestions import MAX_SUGGESTIONS, Suggestions
from trellis_mentorship.domain.match import MAX_NOTE
from trellis_mentorship.domain.matching import MatchMode
from trellis_mentorship.entrypoints.messages import (
    cycle_message,
    match_message,
    offer_from,
    offer_message,
    request_message,
    suggestion_message,
    terms_from,
)
from trellis_shared.errors import FieldViolation, InvalidArgument
from trellis_shared.grpc.messages import require_text
from trellis_shared.grpc.tokens import current_principal

Context = aio.ServicerContext[Any, Any]

SERVICE_NAMES = [
    pb.DESCRIPTOR.services_by_name[name].full_name
    for name in ("MentorshipService", "MatchingService")
]


def _text(value: str, field: str, max_length: int = MAX_NOTE) -> str:
    if len(value) > max_length:
        raise InvalidArgument(
            f"{field} too long", [FieldViolation(field, f"at most {max_length} characters")]
        )
    return value.strip()


def _one_of(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidArgument(
            f"bad {field}", [FieldViolation(field, f"must be one of: {', '.join(allowed)}")]
        )
    return value


def _bounded(value: int, low: int, high: int, field: str) -> int:
    if not low <= value <= high:
        raise InvalidArgument(f"bad {field}", [FieldViolation(field, f"must be {low}..{high}")])
    return value


class MentorshipServicer(rpc.MentorshipServiceServicer):
    def __init__(
        self,
        places: MentorPlaces,
        requests: MenteeRequests,
        matches: Matches,
        suggestions: Suggestions,
    ) -> None:
        self._places = places
        self._requests = requests
        self._matches = matches
        self._suggestions = suggestions

    async def OfferMentoring(
        self, request: pb.OfferMentoringRequest, context: Context
    ) -> pb.MentorOfferReply:
        caller = current_principal()
        employee_id = _text(request.employee_id, "employee_id", 120) or caller.subject
        offer = offer_from(request)
        require_self_or_hr(caller, employee_id)
        return pb.MentorOfferReply(
            offer=offer_message(await self._places.offer(employee_id, offer))
        )

    async def GetMentorOffer(
        self, request: pb.GetMentorOfferRequest, context: Context
    ) -> pb.MentorOfferReply:
        caller = current_principal()
        employee_id = _text(request.employee_id, "employee_id", 120) or caller.subject
        require_self_or_hr(caller, employee_id)
        view = await self._places.current_view(employee_id)
        return pb.MentorOfferReply(offer=offer_message(view))

    async def SubmitMenteeRequest(
        self, request: pb.SubmitMenteeRequestRequest, context: Context
    ) -> pb.MenteeRequestReply:
        caller = current_principal()
        mentee_id = _text(request.mentee_id, "mentee_id", 120) or caller.subject
        cycle_id = _text(request.cycle_id, "cycle_id", 120)
        terms = terms_from(request)
        stored = await self._requests.submit(caller, mentee_id, cycle_id, terms)
        return pb.MenteeRequestReply(request=request_message(stored))

    async def GetMenteeRequest(
        self, request: pb.MenteeRequestActionRequest, context: Context
    ) -> pb.MenteeRequestReply:
        request_id = require_text(request.request_id, "request_id")
        stored = await self._requests.get(current_principal(), request_id)
        return pb.MenteeRequestReply(request=request_message(stored))

    async def WithdrawMenteeRequest(
        self, request: pb.MenteeRequestActionRequest, context: Context
    ) -> pb.MenteeRequestReply:
        request_id = require_text(request.request_id, "request_id")
        stored = await self._requests.withdraw(current_principal(), request_id)
        return pb.MenteeRequestReply(request=request_message(stored))

    async def ListMyMenteeRequests(
        self, request: pb.ListMyMenteeRequestsRequest, context: Context
    ) -> pb.MenteeRequestsReply:
        found = await self._requests.mine(current_principal())
        return pb.MenteeRequestsReply(requests=[request_message(s) for s in found])

    async def SuggestMentors(
        self, request: pb.SuggestMentorsRequest, context: Context
    ) -> pb.SuggestMentorsReply:
        request_id = require_text(request.request_id, "request_id")
        limit = _bounded(request.limit or MAX_SUGGESTIONS, 1, MAX_SUGGESTIONS, "limit")
        found = await self._suggestions.suggest(current_principal(), request_id, limit)
        return pb.SuggestMentorsReply(suggestions=[suggestion_message(s) for s in found])

    async def RequestMentor(
        self, request: pb.RequestMentorRequest, context: Context
    ) -> pb.MatchReply:
        caller = current_principal()
        request_id = require_text(request.request_id, "request_id")
        mentor_id = require_text(request.mentor_id, "mentor_id")
        note = _text(request.note, "note")
        stored = await self._matches.request_mentor(caller, request_id, mentor_id, note)
        return pb.MatchReply(match=match_message(stored, caller))

    async def GetMatch(self, request: pb.MatchActionRequest, context: Context) -> pb.MatchReply:
        caller = current_principal()
        match_id = require_text(request.match_id, "match_id")
        return pb.MatchReply(match=match_message(await self._matches.get(caller, match_id), caller))

    async def ListMyMatches(
        self, request: pb.ListMyMatchesRequest, context: Context
    ) -> pb.MatchesReply:
        caller = current_principal()
        role = _one_of(request.role, ("", *MY_ROLES), "role")
        found = await self._matches.mine(caller, role)
        return pb.MatchesReply(matches=[match_message(s, caller) for s in found])

    async def AcceptMatch(self, request: pb.MatchActionRequest, context: Context) -> pb.MatchReply:
        caller = current_principal()
        match_id = require_text(request.match_id, "match_id")
        return pb.MatchReply(
            match=match_message(await self._matches.accept(caller, match_id), caller)
        )

    async def DeclineMatch(self, request: pb.MatchActionRequest, context: Context) -> pb.MatchReply:
        caller = current_principal()
        match_id = require_text(request.match_id, "match_id")
        reason = _text(request.reason, "reason")
        stored = await self._matches.decline(caller, match_id, reason)
        return pb.MatchReply(match=match_message(stored, caller))

    async def CompleteMatch(
        self, request: pb.CompleteMatchRequest, context: Context
    ) -> pb.MatchReply:
        caller = current_principal()
        match_id = require_text(request.match_id, "match_id")
        rating = _bounded(request.rating, 1, 5, "rating")
        comment = _text(request.comment, "comment")
        stored = await self._matches.complete(caller, match_id, rating, comment)
        return pb.MatchReply(match=match_message(stored, caller))

    async def EndMatch(self, request: pb.MatchActionRequest, context: Context) -> pb.MatchReply:
        caller = current_principal()
        match_id = require_text(request.match_id, "match_id")
        reason = _text(request.reason, "reason")
        stored = await self._matches.end(caller, match_id, reason)
        return pb.MatchReply(match=match_message(stored, caller))


class MatchingServicer(rpc.MatchingServiceServicer):
    def __init__(self, cycles: Cycles) -> None:
        self._cycles = cycles

    async def OpenCycle(self, request: pb.OpenCycleRequest, context: Context) -> pb.CycleReply:
        caller = current_principal()
        name = require_text(request.name, "name")
        weeks = _bounded(request.duration_weeks or 12, 1, 52, "duration_weeks")
        stored = await self._cycles.open(caller, name, weeks)
        return pb.CycleReply(cycle=cycle_message(stored, caller))

    async def ListCycles(self, request: pb.ListCyclesRequest, context: Context) -> pb.CyclesReply:
        caller = current_principal()
        found = await self._cycles.all()
        return pb.CyclesReply(cycles=[cycle_message(s, caller) for s in found])

    async def RunCycle(self, request: pb.RunCycleRequest, context: Context) -> pb.CycleReply:
        caller = current_principal()
        cycle_id = require_text(request.cycle_id, "cycle_id")
        mode = MatchMode(
            _one_of(request.mode or "stable", tuple(m.value for m in MatchMode), "mode")
        )
        stored = await self._cycles.run(caller, cycle_id, mode)
        return pb.CycleReply(cycle=cycle_message(stored, caller))

    async def GetCycleReport(
        self, request: pb.CycleActionRequest, context: Context
    ) -> pb.CycleReply:
        caller = current_principal()
        cycle_id = require_text(request.cycle_id, "cycle_id")
        stored = await self._cycles.report(caller, cycle_id)
        return pb.CycleReply(cycle=cycle_message(stored, caller))

    async def CloseCycle(self, request: pb.CycleActionRequest, context: Context) -> pb.CycleReply:
        caller = current_principal()
        cycle_id = require_text(request.cycle_id, "cycle_id")
        stored = await self._cycles.close(caller, cycle_id)
        return pb.CycleReply(cycle=cycle_message(stored, caller))


def register_all(
    server: aio.Server,
    places: MentorPlaces,
    requests: MenteeRequests,
    matches: Matches,
    cycles: Cycles,
    suggestions: Suggestions,
) -> None:
    rpc.add_MentorshipServiceServicer_to_server(
        MentorshipServicer(places, requests, matches, suggestions), server
    )
    rpc.add_MatchingServiceServicer_to_server(MatchingServicer(cycles), server)
