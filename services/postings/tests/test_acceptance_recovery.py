"""An acceptance is two writes (the posting's seat, then the application): what
happens when the second one fails or never comes (in memory, no I/O)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import pytest
from postings_builders import NOW, details
from postings_fakes import (
    MemoryApplications,
    MemoryDirectory,
    MemoryLists,
    MemoryOpportunities,
)

from trellis_postings.app import application_lists as lists_of
from trellis_postings.app.application_writes import ApplicationWrites
from trellis_postings.app.applications import Applications
from trellis_postings.app.changes import Changes
from trellis_postings.app.opportunities import Opportunities
from trellis_postings.app.timekeeping import Timekeeping
from trellis_postings.domain import applying, lifecycle
from trellis_postings.domain.applications import AppStatus
from trellis_postings.domain.opportunity import Kind, Status
from trellis_postings.domain.policy import PostingsPolicy
from trellis_shared.errors import FailedPrecondition
from trellis_shared.grpc.tokens import Principal

pytestmark = pytest.mark.unit
HM = Principal("hm", frozenset({"employee", "manager"}))
E1 = Principal("e1", frozenset({"employee"}))


@dataclass
class World:
    postings: MemoryOpportunities
    applications_store: MemoryApplications
    lists: MemoryLists
    opportunities: Opportunities
    applications: Applications
    timekeeping: Timekeeping


def world() -> World:
    directory = MemoryDirectory({"e1": "m1", "m1": "", "hm": ""})
    postings, store, lists = MemoryOpportunities(), MemoryApplications(), MemoryLists()
    changes = Changes(postings)
    writes = ApplicationWrites(store, lists)
    policy = PostingsPolicy()
    applications = Applications(changes, writes, directory, policy, lambda: NOW)
    return World(
        postings,
        store,
        lists,
        Opportunities(changes, directory, lambda: NOW),
        applications,
        # Nothing counts as "in flight" here: the sweep acts at once.
        Timekeeping(changes, writes, applications, directory, policy, lambda: NOW, timedelta(0)),
    )


async def offered(w: World) -> tuple[str, str]:
    posting = await w.opportunities.create(HM, Kind.JOB, details(Kind.JOB), publish=True)
    opportunity_id = posting.opportunity.opportunity_id
    seen = await w.applications.submit(
        E1, opportunity_id, request_id="r", note="", confidential=False
    )
    application_id = seen.application.application_id
    for status in (AppStatus.SHORTLISTED, AppStatus.OFFERED):
        await w.applications.move(HM, application_id, status)
    return opportunity_id, application_id


def test_a_seat_claimed_by_a_crashed_acceptance_is_finished_by_the_sweep() -> None:
    async def scenario() -> None:
        w = world()
        opportunity_id, application_id = await offered(w)
        # The process died after claiming the seat, before writing the application.
        await w.lists.add("sweep", application_id, {})
        stored = w.postings.documents[opportunity_id]
        lifecycle.take_seat(stored.opportunity, application_id, "e1", NOW)
        await w.timekeeping.sweep()
        application = w.applications_store.documents[application_id].application
        assert application.status is AppStatus.ACCEPTED
        assert w.postings.documents[opportunity_id].opportunity.status is Status.FILLED

    asyncio.run(scenario())


def test_a_seat_whose_acceptance_failed_is_given_back() -> None:
    async def scenario() -> None:
        w = world()
        opportunity_id, application_id = await offered(w)
        # Withdrawn meanwhile, but a seat still held (a crash after the claim).
        await w.applications.move(E1, application_id, AppStatus.WITHDRAWN)
        await w.lists.add("sweep", application_id, {})
        lifecycle.take_seat(
            w.postings.documents[opportunity_id].opportunity, application_id, "e1", NOW
        )
        await w.timekeeping.sweep()
        posting = w.postings.documents[opportunity_id].opportunity
        assert posting.seat_holders == {}
        assert posting.status is Status.OPEN
        assert "sweep" not in w.lists.lists or application_id not in w.lists.lists["sweep"]

    asyncio.run(scenario())


def test_a_failed_application_write_gives_the_seat_back_at_once() -> None:
    async def scenario() -> None:
        w = world()
        opportunity_id, application_id = await offered(w)
        real_save = w.applications_store.save

        async def refuse(*args: object, **kwargs: object) -> int:
            raise FailedPrecondition("the database said no")

        w.applications_store.save = refuse  # type: ignore[method-assign]
        with pytest.raises(FailedPrecondition):
            await w.applications.move(E1, application_id, AppStatus.ACCEPTED)
        w.applications_store.save = real_save  # type: ignore[method-assign]
        posting = w.postings.documents[opportunity_id].opportunity
        assert posting.seat_holders == {}
        assert posting.status is Status.OPEN

    asyncio.run(scenario())


def test_counts_hide_a_confidential_application_from_a_chain_that_grew_into_the_posting() -> None:
    """After a re-organisation the hiring manager is the applicant's manager:
    the count must not reveal the confidential application (until disclosure)."""

    async def scenario() -> None:
        w = world()
        posting = await w.opportunities.create(HM, Kind.JOB, details(Kind.JOB), publish=True)
        opportunity = posting.opportunity
        await w.applications.submit(
            E1, opportunity.opportunity_id, request_id="r", note="", confidential=True
        )
        hr = Principal("hr", frozenset({"employee", "hr_admin"}))
        assert await w.applications.visible_count(HM, opportunity) == 1
        assert await w.applications.visible_count(hr, opportunity) == 1
        w.applications._directory.managers["e1"] = "hm"  # type: ignore[attr-defined]
        assert await w.applications.visible_count(HM, opportunity) == 0
        assert await w.applications.for_opportunity(HM, opportunity.opportunity_id) == []
        assert await w.applications.visible_count(hr, opportunity) == 1

    asyncio.run(scenario())


def test_a_refused_retry_of_a_submit_that_died_before_its_write_leaves_no_count() -> None:
    async def scenario() -> None:
        w = world()
        posting = await w.opportunities.create(HM, Kind.JOB, details(Kind.JOB), publish=True)
        opportunity_id = posting.opportunity.opportunity_id
        application_id = applying.application_id_for(opportunity_id, "e1")
        # The first attempt put the id on its lists, then died before the write.
        await w.lists.add(
            lists_of.posting_list(opportunity_id, application_id),
            application_id,
            lists_of.summary_before_write("e1", False, ["m1"], None),
        )
        await w.lists.add(lists_of.person_list("e1"), application_id, {})
        assert await w.applications.visible_count(HM, posting.opportunity) == 1
        # Meanwhile the posting closed: the client's retry is refused ...
        await w.opportunities.close(HM, opportunity_id, "enough applicants")
        with pytest.raises(FailedPrecondition):
            await w.applications.submit(
                E1, opportunity_id, request_id="r", note="", confidential=False
            )
        # ... and the hiring side is not told of an application that does not exist.
        closed = (await w.postings.get(opportunity_id)).opportunity  # type: ignore[union-attr]
        assert await w.applications.visible_count(HM, closed) == 0

    asyncio.run(scenario())
