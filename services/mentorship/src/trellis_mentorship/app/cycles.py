"""Cycles: HR opens one, requests gather in it, a run proposes pairs, HR reads the report.

A run matches only the cycle's requests still waiting, against every mentor's
free places at that moment, and then proposes each pair: it takes the mentor's
place (the same atomic step a direct acceptance uses, so a place taken in the
meantime is noticed, not overbooked), claims the request and writes the match.
The matching itself runs in a worker thread so the service keeps answering.
"""

from __future__ import annotations

import asyncio
import uuid

from trellis_mentorship.app.changes import Clock, change, load
from trellis_mentorship.app.facts import mentee_facts, topics_of
from trellis_mentorship.app.matches import new_match_id
from trellis_mentorship.app.mentors import MentorPlaces
from trellis_mentorship.app.people import PeopleReadModel
from trellis_mentorship.app.ports import Documents, Versioned
from trellis_mentorship.domain.cohort import explain_match, match_cohort
from trellis_mentorship.domain.cycle import (
    PLACE_TAKEN_MEANWHILE,
    Cycle,
    CycleReport,
    ProposedPair,
    UnmatchedEntry,
    build_report,
)
from trellis_mentorship.domain.facts import MenteeFacts, MentorFacts
from trellis_mentorship.domain.match import Match, MatchStatus, Origin
from trellis_mentorship.domain.matching import MatchedPair, MatchMode
from trellis_mentorship.domain.mentee_request import MenteeRequest, RequestStatus
from trellis_mentorship.domain.weights import CompatibilityWeights
from trellis_shared.contracts.mentorship import MatchProposed
from trellis_shared.errors import FailedPrecondition
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal

