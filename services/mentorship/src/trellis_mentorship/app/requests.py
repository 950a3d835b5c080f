"""Mentee requests: filed into a cycle or on demand, read and withdrawn by their owner."""

from __future__ import annotations

import uuid

from trellis_mentorship.app.mentors import require_self_or_hr
from trellis_mentorship.app.people import PeopleReadModel
from trellis_mentorship.app.ports import Clock, Documents, Versioned
from trellis_mentorship.domain.cycle import Cycle, CycleStatus
from trellis_mentorship.domain.mentee_request import MenteeRequest, RequestStatus, RequestTerms
from trellis_shared.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    StaleVersion,
)
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal
from trellis_shared.mongo.model_store import ModelStore


def request_id_for(cycle_id: str, mentee_id: str) -> str:
    """One request per mentee and cycle: the id itself makes a duplicate impossible."""
    if cycle_id:
        return f"{cycle_id}--{mentee_id}"
    return f"ondemand-{uuid.uuid4().hex[:12]}"


def can_see_request(principal: Principal, request: MenteeRequest) -> bool:
    return principal.subject == request.mentee_id or principal.has_role("hr_admin")


class MenteeRequests:
    def __init__(
        self,
        requests: Documents[MenteeRequest],
        cycles: Documents[Cycle],
        people: PeopleReadModel,
        clock: Clock,
    ) -> None:
        self.documents = requests
        self._cycles = cycles
        self._request_store = ModelStore.over(requests, "request")
        self._cycle_store = ModelStore.over(cycles, "cycle")
        self._people = people
        self._clock = clock

    async def submit(
        self, principal: Principal, mentee_id: str, cycle_id: str, terms: RequestTerms
    ) -> Versioned[MenteeRequest]:
        require_self_or_hr(principal, mentee_id)
        await self._check_terms(mentee_id, terms)
        if await self._people.person(mentee_id) is None:
            raise NotFound(f"employee {mentee_id} not found")
        if cycle_id:
            cycle = await self._cycle_store.load(cycle_id)
            if cycle.value.status is CycleStatus.CLOSED:
                raise FailedPrecondition("cannot file a request: the cycle is closed")
        request = MenteeRequest(
            request_id=request_id_for(cycle_id, mentee_id),
            mentee_id=mentee_id,
            cycle_id=cycle_id,
            terms=terms,
            reporting_chain=await self._people.reporting_chain(mentee_id),
            created_at=self._clock(),
        )
        return await self._store_new(request)

    async def _store_new(self, request: MenteeRequest) -> Versioned[MenteeRequest]:
        key = request.request_id
        try:
            return await self._request_store.create(key, request)
        except StaleVersion:
            pass

        def replace_withdrawn(existing: MenteeRequest) -> list[EventPayload]:
            if existing.status is not RequestStatus.WITHDRAWN:
                raise FailedPrecondition(
                    f"{request.mentee_id} already has a request in this cycle "
                    f"({existing.status.value})"
                )
            for name in ("terms", "reporting_chain", "created_at"):
                setattr(existing, name, getattr(request, name))
            existing.status = RequestStatus.WAITING
            existing.unmatched_reason = ""
            return []

        return await self._request_store.apply(key, replace_withdrawn)

    async def _check_terms(self, mentee_id: str, terms: RequestTerms) -> None:
        violations: list[FieldViolation] = []
        if not terms.asks_for_something():
            violations.append(
                FieldViolation("goals", "give at least one goal, a target role or a ranked mentor")
            )
        for index, mentor_id in enumerate(terms.ranked_mentor_ids):
            if mentor_id == mentee_id:
                violations.append(
                    FieldViolation(f"ranked_mentor_ids.{index}", "cannot rank yourself")
                )
        if len(set(terms.ranked_mentor_ids)) != len(terms.ranked_mentor_ids):
            violations.append(FieldViolation("ranked_mentor_ids", "each mentor at most once"))
        unknown = set(await self._people.unknown_skills([g.skill_id for g in terms.goals]))
        for index, goal in enumerate(terms.goals):
            if goal.skill_id in unknown:
                violations.append(
                    FieldViolation(
                        f"goals.{index}.skill_id",
                        f"unknown skill {goal.skill_id!r}: use an id from the skills taxonomy",
                    )
                )
        if violations:
            raise InvalidArgument("invalid mentee request", violations)

    async def get(self, principal: Principal, request_id: str) -> Versioned[MenteeRequest]:
        stored = await self._request_store.load(request_id)
        if not can_see_request(principal, stored.value):
            raise NotFound(f"request {request_id} not found")
        return stored

    async def withdraw(self, principal: Principal, request_id: str) -> Versioned[MenteeRequest]:
        await self.get(principal, request_id)

        def withdraw(request: MenteeRequest) -> list[EventPayload]:
            request.withdraw()
            return []

        return await self._request_store.apply(request_id, withdraw)

    async def mine(self, principal: Principal) -> list[Versioned[MenteeRequest]]:
        found = await self.documents.find_by("mentee_id", principal.subject)
        return sorted(found, key=lambda s: s.value.created_at)
