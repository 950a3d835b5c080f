"""Running a cycle so that a process dying anywhere in the run loses and doubles nothing.

A run is: claim the cycle (one version-checked write that also sets a lease),
match the waiting requests, store the matching as the cycle's plan, propose
each planned pair (the mentor's place, the request, the match: three
single-document writes), then finish with the report. The process can die
between any two of these writes, so:

- a claim whose lease has passed is taken over by whoever notices first: every
  replica's repair sweep (`complete_stale_runs`) and any new run of the cycle.
  The takeover is itself a version-checked write, so of replicas noticing at
  once exactly one gets the claim; the others find the run no longer stale;
- a run taken over with a plan proposes exactly the stored pairs under their
  stored match ids, and each step is idempotent for its match id (holding the
  same place again is a no-op, a request already claimed by that match stays
  so, a match already written is kept), so the pairs written before the crash
  are neither proposed again nor dropped from the report;
- a run taken over without a plan had proposed nothing, so it matches afresh.

Even a holder that was only slow (not dead) is harmless: it works the same
plan with the same idempotent steps, and its finish fails on the claim.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from trellis_mentorship.app.facts import mentee_facts, topics_of
from trellis_mentorship.app.matches import new_match_id
from trellis_mentorship.app.mentors import MentorPlaces
from trellis_mentorship.app.people import PeopleReadModel
from trellis_mentorship.app.ports import Clock, Documents, Versioned
from trellis_mentorship.domain.cohort import explain_match, match_cohort
from trellis_mentorship.domain.cycle import Cycle, CycleReport, CycleStatus, ProposedPair
from trellis_mentorship.domain.cycle import build_report as report_of
from trellis_mentorship.domain.cycle_plan import (
    PlannedPair,
    RunPlan,
    UnmatchedEntry,
    place_taken_meanwhile,
    plan_run,
)
from trellis_mentorship.domain.facts import MenteeFacts, MentorFacts
from trellis_mentorship.domain.match import Match, MatchStatus, Origin
from trellis_mentorship.domain.matching import MatchMode
from trellis_mentorship.domain.mentee_request import MenteeRequest, RequestStatus
from trellis_mentorship.domain.weights import CompatibilityWeights
from trellis_shared.contracts.mentorship import MatchProposed
from trellis_shared.errors import FailedPrecondition, StaleVersion
from trellis_shared.events import EventPayload
from trellis_shared.mongo.model_store import ModelStore

log = logging.getLogger(__name__)
# Far above a company-scale run (about a minute), so a live run is not taken over.
DEFAULT_RUN_LEASE = timedelta(minutes=10)
# Proposals written side by side during a run (each is a few single-document writes).
PROPOSALS_AT_ONCE = 16


@dataclass(frozen=True)
class _Mentees:
    """The cycle's requests and the facts of the mentees the people read model knows."""

    requests: dict[str, MenteeRequest]
    facts: dict[str, MenteeFacts]


