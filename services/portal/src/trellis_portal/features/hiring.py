"""Postings as their hiring manager runs them: post, edit, publish, close, cancel.

The postings service decides who may do what (managers post for themselves,
hr_admin for anyone); these functions only carry the person's request.
"""

from __future__ import annotations

from trellis.postings.v1 import postings_pb2 as pb
from trellis_portal.features.caller import Caller
from trellis_portal.features.hiring_models import (
    NewPosting,
    PostingEdit,
    PostingView,
    details_message,
    posting_view,
)
from trellis_portal.features.postings_views import skill_names, skills_of

# Statuses the hiring side works with; cancelled postings are gone for good.
MY_STATUSES = ("draft", "open", "closed", "filled")
PAGE_SIZE = 100
MAX_PAGES = 10  # a manager with more than 1,000 live postings sees the first 1,000


async def _view(caller: Caller, message: pb.Opportunity) -> PostingView:
    """The posting with its skills named as in the taxonomy."""
    return posting_view(message, await skill_names(caller, skills_of([message])))


async def create_posting(caller: Caller, posting: NewPosting) -> PostingView:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.opportunities().CreateOpportunity,
        pb.CreateOpportunityRequest(
            kind=posting.kind,
            details=details_message(posting.details, caller.employee_id),
            publish=posting.publish,
        ),
    )
    return await _view(caller, reply.opportunity)


async def update_posting(caller: Caller, opportunity_id: str, edit: PostingEdit) -> PostingView:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.opportunities().UpdateOpportunity,
        pb.UpdateOpportunityRequest(
            opportunity_id=opportunity_id,
            details=details_message(edit.details, caller.employee_id),
            expected_version=edit.expected_version,
        ),
    )
    return await _view(caller, reply.opportunity)


async def get_posting(caller: Caller, opportunity_id: str) -> PostingView:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.opportunities().GetOpportunity,
        pb.GetOpportunityRequest(opportunity_id=opportunity_id),
    )
    return await _view(caller, reply.opportunity)


async def publish_posting(caller: Caller, opportunity_id: str) -> PostingView:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.opportunities().PublishOpportunity,
        pb.OpportunityActionRequest(opportunity_id=opportunity_id),
    )
    return await _view(caller, reply.opportunity)


async def close_posting(caller: Caller, opportunity_id: str, reason: str) -> PostingView:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.opportunities().CloseOpportunity,
        pb.OpportunityActionRequest(opportunity_id=opportunity_id, reason=reason),
    )
    return await _view(caller, reply.opportunity)


async def cancel_posting(caller: Caller, opportunity_id: str, reason: str) -> PostingView:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.opportunities().CancelOpportunity,
        pb.OpportunityActionRequest(opportunity_id=opportunity_id, reason=reason),
    )
    return await _view(caller, reply.opportunity)


async def my_postings(caller: Caller) -> list[PostingView]:
    """Postings the person hires for or wrote, newest first.

    The search has no "hiring manager" filter; asking for drafts makes the
    service limit a non-HR caller to their own, and the rest is filtered here
    (hr_admin would otherwise get everyone's).
    """
    found: list[pb.Opportunity] = []
    token = ""
    for _ in range(MAX_PAGES):
        reply = await caller.call(
            caller.backends.postings,
            caller.backends.opportunities().SearchOpportunities,
            pb.SearchOpportunitiesRequest(
                statuses=list(MY_STATUSES), page_size=PAGE_SIZE, page_token=token
            ),
        )
        found.extend(
            o
            for o in reply.opportunities
            if caller.employee_id in (o.details.hiring_manager_id, o.created_by)
        )
        token = reply.next_page_token
        if not token:
            break
    names = await skill_names(caller, skills_of(found))
    views = [posting_view(o, names) for o in found]
    return sorted(views, key=lambda p: p.created_at, reverse=True)


def may_manage(caller: Caller, posting: PostingView) -> bool:
    """Only to hide controls a person cannot use; the service still decides."""
    return caller.has_role("hr_admin") or caller.employee_id in (
        posting.hiring_manager_id,
        posting.created_by,
    )
