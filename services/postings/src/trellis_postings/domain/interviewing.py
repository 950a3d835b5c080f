"""Interest interviews inside their posting: request, schedule with a slot, decline, complete."""

from __future__ import annotations

from datetime import datetime

from trellis_postings.domain.interviews import (
    InterviewRequest,
    InterviewStatus,
    check_interview_move,
)
from trellis_postings.domain.opportunity import Kind, Opportunity, Status
from trellis_shared.contracts.postings import (
    InterestInterviewCompleted,
    InterestInterviewDeclined,
    InterestInterviewRequested,
    InterestInterviewScheduled,
)
from trellis_shared.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from trellis_shared.events import EventPayload


def _facts(opportunity: Opportunity, employee_id: str) -> dict[str, str]:
    return {
        "opportunity_id": opportunity.opportunity_id,
        "employee_id": employee_id,
        "host_id": opportunity.details.hiring_manager_id,
        "team": opportunity.details.team,
    }


def request(
    opportunity: Opportunity, employee_id: str, note: str, now: datetime
) -> tuple[InterviewRequest, list[EventPayload]]:
    """Ask for an interest interview; asking again while one is open returns it."""
    if opportunity.kind is not Kind.INTEREST_INTERVIEW:
        raise FailedPrecondition(f"a {opportunity.kind.value} does not offer interest interviews")
    if opportunity.status is not Status.OPEN:
        raise FailedPrecondition(
            f"this team is not taking requests: it is {opportunity.status.value}"
        )
    if employee_id == opportunity.details.hiring_manager_id:
        raise FailedPrecondition("you host these interviews")
    existing = opportunity.interview_requests.get(employee_id)
    if existing is not None and existing.open:
        return existing, []
    entry = InterviewRequest(employee_id=employee_id, note=note, requested_at=now, updated_at=now)
    opportunity.interview_requests[employee_id] = entry
    opportunity.open_interview_requesters.append(employee_id)
    return entry, [InterestInterviewRequested(**_facts(opportunity, employee_id))]


def find(opportunity: Opportunity, employee_id: str) -> InterviewRequest:
    entry = opportunity.interview_requests.get(employee_id)
    if entry is None:
        raise NotFound(f"no interest-interview request from {employee_id}")
    return entry


def schedule(
    opportunity: Opportunity, employee_id: str, slot: datetime, now: datetime
) -> list[EventPayload]:
    entry = find(opportunity, employee_id)
    check_interview_move(entry.status, InterviewStatus.SCHEDULED)
    if slot not in opportunity.details.interview_slots:
        offered = ", ".join(s.isoformat() for s in opportunity.details.interview_slots)
        raise InvalidArgument(
            "not an offered slot", [FieldViolation("slot", f"must be one of: {offered}")]
        )
    taken = {
        r.slot
        for r in opportunity.interview_requests.values()
        if r.status is InterviewStatus.SCHEDULED
    }
    if slot in taken:
        raise FailedPrecondition(f"the slot {slot.isoformat()} is already taken")
    entry.status = InterviewStatus.SCHEDULED
    entry.slot = slot
    entry.updated_at = now
    return [InterestInterviewScheduled(**_facts(opportunity, employee_id), slot=slot)]


def decline(
    opportunity: Opportunity, employee_id: str, reason: str, now: datetime
) -> list[EventPayload]:
    entry = find(opportunity, employee_id)
    check_interview_move(entry.status, InterviewStatus.DECLINED)
    entry.status = InterviewStatus.DECLINED
    entry.decline_reason = reason
    entry.updated_at = now
    _close(opportunity, employee_id)
    return [InterestInterviewDeclined(**_facts(opportunity, employee_id), reason=reason)]


def complete(opportunity: Opportunity, employee_id: str, now: datetime) -> list[EventPayload]:
    entry = find(opportunity, employee_id)
    check_interview_move(entry.status, InterviewStatus.COMPLETED)
    entry.status = InterviewStatus.COMPLETED
    entry.updated_at = now
    _close(opportunity, employee_id)
    return [InterestInterviewCompleted(**_facts(opportunity, employee_id))]


def cancel(opportunity: Opportunity, employee_id: str, now: datetime) -> list[EventPayload]:
    entry = find(opportunity, employee_id)
    check_interview_move(entry.status, InterviewStatus.CANCELLED)
    entry.status = InterviewStatus.CANCELLED
    entry.updated_at = now
    _close(opportunity, employee_id)
    return []


def _close(opportunity: Opportunity, employee_id: str) -> None:
    if employee_id in opportunity.open_interview_requesters:
        opportunity.open_interview_requesters.remove(employee_id)
