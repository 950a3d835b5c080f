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
    """A handful of people worth signing in as: HR, hiring managers and their teams."""
    found: dict[str, Persona] = {}

    async def add(employee_id: str, why: str) -> None:
        if employee_id in found or len(found) >= 12:
            return
        try:
            person = await identify(
                backends, employee_id, hr_department=hr_department, claimed=frozenset()
            )
        except NotFound:
            return
        found[employee_id] = Persona(
            person.employee_id,
            person.name,
            person.title,
            person.department,
            tuple(sorted(person.roles)),
            why,
        )

    hr = await backends.profiles.call(
        backends.profile_service().SearchProfiles,
        profiles_pb2.SearchProfilesRequest(department=hr_department, page_size=2),
    )
    for profile in hr.profiles:
        await add(profile.employee_id, "runs mentoring cycles, bidding rounds, imports, audit")
    postings = await backends.postings.call(
        backends.opportunities().SearchOpportunities,
        postings_pb2.SearchOpportunitiesRequest(page_size=20),
    )
    managers = list(dict.fromkeys(o.details.hiring_manager_id for o in postings.opportunities))
    for manager_id in managers[:3]:
        await add(manager_id, "hiring manager with open postings")
    for manager_id in managers[:2]:
        reports = await backends.profiles.call(
            backends.org_chart().ListDirectReports,
            profiles_pb2.ListDirectReportsRequest(manager_id=manager_id),
        )
        for report in reports.profiles[:2]:
            await add(report.employee_id, "employee looking for a next step")
    return list(found.values())
