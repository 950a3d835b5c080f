"""Use cases and lifecycle rules with in-memory fakes (no broker, no database)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from mentorship_builders import mentee, mentor
from mentorship_fakes import FakeDocuments, FakeProfiles, mentor_snapshot, people_with, snapshot

from trellis_mentorship.app.cycles import Cycles
from trellis_mentorship.app.demo_cohort import DemoPerson, demo_cohort
from trellis_mentorship.app.matches import Matches
from trellis_mentorship.app.mentors import MentorPlaces
from trellis_mentorship.app.people import utc_offset_hours
from trellis_mentorship.app.repair import Repair
from trellis_mentorship.app.requests import MenteeRequests
from trellis_mentorship.domain.cohort import match_cohort
from trellis_mentorship.domain.cycle import Cycle, CycleStatus
from trellis_mentorship.domain.match import (
    ExplanationRecord,
    Feedback,
    Match,
    MatchStatus,
    Origin,
    Side,
)
from trellis_mentorship.domain.matching import MatchMode
from trellis_mentorship.domain.mentee_request import GoalSpec, MenteeRequest, RequestTerms
from trellis_mentorship.domain.mentor_load import MentorLoad
from trellis_mentorship.domain.weights import DEFAULT_WEIGHTS
from trellis_shared.contracts.mentorship import (
    MatchAccepted,
    MentorshipActivated,
    MentorshipCompleted,
    MentorshipFeedbackGiven,
)
from trellis_shared.contracts.promises import mentorship_promise
from trellis_shared.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from trellis_shared.grpc.tokens import Principal

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
HR = Principal("hr", frozenset({"employee", "hr_admin"}))


def a_match(status: MatchStatus = MatchStatus.PROPOSED, **changes: object) -> Match:
    data: dict[str, object] = {
        "match_id": "match-1",
        "mentor_id": "pat",
        "mentee_id": "alice",
        "request_id": "req-1",
        "origin": Origin.CYCLE if status is MatchStatus.PROPOSED else Origin.DIRECT,
        "status": status,
        "mentee_accepted": status is MatchStatus.REQUESTED,
        "explanation": ExplanationRecord(score=80, weights_version="v", lines=[]),
        "topics": ["python"],
        "created_at": NOW,
    }
    data.update(changes)
    return Match.model_validate(data)


def test_both_acceptances_make_a_mentorship_active_for_its_duration() -> None:
    match = a_match(duration_weeks=10)
    first = match.accept(Side.MENTEE, TODAY)
    assert [type(e) for e in first] == [MatchAccepted]
    assert match.status is MatchStatus.PROPOSED
    assert match.accept(Side.MENTEE, TODAY) == []  # a repeat changes nothing
    second = match.accept(Side.MENTOR, TODAY)
    assert [type(e) for e in second] == [MatchAccepted, MentorshipActivated]
    activated = second[1]
    assert isinstance(activated, MentorshipActivated)
    assert (activated.starts_on, activated.ends_on) == (TODAY, date(2026, 5, 11))
    assert match.status is MatchStatus.ACTIVE


def test_completion_needs_feedback_from_both_sides() -> None:
    match = a_match(MatchStatus.ACTIVE)
    feedback = Feedback(rating=4, given_at=NOW)
    assert [type(e) for e in match.give_feedback(Side.MENTOR, feedback, TODAY)] == [
        MentorshipFeedbackGiven
    ]
    with pytest.raises(FailedPrecondition, match="already given feedback"):
        match.give_feedback(Side.MENTOR, feedback, TODAY)
    events = match.give_feedback(Side.MENTEE, feedback, TODAY)
    assert isinstance(events[-1], MentorshipCompleted)
    assert match.status is MatchStatus.COMPLETED


def test_illegal_moves_name_the_current_state() -> None:
    with pytest.raises(FailedPrecondition, match="is declined"):
        a_match(MatchStatus.DECLINED).accept(Side.MENTOR, TODAY)
    with pytest.raises(FailedPrecondition, match="is proposed"):
        a_match().end_early("mentor", "", TODAY)
    with pytest.raises(PermissionDenied):
        a_match(MatchStatus.REQUESTED).accept(Side.MENTEE, TODAY)
    cycle = Cycle(cycle_id="c", name="Spring", opened_by="hr", opened_at=NOW)
    cycle.start_run(NOW, "first", NOW + timedelta(minutes=5), MatchMode.STABLE)
    with pytest.raises(FailedPrecondition, match="is running"):
        cycle.start_run(NOW, "second", NOW + timedelta(minutes=5), MatchMode.STABLE)


def test_a_declined_mentor_is_remembered_and_never_proposed_again() -> None:
    request = MenteeRequest(
        request_id="r",
        mentee_id="mentee",
        terms=RequestTerms(goals=[GoalSpec(skill_id="python", target_level=4)]),
        created_at=NOW,
    )
    request.propose("match-1")
    with pytest.raises(FailedPrecondition, match="is proposed"):
        request.withdraw()
    request.match_declined("match-1", "first")
    assert (request.status.value, request.declined_mentor_ids) == ("waiting", ["first"])
    mentors = [mentor("first", capacity=1), mentor("second", capacity=1, skills={"python": 3})]
    result = match_cohort(
        [mentee()], mentors, {"mentee": ["first"]}, MatchMode.STABLE, DEFAULT_WEIGHTS
    )
    assert [(p.mentee_id, p.mentor_id) for p in result.pairs] == [("mentee", "second")]


def test_capacity_holds_one_place_per_match() -> None:
    load = MentorLoad(employee_id="pat")
    assert load.place_hold("m1", "a", capacity=1)
    assert not load.place_hold("m1", "a", capacity=1)  # the same match again: no second place
    with pytest.raises(FailedPrecondition, match="1 of 1 places taken"):
        load.place_hold("m2", "b", capacity=1)
    assert load.release_hold("m1")
    assert load.place_hold("m2", "b", capacity=1)


async def test_concurrent_takers_never_exceed_a_mentors_capacity() -> None:
    people = await people_with(mentor_snapshot("pat", capacity=3), profiles=FakeProfiles())
    documents: FakeDocuments[MentorLoad] = FakeDocuments()
    places = MentorPlaces(documents, people)
    results = await asyncio.gather(
        *(places.take_place("pat", f"match-{n}", f"mentee-{n}") for n in range(20)),
        return_exceptions=True,
    )
    assert sum(r is None for r in results) == 3
    assert all(isinstance(r, FailedPrecondition) for r in results if r is not None)
    assert len(documents.rows["pat"][1].holds) == 3
    assert places.view("pat").places_free == 0


async def test_a_second_concurrent_run_of_a_cycle_fails() -> None:
    profiles = FakeProfiles({"alice": ["boss"]})
    people = await people_with(
        snapshot("alice"), mentor_snapshot("pat", capacity=1), profiles=profiles
    )
    cycles: FakeDocuments[Cycle] = FakeDocuments()
    requests: FakeDocuments[MenteeRequest] = FakeDocuments()
    matches: FakeDocuments[Match] = FakeDocuments()
    places = MentorPlaces(FakeDocuments(), people)
    use_case = Cycles(cycles, requests, matches, places, people, DEFAULT_WEIGHTS, lambda: NOW)
    filing = MenteeRequests(requests, cycles, people, lambda: NOW)
    cycle = (await use_case.open(HR, "Spring", 12)).value
    terms = RequestTerms(goals=[GoalSpec(skill_id="python", target_level=4)])
    await filing.submit(Principal("alice", frozenset({"employee"})), "alice", cycle.cycle_id, terms)

    outcomes = await asyncio.gather(
        use_case.run(HR, cycle.cycle_id, MatchMode.STABLE),
        use_case.run(HR, cycle.cycle_id, MatchMode.OPTIMAL),
        return_exceptions=True,
    )
    failures = [o for o in outcomes if isinstance(o, Exception)]
    assert len(failures) == 1
    assert isinstance(failures[0], FailedPrecondition)
    assert "running" in str(failures[0])
    stored = cycles.rows[cycle.cycle_id][1]
    assert stored.status is CycleStatus.OPEN
    assert stored.last_report is not None
    assert stored.last_report.proposed == 1
    (proposal,) = [m for _, m in matches.rows.values()]
    assert (proposal.mentor_id, proposal.status) == ("pat", MatchStatus.PROPOSED)
    assert proposal.explanation.lines


async def test_requests_are_checked_before_anything_is_written() -> None:
    people = await people_with(snapshot("alice"), profiles=FakeProfiles())
    requests: FakeDocuments[MenteeRequest] = FakeDocuments()
    filing = MenteeRequests(requests, FakeDocuments(), people, lambda: NOW)
    alice = Principal("alice", frozenset({"employee"}))
    terms = RequestTerms(
        goals=[GoalSpec(skill_id="unknown-x", target_level=3)], ranked_mentor_ids=["alice"]
    )
    with pytest.raises(InvalidArgument) as caught:
        await filing.submit(alice, "alice", "", terms)
    fields = {v.field for v in caught.value.violations}
    assert fields == {"goals.0.skill_id", "ranked_mentor_ids.0"}
    assert requests.rows == {}


def test_time_zones_become_offsets_and_unknown_ones_count_as_utc() -> None:
    winter = datetime(2026, 1, 15, tzinfo=UTC)
    assert utc_offset_hours("Europe/Berlin", winter) == 1.0
    assert utc_offset_hours("Asia/Kolkata", winter) == 5.5
    assert utc_offset_hours("Mars/Olympus", winter) == 0.0


def test_demo_cohort_pairs_juniors_with_seniors_elsewhere() -> None:
    people = [
        DemoPerson("ceo", "Executive", 10, {"strategy": 5}),
        DemoPerson("s1", "Data", 7, {"python": 5, "sql": 4}),
        DemoPerson("s2", "Platform", 7, {"kubernetes": 5}),
        DemoPerson("j1", "Data", 2, {}),
        DemoPerson("j2", "Platform", 2, {}),
    ]
    offers, requests = demo_cohort(people)
    mentor_ids = [o.mentor_id for o in offers]
    assert "ceo" not in mentor_ids
    assert set(mentor_ids) >= {"s1", "s2"}
    goals = {r.mentee_id: r.goals for r in requests}
    assert goals["j1"] == (("kubernetes", 3),)  # from the Platform mentor, not their own dept
    assert goals["j2"] == (("python", 3), ("sql", 3))


async def test_a_mentor_without_room_in_the_ledger_cannot_start_a_mentorship() -> None:
    profiles = FakeProfiles(busy=frozenset({"pat"}))
    people = await people_with(
        snapshot("alice"), mentor_snapshot("pat", capacity=2), profiles=profiles
    )
    requests: FakeDocuments[MenteeRequest] = FakeDocuments()
    mentor_documents: FakeDocuments[MentorLoad] = FakeDocuments()
    places = MentorPlaces(mentor_documents, people)
    matches = Matches(FakeDocuments(), requests, places, people, DEFAULT_WEIGHTS, lambda: NOW)
    alice = Principal("alice", frozenset({"employee"}))
    terms = RequestTerms(goals=[GoalSpec(skill_id="python", target_level=4)])
    filed = await MenteeRequests(requests, FakeDocuments(), people, lambda: NOW).submit(
        alice, "alice", "", terms
    )
    asked = await matches.request_mentor(alice, filed.value.request_id, "pat", "")
    with pytest.raises(FailedPrecondition, match="fully committed"):
        await matches.accept(Principal("pat", frozenset({"employee"})), asked.value.match_id)
    assert mentor_documents.rows == {}  # no place was taken
    assert (await matches.get(alice, asked.value.match_id)).value.status is MatchStatus.REQUESTED


async def test_the_mentors_time_is_reserved_at_the_last_yes_and_released_at_the_end() -> None:
    profiles = FakeProfiles()
    people = await people_with(
        snapshot("alice"), mentor_snapshot("pat", capacity=2), profiles=profiles
    )
    requests: FakeDocuments[MenteeRequest] = FakeDocuments()
    places = MentorPlaces(FakeDocuments(), people)
    matches = Matches(FakeDocuments(), requests, places, people, DEFAULT_WEIGHTS, lambda: NOW)
    alice = Principal("alice", frozenset({"employee"}))
    pat = Principal("pat", frozenset({"employee"}))
    terms = RequestTerms(goals=[GoalSpec(skill_id="python", target_level=4)])
    filed = await MenteeRequests(requests, FakeDocuments(), people, lambda: NOW).submit(
        alice, "alice", "", terms
    )
    asked = await matches.request_mentor(alice, filed.value.request_id, "pat", "")
    assert profiles.reserved == {}  # asking promises nothing yet
    key = mentorship_promise(asked.value.match_id)
    active = await matches.accept(pat, asked.value.match_id)
    assert active.value.status is MatchStatus.ACTIVE
    assert profiles.reserved == {key: "pat"}
    await matches.end(pat, asked.value.match_id, "moved team")
    assert profiles.reserved == {}


async def test_the_repair_sweep_puts_right_what_a_crash_left_half_written() -> None:
    clock = [NOW]
    people = await people_with(
        snapshot("alice"), mentor_snapshot("pat", capacity=2), profiles=FakeProfiles()
    )
    requests: FakeDocuments[MenteeRequest] = FakeDocuments()
    matches: FakeDocuments[Match] = FakeDocuments()
    places = MentorPlaces(FakeDocuments(), people, lambda: clock[0])
    # A place and a claim for a match that was never written (the process died).
    await places.take_place("pat", "match-lost", "alice")
    request = MenteeRequest(
        request_id="r",
        mentee_id="alice",
        terms=RequestTerms(goals=[GoalSpec(skill_id="python", target_level=4)]),
        created_at=NOW,
    )
    request.propose("match-lost", NOW)
    await requests.save("r", request, expected_version=0, events=())
    # A place for a match that was declined, but whose release did not happen.
    await places.take_place("pat", "match-1", "bob")
    declined = a_match(MatchStatus.DECLINED, mentee_id="bob")
    await matches.save("match-1", declined, expected_version=0, events=())
    cycles = Cycles(
        FakeDocuments(), requests, matches, places, people, DEFAULT_WEIGHTS, lambda: clock[0]
    )
    repair = Repair(places, requests, matches, lambda: clock[0], cycles.runs)

    assert await repair.sweep() == 0  # within the grace period: maybe still in flight
    clock[0] = NOW + timedelta(minutes=11)
    assert await repair.sweep() == 3
    assert places.view("pat").places_taken == 0
    assert requests.rows["r"][1].status.value == "waiting"
    assert await repair.sweep() == 0  # safe to run again
