"""Finding opportunities: recommendations for the signed-in person, search, one posting.

Models live in opportunities_views; applying and interest interviews in
opportunities_applying. Everything here is read-only.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Literal

from grpc import aio
from pydantic import BaseModel, BeforeValidator, Field

from trellis.postings.v1 import postings_pb2 as pb
from trellis_portal.features.caller import Caller
from trellis_portal.features.opportunities_views import (
    APPLICABLE_KINDS,
    OPEN_INTERVIEW,
    ApplicationView,
    InterviewView,
    Recommendation,
    application_view,
    interview_view,
)
from trellis_portal.features.postings_views import (
    MatchView,
    OpportunityView,
    match_view,
    opportunity_view,
    skill_names,
    skills_of,
)

RECOMMENDATION_LIMIT = 20
# The service ranks at most this many; a posting's own page looks its match up among them.
MATCH_LOOKUP_LIMIT = 100
MAX_SKILL_FILTERS = 20


def _blank_is_none(value: object) -> object:
    """A GET form sends empty inputs as "": they mean "no filter"."""
    return None if value == "" else value


KindFilter = Literal["", "job", "gig", "secondment", "stretch", "interest_interview"]


class SearchFilters(BaseModel):
    """The search form; every field is optional, so a URL keeps only what was chosen."""

    kind: KindFilter = ""
    skills: str = Field(default="", max_length=400, description="skill ids, comma-separated")
    department: str = Field(default="", max_length=120)
    location: str = Field(
        default="", max_length=120, description="a place; remote postings always match"
    )
    max_share_pct: Annotated[int | None, BeforeValidator(_blank_is_none)] = Field(
        default=None, ge=1, le=100, description="the largest share of working time, in %"
    )
    starts_after: Annotated[date | None, BeforeValidator(_blank_is_none)] = None
    ends_before: Annotated[date | None, BeforeValidator(_blank_is_none)] = None
    q: str = Field(default="", max_length=200, description="words in the title or description")
    page: str = Field(default="", max_length=200, description="next_page_token of the last page")
    page_size: int = Field(default=20, ge=1, le=100)

    def skill_ids(self) -> list[str]:
        found = (s.strip().casefold() for s in self.skills.split(","))
        return list(dict.fromkeys(s for s in found if s))[:MAX_SKILL_FILTERS]


class SearchPage(BaseModel):
    opportunities: list[OpportunityView]
    next_page_token: str = Field(description="pass as `page` for more; empty: the last page")


class Recommendations(BaseModel):
    recommendations: list[Recommendation]


class OpportunityPage(BaseModel):
    """One posting as the signed-in person sees it, with what they may do there."""

    opportunity: OpportunityView
    match: MatchView | None = Field(
        description="absent when the posting is not open or not among the person's best 100"
    )
    my_application: ApplicationView | None
    my_interview: InterviewView | None
    can_apply: bool
    can_request_interview: bool


async def recommended(caller: Caller, limit: int = RECOMMENDATION_LIMIT) -> Recommendations:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.recommendations().RecommendOpportunities,
        pb.RecommendOpportunitiesRequest(employee_id=caller.employee_id, limit=limit),
    )
    names = await skill_names(caller, skills_of(r.opportunity for r in reply.recommendations))
    return Recommendations(
        recommendations=[
            Recommendation(
                opportunity=opportunity_view(r.opportunity, names),
                match=match_view(r.match, names),
            )
            for r in reply.recommendations
        ]
    )


async def search(caller: Caller, filters: SearchFilters) -> SearchPage:
    request = pb.SearchOpportunitiesRequest(
        kinds=[filters.kind] if filters.kind else [],
        skill_ids=filters.skill_ids(),
        department=filters.department.strip(),
        location=filters.location.strip(),
        max_share_pct=filters.max_share_pct or 0,
        starts_after=filters.starts_after.isoformat() if filters.starts_after else "",
        ends_before=filters.ends_before.isoformat() if filters.ends_before else "",
        text=filters.q.strip(),
        page_size=filters.page_size,
        page_token=filters.page,
    )
    reply = await caller.call(
        caller.backends.postings, caller.backends.opportunities().SearchOpportunities, request
    )
    names = await skill_names(caller, skills_of(reply.opportunities))
    return SearchPage(
        opportunities=[opportunity_view(o, names) for o in reply.opportunities],
        next_page_token=reply.next_page_token,
    )


async def _my_match(caller: Caller, opportunity: pb.Opportunity) -> pb.MatchExplanation | None:
    """The person's explanation for this posting, if it ranks among their matches."""
    if opportunity.status != "open":
        return None
    try:
        reply = await caller.call(
            caller.backends.postings,
            caller.backends.recommendations().RecommendOpportunities,
            pb.RecommendOpportunitiesRequest(
                employee_id=caller.employee_id, limit=MATCH_LOOKUP_LIMIT, kinds=[opportunity.kind]
            ),
        )
    except aio.AioRpcError:
        return None  # e.g. no profile yet: the posting still shows
    for found in reply.recommendations:
        if found.opportunity.opportunity_id == opportunity.opportunity_id:
            return found.match
    return None


async def my_application_for(caller: Caller, opportunity_id: str) -> ApplicationView | None:
    """The person's latest application to this posting (the service lists newest first)."""
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.applications().ListMyApplications,
        pb.ListMyApplicationsRequest(),
    )
    for application in reply.applications:
        if application.opportunity_id == opportunity_id:
            return application_view(application)
    return None


async def my_interview_for(caller: Caller, opportunity_id: str) -> InterviewView | None:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.interviews().ListMyInterviews,
        pb.ListMyInterviewsRequest(),
    )
    for interview in reply.interviews:
        if interview.opportunity_id == opportunity_id:
            return interview_view(interview)
    return None


async def _nothing() -> None:
    return None


async def opportunity_page(caller: Caller, opportunity_id: str) -> OpportunityPage:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.opportunities().GetOpportunity,
        pb.GetOpportunityRequest(opportunity_id=opportunity_id),
    )
    message = reply.opportunity
    # The rest only reads, independently: ask at once.
    match, names, application, interview = await asyncio.gather(
        _my_match(caller, message),
        skill_names(caller, skills_of([message])),
        (
            my_application_for(caller, opportunity_id)
            if message.kind in APPLICABLE_KINDS
            else _nothing()
        ),
        (
            my_interview_for(caller, opportunity_id)
            if message.kind == "interest_interview"
            else _nothing()
        ),
    )
    opportunity = opportunity_view(message, names)
    is_open = opportunity.status == "open"
    is_host = opportunity.hiring_manager_id == caller.employee_id
    return OpportunityPage(
        opportunity=opportunity,
        match=match_view(match, names) if match is not None else None,
        my_application=application,
        my_interview=interview,
        can_apply=(
            is_open
            and not is_host
            and opportunity.kind in APPLICABLE_KINDS
            and (application is None or not application.active)
        ),
        can_request_interview=(
            is_open
            and not is_host
            and opportunity.kind == "interest_interview"
            and (interview is None or interview.status not in OPEN_INTERVIEW)
        ),
    )
