"""Cycles: HR opens one, requests gather in it, a run proposes pairs, HR reads the report.

A run matches only the cycle's requests still waiting, against every mentor's
free places at that moment, and then proposes each pair: it takes the mentor's
place (the same atomic step a direct acceptance uses, so a place taken in the
meantime is noticed, not overbooked), claims the request and writes the match.
How a run survives the death of its process is `cycle_runs`.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from trellis_mentorship.app.cycle_runs import DEFAULT_RUN_LEASE, CycleRuns
from trellis_mentorship.app.mentors import MentorPlaces
from trellis_mentorship.app.people import PeopleReadModel
from trellis_mentorship.app.ports import Clock, Documents, Versioned
from trellis_mentorship.domain.cycle import Cycle
from trellis_mentorship.domain.match import Match
from trellis_mentorship.domain.matching import MatchMode
from trellis_mentorship.domain.mentee_request import MenteeRequest
from trellis_mentorship.domain.weights import CompatibilityWeights
from trellis_shared.grpc.tokens import Principal
from trellis_shared.mongo.model_store import ModelStore


class Cycles:
    def __init__(
        self,
        cycles: Documents[Cycle],
        requests: Documents[MenteeRequest],
        matches: Documents[Match],
        places: MentorPlaces,
        people: PeopleReadModel,
        weights: CompatibilityWeights,
        clock: Clock,
        run_lease: timedelta = DEFAULT_RUN_LEASE,
    ) -> None:
        self.documents = cycles
        self._cycle_store = ModelStore.over(cycles, "cycle")
        self._clock = clock
        self.runs = CycleRuns(cycles, requests, matches, places, people, weights, clock, run_lease)

    async def open(self, principal: Principal, name: str, duration_weeks: int) -> Versioned[Cycle]:
        principal.require_role("hr_admin")
        cycle = Cycle(
            cycle_id=f"cycle-{uuid.uuid4().hex[:10]}",
            name=name,
            opened_by=principal.subject,
            opened_at=self._clock(),
            duration_weeks=duration_weeks,
        )
        return await self._cycle_store.create(cycle.cycle_id, cycle, cycle.opened())

    async def all(self) -> list[Versioned[Cycle]]:
        return sorted(await self.documents.all(), key=lambda s: s.value.opened_at)

    async def report(self, principal: Principal, cycle_id: str) -> Versioned[Cycle]:
        principal.require_role("hr_admin")
        return await self._cycle_store.load(cycle_id)

    async def close(self, principal: Principal, cycle_id: str) -> Versioned[Cycle]:
        principal.require_role("hr_admin")
        return await self._cycle_store.apply(cycle_id, lambda c: c.close())

    async def run(self, principal: Principal, cycle_id: str, mode: MatchMode) -> Versioned[Cycle]:
        principal.require_role("hr_admin")
        # Entering `running` is one version-checked write: of runs started at once on
        # any replicas, one gets it and the others fail before reading anything.
        return await self.runs.run(cycle_id, mode)
