"""The mentorship service with the real profiles service, broker and database."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import grpc
import pytest
from mentorship_harness import CODEC, HR, TOPICS, RunningMentorship, as_, person, running_mentorship
from profiles_harness import RunningProfiles, running_profiles

from trellis.mentorship.v1 import mentorship_pb2 as pb
from trellis.profiles.v1 import profiles_pb2 as ppb
from trellis_mentorship.app.demo_cohort import DEMO_CYCLE_NAME
from trellis_mentorship.entrypoints.demo_seed import seed
from trellis_shared.contracts.mentorship import CYCLE_TOPIC, MATCH_TOPIC
from trellis_shared.contracts.promises import mentorship_promise
from trellis_shared.events.envelope import envelope_from_kafka
from trellis_shared.grpc.status import field_violations_from_trailers
from trellis_shared.testing.infrastructure import Infrastructure, NamespaceFactory
from trellis_shared.testing.kafka_reader import read_topic
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.integration

Stack = tuple[RunningProfiles, RunningMentorship]


@pytest.fixture
async def stack(
    infrastructure: Infrastructure, kafka_namespace: NamespaceFactory
) -> AsyncIterator[Stack]:
    prefix = await kafka_namespace(*TOPICS)
    async for profiles in running_profiles(infrastructure, prefix):
        await _org(profiles)
        async for mentorship in running_mentorship(infrastructure, prefix, profiles):
            await _wait_mentors_known(mentorship)
            yield profiles, mentorship


async def _org(profiles: RunningProfiles) -> None:
    """ceo <- m2 <- m1 <- alice, bob, eve (Data); ceo <- pat, quinn (Platform);
    ceo <- lead <- r1..r4 (Sales). m1, m2, quinn and lead opt in through their profiles."""
    python5 = {"python": 5}
    await person(profiles, "ceo", department="Executive", level=10, ladder="manager")
    await person(
        profiles, "m2", department="Data", level=8, manager_id="ceo", ladder="manager",
        skills=python5, mentor_capacity=2,
    )  # fmt: skip
    await person(
        profiles, "m1", department="Data", level=7, manager_id="m2", ladder="manager",
        skills={"python": 5, "sql": 5}, mentor_capacity=2,
    )  # fmt: skip
    await person(
        profiles, "pat", department="Platform", level=7, manager_id="ceo",
        title="Staff Engineer", skills=python5, free_pct=20,
    )  # fmt: skip
    await person(
        profiles, "quinn", department="Platform", level=6, manager_id="ceo",
        skills={"python": 4}, mentor_capacity=1,
    )  # fmt: skip
    await person(
        profiles, "lead", department="Sales", level=6, manager_id="ceo", ladder="manager",
        skills=python5, mentor_capacity=2,
    )  # fmt: skip
    for mentee in ("alice", "bob", "eve"):
        await person(profiles, mentee, department="Data", level=3, manager_id="m1")
    for mentee in ("r1", "r2", "r3", "r4"):
        await person(profiles, mentee, department="Sales", level=2, manager_id="lead")


async def _wait_mentors_known(mentorship: RunningMentorship) -> None:
    async def known() -> bool:
        people = mentorship.app.people
        return all(
            (p := people.known(m)) is not None and p.offers_mentoring and bool(p.skills)
            for m in ("m1", "m2", "quinn", "lead")
        )

    await eventually(known, timeout_s=60)


def violations(error: grpc.aio.AioRpcError) -> dict[str, str]:
    found = field_violations_from_trailers(error.trailing_metadata())  # type: ignore[arg-type]
    return {v.field: v.description for v in found}


async def _fails(call: object, code: grpc.StatusCode) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.code() is code, caught.value.details()
    return caught.value


async def _types_on(mentorship: RunningMentorship, topic: str, count: int) -> Counter[str]:
    records = await read_topic(
        mentorship.settings.kafka_bootstrap, mentorship.settings.topic_prefix + topic, count
    )
    return Counter(envelope_from_kafka(r.value).type for r in records)


def _python_goal(level: int = 4) -> list[pb.Goal]:
    return [pb.Goal(skill_id="python", target_level=level)]


async def _my_match(mentorship: RunningMentorship, employee_id: str) -> pb.Match:
    reply = await mentorship.mentorship.ListMyMatches(
        pb.ListMyMatchesRequest(), metadata=as_(employee_id)
    )
    (match,) = [m for m in reply.matches if m.status in ("proposed", "requested", "active")]
    return match


async def test_cycle_from_requests_to_completed_mentorship(stack: Stack) -> None:
    profiles, mentorship = stack
    service, matching = mentorship.mentorship, mentorship.matching

    # pat mentors through an explicit offer; the others through their profiles.
    offer = await service.OfferMentoring(
        pb.OfferMentoringRequest(capacity=1, topics=["python"]), metadata=as_("pat")
    )
    assert (offer.offer.capacity, offer.offer.source, offer.offer.places_free) == (1, "explicit", 1)
    quinn = await service.GetMentorOffer(pb.GetMentorOfferRequest(), metadata=as_("quinn"))
    assert (quinn.offer.capacity, quinn.offer.source) == (1, "profile")
    # HR takes lead out of this cohort: an explicit capacity 0 overrides the profile.
    withdrawn = await service.OfferMentoring(
        pb.OfferMentoringRequest(employee_id="lead", capacity=0), metadata=HR
    )
    assert (withdrawn.offer.capacity, withdrawn.offer.source) == (0, "explicit")

    await _fails(
        matching.OpenCycle(pb.OpenCycleRequest(name="Spring"), metadata=as_("alice")),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    cycle = (await matching.OpenCycle(pb.OpenCycleRequest(name="Spring"), metadata=HR)).cycle
    assert cycle.status == "open"

    # alice ranks her own manager first: the exclusion must win over her ranking.
    alice_request = await service.SubmitMenteeRequest(
        pb.SubmitMenteeRequestRequest(
            cycle_id=cycle.cycle_id,
            goals=_python_goal(),
            target_role="Staff Engineer",
            ranked_mentor_ids=["m1"],
        ),
        metadata=as_("alice"),
    )
    await service.SubmitMenteeRequest(
        pb.SubmitMenteeRequestRequest(cycle_id=cycle.cycle_id, goals=_python_goal()),
        metadata=as_("bob"),
    )
    # Only eve's manager knows SQL: she can have nobody.
    await service.SubmitMenteeRequest(
        pb.SubmitMenteeRequestRequest(
            cycle_id=cycle.cycle_id, goals=[pb.Goal(skill_id="sql", target_level=3)]
        ),
        metadata=as_("eve"),
    )
    await _fails(
        service.SubmitMenteeRequest(
            pb.SubmitMenteeRequestRequest(cycle_id=cycle.cycle_id, goals=_python_goal()),
            metadata=as_("bob"),
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
    )

    # On demand, alice's best mentors never include her chain, and each is explained.
    suggested = await service.SuggestMentors(
        pb.SuggestMentorsRequest(request_id=alice_request.request.request_id),
        metadata=as_("alice"),
    )
    assert [s.mentor_id for s in suggested.suggestions] == ["pat", "quinn"]
    best = suggested.suggestions[0].explanation
    assert best.score == 100
    assert len(best.lines) == 6
    assert any("Staff Engineer" in line.text for line in best.lines)

    ran = await matching.RunCycle(
        pb.RunCycleRequest(cycle_id=cycle.cycle_id, mode="stable"), metadata=HR
    )
    report = ran.cycle.last_report
    assert (report.run, report.mode, report.requests, report.proposed) == (1, "stable", 3, 2)
    assert report.matched_share == pytest.approx(2 / 3)
    assert report.mean_score > 0
    assert report.min_score > 0
    assert [(u.mentee_id, u.reason) for u in report.unmatched] == [("eve", "only_excluded")]
    assert "reporting chain" in report.unmatched[0].text
    by_id = pb.CycleActionRequest(cycle_id=cycle.cycle_id)
    await _fails(
        matching.GetCycleReport(by_id, metadata=as_("alice")), grpc.StatusCode.PERMISSION_DENIED
    )
    listed = await matching.ListCycles(pb.ListCyclesRequest(), metadata=as_("alice"))
    assert [c.cycle_id for c in listed.cycles] == [cycle.cycle_id]
    assert not listed.cycles[0].HasField("last_report")

    alice_match = await _my_match(mentorship, "alice")
    bob_match = await _my_match(mentorship, "bob")
    for match in (alice_match, bob_match):
        assert match.status == "proposed"
        assert match.origin == "cycle"
        assert match.mentor_id in ("pat", "quinn")  # never m1 or m2: the reporting chain
        assert match.explanation.lines
        assert match.explanation.score > 0
    eve = await service.ListMyMenteeRequests(pb.ListMyMenteeRequestsRequest(), metadata=as_("eve"))
    assert eve.requests[0].status == "waiting"
    assert "reporting chain" in eve.requests[0].unmatched_reason

    # Both sides accept: active, the mentor's commitment reaches the profiles ledger.
    mentor = as_(alice_match.mentor_id)
    half = await service.AcceptMatch(
        pb.MatchActionRequest(match_id=alice_match.match_id), metadata=as_("alice")
    )
    assert (half.match.status, half.match.mentee_accepted) == ("proposed", True)
    active = await service.AcceptMatch(
        pb.MatchActionRequest(match_id=alice_match.match_id), metadata=mentor
    )
    assert active.match.status == "active"
    assert active.match.starts_on
    assert active.match.ends_on

    async def in_ledger() -> bool:
        seen = await profiles.profiles.GetProfile(
            ppb.GetProfileRequest(employee_id=alice_match.mentor_id), metadata=HR
        )
        # Reserved at the last yes, then turned into the commitment by the
        # activation event: one entry under the mentorship's key, never two.
        held = [
            (c.key, c.state)
            for c in seen.profile.commitments
            if c.reference == alice_match.match_id
        ]
        return held == [(mentorship_promise(alice_match.match_id), "committed")]

    await eventually(in_ledger, timeout_s=30)

    # bob declines: his mentor's place is free again, and a re-run does not offer it back.
    await service.DeclineMatch(
        pb.MatchActionRequest(match_id=bob_match.match_id), metadata=as_("bob")
    )
    freed = await service.GetMentorOffer(
        pb.GetMentorOfferRequest(employee_id=bob_match.mentor_id), metadata=HR
    )
    assert freed.offer.places_taken == 0
    rerun = await matching.RunCycle(pb.RunCycleRequest(cycle_id=cycle.cycle_id), metadata=HR)
    assert (rerun.cycle.last_report.run, rerun.cycle.last_report.requests) == (2, 2)
    assert rerun.cycle.last_report.proposed == 0

    # Feedback from both sides completes it; the place is released.
    await _fails(
        service.AcceptMatch(pb.MatchActionRequest(match_id=alice_match.match_id), metadata=mentor),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    first = await service.CompleteMatch(
        pb.CompleteMatchRequest(match_id=alice_match.match_id, rating=5, comment="Great help"),
        metadata=as_("alice"),
    )
    assert first.match.status == "active"
    assert first.match.mentee_feedback.rating == 5
    done = await service.CompleteMatch(
        pb.CompleteMatchRequest(match_id=alice_match.match_id, rating=4), metadata=mentor
    )
    assert done.match.status == "completed"
    assert not done.match.HasField("mentee_feedback")  # the mentor does not read alice's
    after = await service.GetMentorOffer(pb.GetMentorOfferRequest(), metadata=mentor)
    assert after.offer.places_taken == 0

    types = await _types_on(mentorship, MATCH_TOPIC, 9)
    assert types == Counter(
        {
            "trellis.mentorship.match.proposed": 2,
            "trellis.mentorship.match.accepted": 2,
            "trellis.mentorship.match.activated": 1,
            "trellis.mentorship.match.declined": 1,
            "trellis.mentorship.match.feedback-given": 2,
            "trellis.mentorship.match.completed": 1,
        }
    )
    cycle_types = await _types_on(mentorship, CYCLE_TOPIC, 3)
    assert cycle_types == Counter(
        {"trellis.mentorship.cycle.opened": 1, "trellis.mentorship.cycle.run": 2}
    )


async def _on_demand_request(mentorship: RunningMentorship, mentee: str) -> str:
    reply = await mentorship.mentorship.SubmitMenteeRequest(
        pb.SubmitMenteeRequestRequest(goals=_python_goal(3)), metadata=as_(mentee)
    )
    return reply.request.request_id


async def test_direct_requests_never_exceed_capacity_and_stay_private(stack: Stack) -> None:
    _, mentorship = stack
    service = mentorship.mentorship
    await service.OfferMentoring(
        pb.OfferMentoringRequest(capacity=2, topics=["python"]), metadata=as_("pat")
    )
    mentees = ("r1", "r2", "r3", "r4", "alice", "bob")
    requests = {m: await _on_demand_request(mentorship, m) for m in mentees}

    # The manager is never suggested nor can be asked directly.
    suggested = await service.SuggestMentors(
        pb.SuggestMentorsRequest(request_id=requests["r1"], limit=5), metadata=as_("r1")
    )
    ids = [s.mentor_id for s in suggested.suggestions]
    assert "lead" not in ids
    assert "pat" in ids
    assert len(ids) <= 5
    refused = await _fails(
        service.RequestMentor(
            pb.RequestMentorRequest(request_id=requests["r1"], mentor_id="lead"),
            metadata=as_("r1"),
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert "reporting chain" in (refused.details() or "")

    matches = {}
    for mentee in mentees:
        reply = await service.RequestMentor(
            pb.RequestMentorRequest(request_id=requests[mentee], mentor_id="pat", note="Hi"),
            metadata=as_(mentee),
        )
        assert reply.match.status == "requested"
        assert reply.match.explanation.lines
        matches[mentee] = reply.match.match_id

    # Six concurrent acceptances for two places: exactly two win.
    results = await asyncio.gather(
        *(
            service.AcceptMatch(pb.MatchActionRequest(match_id=m), metadata=as_("pat"))
            for m in matches.values()
        ),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, pb.MatchReply)]
    lost = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(won) == 2
    assert all(r.match.status == "active" for r in won)
    assert len(lost) == 4
    assert all(e.code() is grpc.StatusCode.FAILED_PRECONDITION for e in lost)
    assert all("full" in (e.details() or "") for e in lost)
    offer = await service.GetMentorOffer(pb.GetMentorOfferRequest(), metadata=as_("pat"))
    assert (offer.offer.places_taken, offer.offer.places_free) == (2, 0)
    as_mentor = await service.ListMyMatches(
        pb.ListMyMatchesRequest(role="mentor"), metadata=as_("pat")
    )
    assert Counter(m.status for m in as_mentor.matches) == Counter(requested=4, active=2)

    # A pending request: the mentee cannot accept it for the mentor; a stranger sees nothing.
    pending = next(
        mentee
        for mentee, match_id in matches.items()
        if match_id not in {r.match.match_id for r in won}
    )
    pending_id = matches[pending]
    await _fails(
        service.AcceptMatch(pb.MatchActionRequest(match_id=pending_id), metadata=as_(pending)),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    await _fails(
        service.CompleteMatch(
            pb.CompleteMatchRequest(match_id=pending_id, rating=3), metadata=as_("pat")
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    stranger = as_("quinn")
    match_calls = [
        service.GetMatch(pb.MatchActionRequest(match_id=pending_id), metadata=stranger),
        service.AcceptMatch(pb.MatchActionRequest(match_id=pending_id), metadata=stranger),
        service.DeclineMatch(pb.MatchActionRequest(match_id=pending_id), metadata=stranger),
        service.EndMatch(pb.MatchActionRequest(match_id=pending_id), metadata=stranger),
        service.CompleteMatch(
            pb.CompleteMatchRequest(match_id=pending_id, rating=3), metadata=stranger
        ),
    ]
    request_id = requests[pending]
    request_calls = [
        service.GetMenteeRequest(
            pb.MenteeRequestActionRequest(request_id=request_id), metadata=stranger
        ),
        service.WithdrawMenteeRequest(
            pb.MenteeRequestActionRequest(request_id=request_id), metadata=stranger
        ),
        service.SuggestMentors(pb.SuggestMentorsRequest(request_id=request_id), metadata=stranger),
        service.RequestMentor(
            pb.RequestMentorRequest(request_id=request_id, mentor_id="m1"), metadata=stranger
        ),
        service.GetMentorOffer(pb.GetMentorOfferRequest(employee_id="pat"), metadata=stranger),
        service.OfferMentoring(
            pb.OfferMentoringRequest(employee_id="pat", capacity=5), metadata=stranger
        ),
        service.SubmitMenteeRequest(
            pb.SubmitMenteeRequestRequest(mentee_id="r1", goals=_python_goal()),
            metadata=stranger,
        ),
    ]
    for call in [*match_calls, *request_calls]:
        await _fails(call, grpc.StatusCode.NOT_FOUND)
    theirs = await service.ListMyMatches(pb.ListMyMatchesRequest(), metadata=stranger)
    assert list(theirs.matches) == []
    for call in [
        mentorship.matching.RunCycle(pb.RunCycleRequest(cycle_id="c"), metadata=stranger),
        mentorship.matching.CloseCycle(pb.CycleActionRequest(cycle_id="c"), metadata=stranger),
        mentorship.matching.GetCycleReport(pb.CycleActionRequest(cycle_id="c"), metadata=stranger),
    ]:
        await _fails(call, grpc.StatusCode.PERMISSION_DENIED)

    # The mentor declines a pending one: the mentee's request waits again for someone else.
    declined = await service.DeclineMatch(
        pb.MatchActionRequest(match_id=pending_id, reason="full"), metadata=as_("pat")
    )
    assert (declined.match.status, declined.match.declined_by) == ("declined", "mentor")
    again = await service.GetMenteeRequest(
        pb.MenteeRequestActionRequest(request_id=request_id), metadata=as_(pending)
    )
    assert again.request.status == "waiting"
    assert list(again.request.declined_mentor_ids) == ["pat"]


async def test_bad_input_names_the_fields(stack: Stack) -> None:
    _, mentorship = stack
    service, matching = mentorship.mentorship, mentorship.matching
    alice = as_("alice")

    cases: list[tuple[object, dict[str, str]]] = [
        (
            service.SubmitMenteeRequest(
                pb.SubmitMenteeRequestRequest(
                    goals=[
                        pb.Goal(skill_id="no-such-skill", target_level=3),
                        pb.Goal(skill_id="python", target_level=0),
                    ]
                ),
                metadata=alice,
            ),
            {"goals.1.target_level": "greater than or equal to 1"},
        ),
        (
            service.SubmitMenteeRequest(
                pb.SubmitMenteeRequestRequest(
                    goals=[pb.Goal(skill_id="no-such-skill", target_level=3)],
                    ranked_mentor_ids=["alice"],
                ),
                metadata=alice,
            ),
            {"goals.0.skill_id": "unknown skill", "ranked_mentor_ids.0": "yourself"},
        ),
        (
            service.SubmitMenteeRequest(pb.SubmitMenteeRequestRequest(), metadata=alice),
            {"goals": "at least one goal"},
        ),
        (
            service.OfferMentoring(pb.OfferMentoringRequest(capacity=11), metadata=alice),
            {"capacity": "less than or equal to 10"},
        ),
        (
            service.OfferMentoring(pb.OfferMentoringRequest(capacity=-1), metadata=alice),
            {"capacity": "greater than or equal to 0"},
        ),
        (
            matching.RunCycle(pb.RunCycleRequest(cycle_id="c", mode="best"), metadata=HR),
            {"mode": "stable, optimal"},
        ),
        (
            matching.OpenCycle(pb.OpenCycleRequest(name=" "), metadata=HR),
            {"name": "must not be empty"},
        ),
        (
            matching.OpenCycle(pb.OpenCycleRequest(name="X", duration_weeks=60), metadata=HR),
            {"duration_weeks": "1..52"},
        ),
        (
            service.CompleteMatch(pb.CompleteMatchRequest(match_id="m", rating=9), metadata=alice),
            {"rating": "1..5"},
        ),
        (
            service.ListMyMatches(pb.ListMyMatchesRequest(role="boss"), metadata=alice),
            {"role": "mentor, mentee"},
        ),
    ]
    for call, expected in cases:
        error = await _fails(call, grpc.StatusCode.INVALID_ARGUMENT)
        found = violations(error)
        for field, words in expected.items():
            assert words in found.get(field, ""), (field, found)

    # Nothing was written by any of them.
    mine = await service.ListMyMenteeRequests(pb.ListMyMenteeRequestsRequest(), metadata=alice)
    assert list(mine.requests) == []
    offer = await service.GetMentorOffer(pb.GetMentorOfferRequest(), metadata=alice)
    assert offer.offer.source == "none"
    assert offer.offer.capacity == 0

    # Illegal transitions name the current state.
    cycle = (await matching.OpenCycle(pb.OpenCycleRequest(name="Autumn"), metadata=HR)).cycle
    await matching.CloseCycle(pb.CycleActionRequest(cycle_id=cycle.cycle_id), metadata=HR)
    closed = await _fails(
        matching.RunCycle(pb.RunCycleRequest(cycle_id=cycle.cycle_id), metadata=HR),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert "closed" in (closed.details() or "")
    await _fails(
        service.SubmitMenteeRequest(
            pb.SubmitMenteeRequestRequest(cycle_id=cycle.cycle_id, goals=_python_goal()),
            metadata=alice,
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    await _fails(
        matching.GetCycleReport(pb.CycleActionRequest(cycle_id="cycle-nope"), metadata=HR),
        grpc.StatusCode.NOT_FOUND,
    )


async def test_demo_seeding_through_the_api_is_idempotent(stack: Stack) -> None:
    profiles, mentorship = stack
    service_addr = f"127.0.0.1:{mentorship.app.grpc.port}"
    profiles_addr = f"127.0.0.1:{profiles.app.grpc.port}"
    first = await seed(service_addr, profiles_addr, CODEC)
    assert first.offers == 5  # everyone outside the executive team with skills
    assert first.requests_filed == 7  # everyone else outside it
    second = await seed(service_addr, profiles_addr, CODEC)
    assert (second.offers, second.requests_filed, second.cycle_id) == (5, 0, first.cycle_id)
    cycles = await mentorship.matching.ListCycles(pb.ListCyclesRequest(), metadata=HR)
    assert [(c.name, c.status) for c in cycles.cycles] == [(DEMO_CYCLE_NAME, "open")]
    ran = await mentorship.matching.RunCycle(
        pb.RunCycleRequest(cycle_id=first.cycle_id, mode="optimal"), metadata=HR
    )
    report = ran.cycle.last_report
    assert report.requests == 7
    assert report.proposed >= 5  # ten places for seven mentees, the chains excluded
