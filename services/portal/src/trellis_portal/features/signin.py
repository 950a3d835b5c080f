"""Who may sign in, with which roles, and who the demo sign-in offers.

Roles: everyone is an employee; a person with direct reports is a manager (the
org chart in profiles says so, not the sign-in); with the dev sign-in, people in
the configured HR department are hr_admin. With OIDC, hr_admin comes from the
issuer's roles claim; manager is still derived from the org chart.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from grpc import aio

from trellis.postings.v1 import postings_pb2
from trellis.profiles.v1 import profiles_pb2
from trellis_portal.adapters.backends import Backends
from trellis_portal.domain.sessions import roles_of
from trellis_shared.errors import NotFound


@dataclass(frozen=True)
class Persona:
    employee_id: str
    name: str
    title: str
    department: str
    roles: tuple[str, ...]
    why: str  # what this person is good for in the demo


@dataclass(frozen=True)
class Person:
    employee_id: str
    name: str
    title: str
    department: str
    roles: frozenset[str]


async def identify(
    backends: Backends, employee_id: str, *, hr_department: str | None, claimed: frozenset[str]
) -> Person:
    """The person behind an employee id, as profiles knows them, with their roles."""
    try:
        reply = await backends.profiles.call(
            backends.profile_service().GetProfile,
            profiles_pb2.GetProfileRequest(employee_id=employee_id),
        )
    except aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            raise NotFound(f"no person with the employee id {employee_id!r}") from None
        raise
    reports = await backends.profiles.call(
        backends.org_chart().ListDirectReports,
        profiles_pb2.ListDirectReportsRequest(manager_id=employee_id),
    )
    org = reply.profile.org
    is_hr = "hr_admin" in claimed or (hr_department is not None and org.department == hr_department)
    roles = roles_of(has_reports=bool(reports.profiles), is_hr=is_hr)
    return Person(employee_id, org.name or employee_id, org.title, org.department, roles)


async def demo_personas(backends: Backends, hr_department: str) -> list[Persona]:
    """People worth signing in as: HR, hiring managers, employees that fit their
    postings, and those employees' own managers (to see confidentiality work)."""
    found: dict[str, Persona] = {}

    async def add(employee_id: str, why: str) -> Person | None:
        if employee_id in found or len(found) >= MAX_PERSONAS:
            return None
        try:
            person = await identify(
                backends, employee_id, hr_department=hr_department, claimed=frozenset()
            )
        except NotFound:
            return None
        found[employee_id] = Persona(
            person.employee_id,
            person.name,
            person.title,
            person.department,
            tuple(sorted(person.roles)),
            why,
        )
        return person

    hr = await backends.profiles.call(
        backends.profile_service().SearchProfiles,
        profiles_pb2.SearchProfilesRequest(department=hr_department, page_size=1),
    )
    for profile in hr.profiles:
        await add(profile.employee_id, "HR: mentoring cycles, bidding rounds, imports, audit log")
    postings = await backends.postings.call(
        backends.opportunities().SearchOpportunities,
        postings_pb2.SearchOpportunitiesRequest(kinds=["secondment", "gig"], page_size=3),
    )
    for opportunity in postings.opportunities[:2]:
        title = opportunity.details.title
        await add(opportunity.details.hiring_manager_id, f"hiring manager of “{title}”")
        employee = await _best_fitting_employee(backends, opportunity.opportunity_id, found)
        if employee is None:
            continue
        person = await add(employee[0], f"fits “{title}” ({employee[1]:.0f}/100)")
        if person is not None:
            manager = await _manager_of(backends, person.employee_id)
            if manager:
                await add(
                    manager,
                    f"{person.name}'s manager: approves releases, "
                    "cannot see a confidential application early",
                )
    return list(found.values())


MAX_PERSONAS = 8


async def _best_fitting_employee(
    backends: Backends, opportunity_id: str, taken: dict[str, Persona]
) -> tuple[str, float] | None:
    """The best-scoring individual contributor for a posting (not a manager)."""
    reply = await backends.postings.call(
        backends.recommendations().FindCandidates,
        postings_pb2.FindCandidatesRequest(opportunity_id=opportunity_id, limit=10),
    )
    for candidate in reply.candidates:
        if candidate.employee_id in taken or "Manager" in candidate.title:
            continue
        reports = await backends.profiles.call(
            backends.org_chart().ListDirectReports,
            profiles_pb2.ListDirectReportsRequest(manager_id=candidate.employee_id),
        )
        if not reports.profiles:
            return candidate.employee_id, candidate.match.score
    return None


async def _manager_of(backends: Backends, employee_id: str) -> str:
    chain = await backends.profiles.call(
        backends.org_chart().GetReportingChain,
        profiles_pb2.GetReportingChainRequest(employee_id=employee_id),
    )
    return chain.manager_ids[0] if chain.manager_ids else ""
