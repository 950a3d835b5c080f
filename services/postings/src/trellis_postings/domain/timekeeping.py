"""What the passage of time does (run by the service's periodic sweep): a posting
closes at its deadline; an accepted application's release nobody answered
approves itself, and its work starts and ends.
"""

from __future__ import annotations

from datetime import datetime

from trellis_postings.domain import lifecycle
from trellis_postings.domain.applications import Application, AppStatus, ReleaseStatus
from trellis_postings.domain.applying import AUTO_APPROVER, approve_release
from trellis_postings.domain.opportunity import Kind, Opportunity
from trellis_postings.domain.published import demonstrated_skills
from trellis_shared.contracts.postings import SecondmentEnded, SecondmentStarted, WorkCompleted
from trellis_shared.events import EventPayload


def due_changes(opportunity: Opportunity, now: datetime) -> list[EventPayload]:
    """What time does to the posting itself: it closes at its deadline."""
    return lifecycle.close_if_past_deadline(opportunity, now)


def due_application_changes(
    opportunity: Opportunity, application: Application, now: datetime
) -> list[EventPayload]:
    """What time does to an accepted application: the release nobody answered
    approves itself, then the work starts and ends."""
    events: list[EventPayload] = []
    release = application.release
    if release is not None and release.status is ReleaseStatus.REQUESTED and release.due_at <= now:
        events += approve_release(opportunity, application, AUTO_APPROVER, now)
    events += _work_progress(opportunity, application, now)
    return events


def time_is_done_with(opportunity: Opportunity, application: Application) -> bool:
    """Nothing more will happen to it by the clock (the sweep may forget it)."""
    if not application.active and application.status is not AppStatus.ACCEPTED:
        return True
    if application.status is not AppStatus.ACCEPTED:
        return False
    if opportunity.kind not in (Kind.GIG, Kind.SECONDMENT) or opportunity.details.starts_on is None:
        return application.release is None or application.release.status is ReleaseStatus.APPROVED
    return application.work_ended or (
        opportunity.details.ends_on is None and application.work_started
    )


def _work_progress(
    opportunity: Opportunity, application: Application, now: datetime
) -> list[EventPayload]:
    details = opportunity.details
    released = (
        application.release is not None and application.release.status is ReleaseStatus.APPROVED
    )
    if application.status is not AppStatus.ACCEPTED or not released:
        return []
    if opportunity.kind not in (Kind.GIG, Kind.SECONDMENT) or details.starts_on is None:
        return []
    today = now.date()
    events: list[EventPayload] = []
    if not application.work_started and details.starts_on <= today:
        application.work_started = True
        if opportunity.kind is Kind.SECONDMENT and details.secondment is not None:
            events.append(
                SecondmentStarted(
                    opportunity_id=opportunity.opportunity_id,
                    employee_id=application.employee_id,
                    host_team=details.secondment.host_team,
                    home_team=details.secondment.home_team,
                    starts_on=details.starts_on,
                    return_on=details.secondment.return_on,
                )
            )
    end = details.ends_on
    if application.work_started and not application.work_ended and end is not None and end < today:
        application.work_ended = True
        if opportunity.kind is Kind.SECONDMENT:
            events.append(
                SecondmentEnded(
                    opportunity_id=opportunity.opportunity_id,
                    employee_id=application.employee_id,
                    ended_on=end,
                )
            )
        events.append(
            WorkCompleted(
                opportunity_id=opportunity.opportunity_id,
                kind=opportunity.kind.value,
                employee_id=application.employee_id,
                title=details.title,
                completed_on=end,
                skills_demonstrated=demonstrated_skills(opportunity),
            )
        )
    return events
