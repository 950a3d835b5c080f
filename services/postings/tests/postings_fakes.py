"""In-memory stand-ins for the postings ports (unit tests only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from trellis_postings.app.ports import Person, SearchCriteria, Stored
from trellis_postings.domain.fit_facts import CandidateFacts
from trellis_postings.domain.opportunity import Opportunity
from trellis_shared.errors import StaleVersion
from trellis_shared.events import EventPayload
from trellis_shared.peers.profiles import LedgerAnswer


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

    async def applied_by(self, employee_id: str) -> list[Stored]:
        return [s for s in self._all() if employee_id in s.opportunity.applicant_ids]

    async def releases_waiting_on(self, manager_id: str) -> list[Stored]:
        return [s for s in self._all() if manager_id in s.opportunity.release_approvers]

    async def with_open_interview_from(self, employee_id: str) -> list[Stored]:
        return [s for s in self._all() if employee_id in s.opportunity.open_interview_requesters]

    async def with_interview_from(self, employee_id: str) -> list[Stored]:
        return [s for s in self._all() if employee_id in s.opportunity.interview_requests]

    async def with_disclosures(self) -> list[Stored]:
        return [s for s in self._all() if s.opportunity.disclosures]

    async def needing_attention(self, now: datetime) -> list[Stored]:
        return [
            s
            for s in self._all()
            if s.opportunity.needs_sweep
            or (
                s.opportunity.deadline_ts is not None
                and s.opportunity.deadline_ts <= now.timestamp()
            )
        ]

    async def all_open(self) -> list[Stored]:
        return [s for s in self._all() if s.opportunity.status.value == "open"]


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

    async def check_commitment(
        self, employee_id: str, kind: str, share_pct: int, starts_on: date, ends_on: date
    ) -> LedgerAnswer:
        if share_pct <= self.ledger_room_pct:
            return LedgerAnswer(True, "fits")
        return LedgerAnswer(False, f"{share_pct}% is above the {self.ledger_room_pct}% free")

    async def unknown_skills(self, skill_ids: Sequence[str]) -> list[str]:
        return [s for s in skill_ids if s not in self.known_skills]
