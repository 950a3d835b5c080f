"""On demand: the best few mentors for one of the caller's requests, explained."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from trellis_mentorship.app.facts import mentee_facts
from trellis_mentorship.app.mentors import MentorPlaces, MentorView
from trellis_mentorship.app.people import PeopleReadModel, Person
from trellis_mentorship.app.requests import MenteeRequests
from trellis_mentorship.domain.cohort import best_mentors, explanation_record
from trellis_mentorship.domain.match import ExplanationRecord
from trellis_mentorship.domain.weights import CompatibilityWeights
from trellis_shared.errors import NotFound
from trellis_shared.grpc.tokens import Principal

MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class Suggestion:
    mentor: Person
    offer: MentorView
    explanation: ExplanationRecord


class Suggestions:
    def __init__(
        self,
        requests: MenteeRequests,
        places: MentorPlaces,
        people: PeopleReadModel,
        weights: CompatibilityWeights,
    ) -> None:
        self._requests = requests
        self._places = places
        self._people = people
        self._weights = weights

    async def suggest(self, principal: Principal, request_id: str, limit: int) -> list[Suggestion]:
        request = (await self._requests.get(principal, request_id)).value
        person = await self._people.person(request.mentee_id)
        if person is None:
            raise NotFound(f"employee {request.mentee_id} not found")
        # The authoritative chain: a suggestion must never be the mentee's manager.
        chain = await self._people.reporting_chain(request.mentee_id)
        facts = mentee_facts(request, person, chain)
        found = await asyncio.to_thread(
            best_mentors,
            facts,
            self._places.mentor_facts(),
            request.declined_mentor_ids,
            self._weights,
            min(limit, MAX_SUGGESTIONS),
        )
        suggestions = []
        for compatibility in found:
            mentor = self._people.known(compatibility.mentor_id)
            if mentor is not None:
                suggestions.append(
                    Suggestion(
                        mentor,
                        self._places.view(mentor.employee_id),
                        explanation_record(compatibility),
                    )
                )
        return suggestions