class CycleRuns:
    def __init__(
        self,
        cycles: Documents[Cycle],
        requests: Documents[MenteeRequest],
        matches: Documents[Match],
        places: MentorPlaces,
        people: PeopleReadModel,
        weights: CompatibilityWeights,
        clock: Clock,
        lease: timedelta = DEFAULT_RUN_LEASE,
    ) -> None:
        self._cycles = cycles
        self._requests = requests
        self._matches = matches
        self._cycle_store = ModelStore.over(cycles, "cycle")
        self._request_store = ModelStore.over(requests, "request")
        self._match_store = ModelStore.over(matches, "match")
        self._places = places
        self._people = people
        self._weights = weights
        self._clock = clock
        self._lease = lease

    async def run(self, cycle_id: str, mode: MatchMode) -> Versioned[Cycle]:
        """Run the cycle, or complete its stale run (in that run's mode)."""
        claim = uuid.uuid4().hex
        now = self._clock()
        started = await self._cycle_store.apply(
            cycle_id, lambda c: c.start_run(now, claim, now + self._lease, mode)
        )
        return await self._carry_out(started.value, claim)

    async def complete_stale_runs(self) -> int:
        """Take over and complete every run whose lease has passed; returns how many."""
        completed = 0
        for stored in await self._cycles.find_by("status", CycleStatus.RUNNING.value):
            if not stored.value.run_is_stale(self._clock()):
                continue
            claim = uuid.uuid4().hex
            taken = await self._take_over(stored.value.cycle_id, claim)
            if taken is None:
                continue
            try:
                await self._carry_out(taken.value, claim)
            except Exception:  # one cycle's bad moment must not hold up the others
                log.exception("completing a stale cycle run failed; retrying at the next sweep")
                continue
            log.warning(
                "completed a cycle run whose process died", extra={"cycle": taken.value.cycle_id}
            )
            completed += 1
        return completed

    async def _take_over(self, cycle_id: str, claim: str) -> Versioned[Cycle] | None:
        now = self._clock()
        try:
            return await self._cycle_store.apply(
                cycle_id, lambda c: c.take_over_run(now, claim, now + self._lease)
            )
        except FailedPrecondition:
            return None  # another replica took it over first, or it finished meanwhile

    async def match_ids_in_running_plans(self) -> set[str]:
        """Match ids that running cycles' plans will write (cycles are few: one scan)."""
        planned: set[str] = set()
        for stored in await self._cycles.find_by("status", CycleStatus.RUNNING.value):
            if stored.value.run_plan is not None:
                planned.update(pair.match_id for pair in stored.value.run_plan.pairs)
        return planned

    async def _carry_out(self, cycle: Cycle, claim: str) -> Versioned[Cycle]:
        try:
            # Places taken through other replicas since this one last looked.
            await self._places.refresh()
            plan = cycle.run_plan
            resuming = plan is not None
            mentors = {facts.employee_id: facts for facts in self._places.mentor_facts()}
            mentees = await self._mentees(cycle.cycle_id, waiting_only=not resuming)
            if plan is None:
                plan = await self._plan(cycle, mentees, mentors, claim)
            proposed, unmatched = await self._propose_plan(
                cycle, plan, mentees, mentors, resuming=resuming
            )
        except BaseException:
            now = self._clock()
            await self._cycle_store.apply(cycle.cycle_id, lambda c: c.give_up_run(claim, now))
            raise
        report: CycleReport = report_of(plan, proposed, unmatched, self._clock())
        return await self._cycle_store.apply(cycle.cycle_id, lambda c: c.finish_run(report, claim))

    async def _mentees(self, cycle_id: str, *, waiting_only: bool) -> _Mentees:
        """A fresh run matches the waiting requests; a resumed one also needs those
        its predecessor already claimed."""
        requests: dict[str, MenteeRequest] = {}
        facts: dict[str, MenteeFacts] = {}
        stored = await self._requests.find_by("cycle_id", cycle_id)
        for request in sorted((s.value for s in stored), key=lambda r: r.mentee_id):
            if waiting_only and request.status is not RequestStatus.WAITING:
                continue
            person = await self._people.person(request.mentee_id)
            if person is not None:
                known_chain = self._people.known_chain(request.mentee_id)
                facts[request.mentee_id] = mentee_facts(request, person, known_chain)
                requests[request.mentee_id] = request
        return _Mentees(requests, facts)

    async def _plan(
        self, cycle: Cycle, mentees: _Mentees, mentors: dict[str, MentorFacts], claim: str
    ) -> RunPlan:
        """Match (in a worker thread, so the service keeps answering) and store the plan
        before the first proposal; the write renews the lease."""
        declined = {r.mentee_id: r.declined_mentor_ids for r in mentees.requests.values()}
        result = await asyncio.to_thread(
            match_cohort,
            list(mentees.facts.values()),
            list(mentors.values()),
            declined,
            cycle.run_mode or MatchMode.STABLE,
            self._weights,
        )
        request_ids = {m: r.request_id for m, r in mentees.requests.items()}
        plan = plan_run(cycle.runs + 1, result, request_ids, new_match_id)
        lease_until = self._clock() + self._lease
        recorded = await self._cycle_store.apply(
            cycle.cycle_id, lambda c: c.record_plan(claim, plan, lease_until)
        )
        return recorded.value.run_plan or plan

    async def _propose_plan(
        self,
        cycle: Cycle,
        plan: RunPlan,
        mentees: _Mentees,
        mentors: dict[str, MentorFacts],
        *,
        resuming: bool,
    ) -> tuple[list[ProposedPair], list[UnmatchedEntry]]:
        gate = asyncio.Semaphore(PROPOSALS_AT_ONCE)

        async def propose(pair: PlannedPair) -> bool:
            async with gate:
                if resuming and await self._matches.get(pair.match_id) is not None:
                    return True  # written before the crash: proposed, and stays so
                mentee = mentees.facts.get(pair.mentee_id)
                mentor = mentors.get(pair.mentor_id)
                if mentee is None or mentor is None:
                    return False  # left the company (or stopped mentoring) meanwhile
                request = mentees.requests[pair.mentee_id]
                return await self._propose(cycle, plan.mode, pair, request, mentee, mentor)

        # Each pair touches its own request and match and one mentor's places (a
        # conditional write, queued per mentor), so pairs go out side by side: at
        # 10,000 mentees one after the other is minutes of database round trips.
        # A task group: if one proposal fails for good, the others stop too and the
        # run is given up (its plan is completed by the next run or repair sweep).
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(propose(pair)) for pair in plan.pairs]
        proposed: list[ProposedPair] = []
        unmatched = list(plan.unmatched)
        for pair, task in zip(plan.pairs, tasks, strict=True):
            if task.result():
                proposed.append(ProposedPair(match_id=pair.match_id, score=pair.score))
            else:
                unmatched.append(place_taken_meanwhile(pair))
        await self._note_unmatched(unmatched, gate)
        return proposed, unmatched

    async def _propose(
        self,
        cycle: Cycle,
        mode: MatchMode,
        pair: PlannedPair,
        request: MenteeRequest,
        mentee: MenteeFacts,
        mentor: MentorFacts,
    ) -> bool:
        """Hold the place, claim the request, write the match: each step a no-op when
        it was done for this match id already."""
        match_id = pair.match_id
        try:
            await self._places.take_place(pair.mentor_id, match_id, pair.mentee_id)
        except FailedPrecondition:
            return False
        now = self._clock()

        def claim(current: MenteeRequest) -> list[EventPayload]:
            current.propose(match_id, now)
            return []

        try:
            await self._request_store.apply(request.request_id, claim)
        except FailedPrecondition:  # withdrawn while the cycle ran
            await self._places.release_place(pair.mentor_id, match_id)
            return False
        match = Match(
            match_id=match_id,
            mentor_id=pair.mentor_id,
            mentee_id=pair.mentee_id,
            request_id=request.request_id,
            cycle_id=cycle.cycle_id,
            origin=Origin.CYCLE,
            status=MatchStatus.PROPOSED,
            explanation=explain_match(mentee, mentor, self._weights),
            topics=topics_of(request),
            duration_weeks=cycle.duration_weeks,
            created_at=now,
        )
        event = MatchProposed(
            match_id=match_id,
            mentor_id=pair.mentor_id,
            mentee_id=pair.mentee_id,
            cycle_id=cycle.cycle_id,
            score=pair.score,
            mode=mode.value,
        )
        # StaleVersion: a slow former holder of the claim wrote this match: still one.
        with contextlib.suppress(StaleVersion):
            await self._match_store.create(match_id, match, [event])
        return True

    async def _note_unmatched(
        self, unmatched: list[UnmatchedEntry], gate: asyncio.Semaphore
    ) -> None:
        """Each mentee left waiting can read why on their own request."""

        async def note_one(entry: UnmatchedEntry) -> None:
            def note(request: MenteeRequest) -> list[EventPayload]:
                if request.status is RequestStatus.WAITING:
                    request.left_unmatched(entry.text)
                return []

            async with gate:
                await self._request_store.apply(entry.request_id, note)

        async with asyncio.TaskGroup() as group:
            for entry in unmatched:
                group.create_task(note_one(entry))
