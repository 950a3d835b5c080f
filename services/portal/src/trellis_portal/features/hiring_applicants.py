"""A posting's people as its hiring side sees them: applicants ranked by match
(with the explanation), private notes and pipeline moves, candidate search and
interest-interview requests.

Confidential applications the caller may not see simply are not in the
service's answers (NOT_FOUND on direct access); nothing here re-checks that.
"""

from __future__ import annotations

import asyncio

from trellis.postings.v1 import postings_pb2 as pb
from trellis_portal.features.caller import Caller
from trellis_portal.features.hiring_models import (
    ApplicantView,
    CandidateView,
    InterviewsList,
    MoveInput,
    applicant_view,
    interview_view,
)
from trellis_portal.features.people import names_of
from trellis_portal.features.postings_views import match_skills_of, match_view, skill_names

CANDIDATE_LIMIT = 25


async def applicant_views(
    caller: Caller, applications: list[pb.Application]
) -> list[ApplicantView]:
    """Applications with people's display names and skills' taxonomy names."""
    people, skills = await asyncio.gather(
        names_of(caller, [a.employee_id for a in applications]),
        skill_names(caller, match_skills_of(a.match for a in applications)),
    )
    return [applicant_view(a, people, skills) for a in applications]


async def list_applicants(caller: Caller, opportunity_id: str) -> list[ApplicantView]:
    """The posting's applications, best match first (the service's order)."""
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.applications().ListApplications,
        pb.ListApplicationsRequest(opportunity_id=opportunity_id),
    )
    return await applicant_views(caller, list(reply.applications))


async def get_applicant(caller: Caller, application_id: str) -> ApplicantView:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.applications().GetApplication,
        pb.GetApplicationRequest(application_id=application_id),
    )
    return (await applicant_views(caller, [reply.application]))[0]


async def move_applicant(caller: Caller, application_id: str, move: MoveInput) -> ApplicantView:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.applications().MoveApplication,
        pb.MoveApplicationRequest(
            application_id=application_id, status=move.status, note=move.note
        ),
    )
    return (await applicant_views(caller, [reply.application]))[0]


async def add_note(caller: Caller, application_id: str, text: str) -> ApplicantView:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.applications().AddApplicationNote,
        pb.AddApplicationNoteRequest(application_id=application_id, text=text),
    )
    return (await applicant_views(caller, [reply.application]))[0]


async def find_candidates(
    caller: Caller, opportunity_id: str, limit: int = CANDIDATE_LIMIT
) -> list[CandidateView]:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.recommendations().FindCandidates,
        pb.FindCandidatesRequest(opportunity_id=opportunity_id, limit=limit),
    )
    skills = await skill_names(caller, match_skills_of(c.match for c in reply.candidates))
    return [
        CandidateView(
            employee_id=c.employee_id,
            name=c.name or c.employee_id,
            title=c.title,
            department=c.department,
            match=match_view(c.match, skills, to_them=False) if c.HasField("match") else None,
        )
        for c in reply.candidates
    ]


async def interview_requests(
    caller: Caller, opportunity_id: str, offered_slots: list[str]
) -> InterviewsList:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.interviews().ListInterviewRequests,
        pb.ListInterviewRequestsRequest(opportunity_id=opportunity_id),
    )
    names = await names_of(caller, [i.employee_id for i in reply.interviews])
    views = [interview_view(i, names) for i in reply.interviews]
    taken = sorted({v.slot for v in views if v.status == "scheduled" and v.slot})
    return InterviewsList(interviews=views, slots=offered_slots, taken_slots=taken)


async def schedule_interview(
    caller: Caller, opportunity_id: str, employee_id: str, slot: str
) -> None:
    await caller.call(
        caller.backends.postings,
        caller.backends.interviews().ScheduleInterview,
        pb.ScheduleInterviewRequest(
            opportunity_id=opportunity_id, employee_id=employee_id, slot=slot
        ),
    )


async def decline_interview(
    caller: Caller, opportunity_id: str, employee_id: str, reason: str
) -> None:
    await caller.call(
        caller.backends.postings,
        caller.backends.interviews().DeclineInterview,
        pb.DeclineInterviewRequest(
            opportunity_id=opportunity_id, employee_id=employee_id, reason=reason
        ),
    )


async def complete_interview(caller: Caller, opportunity_id: str, employee_id: str) -> None:
    await caller.call(
        caller.backends.postings,
        caller.backends.interviews().CompleteInterview,
        pb.InterviewActionRequest(opportunity_id=opportunity_id, employee_id=employee_id),
    )
