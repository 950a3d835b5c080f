"""JSON API for the employee side of postings: find, apply, follow one's applications
and interest interviews (features/opportunities*). The hiring side is api_hiring.

An interest-interview request is named by its posting's id: a person has at
most one request per posting.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from trellis_portal.features import opportunities, opportunities_applying
from trellis_portal.features.opportunities import (
    OpportunityPage,
    Recommendations,
    SearchFilters,
    SearchPage,
)
from trellis_portal.features.opportunities_applying import (
    Applications,
    ApplyInput,
    InterviewRequestInput,
    Interviews,
    MoveInput,
)
from trellis_portal.features.opportunities_views import ApplicationView, InterviewView
from trellis_portal.http.auth import Actor, Viewer

router = APIRouter(prefix="/api/v1", tags=["postings"])

OpportunityId = Annotated[str, Path(min_length=1, max_length=120)]
ApplicationId = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("/opportunities/recommended")
async def recommended(
    caller: Viewer, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> Recommendations:
    """Open postings that fit the signed-in person best, each with its explained score."""
    return await opportunities.recommended(caller, limit)


@router.get("/opportunities")
async def search(caller: Viewer, filters: Annotated[SearchFilters, Query()]) -> SearchPage:
    """Open postings matching every filter given; page on with `page=next_page_token`."""
    return await opportunities.search(caller, filters)


@router.get("/opportunities/{opportunity_id}")
async def opportunity(caller: Viewer, opportunity_id: OpportunityId) -> OpportunityPage:
    """One posting, the caller's match, and their application or interview request."""
    return await opportunities.opportunity_page(caller, opportunity_id)


@router.post("/opportunities/{opportunity_id}/applications", status_code=201)
async def apply(caller: Actor, opportunity_id: OpportunityId, body: ApplyInput) -> ApplicationView:
    """Apply; the same `request_id` again returns the same application."""
    return await opportunities_applying.apply(caller, opportunity_id, body)


@router.get("/applications")
async def my_applications(caller: Viewer) -> Applications:
    """The caller's own applications, most recently changed first."""
    return await opportunities_applying.my_applications(caller)


@router.get("/applications/{application_id}")
async def application(caller: Viewer, application_id: ApplicationId) -> ApplicationView:
    """One application the caller may see (theirs, or as the hiring side)."""
    return await opportunities_applying.application(caller, application_id)


@router.post("/applications/{application_id}/moves")
async def move(caller: Actor, application_id: ApplicationId, body: MoveInput) -> ApplicationView:
    """The applicant's moves: withdraw, or accept or decline an offer."""
    return await opportunities_applying.move(caller, application_id, body)


@router.post("/opportunities/{opportunity_id}/interview-requests", status_code=201)
async def request_interview(
    caller: Actor, opportunity_id: OpportunityId, body: InterviewRequestInput
) -> InterviewView:
    """Ask for an interest interview on a posting of that kind."""
    return await opportunities_applying.request_interview(caller, opportunity_id, body)


@router.get("/interviews")
async def my_interviews(caller: Viewer) -> Interviews:
    """The caller's interest-interview requests with their status and slot."""
    return await opportunities_applying.my_interviews(caller)


@router.post("/interviews/{interview_id}/cancel")
async def cancel_interview(caller: Actor, interview_id: OpportunityId) -> InterviewView:
    """Cancel one's own request (`interview_id` is the posting's id)."""
    return await opportunities_applying.cancel_interview(caller, interview_id)
