"""The application pipeline, seats, confidentiality and releases inside one posting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from postings_builders import NOW, opportunity

from trellis_postings.domain import applying, lifecycle
from trellis_postings.domain.applications import AppStatus, legal_next
from trellis_postings.domain.confidentiality import DisclosurePoint
from trellis_postings.domain.opportunity import Kind, Status
from trellis_postings.domain.policy import PostingsPolicy
from trellis_postings.domain.release import add_working_days
from trellis_shared.contracts.postings import (
    ApplicationAccepted,
    ApplicationDisclosed,
    ApplicationStatusChanged,
    ApplicationSubmitted,
    OpportunityFilled,
    ReleaseApproved,
    ReleaseRequested,
)
from trellis_shared.errors import FailedPrecondition, PermissionDenied

pytestmark = pytest.mark.unit
POLICY = PostingsPolicy()
CHAIN = ["m1", "m2", "ceo"]


def _submit(
    posting,
    employee="e1",
    request="r1",
    confidential=False,
    chain=CHAIN,
    policy=POLICY,
    existing=None,
):  # type: ignore[no-untyped-def]
    return applying.submit(
        posting,
        existing,
        employee_id=employee,
        request_id=request,
        note="keen",
        confidential=confidential,
        chain=chain,
        now=NOW,
        policy=policy,
    )


def _move(posting, application, target, actor="hm", policy=POLICY):  # type: ignore[no-untyped-def]
    seat = []
    if target is AppStatus.ACCEPTED and actor == application.employee_id:
        # As the service does: the posting's seat first (its own write), then the application.
        seat = lifecycle.take_seat(posting, application.application_id, actor, NOW)
    return seat + applying.move(
        posting, application, target, actor=actor, chain_now=CHAIN, now=NOW, policy=policy
    )


def test_same_request_id_is_the_same_application_and_writes_nothing() -> None:
    posting = opportunity()
    first, events = _submit(posting)
    again, more = _submit(posting, existing=first)
    assert again is first
    assert [type(e) for e in events] == [ApplicationSubmitted]
    assert more == []


def test_a_second_active_application_is_refused_but_a_new_one_after_withdrawal_is_not() -> None:
    posting = opportunity()
    first, _ = _submit(posting)
    with pytest.raises(FailedPrecondition, match="already have an active application"):
        _submit(posting, request="r2", existing=first)
    _move(posting, first, AppStatus.WITHDRAWN, actor="e1")
    second, _ = _submit(posting, request="r3", existing=first)
    assert second.attempt == 2
    assert second.application_id == first.application_id


@pytest.mark.parametrize(
    ("kind", "message"),
    [(Kind.STRETCH, "bidding round"), (Kind.INTEREST_INTERVIEW, "interest interview")],
)
def test_stretch_and_interest_interviews_take_no_applications(kind: Kind, message: str) -> None:
    posting = opportunity(kind)
    with pytest.raises(FailedPrecondition, match=message):
        _submit(posting)


def test_closed_postings_and_passed_deadlines_take_no_applications() -> None:
    closed = opportunity(status=Status.CLOSED)
    with pytest.raises(FailedPrecondition, match="it is closed"):
        _submit(closed)
    late = opportunity(deadline=NOW - timedelta(minutes=1))
    with pytest.raises(FailedPrecondition, match="deadline has passed"):
        _submit(late)


def test_illegal_transitions_name_the_current_state() -> None:
    posting = opportunity()
    application, _ = _submit(posting)
    with pytest.raises(FailedPrecondition, match="is submitted; it cannot move to offered"):
        _move(posting, application, AppStatus.OFFERED)
    _move(posting, application, AppStatus.REJECTED)
    with pytest.raises(FailedPrecondition, match="is rejected"):
        _move(posting, application, AppStatus.SHORTLISTED)


def test_only_the_applicant_accepts_and_only_the_hiring_side_shortlists() -> None:
    posting = opportunity()
    application, _ = _submit(posting)
    with pytest.raises(PermissionDenied):
        _move(posting, application, AppStatus.SHORTLISTED, actor="e1")
    _move(posting, application, AppStatus.SHORTLISTED)
    _move(posting, application, AppStatus.OFFERED)
    with pytest.raises(PermissionDenied):
        _move(posting, application, AppStatus.ACCEPTED, actor="hm")


def test_pipeline_never_goes_back() -> None:
    for status in AppStatus:
        for target in legal_next(status):
            if target in (AppStatus.REJECTED, AppStatus.WITHDRAWN):
                continue
            assert list(AppStatus).index(target) > list(AppStatus).index(status)


def test_confidential_application_is_disclosed_at_the_offer_and_audited() -> None:
    posting = opportunity()
    application, events = _submit(posting, confidential=True)
    submitted = events[0]
    assert isinstance(submitted, ApplicationSubmitted)
    assert submitted.confidential
    assert submitted.hidden_from == CHAIN
    events = _move(posting, application, AppStatus.SHORTLISTED)
    assert not any(isinstance(e, ApplicationDisclosed) for e in events)
    assert application.disclosure is None
    events = _move(posting, application, AppStatus.OFFERED)
    disclosed = [e for e in events if isinstance(e, ApplicationDisclosed)]
    assert len(disclosed) == 1
    assert disclosed[0].disclosed_to == CHAIN
    changed = next(e for e in events if isinstance(e, ApplicationStatusChanged))
    assert changed.hidden_from == []
    assert application.disclosure is not None
    assert application.disclosure.stage is AppStatus.OFFERED
    assert application.disclosure.disclosed_to == CHAIN
    assert application.disclosed_at == NOW


@pytest.mark.parametrize(
    ("point", "stage"),
    [
        (DisclosurePoint.AT_SUBMIT, AppStatus.SUBMITTED),
        (DisclosurePoint.AT_SHORTLIST, AppStatus.SHORTLISTED),
        (DisclosurePoint.AT_OFFER, AppStatus.OFFERED),
    ],
)
def test_disclosure_point_follows_the_policy(point: DisclosurePoint, stage: AppStatus) -> None:
    policy = PostingsPolicy(disclosure_point=point)
    posting = opportunity()
    application, _ = _submit(posting, confidential=True, policy=policy)
    for target in (AppStatus.SHORTLISTED, AppStatus.OFFERED):
        if application.disclosed_at is None:
            _move(posting, application, target, policy=policy)
    assert application.disclosure is not None
    assert application.disclosure.stage is stage


def test_withdrawn_before_the_disclosure_point_is_never_disclosed() -> None:
    posting = opportunity()
    application, _ = _submit(posting, confidential=True)
    _move(posting, application, AppStatus.WITHDRAWN, actor="e1")
    assert application.disclosure is None
    assert application.disclosed_at is None


def test_confidential_application_to_someone_in_ones_chain_is_refused() -> None:
    posting = opportunity(hiring_manager_id="m2")
    with pytest.raises(FailedPrecondition, match="in your reporting chain"):
        _submit(posting, confidential=True)


def _offer(posting, employee):  # type: ignore[no-untyped-def]
    application, _ = _submit(posting, employee=employee, request=employee)
    _move(posting, application, AppStatus.SHORTLISTED)
    _move(posting, application, AppStatus.OFFERED)
    return application


def test_seats_are_never_overfilled_and_the_last_one_fills_the_posting() -> None:
    posting = opportunity(Kind.JOB, seats=2)
    offers = [_offer(posting, f"e{n}") for n in range(3)]
    _move(posting, offers[0], AppStatus.ACCEPTED, actor="e0")
    events = _move(posting, offers[1], AppStatus.ACCEPTED, actor="e1")
    assert any(isinstance(e, OpportunityFilled) for e in events)
    assert posting.status is Status.FILLED
    with pytest.raises(FailedPrecondition, match="all 2 seats are filled"):
        _move(posting, offers[2], AppStatus.ACCEPTED, actor="e2")
    assert len(posting.seat_holders) == 2


def test_an_acceptance_without_a_seat_held_on_the_posting_is_refused() -> None:
    posting = opportunity(Kind.JOB)
    application = _offer(posting, "e1")
    with pytest.raises(FailedPrecondition, match="all 1 seats are filled"):
        applying.move(
            posting,
            application,
            AppStatus.ACCEPTED,
            actor="e1",
            chain_now=CHAIN,
            now=NOW,
            policy=POLICY,
        )
    assert application.status is AppStatus.OFFERED


def test_a_seat_given_up_reopens_a_filled_posting() -> None:
    posting = opportunity(Kind.JOB)
    lifecycle.take_seat(posting, "opp-1:a1", "e1", NOW)
    assert posting.status is Status.FILLED
    assert lifecycle.give_up_seat(posting, "opp-1:a1")
    assert posting.status is Status.OPEN
    assert posting.seat_holders == {}
    assert lifecycle.give_up_seat(posting, "opp-1:a1") == []


def test_job_acceptance_is_announced_at_once() -> None:
    posting = opportunity(Kind.JOB)
    application = _offer(posting, "e1")
    events = _move(posting, application, AppStatus.ACCEPTED, actor="e1")
    assert any(isinstance(e, ApplicationAccepted) for e in events)
    assert application.release is None


def test_gig_acceptance_asks_the_manager_to_release_and_approval_announces_it() -> None:
    posting = opportunity(Kind.GIG)
    application = _offer(posting, "e1")
    events = _move(posting, application, AppStatus.ACCEPTED, actor="e1")
    requested = [e for e in events if isinstance(e, ReleaseRequested)]
    assert requested
    assert requested[0].manager_id == "m1"
    assert not any(isinstance(e, ApplicationAccepted) for e in events)
    assert application.release is not None
    assert application.release.manager_id == "m1"
    with pytest.raises(PermissionDenied):
        applying.approve_release(posting, application, "m2", NOW)
    events = applying.approve_release(posting, application, "m1", NOW)
    assert [type(e) for e in events] == [ReleaseApproved, ApplicationAccepted]
    assert applying.approve_release(posting, application, "m1", NOW) == []


def test_release_waits_five_working_days() -> None:
    friday = NOW + timedelta(days=4)
    assert add_working_days(NOW, 5) == NOW + timedelta(days=7)
    assert add_working_days(friday, 1) == friday + timedelta(days=3)
    assert add_working_days(friday, 0) == friday


def test_editing_seats_below_those_filled_is_refused() -> None:
    posting = opportunity(Kind.JOB, seats=2)
    _move(posting, _offer(posting, "e1"), AppStatus.ACCEPTED, actor="e1")
    with pytest.raises(FailedPrecondition, match="seats cannot go below"):
        lifecycle.edit(posting, posting.details.model_copy(update={"seats": 0}))
