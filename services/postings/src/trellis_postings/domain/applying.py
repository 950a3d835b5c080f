"""Applying and moving an application through the pipeline.

An application is its own aggregate; its posting is read here, never changed
(the posting's seat is claimed by its own write before an acceptance, see
`lifecycle.take_seat`). Each function changes the application in memory and
returns the events the change raises; the caller saves both in one
version-checked write of the application's document.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from trellis_postings.domain.applications import (
    Application,
    AppStatus,
    ManagerNote,
    Release,
    ReleaseStatus,
    StatusChange,
    check_transition,
)
from trellis_postings.domain.confidentiality import Disclosure, reaches_disclosure
from trellis_postings.domain.opportunity import (
    APPLICABLE_KINDS,
    RELEASE_KINDS,
    Kind,
    Opportunity,
)
from trellis_postings.domain.policy import PostingsPolicy
from trellis_postings.domain.published import application_facts, demonstrated_skills
from trellis_postings.domain.release import add_working_days
from trellis_shared.contracts.postings import (
    ApplicationAccepted,
    ApplicationDisclosed,
    ApplicationStatusChanged,
    ApplicationSubmitted,
    ReleaseApproved,
    ReleaseRequested,
)
from trellis_shared.errors import FailedPrecondition, NotFound, PermissionDenied
from trellis_shared.events import EventPayload

AUTO_APPROVER = "auto"


def application_id_for(opportunity_id: str, employee_id: str) -> str:
    """One id per person and posting, so a second active application cannot
    exist; it names its posting, so a lookup needs no index."""
    digest = hashlib.sha256(f"{opportunity_id}\x00{employee_id}".encode()).hexdigest()
    return f"{opportunity_id}:a{digest[:16]}"


def opportunity_of(application_id: str) -> str:
    opportunity_id, separator, _ = application_id.rpartition(":a")
    if not separator or not opportunity_id:
        raise NotFound(f"application {application_id} not found")
    return opportunity_id


def submit(
    opportunity: Opportunity,
    existing: Application | None = None,
    *,
    employee_id: str,
    request_id: str,
    note: str,
    confidential: bool,
    chain: list[str],
    now: datetime,
    policy: PostingsPolicy,
) -> tuple[Application, list[EventPayload]]:
    """Apply, or return the application this request id already made."""
    application_id = application_id_for(opportunity.opportunity_id, employee_id)
    if existing is not None and existing.request_id == request_id:
        return existing, []
    if existing is not None and existing.active:
        raise FailedPrecondition(
            f"you already have an active application ({application_id}, {existing.status.value})"
        )
    if opportunity.kind not in APPLICABLE_KINDS:
        how = (
            "bid for it in a bidding round"
            if opportunity.kind is Kind.STRETCH
            else "request an interest interview instead"
        )
        raise FailedPrecondition(f"nobody applies to a {opportunity.kind.value}: {how}")
    if employee_id == opportunity.details.hiring_manager_id:
        raise FailedPrecondition("you cannot apply to your own posting")
    if not opportunity.accepting_applications(now):
        reason = (
            "its application deadline has passed"
            if opportunity.status.value == "open"
            else f"it is {opportunity.status.value}"
        )
        raise FailedPrecondition(f"this opportunity takes no applications: {reason}")
    if confidential and opportunity.details.hiring_manager_id in chain:
        raise FailedPrecondition(
            "the hiring manager is in your reporting chain, so this application "
            "cannot be kept from them; apply without confidentiality or talk to HR"
        )
    application = Application(
        application_id=application_id,
        opportunity_id=opportunity.opportunity_id,
        employee_id=employee_id,
        request_id=request_id,
        attempt=existing.attempt + 1 if existing else 1,
        note=note,
        confidential=confidential,
        submitted_at=now,
        updated_at=now,
        history=[StatusChange(status=AppStatus.SUBMITTED, at=now, by=employee_id)],
        chain_at_submit=chain if confidential else [],
    )
    events: list[EventPayload] = []
    events += _disclose_if_due(opportunity, application, chain, now, policy, employee_id)
    events.insert(0, ApplicationSubmitted(**application_facts(opportunity, application, chain)))
    return application, events


def move(
    opportunity: Opportunity,
    application: Application,
    target: AppStatus,
    *,
    actor: str,
    chain_now: list[str],
    now: datetime,
    policy: PostingsPolicy,
) -> list[EventPayload]:
    """A pipeline move by the applicant (withdraw, accept, decline) or the hiring side."""
    by_applicant = actor == application.employee_id
    check_transition(application.status, target, by_applicant=by_applicant)
    events: list[EventPayload] = []
    if target is AppStatus.ACCEPTED:
        events += _accept(opportunity, application, chain_now, now, policy)
    previous = application.status
    application.status = target
    application.updated_at = now
    application.history.append(StatusChange(status=target, at=now, by=actor))
    disclosed = _disclose_if_due(opportunity, application, chain_now, now, policy, actor)
    changed = ApplicationStatusChanged(
        **application_facts(opportunity, application, chain_now),
        previous_status=previous.value,
        status=target.value,
    )
    return [*disclosed, changed, *events]


def _accept(
    opportunity: Opportunity,
    application: Application,
    chain_now: list[str],
    now: datetime,
    policy: PostingsPolicy,
) -> list[EventPayload]:
    # The seat is the posting's: the caller claimed it with its own write first.
    if application.application_id not in opportunity.seat_holders:
        raise FailedPrecondition(f"all {opportunity.details.seats} seats are filled")
    if opportunity.kind not in RELEASE_KINDS:
        return [_accepted(opportunity, application)]
    manager_id = chain_now[0] if chain_now else ""
    application.release = Release(
        manager_id=manager_id,
        requested_at=now,
        due_at=add_working_days(now, policy.release_wait_working_days),
    )
    if not manager_id:  # nobody above them: nothing to release
        return approve_release(opportunity, application, AUTO_APPROVER, now)
    requested = ReleaseRequested(
        application_id=application.application_id,
        opportunity_id=opportunity.opportunity_id,
        employee_id=application.employee_id,
        manager_id=manager_id,
        share_pct=opportunity.details.share_pct,
        due_at=application.release.due_at,
    )
    return [requested]


def approve_release(
    opportunity: Opportunity, application: Application, approver: str, now: datetime
) -> list[EventPayload]:
    release = application.release
    if release is None:
        raise FailedPrecondition("this application has no release to approve")
    if release.status is ReleaseStatus.APPROVED:
        return []
    if approver not in (AUTO_APPROVER, release.manager_id):
        raise PermissionDenied("only the applicant's manager may release their time")
    release.status = ReleaseStatus.APPROVED
    release.decided_at = now
    release.decided_by = approver
    approved = ReleaseApproved(
        application_id=application.application_id,
        opportunity_id=opportunity.opportunity_id,
        employee_id=application.employee_id,
        manager_id=release.manager_id,
        approved_by=approver,
    )
    return [approved, _accepted(opportunity, application)]


def _accepted(opportunity: Opportunity, application: Application) -> ApplicationAccepted:
    details = opportunity.details
    kind = opportunity.kind.value
    assert kind in ("job", "gig", "secondment")  # only these take applications
    return ApplicationAccepted(
        application_id=application.application_id,
        opportunity_id=opportunity.opportunity_id,
        kind=kind,
        employee_id=application.employee_id,
        title=details.title,
        share_pct=details.share_pct,
        starts_on=details.starts_on,
        ends_on=details.ends_on,
        skills=demonstrated_skills(opportunity),
        attempt=application.attempt,
    )


def add_manager_note(application: Application, author: str, text: str, now: datetime) -> None:
    application.manager_notes.append(ManagerNote(at=now, by=author, text=text))


def _disclose_if_due(
    opportunity: Opportunity,
    application: Application,
    chain_now: list[str],
    now: datetime,
    policy: PostingsPolicy,
    actor: str,
) -> list[EventPayload]:
    if not application.confidential or application.disclosed_at is not None:
        return []
    if not reaches_disclosure(application.status, policy.disclosure_point):
        return []
    disclosed_to = list(dict.fromkeys([*application.chain_at_submit, *chain_now]))
    application.disclosed_at = now
    application.disclosure = Disclosure(
        application_id=application.application_id,
        employee_id=application.employee_id,
        disclosed_to=disclosed_to,
        point=policy.disclosure_point,
        stage=application.status,
        at=now,
        triggered_by=actor,
    )
    return [
        ApplicationDisclosed(
            **application_facts(opportunity, application, chain_now),
            disclosed_to=disclosed_to,
            disclosure_point=policy.disclosure_point.value,
        )
    ]
