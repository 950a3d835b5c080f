"""The life of a mentorship: direct requests, acceptances, declines, feedback, ends.

Two documents change together in a few places (a mentor's places and the
match). There are no multi-document transactions, so the order is chosen so
that a failure in between errs on the safe side: a place is taken before a
match becomes active (never an active match without a place), and released
after the match left the statuses that hold one. The mentor's time follows
the same rule in the profiles ledger: reserved before the match turns active,
given back after it left the active statuses.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date

import grpc

from trellis_mentorship.app.facts import mentee_facts, topics_of
from trellis_mentorship.app.mentors import MentorPlaces, facts_of
from trellis_mentorship.app.people import PeopleReadModel
from trellis_mentorship.app.ports import Clock, Documents, Versioned
from trellis_mentorship.domain.cohort import explain_pair
from trellis_mentorship.domain.match import (
    MENTOR_SHARE_PCT,
    ExplanationRecord,
    Feedback,
    Match,
    MatchStatus,
    Origin,
    Side,
)
from trellis_mentorship.domain.mentee_request import MenteeRequest, RequestStatus
from trellis_mentorship.domain.weights import CompatibilityWeights
from trellis_shared.contracts.mentorship import MatchRequested
from trellis_shared.errors import FailedPrecondition, NotFound, TrellisError
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal
from trellis_shared.mongo.model_store import ModelStore

log = logging.getLogger(__name__)
MY_ROLES = ("mentor", "mentee")


def new_match_id() -> str:
    return f"match-{uuid.uuid4().hex[:12]}"


def can_see_match(principal: Principal, match: Match) -> bool:
    return match.side_of(principal.subject) is not None or principal.has_role("hr_admin")


class Matches:
    def __init__(
        self,
        matches: Documents[Match],
        requests: Documents[MenteeRequest],
        places: MentorPlaces,
        people: PeopleReadModel,
        weights: CompatibilityWeights,
        clock: Clock,
    ) -> None:
        self.documents = matches
        self._requests = requests
        self._match_store = ModelStore.over(matches, "match")
        self._request_store = ModelStore.over(requests, "request")
        self._places = places
        self._people = people
        self._weights = weights
        self._clock = clock

    async def get(self, principal: Principal, match_id: str) -> Versioned[Match]:
        stored = await self._match_store.load(match_id)
        if not can_see_match(principal, stored.value):
            raise NotFound(f"match {match_id} not found")
        return stored

    async def _side(self, principal: Principal, match_id: str) -> Side:
        stored = await self._match_store.load(match_id)
        side = stored.value.side_of(principal.subject)
        if side is None:  # not addressed to the caller: as if it did not exist
            raise NotFound(f"match {match_id} not found")
        return side

    async def mine(self, principal: Principal, role: str) -> list[Versioned[Match]]:
        found: list[Versioned[Match]] = []
        for side in MY_ROLES:
            if role in ("", side):
                found.extend(await self.documents.find_by(f"{side}_id", principal.subject))
        return sorted(found, key=lambda s: s.value.created_at)

    async def request_mentor(
        self, principal: Principal, request_id: str, mentor_id: str, note: str
    ) -> Versioned[Match]:
        stored = await self._request_store.load(request_id)
        request = stored.value
        if request.mentee_id != principal.subject:
            raise NotFound(f"request {request_id} not found")
        request.require_status(RequestStatus.WAITING, action="ask a mentor")
        if mentor_id in request.declined_mentor_ids:
            raise FailedPrecondition(f"{mentor_id} already declined or was declined for this")
        explanation = await self._explain_direct(request, mentor_id)
        match = Match(
            match_id=new_match_id(),
            mentor_id=mentor_id,
            mentee_id=request.mentee_id,
            request_id=request_id,
            cycle_id=request.cycle_id,
            origin=Origin.DIRECT,
            status=MatchStatus.REQUESTED,
            mentee_accepted=True,
            explanation=explanation,
            topics=topics_of(request),
            note=note,
            created_at=self._clock(),
        )

        def claim(current: MenteeRequest) -> list[EventPayload]:
            current.propose(match.match_id, self._clock())
            return []

        # The request is claimed first: of two concurrent direct requests only one wins it.
        await self._request_store.apply(request_id, claim)
        event = MatchRequested(
            match_id=match.match_id,
            mentor_id=mentor_id,
            mentee_id=match.mentee_id,
            score=explanation.score,
        )
        return await self._match_store.create(match.match_id, match, [event])

    async def _explain_direct(self, request: MenteeRequest, mentor_id: str) -> ExplanationRecord:
        mentee = await self._people.person(request.mentee_id)
        mentor = await self._people.person(mentor_id)
        view = await self._places.current_view(mentor_id)
        if mentee is None or mentor is None or view.capacity <= 0:
            raise FailedPrecondition(f"{mentor_id} does not offer mentoring")
        if view.places_free <= 0:
            raise FailedPrecondition(f"{mentor_id} has no free place ({view.capacity} taken)")
        # Authoritative chain now, not only the one filed with the request.
        chain = await self._people.reporting_chain(request.mentee_id)
        facts = mentee_facts(request, mentee, chain)
        explained = explain_pair(facts, facts_of(mentor, view), self._weights)
        if isinstance(explained, str):
            raise FailedPrecondition(f"cannot ask this mentor: {explained}")
        return explained

    async def accept(self, principal: Principal, match_id: str) -> Versioned[Match]:
        side = await self._side(principal, match_id)
        current = await self._match_store.load(match_id)
        match = current.value
        today = self._clock().date()
        activates = match.would_activate(side)
        if activates:
            await self._reserve_mentor_time(match, today)
        takes_place = match.status is MatchStatus.REQUESTED and side is Side.MENTOR
        place_taken = False
        try:
            if takes_place:
                await self._places.take_place(match.mentor_id, match_id, match.mentee_id)
                place_taken = True
            saved = await self._match_store.apply(match_id, lambda m: m.accept(side, today))
        except Exception:
            if place_taken:  # the request was withdrawn or declined meanwhile
                await self._places.release_place(match.mentor_id, match_id)
            if activates:
                await self._undo_mentor_time_unless_active(match)
            raise
        if saved.value.status is MatchStatus.ACTIVE:
            await self._mark_request(saved.value, matched=True)
        return saved

    async def _reserve_mentor_time(self, match: Match, today: date) -> None:
        """The last yes promises the mentor's time: it is reserved in the profiles
        ledger (which owns the sum) before the match turns active, so two
        mentorships, or a mentorship and a gig, can never both take the last of it."""
        starts_on, ends_on = match.planned_period(today)
        answer = await self._people.reserve_mentor_time(
            match.mentor_id, match.match_id, MENTOR_SHARE_PCT, starts_on, ends_on
        )
        if not answer.granted:
            raise FailedPrecondition(
                f"{match.mentor_id}'s time is fully committed for this period: {answer.reason}"
            )

    async def _undo_mentor_time_unless_active(self, match: Match) -> None:
        """The activation did not happen (a lost race, a decline meanwhile)."""
        current = await self._match_store.load(match.match_id)
        if current.value.status is not MatchStatus.ACTIVE:
            await self._people.release_mentor_time(match.mentor_id, match.match_id, undo=True)

    async def decline(self, principal: Principal, match_id: str, reason: str) -> Versioned[Match]:
        side = await self._side(principal, match_id)
        saved = await self._match_store.apply(match_id, lambda m: m.decline(side, reason))
        await self._places.release_place(saved.value.mentor_id, match_id)
        # Time is reserved only at the last yes, so there is rarely any to free.
        await self._give_back_time(saved.value, undo=True)
        await self._mark_request(saved.value, matched=False)
        return saved

    async def complete(
        self, principal: Principal, match_id: str, rating: int, comment: str
    ) -> Versioned[Match]:
        side = await self._side(principal, match_id)
        feedback = Feedback(rating=rating, comment=comment, given_at=self._clock())
        today = self._clock().date()
        saved = await self._match_store.apply(
            match_id, lambda m: m.give_feedback(side, feedback, today)
        )
        if saved.value.status is MatchStatus.COMPLETED:
            await self._places.release_place(saved.value.mentor_id, match_id)
        return saved

    async def end(self, principal: Principal, match_id: str, reason: str) -> Versioned[Match]:
        stored = await self.get(principal, match_id)
        side = stored.value.side_of(principal.subject)
        ended_by = side.value if side is not None else "hr_admin"
        today = self._clock().date()
        saved = await self._match_store.apply(
            match_id, lambda m: m.end_early(ended_by, reason, today)
        )
        await self._places.release_place(saved.value.mentor_id, match_id)
        # Ended for good: the rest of the mentor's promised time is free again.
        await self._give_back_time(saved.value, undo=False)
        return saved

    async def _give_back_time(self, match: Match, *, undo: bool) -> None:
        """After the match is saved: the person's answer stands even if profiles
        cannot be reached (asking again could not repeat the saved change); the
        time then stays promised until the planned end, never more than that."""
        try:
            await self._people.release_mentor_time(match.mentor_id, match.match_id, undo=undo)
        except (TrellisError, grpc.aio.AioRpcError) as error:
            log.warning("time of %s not given back in profiles: %s", match.match_id, error)

    async def _mark_request(self, match: Match, *, matched: bool) -> None:
        def update(request: MenteeRequest) -> list[EventPayload]:
            if matched:
                request.matched(match.match_id)
            else:
                request.match_declined(match.match_id, match.mentor_id)
            return []

        await self._request_store.apply(match.request_id, update)