# Proposals written side by side during a run (each is a few single-document writes).
PROPOSALS_AT_ONCE = 16


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
    ) -> None:
        self.documents = cycles
        self._requests = requests
        self._matches = matches
        self._places = places
        self._people = people
        self._weights = weights
        self._clock = clock

    async def open(self, principal: Principal, name: str, duration_weeks: int) -> Versioned[Cycle]:
        principal.require_role("hr_admin")
        cycle = Cycle(
            cycle_id=f"cycle-{uuid.uuid4().hex[:10]}",
            name=name,
            opened_by=principal.subject,
            opened_at=self._clock(),
            duration_weeks=duration_weeks,
        )
        version = await self.documents.save(
            cycle.cycle_id, cycle, expected_version=0, events=cycle.opened()
        )
        return Versioned(cycle, version)

    async def all(self) -> list[Versioned[Cycle]]:
        return sorted(await self.documents.all(), key=lambda s: s.item.opened_at)

    async def report(self, principal: Principal, cycle_id: str) -> Versioned[Cycle]:
        principal.require_role("hr_admin")
        return await load(self.documents, cycle_id, "cycle")

    async def close(self, principal: Principal, cycle_id: str) -> Versioned[Cycle]:
        principal.require_role("hr_admin")
        return await change(self.documents, cycle_id, lambda c: c.close(), what="cycle")

    async def run(self, principal: Principal, cycle_id: str, mode: MatchMode) -> Versioned[Cycle]:
        principal.require_role("hr_admin")

        claim = uuid.uuid4().hex

        def start(cycle: Cycle) -> list[EventPayload]:
            cycle.start_run(self._clock(), claim)
            return []

        def abort(cycle: Cycle) -> list[EventPayload]:
            cycle.abort_run(claim)
            return []

        # Entering `running` is one version-checked write: of runs started at once on
        # any replicas, one gets it and the others fail here before reading anything.
        started = await change(self.documents, cycle_id, start, what="cycle")
        try:
            # Places taken through other replicas since this one last looked.
            await self._places.refresh()
            report = await self._match_and_propose(started.item, mode)
        except BaseException:
            await change(self.documents, cycle_id, abort, what="cycle")
            raise
        return await change(
            self.documents, cycle_id, lambda c: c.finish_run(report, claim), what="cycle"
        )

    async def _match_and_propose(self, cycle: Cycle, mode: MatchMode) -> CycleReport:
        waiting = [
            stored.item
            for stored in await self._requests.find_by("cycle_id", cycle.cycle_id)
            if stored.item.status is RequestStatus.WAITING
        ]
        mentees: dict[str, MenteeFacts] = {}
        requests: dict[str, MenteeRequest] = {}
        for request in sorted(waiting, key=lambda r: r.mentee_id):
            person = await self._people.person(request.mentee_id)
            if person is not None:
                known_chain = self._people.known_chain(request.mentee_id)
                mentees[request.mentee_id] = mentee_facts(request, person, known_chain)
                requests[request.mentee_id] = request
        mentors = {facts.employee_id: facts for facts in self._places.mentor_facts()}
        declined = {r.mentee_id: r.declined_mentor_ids for r in requests.values()}
        result = await asyncio.to_thread(
            match_cohort,
            list(mentees.values()),
            list(mentors.values()),
            declined,
            mode,
            self._weights,
        )
        proposed: list[ProposedPair] = []
        unmatched = [
            UnmatchedEntry(
                mentee_id=u.mentee_id,
                request_id=requests[u.mentee_id].request_id,
                reason=u.reason.value,
                text=u.text,
            )
            for u in result.unmatched
        ]
        gate = asyncio.Semaphore(PROPOSALS_AT_ONCE)

        async def propose(pair: MatchedPair) -> str | None:
            async with gate:
                return await self._propose(
                    cycle,
                    mode,
                    pair,
                    requests[pair.mentee_id],
                    mentees[pair.mentee_id],
                    mentors[pair.mentor_id],
                )

        # Each pair touches its own request and match and one mentor's places (a
        # conditional write, queued per mentor), so pairs go out side by side: at
        # 10,000 mentees one after the other is minutes of database round trips.
        # A task group: if one proposal fails for good, the others stop too and the
        # run is aborted (the repair sweep settles what was half written).
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(propose(pair)) for pair in result.pairs]
        for pair, task in zip(result.pairs, tasks, strict=True):
            match_id = task.result()
            request = requests[pair.mentee_id]
            if match_id is None:
                unmatched.append(
                    UnmatchedEntry(
                        mentee_id=pair.mentee_id,
                        request_id=request.request_id,
                        reason=PLACE_TAKEN_MEANWHILE,
                        text=f"{pair.mentor_id}'s last place was taken while the cycle ran; "
                        "run it again",
                    )
                )
            else:
                proposed.append(ProposedPair(match_id=match_id, score=pair.score))
        await self._note_unmatched(unmatched, gate)
        return build_report(cycle.runs + 1, result, proposed, unmatched, self._clock())

    async def _propose(
        self,
        cycle: Cycle,
        mode: MatchMode,
        pair: MatchedPair,
        request: MenteeRequest,
        mentee: MenteeFacts,
        mentor: MentorFacts,
    ) -> str | None:
        match_id = new_match_id()
        try:
            await self._places.take_place(pair.mentor_id, match_id, pair.mentee_id)
        except FailedPrecondition:
            return None

        def claim(current: MenteeRequest) -> list[EventPayload]:
            current.propose(match_id, self._clock())
            return []

        try:
            await change(self._requests, request.request_id, claim, what="request")
        except FailedPrecondition:  # withdrawn while the cycle ran
            await self._places.release_place(pair.mentor_id, match_id)
            return None
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
            created_at=self._clock(),
        )
        event = MatchProposed(
            match_id=match_id,
            mentor_id=pair.mentor_id,
            mentee_id=pair.mentee_id,
            cycle_id=cycle.cycle_id,
            score=pair.score,
            mode=mode.value,
        )
        await self._matches.save(match_id, match, expected_version=0, events=[event])
        return match_id

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
                await change(self._requests, entry.request_id, note, what="request")

        async with asyncio.TaskGroup() as group:
            for entry in unmatched:
                group.create_task(note_one(entry))
