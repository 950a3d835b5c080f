"""The postings service with the real profiles service, broker and database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import grpc
import pytest
from postings_harness import TOPICS, RunningPostings, as_, running_postings
from profiles_harness import RunningProfiles, running_profiles

from trellis.postings.v1 import postings_pb2 as pb
from trellis.profiles.v1 import profiles_pb2 as ppb
from trellis_postings.app.read_model import PeopleReadModel
from trellis_shared.contracts.bidding import AWARD_TOPIC, AssignmentAwarded
from trellis_shared.contracts.postings import APPLICATION_TOPIC, INTERVIEW_TOPIC, OPPORTUNITY_TOPIC
from trellis_shared.events.envelope import Envelope, envelope_from_kafka
from trellis_shared.grpc.status import field_violations_from_trailers
from trellis_shared.kafka.topics import dead_letter_topic
from trellis_shared.peers.profiles import ProfilesClient
from trellis_shared.testing.infrastructure import Infrastructure, NamespaceFactory
from trellis_shared.testing.kafka_reader import read_topic
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.integration

HIRING = as_("hm", "employee", "manager")
ALICE = as_("alice")
MANAGER = as_("m1", "employee", "manager")
SKIP_LEVEL = as_("m2", "employee", "manager")
HR_ADMIN = as_("hr-1", "employee", "hr_admin")


@pytest.fixture
async def stack(
    infrastructure: Infrastructure, kafka_namespace: NamespaceFactory
) -> AsyncIterator[tuple[RunningProfiles, RunningPostings]]:
    prefix = await kafka_namespace(*TOPICS)
    async for profiles in running_profiles(infrastructure, prefix):
        await _org(profiles)
        async for postings in running_postings(infrastructure, prefix, profiles):
            yield profiles, postings


async def _org(profiles: RunningProfiles) -> None:
    """ceo <- m2 <- m1 <- alice, bob; ceo <- hm (the hiring manager, elsewhere)."""
    await profiles.create("ceo", "Cee Oh", ladder="manager", department="Executive")
    await profiles.create("m2", "Mo Two", manager_id="ceo", ladder="manager", department="Data")
    await profiles.create("m1", "Mia One", manager_id="m2", ladder="manager", department="Data")
    await profiles.create(
        "hm", "Hal Hiring", manager_id="ceo", ladder="manager", department="Platform"
    )
    for person in ("alice", "bob"):
        await profiles.create(person, person.title(), manager_id="m1", department="Data")
    await profiles.profiles.UpdateSkills(
        ppb.UpdateSkillsRequest(
            employee_id="alice",
            set=[
                ppb.SkillLevel(skill_id="python", level=4),
                ppb.SkillLevel(skill_id="sql", level=3),
            ],
        ),
        metadata=ALICE,
    )
    await profiles.profiles.SetAspirations(
        ppb.SetAspirationsRequest(
            employee_id="alice",
            aspirations=ppb.Aspirations(skills_to_develop=["kubernetes"]),
        ),
        metadata=ALICE,
    )
    await profiles.profiles.SetPreferences(
        ppb.SetPreferencesRequest(
            employee_id="alice",
            availability=ppb.Availability(share_free_pct=50),
            mobility=ppb.Mobility(open_to_secondment=True, open_to_gigs=True),
            visibility="everyone",
        ),
        metadata=ALICE,
    )


def _gig_details(**changes: object) -> dict[str, object]:
    starts = date.today() + timedelta(days=30)
    details: dict[str, object] = {
        "title": "Pipeline clean-up gig",
        "description": "Two days a week on our Python data pipelines",
        "team": "Platform",
        "department": "Platform",
        "required_skills": [
            pb.RequiredSkill(skill_id="python", min_level=3, must_have=True),
            pb.RequiredSkill(skill_id="kubernetes", min_level=2),
        ],
        "location": "Berlin",
        "remote": True,
        "share_pct": 40,
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=60)).isoformat(),
        "seats": 1,
        "deadline": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
    }
    details.update(changes)
    return details


def violations(error: grpc.aio.AioRpcError) -> dict[str, str]:
    found = field_violations_from_trailers(error.trailing_metadata())  # type: ignore[arg-type]
    return {v.field: v.description for v in found}


async def _not_found(call: object) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND


async def _types_on(postings: RunningPostings, topic: str, count: int) -> list[str]:
    records = await read_topic(
        postings.settings.kafka_bootstrap, postings.settings.topic_prefix + topic, count
    )
    return [envelope_from_kafka(r.value).type for r in records]


async def _wait_known(postings: RunningPostings, employee_id: str) -> None:
    async def known() -> bool:
        person = postings.app.people._people.get(employee_id)
        return person is not None and bool(person.facts.skills_to_develop)

    await eventually(known, timeout_s=30)


async def test_confidential_journey_from_posting_to_filled(
    stack: tuple[RunningProfiles, RunningPostings],
) -> None:
    _, postings = stack
    posted = await postings.post("gig", "hm", **_gig_details())
    assert posted.status == "open"
    opportunity_id = posted.opportunity_id

    # Recommended to a fitting employee, from the read model kept by snapshots.
    await _wait_known(postings, "alice")
    reply = await postings.recommendations.RecommendOpportunities(
        pb.RecommendOpportunitiesRequest(), metadata=ALICE
    )
    assert [r.opportunity.opportunity_id for r in reply.recommendations] == [opportunity_id]
    match = reply.recommendations[0].match
    assert match.score > 0
    assert "kubernetes" in match.stretch_skills
    assert match.lines

    # Apply confidentially: the applicant's chain cannot see it anywhere.
    applied = await postings.applications.SubmitApplication(
        pb.SubmitApplicationRequest(
            opportunity_id=opportunity_id, request_id="req-1", note="Keen", confidential=True
        ),
        metadata=ALICE,
    )
    application_id = applied.application.application_id
    assert applied.application.status == "submitted"
    assert not applied.application.manager_notes
    for chain_member in (MANAGER, SKIP_LEVEL, as_("ceo", "employee", "manager")):
        await _not_found(
            postings.applications.GetApplication(
                pb.GetApplicationRequest(application_id=application_id), metadata=chain_member
            )
        )
        releases = await postings.applications.ListReleaseRequests(
            pb.ListReleaseRequestsRequest(), metadata=chain_member
        )
        assert list(releases.applications) == []
        seen = await postings.opportunities.GetOpportunity(
            pb.GetOpportunityRequest(opportunity_id=opportunity_id), metadata=chain_member
        )
        assert not seen.opportunity.HasField("application_count")
    hiring_view = await postings.opportunities.GetOpportunity(
        pb.GetOpportunityRequest(opportunity_id=opportunity_id), metadata=HIRING
    )
    assert hiring_view.opportunity.application_count == 1

    # The hiring manager sees it (ranked, with the explanation), shortlists and offers.
    listed = await postings.applications.ListApplications(
        pb.ListApplicationsRequest(opportunity_id=opportunity_id), metadata=HIRING
    )
    assert [a.application_id for a in listed.applications] == [application_id]
    assert listed.applications[0].match.score == match.score
    for status in ("shortlisted", "offered"):
        await postings.applications.MoveApplication(
            pb.MoveApplicationRequest(
                application_id=application_id, status=status, note=f"private: {status}"
            ),
            metadata=HIRING,
        )
    mine = await postings.applications.GetApplication(
        pb.GetApplicationRequest(application_id=application_id), metadata=ALICE
    )
    assert mine.application.status == "offered"
    assert not mine.application.manager_notes
    assert mine.application.disclosed_at

    # Disclosure happened at the offer and is in the audit log for hr_admin only.
    audit = await postings.applications.ListDisclosures(
        pb.ListDisclosuresRequest(), metadata=HR_ADMIN
    )
    assert [(d.application_id, list(d.disclosed_to), d.stage) for d in audit.disclosures] == [
        (application_id, ["m1", "m2", "ceo"], "offered")
    ]
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await postings.applications.ListDisclosures(pb.ListDisclosuresRequest(), metadata=MANAGER)
    assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED

    # Accept: the ledger in profiles has room; the manager is asked to release.
    accepted = await postings.applications.MoveApplication(
        pb.MoveApplicationRequest(application_id=application_id, status="accepted"),
        metadata=ALICE,
    )
    assert accepted.application.release.status == "requested"
    assert accepted.application.release.manager_id == "m1"
    waiting = await postings.applications.ListReleaseRequests(
        pb.ListReleaseRequestsRequest(), metadata=MANAGER
    )
    assert [a.application_id for a in waiting.applications] == [application_id]
    await postings.applications.ApproveRelease(
        pb.ApproveReleaseRequest(application_id=application_id), metadata=MANAGER
    )
    filled = await postings.opportunities.GetOpportunity(
        pb.GetOpportunityRequest(opportunity_id=opportunity_id), metadata=HIRING
    )
    assert filled.opportunity.status == "filled"
    assert filled.opportunity.seats_filled == 1

    # Every event on its topic, in order.
    assert await _types_on(postings, OPPORTUNITY_TOPIC, 2) == [
        "trellis.postings.opportunity.published",
        "trellis.postings.opportunity.filled",
    ]
    assert await _types_on(postings, APPLICATION_TOPIC, 8) == [
        "trellis.postings.application.submitted",
        "trellis.postings.application.status-changed",
        "trellis.postings.application.disclosed",
        "trellis.postings.application.status-changed",
        "trellis.postings.application.status-changed",
        "trellis.postings.release.requested",
        "trellis.postings.release.approved",
        "trellis.postings.application.accepted",
    ]


async def test_concurrent_acceptances_fill_exactly_the_seats(
    stack: tuple[RunningProfiles, RunningPostings],
) -> None:
    profiles, postings = stack
    people = [f"p{n}" for n in range(8)]
    for person in people:
        await profiles.create(person, person.upper(), manager_id="m1", department="Data")
    posted = await postings.post(
        "job",
        "hm",
        **{**_gig_details(), "starts_on": "", "ends_on": "", "share_pct": 0, "seats": 3},
    )
    application_ids = []
    for person in people:
        reply = await postings.applications.SubmitApplication(
            pb.SubmitApplicationRequest(opportunity_id=posted.opportunity_id, request_id=person),
            metadata=as_(person),
        )
        application_ids.append(reply.application.application_id)
        for status in ("shortlisted", "offered"):
            await postings.applications.MoveApplication(
                pb.MoveApplicationRequest(
                    application_id=reply.application.application_id, status=status
                ),
                metadata=HIRING,
            )
    results = await asyncio.gather(
        *(
            postings.applications.MoveApplication(
                pb.MoveApplicationRequest(application_id=a, status="accepted"),
                metadata=as_(person),
            )
            for a, person in zip(application_ids, people, strict=True)
        ),
        return_exceptions=True,
    )
    accepted = [r for r in results if isinstance(r, pb.ApplicationReply)]
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(accepted) == 3
    assert len(refused) == 5
    assert all(r.code() is grpc.StatusCode.FAILED_PRECONDITION for r in refused)
    assert all("seats are filled" in (r.details() or "") for r in refused)
    final = await postings.opportunities.GetOpportunity(
        pb.GetOpportunityRequest(opportunity_id=posted.opportunity_id), metadata=HIRING
    )
    assert final.opportunity.seats_filled == 3
    assert final.opportunity.status == "filled"


async def test_bad_input_is_refused_with_field_details_and_nothing_written(
    stack: tuple[RunningProfiles, RunningPostings],
) -> None:
    _, postings = stack
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await postings.post(
            "gig",
            "hm",
            **_gig_details(
                title="x" * 201,
                deadline=past,
                required_skills=[pb.RequiredSkill(skill_id="basket-weaving", min_level=9)],
            ),
        )
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    fields = violations(caught.value)
    assert "details.title" in fields
    assert "details.required_skills.0.min_level" in fields
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await postings.post(
            "gig",
            "hm",
            **_gig_details(
                deadline=past,
                required_skills=[pb.RequiredSkill(skill_id="basket-weaving", min_level=2)],
            ),
        )
    fields = violations(caught.value)
    assert "unknown skill" in fields["details.required_skills.0.skill_id"]
    assert "future" in fields["details.deadline"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await postings.post("secondment", "hm", **_gig_details())
    assert "host and home team" in violations(caught.value)["details.secondment"]
    found = await postings.opportunities.SearchOpportunities(
        pb.SearchOpportunitiesRequest(statuses=["draft", "open"]), metadata=HR_ADMIN
    )
    assert list(found.opportunities) == []

    posted = await postings.post("gig", "hm", **_gig_details())
    await postings.opportunities.CloseOpportunity(
        pb.OpportunityActionRequest(opportunity_id=posted.opportunity_id), metadata=HIRING
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await postings.applications.SubmitApplication(
            pb.SubmitApplicationRequest(opportunity_id=posted.opportunity_id, request_id="r"),
            metadata=ALICE,
        )
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "it is closed" in (caught.value.details() or "")


async def test_illegal_moves_and_wrong_users_are_refused(
    stack: tuple[RunningProfiles, RunningPostings],
) -> None:
    _, postings = stack
    posted = await postings.post("gig", "hm", **_gig_details())
    applied = await postings.applications.SubmitApplication(
        pb.SubmitApplicationRequest(opportunity_id=posted.opportunity_id, request_id="r"),
        metadata=ALICE,
    )
    application_id = applied.application.application_id
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await postings.applications.MoveApplication(
            pb.MoveApplicationRequest(application_id=application_id, status="offered"),
            metadata=HIRING,
        )
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "is submitted" in (caught.value.details() or "")
    bob = as_("bob")
    await _not_found(
        postings.applications.GetApplication(
            pb.GetApplicationRequest(application_id=application_id), metadata=bob
        )
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await postings.applications.ListApplications(
            pb.ListApplicationsRequest(opportunity_id=posted.opportunity_id), metadata=bob
        )
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await postings.opportunities.CloseOpportunity(
            pb.OpportunityActionRequest(opportunity_id=posted.opportunity_id), metadata=MANAGER
        )
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await postings.opportunities.CreateOpportunity(
            pb.CreateOpportunityRequest(
                kind="gig",
                details=pb.OpportunityDetails(**_gig_details(), hiring_manager_id="alice"),
            ),
            metadata=ALICE,  # an employee without the manager role
        )
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    draft = await postings.post("gig", "hm", publish=False, **_gig_details())
    await _not_found(
        postings.opportunities.GetOpportunity(
            pb.GetOpportunityRequest(opportunity_id=draft.opportunity_id), metadata=ALICE
        )
    )


async def test_gig_that_does_not_fit_the_ledger_is_refused_with_the_reason(
    stack: tuple[RunningProfiles, RunningPostings],
) -> None:
    _, postings = stack
    posted = await postings.post("gig", "hm", **_gig_details(share_pct=80))
    applied = await postings.applications.SubmitApplication(
        pb.SubmitApplicationRequest(opportunity_id=posted.opportunity_id, request_id="r"),
        metadata=ALICE,
    )
    application_id = applied.application.application_id
    for status in ("shortlisted", "offered"):
        await postings.applications.MoveApplication(
            pb.MoveApplicationRequest(application_id=application_id, status=status),
            metadata=HIRING,
        )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await postings.applications.MoveApplication(
            pb.MoveApplicationRequest(application_id=application_id, status="accepted"),
            metadata=ALICE,
        )
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert "does not fit" in (caught.value.details() or "")
    assert "above the limit of 50%" in (caught.value.details() or "")
    still = await postings.applications.GetApplication(
        pb.GetApplicationRequest(application_id=application_id), metadata=ALICE
    )
    assert still.application.status == "offered"


async def test_interest_interviews_cap_open_requests_even_when_concurrent(
    stack: tuple[RunningProfiles, RunningPostings],
) -> None:
    _, postings = stack
    slot = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    hosted = [
        await postings.post(
            "interest_interview",
            "hm",
            **{
                **_gig_details(title=f"Meet team {n}"),
                "starts_on": "",
                "ends_on": "",
                "share_pct": 0,
                "interview_slots": [slot.isoformat()],
            },
        )
        for n in range(5)
    ]
    results = await asyncio.gather(
        *(
            postings.interviews.RequestInterview(
                pb.RequestInterviewRequest(opportunity_id=o.opportunity_id, note="curious"),
                metadata=ALICE,
            )
            for o in hosted
        ),
        return_exceptions=True,
    )
    granted = [r for r in results if isinstance(r, pb.InterviewReply)]
    refused = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(granted) == 3
    assert len(refused) == 2
    assert all("at most 3" in (r.details() or "") for r in refused)
    first = granted[0].interview
    scheduled = await postings.interviews.ScheduleInterview(
        pb.ScheduleInterviewRequest(
            opportunity_id=first.opportunity_id, employee_id="alice", slot=slot.isoformat()
        ),
        metadata=HIRING,
    )
    assert scheduled.interview.status == "scheduled"
    mine = await postings.interviews.ListMyInterviews(pb.ListMyInterviewsRequest(), metadata=ALICE)
    assert {i.status for i in mine.interviews} == {"scheduled", "requested"}
    await postings.interviews.CompleteInterview(
        pb.InterviewActionRequest(opportunity_id=first.opportunity_id, employee_id="alice"),
        metadata=HIRING,
    )
    types = await _types_on(postings, INTERVIEW_TOPIC, 5)
    assert sorted(types) == sorted(
        [
            *(["trellis.postings.interview.requested"] * 3),
            "trellis.postings.interview.scheduled",
            "trellis.postings.interview.completed",
        ]
    )


async def test_awards_fill_stretch_seats_once_and_poison_goes_to_dead_letter(
    stack: tuple[RunningProfiles, RunningPostings],
) -> None:
    profiles, postings = stack
    stretch = await postings.post("stretch", "hm", **_gig_details(title="Lead planning", seats=2))
    award = AssignmentAwarded(
        round_id="round-1",
        assignment_id=stretch.opportunity_id,
        employee_id="alice",
        share_pct=40,
        starts_on=date.today() + timedelta(days=30),
        ends_on=date.today() + timedelta(days=90),
    )
    envelope = Envelope.wrap(award, source="bidding", subject=stretch.opportunity_id)
    await profiles.publish(AWARD_TOPIC, envelope)
    await profiles.publish(AWARD_TOPIC, envelope)  # a redelivery changes nothing
    poison = Envelope.wrap(
        award.model_copy(update={"assignment_id": "opp-does-not-exist"}),
        source="bidding",
        subject="opp-does-not-exist",
    )
    await profiles.publish(AWARD_TOPIC, poison)
    later = Envelope.wrap(
        award.model_copy(update={"employee_id": "bob"}),
        source="bidding",
        subject=stretch.opportunity_id,
    )
    await profiles.publish(AWARD_TOPIC, later)

    async def filled() -> bool:
        reply = await postings.opportunities.GetOpportunity(
            pb.GetOpportunityRequest(opportunity_id=stretch.opportunity_id), metadata=HIRING
        )
        return reply.opportunity.status == "filled"

    await eventually(filled, timeout_s=30)
    reply = await postings.opportunities.GetOpportunity(
        pb.GetOpportunityRequest(opportunity_id=stretch.opportunity_id), metadata=HIRING
    )
    assert reply.opportunity.seats_filled == 2
    dead = await read_topic(
        postings.settings.kafka_bootstrap,
        dead_letter_topic(postings.settings.topic_prefix + AWARD_TOPIC),
        1,
    )
    assert envelope_from_kafka(dead[0].value).id == poison.id


async def test_read_model_misses_fall_back_to_profiles_once(
    stack: tuple[RunningProfiles, RunningPostings],
) -> None:
    _, postings = stack
    fresh = PeopleReadModel(ProfilesClient(postings.app.profiles_client))
    assert len(fresh) == 0
    alice = await fresh.person("alice")
    assert alice is not None
    assert alice.facts.skills == {"python": 4, "sql": 3}
    assert alice.facts.skills_to_develop == frozenset({"kubernetes"})
    assert [p.facts.employee_id for p in fresh.people()] == ["alice"]
    assert await fresh.person("nobody-by-this-id") is None
    assert await fresh.reporting_chain("alice") == ["m1", "m2", "ceo"]
    # Only alice was fetched: the known chain stops at her manager, which is why
    # confidentiality also keeps the chain profiles gave when she applied.
    assert fresh.known_chain("alice") == ["m1"]
    # The running service learnt everyone from the snapshot topic (read whole).
    assert postings.app.people.known_chain("alice") == ["m1", "m2", "ceo"]


async def test_search_filters_and_pages_on_the_real_database(
    stack: tuple[RunningProfiles, RunningPostings],
) -> None:
    _, postings = stack
    soon = date.today() + timedelta(days=30)
    later = date.today() + timedelta(days=120)
    made = {
        "gig-python": await postings.post("gig", "hm", **_gig_details(title="Python gig")),
        "gig-late": await postings.post(
            "gig",
            "hm",
            **_gig_details(
                title="Late SQL gig",
                description="Reporting work",
                starts_on=later.isoformat(),
                ends_on=(later + timedelta(days=30)).isoformat(),
                required_skills=[pb.RequiredSkill(skill_id="sql", min_level=2)],
                share_pct=20,
                department="Finance",
                location="Lisbon",
                remote=False,
            ),
        ),
        "job": await postings.post(
            "job",
            "hm",
            **_gig_details(
                title="Data engineer",
                description="Build and run our pipelines",
                starts_on="",
                ends_on="",
                share_pct=0,
                location="Lisbon",
                remote=False,
            ),
        ),
    }
    ids = {name: o.opportunity_id for name, o in made.items()}

    async def search(**criteria: object) -> set[str]:
        reply = await postings.opportunities.SearchOpportunities(
            pb.SearchOpportunitiesRequest(**criteria), metadata=ALICE
        )
        return {o.opportunity_id for o in reply.opportunities}

    assert await search(kinds=["job"]) == {ids["job"]}
    assert await search(skill_ids=["sql"]) == {ids["gig-late"]}
    assert await search(department="Finance") == {ids["gig-late"]}
    assert await search(location="Berlin") == {ids["gig-python"]}  # remote counts as Berlin
    assert await search(location="Lisbon") == {ids["gig-late"], ids["job"], ids["gig-python"]}
    assert await search(max_share_pct=30) == {ids["gig-late"]}
    assert await search(starts_after=(soon + timedelta(days=10)).isoformat()) == {ids["gig-late"]}
    assert await search(ends_before=(soon + timedelta(days=70)).isoformat()) == {ids["gig-python"]}
    assert await search(text="REPORTING sql") == {ids["gig-late"]}
    assert await search(text="python pipelines") == {ids["gig-python"]}
    pages: list[str] = []
    token = ""
    while True:
        reply = await postings.opportunities.SearchOpportunities(
            pb.SearchOpportunitiesRequest(page_size=2, page_token=token), metadata=ALICE
        )
        pages.extend(o.opportunity_id for o in reply.opportunities)
        token = reply.next_page_token
        if not token:
            break
    assert sorted(pages) == sorted(ids.values())
    assert len(pages) == len(set(pages))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await search(kinds=["internship"])
    assert "kinds.0" in violations(caught.value)


async def test_candidates_are_ranked_with_explanations_within_visibility(
    stack: tuple[RunningProfiles, RunningPostings],
) -> None:
    profiles, postings = stack
    await profiles.profiles.SetPreferences(
        ppb.SetPreferencesRequest(employee_id="bob", visibility="hidden"),
        metadata=as_("bob"),
    )
    await _wait_known(postings, "alice")

    async def bob_hidden() -> bool:
        person = postings.app.people._people.get("bob")
        return person is not None and person.visibility == "hidden"

    await eventually(bob_hidden, timeout_s=30)
    posted = await postings.post("gig", "hm", **_gig_details())
    found = await postings.recommendations.FindCandidates(
        pb.FindCandidatesRequest(opportunity_id=posted.opportunity_id, limit=10), metadata=HIRING
    )
    ranked = [c.employee_id for c in found.candidates]
    assert ranked[0] == "alice"
    assert found.candidates[0].match.lines
    assert "bob" not in ranked
    assert "hm" not in ranked
    as_hr = await postings.recommendations.FindCandidates(
        pb.FindCandidatesRequest(opportunity_id=posted.opportunity_id, limit=10), metadata=HR_ADMIN
    )
    assert "bob" in [c.employee_id for c in as_hr.candidates]
    fits = await postings.recommendations.ScoreFits(
        pb.ScoreFitsRequest(
            pairs=[
                pb.FitPair(opportunity_id=posted.opportunity_id, employee_id="alice"),
                pb.FitPair(opportunity_id=posted.opportunity_id, employee_id="nobody"),
                pb.FitPair(opportunity_id="opp-unknown", employee_id="alice"),
            ]
        ),
        metadata=HR_ADMIN,
    )
    assert [(f.employee_id, f.score) for f in fits.fits] == [
        ("alice", found.candidates[0].match.score)
    ]
    assert len(fits.missing) == 2
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await postings.recommendations.ScoreFits(pb.ScoreFitsRequest(), metadata=HIRING)
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED


async def test_every_object_level_path_refuses_the_wrong_user(
    stack: tuple[RunningProfiles, RunningPostings],
) -> None:
    _, postings = stack
    gig = await postings.post("gig", "hm", **_gig_details())
    talk = await postings.post(
        "interest_interview",
        "hm",
        **{
            **_gig_details(title="Meet us"),
            "starts_on": "",
            "ends_on": "",
            "share_pct": 0,
            "interview_slots": [(datetime.now(UTC) + timedelta(days=2)).isoformat()],
        },
    )
    applied = await postings.applications.SubmitApplication(
        pb.SubmitApplicationRequest(opportunity_id=gig.opportunity_id, request_id="r"),
        metadata=ALICE,
    )
    application_id = applied.application.application_id
    await postings.interviews.RequestInterview(
        pb.RequestInterviewRequest(opportunity_id=talk.opportunity_id), metadata=ALICE
    )
    bob = as_("bob")
    other_manager = as_("m2", "employee", "manager")
    attempts = {
        "update someone else's posting": postings.opportunities.UpdateOpportunity(
            pb.UpdateOpportunityRequest(
                opportunity_id=gig.opportunity_id,
                details=pb.OpportunityDetails(**_gig_details(), hiring_manager_id="hm"),
            ),
            metadata=other_manager,
        ),
        "cancel someone else's posting": postings.opportunities.CancelOpportunity(
            pb.OpportunityActionRequest(opportunity_id=gig.opportunity_id), metadata=bob
        ),
        "move someone else's application": postings.applications.MoveApplication(
            pb.MoveApplicationRequest(application_id=application_id, status="withdrawn"),
            metadata=bob,
        ),
        "hiring side accepting for the applicant": postings.applications.MoveApplication(
            pb.MoveApplicationRequest(application_id=application_id, status="accepted"),
            metadata=HIRING,
        ),
        "applicant shortlisting themself": postings.applications.MoveApplication(
            pb.MoveApplicationRequest(application_id=application_id, status="shortlisted"),
            metadata=ALICE,
        ),
        "applicant writing a hiring note": postings.applications.AddApplicationNote(
            pb.AddApplicationNoteRequest(application_id=application_id, text="hire me"),
            metadata=ALICE,
        ),
        "approving a release that is not yours": postings.applications.ApproveRelease(
            pb.ApproveReleaseRequest(application_id=application_id), metadata=other_manager
        ),
        "listing applicants of someone else's posting": postings.applications.ListApplications(
            pb.ListApplicationsRequest(opportunity_id=gig.opportunity_id), metadata=other_manager
        ),
        "scheduling someone else's interview": postings.interviews.ScheduleInterview(
            pb.ScheduleInterviewRequest(
                opportunity_id=talk.opportunity_id,
                employee_id="alice",
                slot=(datetime.now(UTC) + timedelta(days=2)).isoformat(),
            ),
            metadata=bob,
        ),
        "reading someone else's interview requests": postings.interviews.ListInterviewRequests(
            pb.ListInterviewRequestsRequest(opportunity_id=talk.opportunity_id), metadata=bob
        ),
        "cancelling an interview you did not request": postings.interviews.CancelInterview(
            pb.InterviewActionRequest(opportunity_id=talk.opportunity_id), metadata=bob
        ),
        "candidates for someone else's posting": postings.recommendations.FindCandidates(
            pb.FindCandidatesRequest(opportunity_id=gig.opportunity_id), metadata=other_manager
        ),
        "someone else's recommendations": postings.recommendations.RecommendOpportunities(
            pb.RecommendOpportunitiesRequest(employee_id="alice"), metadata=bob
        ),
        "the audit log without hr_admin": postings.applications.ListDisclosures(
            pb.ListDisclosuresRequest(), metadata=HIRING
        ),
    }
    refused = {grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.NOT_FOUND}
    for what, call in attempts.items():
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() in refused, what
    mine = await postings.applications.GetApplication(
        pb.GetApplicationRequest(application_id=application_id), metadata=ALICE
    )
    assert mine.application.status == "submitted"
    assert not mine.application.manager_notes


@pytest.fixture
async def stack_without_release_wait(
    infrastructure: Infrastructure, kafka_namespace: NamespaceFactory
) -> AsyncIterator[tuple[RunningProfiles, RunningPostings]]:
    """No waiting period: a release nobody answers approves itself at the next sweep."""
    prefix = await kafka_namespace(*TOPICS)
    async for profiles in running_profiles(infrastructure, prefix):
        await _org(profiles)
        async for postings in running_postings(
            infrastructure, prefix, profiles, postings_release_wait_working_days=0
        ):
            yield profiles, postings


async def test_the_sweep_closes_at_the_deadline_and_approves_unanswered_releases(
    stack_without_release_wait: tuple[RunningProfiles, RunningPostings],
) -> None:
    _, postings = stack_without_release_wait
    closing = await postings.post(
        "gig",
        "hm",
        **_gig_details(deadline=(datetime.now(UTC) + timedelta(seconds=3)).isoformat()),
    )
    gig = await postings.post("gig", "hm", **_gig_details(title="Second gig"))
    applied = await postings.applications.SubmitApplication(
        pb.SubmitApplicationRequest(opportunity_id=gig.opportunity_id, request_id="r"),
        metadata=ALICE,
    )
    application_id = applied.application.application_id
    for status, who in (("shortlisted", HIRING), ("offered", HIRING), ("accepted", ALICE)):
        await postings.applications.MoveApplication(
            pb.MoveApplicationRequest(application_id=application_id, status=status),
            metadata=who,
        )

    async def swept() -> bool:
        closed = await postings.opportunities.GetOpportunity(
            pb.GetOpportunityRequest(opportunity_id=closing.opportunity_id), metadata=HIRING
        )
        mine = await postings.applications.GetApplication(
            pb.GetApplicationRequest(application_id=application_id), metadata=ALICE
        )
        return (
            closed.opportunity.status == "closed" and mine.application.release.status == "approved"
        )

    await eventually(swept, timeout_s=30)
    mine = await postings.applications.GetApplication(
        pb.GetApplicationRequest(application_id=application_id), metadata=ALICE
    )
    assert mine.application.release.decided_by == "auto"
    closed = await postings.opportunities.GetOpportunity(
        pb.GetOpportunityRequest(opportunity_id=closing.opportunity_id), metadata=HIRING
    )
    assert closed.opportunity.close_reason == "the application deadline passed"
