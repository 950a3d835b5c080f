"""Interest interviews in a posting, and what the passage of time does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from postings_builders import NOW, opportunity

from trellis_postings.domain import applying, interviewing, lifecycle, timekeeping
from trellis_postings.domain.applications import AppStatus, ReleaseStatus
from trellis_postings.domain.interviews import InterviewStatus
from trellis_postings.domain.opportunity import Kind, Status
from trellis_postings.domain.policy import PostingsPolicy
from trellis_shared.contracts.postings import (
    ApplicationAccepted,
    InterestInterviewCompleted,
    InterestInterviewRequested,
    InterestInterviewScheduled,
    OpportunityClosed,
    ReleaseApproved,
    SecondmentEnded,
    SecondmentStarted,
    WorkCompleted,
)
from trellis_shared.errors import FailedPrecondition, InvalidArgument

pytestmark = pytest.mark.unit


def test_interest_interview_request_schedule_complete() -> None:
    posting = opportunity(Kind.INTEREST_INTERVIEW)
    slot = posting.details.interview_slots[0]
    entry, events = interviewing.request(posting, "e1", "curious", NOW)
    assert [type(e) for e in events] == [InterestInterviewRequested]
    assert interviewing.request(posting, "e1", "again", NOW) == (entry, [])
    assert posting.open_interview_requesters == ["e1"]
    with pytest.raises(InvalidArgument):
        interviewing.schedule(posting, "e1", slot + timedelta(minutes=5), NOW)
    events = interviewing.schedule(posting, "e1", slot, NOW)
    assert isinstance(events[0], InterestInterviewScheduled)
    assert events[0].slot == slot
    interviewing.request(posting, "e2", "", NOW)
    with pytest.raises(FailedPrecondition, match="already taken"):
        interviewing.schedule(posting, "e2", slot, NOW)
    events = interviewing.complete(posting, "e1", NOW)
    assert [type(e) for e in events] == [InterestInterviewCompleted]
    assert posting.open_interview_requesters == ["e2"]
    with pytest.raises(FailedPrecondition, match="is completed"):
        interviewing.decline(posting, "e1", "no", NOW)


def test_interest_interviews_only_on_open_interest_interview_postings() -> None:
    with pytest.raises(FailedPrecondition, match="does not offer"):
        interviewing.request(opportunity(Kind.GIG), "e1", "", NOW)
    closed = opportunity(Kind.INTEREST_INTERVIEW, status=Status.CLOSED)
    with pytest.raises(FailedPrecondition, match="not taking requests"):
        interviewing.request(closed, "e1", "", NOW)


def test_deadline_closes_the_posting() -> None:
    posting = opportunity(deadline=NOW + timedelta(hours=1))
    assert timekeeping.due_changes(posting, NOW) == []
    events = timekeeping.due_changes(posting, NOW + timedelta(hours=1))
    assert [type(e) for e in events] == [OpportunityClosed]
    assert posting.status is Status.CLOSED


def _accepted_secondment():  # type: ignore[no-untyped-def]
    posting = opportunity(
        Kind.SECONDMENT, starts_on=date(2026, 12, 7), ends_on=date(2027, 3, 5), deadline=None
    )
    application, _ = applying.submit(
        posting,
        employee_id="e1",
        request_id="r",
        note="",
        confidential=False,
        chain=["m1"],
        now=NOW,
        policy=PostingsPolicy(),
    )
    for target, actor in (
        (AppStatus.SHORTLISTED, "hm"),
        (AppStatus.OFFERED, "hm"),
        (AppStatus.ACCEPTED, "e1"),
    ):
        if target is AppStatus.ACCEPTED:
            lifecycle.take_seat(posting, application.application_id, "e1", NOW)
        applying.move(
            posting,
            application,
            target,
            actor=actor,
            chain_now=["m1"],
            now=NOW,
            policy=PostingsPolicy(),
        )
    return posting, application


def test_unanswered_release_approves_itself_after_the_waiting_period() -> None:
    posting, application = _accepted_secondment()
    assert not timekeeping.time_is_done_with(posting, application)
    assert application.release is not None
    before_due = application.release.due_at - timedelta(seconds=1)
    assert timekeeping.due_application_changes(posting, application, before_due) == []
    events = timekeeping.due_application_changes(posting, application, application.release.due_at)
    assert [type(e) for e in events] == [ReleaseApproved, ApplicationAccepted]
    assert application.release.status is ReleaseStatus.APPROVED
    assert application.release.decided_by == "auto"


def test_secondment_starts_and_ends_with_history_events() -> None:
    posting, application = _accepted_secondment()
    assert application.release is not None
    timekeeping.due_application_changes(posting, application, application.release.due_at)
    start = NOW.replace(year=2026, month=12, day=7)
    events = timekeeping.due_application_changes(posting, application, start)
    assert [type(e) for e in events] == [SecondmentStarted]
    assert timekeeping.due_application_changes(posting, application, start) == []
    assert not timekeeping.time_is_done_with(posting, application)
    end = NOW.replace(year=2027, month=3, day=6)
    events = timekeeping.due_application_changes(posting, application, end)
    assert [type(e) for e in events] == [SecondmentEnded, WorkCompleted]
    assert timekeeping.time_is_done_with(posting, application)
    assert timekeeping.due_application_changes(posting, application, end) == []


def test_interview_cancel_frees_the_quota_slot() -> None:
    posting = opportunity(Kind.INTEREST_INTERVIEW)
    interviewing.request(posting, "e1", "", NOW)
    interviewing.cancel(posting, "e1", NOW)
    assert posting.open_interview_requesters == []
    assert posting.interview_requests["e1"].status is InterviewStatus.CANCELLED
