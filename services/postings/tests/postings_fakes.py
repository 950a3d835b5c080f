"""In-memory stand-ins for the postings ports (unit tests only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from trellis_postings.app.ports import (
    Person,
    SearchCriteria,
    Stored,
    StoredApplication,
    TimePromise,
)
from trellis_postings.domain.applications import Application
from trellis_postings.domain.fit.facts import CandidateFacts
from trellis_postings.domain.opportunity import Opportunity
from trellis_shared.errors import StaleVersion
from trellis_shared.events import EventPayload
from trellis_shared.peers.profiles import TimeReservation


@dataclass
class MemoryOpportunities:
    documents: dict[str, Stored] = field(default_factory=dict)
    events: list[EventPayload] = field(default_factory=list)

    async def get(self, opportunity_id: str) -> Stored | None:
        stored = self.documents.get(opportunity_id)
        if stored is None:
            return None
        return Stored(stored.opportunity.model_copy(deep=True), stored.version)

    async def save(
        self, opportunity: Opportunity, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        current = self.documents.get(opportunity.opportunity_id)
        if (current.version if current else 0) != expected_version:
            raise StaleVersion(opportunity.opportunity_id, expected_version)
        self.documents[opportunity.opportunity_id] = Stored(
            opportunity.model_copy(deep=True), expected_version + 1
        )
        self.events.extend(events)
        return expected_version + 1

    def _all(self) -> list[Stored]:
        return [self.documents[k] for k in sorted(self.documents)]

    async def search(self, criteria: SearchCriteria, after_id: str, limit: int) -> list[Stored]:
        found = [
            s
            for s in self._all()
            if s.opportunity.status.value in criteria.statuses
            and s.opportunity.opportunity_id > after_id
            and (
                not criteria.hiring_manager_id
                or s.opportunity.details.hiring_manager_id == criteria.hiring_manager_id
            )
        ]
        return found[:limit]

    async def with_interview_from(self, employee_id: str) -> list[Stored]:
        return [s for s in self._all() if employee_id in s.opportunity.interview_requests]

    async def needing_attention(self, now: datetime) -> list[Stored]:
        return [
            s
            for s in self._all()
            if s.opportunity.deadline_ts is not None
            and s.opportunity.deadline_ts <= now.timestamp()
        ]

    async def all_open(self) -> list[Stored]:
        return [s for s in self._all() if s.opportunity.status.value == "open"]


@dataclass
class MemoryApplications:
    documents: dict[str, StoredApplication] = field(default_factory=dict)
    events: list[EventPayload] = field(default_factory=list)

    async def get(self, application_id: str) -> StoredApplication | None:
        stored = self.documents.get(application_id)
        if stored is None:
            return None
        return StoredApplication(stored.application.model_copy(deep=True), stored.version)

    async def get_many(self, application_ids: Sequence[str]) -> list[StoredApplication]:
        found = [await self.get(i) for i in application_ids]
        return [s for s in found if s is not None]

    async def save(
        self, application: Application, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        current = self.documents.get(application.application_id)
        if (current.version if current else 0) != expected_version:
            raise StaleVersion(application.application_id, expected_version)
        self.documents[application.application_id] = StoredApplication(
            application.model_copy(deep=True), expected_version + 1
        )
        self.events.extend(events)
        return expected_version + 1


@dataclass
class MemoryLists:
    lists: dict[str, dict[str, dict[str, object]]] = field(default_factory=dict)

    async def add(self, list_id: str, application_id: str, info: dict[str, object]) -> None:
        self.lists.setdefault(list_id, {})[application_id] = {
            **info,
            "added_at": datetime.now(UTC),
        }

    async def remove(self, list_id: str, application_id: str) -> None:
        self.lists.get(list_id, {}).pop(application_id, None)

    async def members(self, list_id: str) -> dict[str, dict[str, object]]:
        return dict(self.lists.get(list_id, {}))


@dataclass
class MemoryQuota:
    claimed: dict[str, dict[str, datetime]] = field(default_factory=dict)

    async def claim(self, employee_id: str, opportunity_id: str, limit: int) -> bool:
        mine = self.claimed.setdefault(employee_id, {})
        if opportunity_id in mine:
            return True
        if len(mine) >= limit:
            return False
        mine[opportunity_id] = datetime.now(UTC)
        return True

    async def release(self, employee_id: str, opportunity_id: str) -> None:
        self.claimed.get(employee_id, {}).pop(opportunity_id, None)

    async def claims(self, employee_id: str) -> dict[str, datetime]:
        return dict(self.claimed.get(employee_id, {}))


def person(employee_id: str, manager_id: str, **facts: object) -> Person:
    values: dict[str, object] = {
        "employee_id": employee_id,
        "skills": {},
        "skills_to_develop": frozenset(),
        "target_roles": (),
        "ladder": "individual_contributor",
        "ladder_preference": None,
        "level": 3,
        "department": "Data",
        "location": "Berlin",
        "share_free_pct": 50,
        "available_from": None,
        "available_to": None,
        "open_to_relocation": False,
        "open_to_secondment": True,
        "open_to_gigs": True,
    }
    values.update(facts)
    return Person(
        facts=CandidateFacts(**values),  # type: ignore[arg-type]
        name=employee_id.title(),
        title="Engineer",
        manager_id=manager_id,
        visibility="everyone",
        version=1,
    )


@dataclass
class MemoryDirectory:
    """An org chart in memory; `managers` may change to model a re-organisation."""

    managers: dict[str, str] = field(default_factory=dict)
    ledger_room_pct: int = 100
    reservations: dict[str, dict[str, int]] = field(default_factory=dict)  # person -> key -> %
    known_skills: frozenset[str] = frozenset({"python", "sql", "kubernetes"})

    def _chain(self, employee_id: str) -> list[str]:
        chain: list[str] = []
        current = self.managers.get(employee_id, "")
        while current and current not in chain:
            chain.append(current)
            current = self.managers.get(current, "")
        return chain

    async def person(self, employee_id: str) -> Person | None:
        if employee_id not in self.managers:
            return None
        return person(employee_id, self.managers[employee_id])

    def people(self) -> Sequence[Person]:
        return [person(e, m) for e, m in sorted(self.managers.items())]

    async def reporting_chain(self, employee_id: str) -> list[str]:
        return self._chain(employee_id)

    def known_chain(self, employee_id: str) -> list[str]:
        return self._chain(employee_id)

    async def reserve_time(self, employee_id: str, promise: TimePromise) -> TimeReservation:
        """Each person has `ledger_room_pct` free, shared by their reservations
        (periods ignored: every promise counts as overlapping)."""
        held = self.reservations.setdefault(employee_id, {})
        if promise.key in held:
            return TimeReservation(True, state="reserved")
        taken = sum(held.values())
        if taken + promise.share_pct > self.ledger_room_pct:
            return TimeReservation(
                False,
                f"{promise.share_pct}% more would make {taken + promise.share_pct}%, "
                f"above the {self.ledger_room_pct}% free",
            )
        held[promise.key] = promise.share_pct
        return TimeReservation(True, state="reserved")

    async def undo_reservation(self, employee_id: str, key: str) -> None:
        self.reservations.get(employee_id, {}).pop(key, None)

    async def unknown_skills(self, skill_ids: Sequence[str]) -> list[str]:
        return [s for s in skill_ids if s not in self.known_skills]
