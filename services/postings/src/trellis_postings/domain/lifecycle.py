"""Posting lifecycle moves: publish, edit, close, cancel, fill, close at the deadline."""

from __future__ import annotations

from datetime import datetime

from trellis_postings.domain.opportunity import Details, Opportunity, Status
from trellis_postings.domain.published import posted
from trellis_shared.contracts.postings import (
    OpportunityClosed,
    OpportunityFilled,
    OpportunityPublished,
    OpportunityUpdated,
)
from trellis_shared.errors import FailedPrecondition
from trellis_shared.events import EventPayload


def publish(opportunity: Opportunity, now: datetime) -> list[EventPayload]:
    opportunity.require_status(Status.DRAFT, action="publish")
    deadline = opportunity.details.deadline
    if deadline is not None and deadline <= now:
        raise FailedPrecondition("the application deadline has passed; move it before publishing")
    opportunity.status = Status.OPEN
    opportunity.published_at = now
    return [OpportunityPublished(opportunity=posted(opportunity))]


def edit(opportunity: Opportunity, details: Details) -> list[EventPayload]:
    opportunity.require_status(Status.DRAFT, Status.OPEN, action="edit")
    if details.seats < len(opportunity.seat_holders):
        raise FailedPrecondition(
            f"{len(opportunity.seat_holders)} seats are already filled; seats cannot go below that"
        )
    opportunity.details = details
    if opportunity.status is Status.DRAFT:
        return []
    return [OpportunityUpdated(opportunity=posted(opportunity))]


def close(opportunity: Opportunity, now: datetime, reason: str) -> list[EventPayload]:
    opportunity.require_status(Status.OPEN, action="close")
    opportunity.status = Status.CLOSED
    opportunity.closed_at = now
    opportunity.close_reason = reason
    return [
        OpportunityClosed(
            opportunity_id=opportunity.opportunity_id,
            kind=opportunity.kind.value,
            status="closed",
            reason=reason,
        )
    ]


def cancel(opportunity: Opportunity, now: datetime, reason: str) -> list[EventPayload]:
    opportunity.require_status(Status.DRAFT, Status.OPEN, Status.CLOSED, action="cancel")
    if opportunity.seat_holders:
        raise FailedPrecondition("people already hold seats; close the posting instead")
    opportunity.status = Status.CANCELLED
    opportunity.closed_at = now
    opportunity.close_reason = reason
    return [
        OpportunityClosed(
            opportunity_id=opportunity.opportunity_id,
            kind=opportunity.kind.value,
            status="cancelled",
            reason=reason,
        )
    ]


def take_seat(
    opportunity: Opportunity, holder_id: str, employee_id: str, now: datetime
) -> list[EventPayload]:
    """Give `holder_id` a seat; the last seat fills the posting. Idempotent per holder."""
    if holder_id in opportunity.seat_holders:
        return []
    if opportunity.seats_free <= 0:
        raise FailedPrecondition(f"all {opportunity.details.seats} seats are filled")
    opportunity.seat_holders[holder_id] = employee_id
    if opportunity.seats_free > 0:
        return [OpportunityUpdated(opportunity=posted(opportunity))]
    opportunity.status = Status.FILLED
    opportunity.closed_at = opportunity.closed_at or now
    return [
        OpportunityFilled(
            opportunity_id=opportunity.opportunity_id,
            kind=opportunity.kind.value,
            seats=opportunity.details.seats,
            employee_ids=sorted(opportunity.seat_holders.values()),
        )
    ]


def give_up_seat(opportunity: Opportunity, holder_id: str) -> list[EventPayload]:
    """An acceptance that claimed a seat did not happen after all: free the seat,
    and reopen a posting that its claim had filled. Idempotent."""
    if holder_id not in opportunity.seat_holders:
        return []
    del opportunity.seat_holders[holder_id]
    if opportunity.status is Status.FILLED:
        opportunity.status = Status.OPEN
        opportunity.closed_at = None
    return [OpportunityUpdated(opportunity=posted(opportunity))]


def close_if_past_deadline(opportunity: Opportunity, now: datetime) -> list[EventPayload]:
    deadline = opportunity.details.deadline
    if opportunity.status is Status.OPEN and deadline is not None and deadline <= now:
        return close(opportunity, now, "the application deadline passed")
    return []
