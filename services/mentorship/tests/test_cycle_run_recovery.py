"""A cycle run whose process dies mid-run is completed exactly once by the others.

The process is killed at a named point (right after its second match was
written: some proposals done, others half written, the cycle left `running`).
New processes (fresh use-case objects over the same database) must leave the
run alone while its lease holds, then complete it once the lease is stale:
every planned pair proposed exactly once, none lost, no place held twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from mentorship_crashes import Process, ProcessKilled, ProcessPorts
from mentorship_fakes import FakeDocuments, FakeProfiles, mentor_snapshot, people_with, snapshot

from trellis_mentorship.app.cycles import Cycles
from trellis_mentorship.app.mentors import MentorPlaces
from trellis_mentorship.app.ports import Model
from trellis_mentorship.app.repair import GRACE, Repair
from trellis_mentorship.app.requests import MenteeRequests
from trellis_mentorship.domain.cycle import Cycle, CycleStatus
from trellis_mentorship.domain.match import Match
from trellis_mentorship.domain.matching import MatchMode
from trellis_mentorship.domain.mentee_request import (
    GoalSpec,
    MenteeRequest,
    RequestStatus,
    RequestTerms,
)
from trellis_mentorship.domain.mentor_load import MentorLoad
from trellis_mentorship.domain.weights import DEFAULT_WEIGHTS
from trellis_shared.contracts.mentorship import CycleRun, MatchProposed
from trellis_shared.errors import FailedPrecondition
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
HR = Principal("hr", frozenset({"employee", "hr_admin"}))
MENTEES = [f"mentee-{n}" for n in range(6)]
MENTORS = {"pat": 3, "quinn": 3}


class FlakyMatches(FakeDocuments[Match]):
    """Matches whose next save fails once, as during a short database outage."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_next_save = False

    async def save(
        self, key: str, item: Match, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        if self.fail_next_save:
            self.fail_next_save = False
            raise ConnectionError("database unavailable")
        return await super().save(key, item, expected_version=expected_version, events=events)


@dataclass
class Database:
    cycles: FakeDocuments[Cycle] = field(default_factory=FakeDocuments)
    requests: FakeDocuments[MenteeRequest] = field(default_factory=FakeDocuments)
    matches: FakeDocuments[Match] = field(default_factory=FakeDocuments)
    mentors: FakeDocuments[MentorLoad] = field(default_factory=FakeDocuments)


@dataclass
class Replica:
    """One service process: its own use-case objects and in-memory state."""

    cycles: Cycles
    repair: Repair
    requests: MenteeRequests


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class KillPoint:
    """Kill the process right after its `saves`-th save to the `collection`."""

    collection: str
    saves: int


NEVER = KillPoint("", 0)
# Submitting the six requests is six request saves; the run's claims come after.
KILL_POINTS = {
    "after the second match was written": KillPoint("matches", 2),
    "after the third request was claimed, before its match": KillPoint("requests", 6 + 3),
    "after the fourth place was held, before its claim": KillPoint("mentors", 4),
}


async def start_replica(
    database: Database, clock: Clock, name: str, kill: KillPoint = NEVER
) -> Replica:
    process = Process(name)

    def port(shared: FakeDocuments[Model], collection: str) -> ProcessPorts[Model]:
        saves = kill.saves if kill.collection == collection else 0
        return ProcessPorts(shared, process, kill_after_saves=saves)

    people = await people_with(
        *(snapshot(m) for m in MENTEES),
        *(mentor_snapshot(m, capacity=c) for m, c in MENTORS.items()),
        profiles=FakeProfiles(),
    )
    places = MentorPlaces(port(database.mentors, "mentors"), people, clock)
    await places.load()
    requests = port(database.requests, "requests")
    matches = port(database.matches, "matches")
    cycles_port = port(database.cycles, "cycles")
    cycles = Cycles(
        cycles_port, requests, matches, places, people, DEFAULT_WEIGHTS, clock, run_lease=LEASE
    )
    return Replica(
        cycles=cycles,
        repair=Repair(places, requests, matches, clock, cycles.runs),
        requests=MenteeRequests(requests, cycles_port, people, clock),
    )


async def open_cycle_with_requests(replica: Replica) -> str:
    cycle = (await replica.cycles.open(HR, "Spring", 12)).value
    terms = RequestTerms(goals=[GoalSpec(skill_id="python", target_level=4)])
    for mentee_id in MENTEES:
        await replica.requests.submit(HR, mentee_id, cycle.cycle_id, terms)
    return cycle.cycle_id


def stored_cycle(database: Database, cycle_id: str) -> Cycle:
    return database.cycles.rows[cycle_id][1]


def assert_every_mentee_proposed_exactly_once(database: Database, cycle_id: str) -> None:
    matches = [match for _, match in database.matches.rows.values()]
    assert sorted(m.mentee_id for m in matches) == MENTEES  # none lost, none doubled
    proposed_events = [e for e in database.matches.events if isinstance(e, MatchProposed)]
    assert Counter(e.match_id for e in proposed_events) == Counter(m.match_id for m in matches)
    for _, request in database.requests.rows.values():
        assert request.status is RequestStatus.PROPOSED
        assert database.matches.rows[request.match_id][1].mentee_id == request.mentee_id
    held = Counter(
        (load.employee_id, hold.match_id)
        for _, load in database.mentors.rows.values()
        for hold in load.holds
    )
    assert held == Counter((m.mentor_id, m.match_id) for m in matches)  # no orphan, no double
    cycle = stored_cycle(database, cycle_id)
    assert cycle.status is CycleStatus.OPEN
    assert cycle.run_plan is None
    assert cycle.last_report is not None
    assert (cycle.runs, cycle.last_report.run, cycle.last_report.proposed) == (1, 1, 6)
    assert sorted(cycle.last_report.proposed_match_ids) == sorted(m.match_id for m in matches)
    runs = [e for e in database.cycles.events if isinstance(e, CycleRun)]
    assert len(runs) == 1


@pytest.mark.parametrize("kill", KILL_POINTS.values(), ids=KILL_POINTS.keys())
async def test_a_run_killed_mid_way_is_completed_once_after_its_lease_goes_stale(
    kill: KillPoint,
) -> None:
    database, clock = Database(), Clock()
    doomed = await start_replica(database, clock, "doomed", kill)
    cycle_id = await open_cycle_with_requests(doomed)

    with pytest.raises(ProcessKilled):
        await doomed.cycles.run(HR, cycle_id, MatchMode.STABLE)
    assert stored_cycle(database, cycle_id).status is CycleStatus.RUNNING
    assert len(database.matches.rows) < len(MENTEES)  # the kill came mid-run

    # Two new processes; while the lease holds, the run may still be alive.
    first = await start_replica(database, clock, "first")
    second = await start_replica(database, clock, "second")
    clock.now = NOW + LEASE - timedelta(seconds=1)
    assert await first.repair.sweep() == 0
    with pytest.raises(FailedPrecondition, match="running"):
        await second.cycles.run(HR, cycle_id, MatchMode.STABLE)
    assert stored_cycle(database, cycle_id).status is CycleStatus.RUNNING

    # Past the lease, every replica's sweep tries; exactly one completes the run.
    clock.now = NOW + LEASE + timedelta(seconds=1)
    repaired = await asyncio.gather(first.repair.sweep(), second.repair.sweep())
    assert sorted(repaired) == [0, 1]
    assert_every_mentee_proposed_exactly_once(database, cycle_id)

    # Later sweeps (past the grace for half-written leftovers too) change nothing.
    clock.now = NOW + GRACE + LEASE + timedelta(minutes=1)
    assert await first.repair.sweep() == 0
    assert await second.repair.sweep() == 0
    assert_every_mentee_proposed_exactly_once(database, cycle_id)


async def test_a_new_run_of_a_stale_cycle_completes_the_dead_run_instead() -> None:
    database, clock = Database(), Clock()
    doomed = await start_replica(database, clock, "doomed", KillPoint("matches", 3))
    cycle_id = await open_cycle_with_requests(doomed)
    with pytest.raises(ProcessKilled):
        await doomed.cycles.run(HR, cycle_id, MatchMode.STABLE)

    clock.now = NOW + LEASE
    fresh = await start_replica(database, clock, "fresh")
    finished = await fresh.cycles.run(HR, cycle_id, MatchMode.OPTIMAL)

    assert finished.value.last_report is not None
    assert finished.value.last_report.mode is MatchMode.STABLE  # the dead run's, completed
    assert_every_mentee_proposed_exactly_once(database, cycle_id)


async def test_a_run_killed_before_its_plan_was_stored_is_matched_afresh() -> None:
    database, clock = Database(), Clock()
    doomed = await start_replica(database, clock, "doomed")
    cycle_id = await open_cycle_with_requests(doomed)
    # The run claimed the cycle and died while matching: no plan, nothing proposed.
    claimed = stored_cycle(database, cycle_id)
    claimed.start_run(NOW, "dead-claim", NOW + LEASE, MatchMode.STABLE)
    database.cycles.rows[cycle_id] = (database.cycles.rows[cycle_id][0] + 1, claimed)

    clock.now = NOW + LEASE
    survivor = await start_replica(database, clock, "survivor")
    assert await survivor.repair.sweep() == 1
    assert_every_mentee_proposed_exactly_once(database, cycle_id)


async def test_a_run_that_fails_after_its_plan_hands_it_over_at_once() -> None:
    """A holder that is alive to see its failure ends its lease now: the next run
    completes the plan without waiting for the lease to run out."""
    matches = FlakyMatches()
    database, clock = Database(matches=matches), Clock()
    replica = await start_replica(database, clock, "replica")
    cycle_id = await open_cycle_with_requests(replica)
    matches.fail_next_save = True
    with pytest.raises(ExceptionGroup):
        await replica.cycles.run(HR, cycle_id, MatchMode.STABLE)
    given_up = stored_cycle(database, cycle_id)
    assert given_up.status is CycleStatus.RUNNING
    assert given_up.run_plan is not None

    await replica.cycles.run(HR, cycle_id, MatchMode.STABLE)  # same moment: no waiting
    assert_every_mentee_proposed_exactly_once(database, cycle_id)
