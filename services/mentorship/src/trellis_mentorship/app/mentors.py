"""Mentor offers and places: who mentors, with what capacity, and how much is taken.

A mentor is anyone whose profile says they offer mentoring (capacity and
topics from the profile) or who made an explicit offer here (which overrides
the profile). The documents are mirrored in memory, so suggestions read them
without a query. Other replicas write them too, so the mirror is a hint, never
the rule: taking a place always goes through the document itself (capacity
check and hold in one version-checked write, atomic across processes); a
single mentor's view is read from the document by id (indexed); and the whole
mirror is reloaded before every cycle run and every repair sweep.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from trellis_mentorship.app.people import PeopleReadModel, Person
from trellis_mentorship.app.ports import Clock, Documents, Versioned, utc_now
from trellis_mentorship.domain.facts import MentorFacts
from trellis_mentorship.domain.mentor_load import ExplicitOffer, MentorLoad, Source
from trellis_shared.errors import NotFound
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal
from trellis_shared.mongo.model_store import ModelStore


@dataclass(frozen=True)
class MentorView:
    employee_id: str
    capacity: int
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    holding_match_ids: tuple[str, ...]
    source: Source
    version: int

    @property
    def places_taken(self) -> int:
        return len(self.holding_match_ids)

    @property
    def places_free(self) -> int:
        return max(0, self.capacity - self.places_taken)


class MentorPlaces:
    def __init__(
        self, documents: Documents[MentorLoad], people: PeopleReadModel, clock: Clock = utc_now
    ) -> None:
        self._documents = documents
        self._mentor_store = ModelStore.over(documents, "mentor")
        self._people = people
        self._clock = clock
        self._loads: dict[str, Versioned[MentorLoad]] = {}

    async def load(self) -> int:
        for stored in await self._documents.all():
            self._loads[stored.value.employee_id] = stored
        return len(self._loads)

    async def refresh(self) -> int:
        """Reload every mentor's places (one scan): what other replicas wrote included."""
        self._loads = {stored.value.employee_id: stored for stored in await self._documents.all()}
        return len(self._loads)

    def _view(self, person: Person | None, employee_id: str) -> MentorView:
        stored = self._loads.get(employee_id)
        load = stored.value if stored else MentorLoad(employee_id=employee_id)
        profile_capacity = person.mentor_capacity if person and person.offers_mentoring else 0
        explicit = load.explicit
        return MentorView(
            employee_id=employee_id,
            capacity=load.capacity(profile_capacity),
            topics=tuple(explicit.topics if explicit else (person.mentor_topics if person else ())),
            languages=tuple(explicit.languages if explicit else ()),
            holding_match_ids=tuple(hold.match_id for hold in load.holds),
            source=load.source(bool(person and person.offers_mentoring)),
            version=stored.version if stored else 0,
        )

    def view(self, employee_id: str) -> MentorView:
        """From the mirror (may lag other replicas): for ranking many mentors."""
        return self._view(self._people.known(employee_id), employee_id)

    async def current_view(self, employee_id: str) -> MentorView:
        """From the document itself: for answering about one mentor."""
        stored = await self._documents.get(employee_id)
        if stored is None:
            self._loads.pop(employee_id, None)
        else:
            self._loads[employee_id] = stored
        return self.view(employee_id)

    async def offer(self, employee_id: str, offer: ExplicitOffer) -> MentorView:
        if await self._people.person(employee_id) is None:
            raise NotFound(f"employee {employee_id} not found")

        def record(load: MentorLoad) -> list[EventPayload]:
            load.explicit = offer
            return []

        await self._write(employee_id, record)
        return self.view(employee_id)

    async def take_place(self, mentor_id: str, match_id: str, mentee_id: str) -> None:
        """Hold one place for `match_id`; FailedPrecondition when the mentor is full.

        The capacity check and the new hold are one version-checked write, so
        concurrent takers can never exceed the capacity."""
        person = await self._people.person(mentor_id)

        def hold(load: MentorLoad) -> list[EventPayload]:
            profile_capacity = person.mentor_capacity if person and person.offers_mentoring else 0
            capacity = load.capacity(profile_capacity)
            load.place_hold(match_id, mentee_id, capacity, self._clock())
            return []

        await self._write(mentor_id, hold)

    async def release_place(self, mentor_id: str, match_id: str) -> None:
        def release(load: MentorLoad) -> list[EventPayload]:
            load.release_hold(match_id)
            return []

        if mentor_id in self._loads or await self._documents.get(mentor_id) is not None:
            await self._write(mentor_id, release)

    async def _write(
        self, mentor_id: str, mutate: Callable[[MentorLoad], Sequence[EventPayload]]
    ) -> None:
        stored = await self._mentor_store.apply(
            mentor_id, mutate, create=lambda: MentorLoad(employee_id=mentor_id)
        )
        self._loads[mentor_id] = stored

    def loads(self) -> list[MentorLoad]:
        return [stored.value for stored in self._loads.values()]

    def mentor_facts(self) -> list[MentorFacts]:
        """Everyone who offers at least one place, as the engine sees them."""
        ids = {p.employee_id for p in self._people.people() if p.offers_mentoring}
        ids.update(self._loads)
        facts = []
        for employee_id in sorted(ids):
            person = self._people.known(employee_id)
            view = self._view(person, employee_id)
            if person is None or view.capacity <= 0:
                continue
            facts.append(facts_of(person, view))
        return facts


def facts_of(person: Person, view: MentorView) -> MentorFacts:
    return MentorFacts(
        employee_id=person.employee_id,
        skills=person.skills,
        roles_held=person.roles_held,
        department=person.department,
        level=person.level,
        utc_offset_hours=person.utc_offset_hours,
        languages=view.languages,
        capacity=view.capacity,
        active_mentorships=view.places_taken,
        topics=view.topics,
    )


def require_self_or_hr(principal: Principal, employee_id: str) -> None:
    """Acting for someone else is for HR; to anyone else that person's things do not exist."""
    if principal.subject != employee_id and not principal.has_role("hr_admin"):
        raise NotFound(f"employee {employee_id} not found")
