"""Property: over random org charts, postings, applications and re-organisations,
no API shows a confidential application to anyone in the applicant's reporting
chain (then or now) before disclosure — not by get, list, counts, releases, the
audit log or the events they could read."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from postings_builders import NOW, details
from postings_fakes import MemoryApplications, MemoryDirectory, MemoryLists, MemoryOpportunities

from trellis_postings.app.application_writes import ApplicationWrites
from trellis_postings.app.applications import Applications
from trellis_postings.app.changes import Changes
from trellis_postings.app.opportunities import Opportunities
from trellis_postings.app.ports import SearchCriteria
from trellis_postings.domain.applications import AppStatus
from trellis_postings.domain.confidentiality import DisclosurePoint
from trellis_postings.domain.opportunity import Kind
from trellis_postings.domain.policy import PostingsPolicy
from trellis_shared.contracts.postings import (
    ApplicationDisclosed,
    ApplicationStatusChanged,
    ApplicationSubmitted,
)
from trellis_shared.errors import TrellisError
from trellis_shared.grpc.tokens import Principal

pytestmark = pytest.mark.unit
PROGRESS = [AppStatus.IN_REVIEW, AppStatus.SHORTLISTED, AppStatus.INTERVIEWING, AppStatus.OFFERED]


def manager(subject: str) -> Principal:
    return Principal(subject, frozenset({"employee", "manager"}))


@dataclass
class World:
    directory: MemoryDirectory
    repository: MemoryOpportunities
    application_store: MemoryApplications
    opportunities: Opportunities
    applications: Applications


def build(seed: int, people: int, point: DisclosurePoint) -> World:
    rng = random.Random(seed)
    managers = {"p0": ""}
    for n in range(1, people):
        managers[f"p{n}"] = f"p{rng.randrange(n)}"
    directory = MemoryDirectory(managers)
    repository = MemoryOpportunities()
    application_store = MemoryApplications()
    changes = Changes(repository)
    writes = ApplicationWrites(application_store, MemoryLists())
    policy = PostingsPolicy(disclosure_point=point)
    return World(
        directory,
        repository,
        application_store,
        Opportunities(changes, directory, lambda: NOW),
        Applications(changes, writes, directory, policy, lambda: NOW),
    )


async def play(world: World, seed: int, postings: int) -> None:
    rng = random.Random(seed)
    people = sorted(world.directory.managers)
    for n in range(postings):
        hiring = rng.choice(people)
        kind = rng.choice([Kind.JOB, Kind.GIG, Kind.SECONDMENT])
        stored = await world.opportunities.create(
            manager(hiring),
            kind,
            details(kind, hiring_manager_id=hiring, title=f"Posting {n}"),
            publish=True,
        )
        for applicant in rng.sample(people, k=min(len(people), 4)):
            try:
                seen = await world.applications.submit(
                    manager(applicant),
                    stored.opportunity.opportunity_id,
                    request_id=f"{applicant}-{n}",
                    note="",
                    confidential=rng.random() < 0.7,
                )
                for target in PROGRESS[: rng.randrange(len(PROGRESS) + 1)]:
                    await world.applications.move(
                        manager(hiring), seen.application.application_id, target
                    )
            except TrellisError:
                continue  # refused (own posting, hiring manager in the chain): nothing to leak
        if rng.random() < 0.5:  # a re-organisation: someone gets a new manager
            moved = rng.choice(people[1:]) if len(people) > 1 else people[0]
            index = people.index(moved)
            if index:
                world.directory.managers[moved] = people[rng.randrange(index)]


async def find_leaks(world: World) -> list[str]:
    """Every way a viewer in an applicant's chain learns of an undisclosed
    confidential application (empty when there is none)."""
    leaks: list[str] = []
    secrets = []
    for filed in world.application_store.documents.values():
        application = filed.application
        if application.confidential and application.disclosed_at is None:
            chain = set(application.chain_at_submit) | set(
                world.directory.known_chain(application.employee_id)
            )
            posting = world.repository.documents[application.opportunity_id].opportunity
            secrets.append((posting, application, chain))
    for opportunity, application, chain in secrets:
        secret = application.application_id
        for viewer_id in sorted(chain):
            viewer = manager(viewer_id)
            try:
                await world.applications.get(viewer, secret)
                leaks.append(f"{viewer_id} got {secret}")
            except TrellisError:
                pass
            if viewer_id in (opportunity.details.hiring_manager_id, opportunity.created_by):
                listed = await world.applications.for_opportunity(
                    viewer, opportunity.opportunity_id
                )
                if secret in {s.application.application_id for s in listed}:
                    leaks.append(f"{viewer_id} listed {secret}")
            waiting = await world.applications.releases_waiting(viewer)
            if secret in {s.application.application_id for s in waiting}:
                leaks.append(f"{viewer_id} saw {secret} among releases")
            try:
                await world.applications.audit_log(viewer)
                leaks.append(f"{viewer_id} read the audit log")
            except TrellisError:
                pass
            page = await world.opportunities.search(viewer, SearchCriteria(), "", 100)
            for stored in page.items:
                count = await world.applications.visible_count(viewer, stored.opportunity)
                if count is None:
                    continue
                listed = await world.applications.for_opportunity(
                    viewer, stored.opportunity.opportunity_id
                )
                if count != len(listed):
                    leaks.append(
                        f"{viewer_id} counts {count} on {stored.opportunity.opportunity_id}"
                    )
        for event in [*world.repository.events, *world.application_store.events]:
            if isinstance(event, ApplicationSubmitted | ApplicationStatusChanged) and (
                event.application_id == secret
            ):
                if not event.confidential:
                    leaks.append(f"an event of {secret} is not marked confidential")
                if not set(application.chain_at_submit) <= set(event.hidden_from):
                    leaks.append(f"an event of {secret} does not hide it from the chain")
            if isinstance(event, ApplicationDisclosed) and event.application_id == secret:
                leaks.append(f"{secret} disclosed before its point")
    return leaks


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    people=st.integers(3, 12),
    postings=st.integers(1, 3),
    point=st.sampled_from(list(DisclosurePoint)),
)
def test_no_api_leaks_a_confidential_application_to_the_chain(
    seed: int, people: int, postings: int, point: DisclosurePoint
) -> None:
    world = build(seed, people, point)

    async def scenario() -> list[str]:
        await play(world, seed, postings)
        return await find_leaks(world)

    assert asyncio.run(scenario()) == []


def test_the_property_has_something_to_check() -> None:
    """Guard against a vacuous property: typical worlds do hold undisclosed secrets."""
    found = 0
    for seed in range(20):
        world = build(seed, 10, DisclosurePoint.AT_OFFER)
        asyncio.run(play(world, seed, 3))
        found += sum(
            1
            for s in world.application_store.documents.values()
            if s.application.confidential
            and s.application.disclosed_at is None
            and s.application.chain_at_submit
        )
    assert found > 20
