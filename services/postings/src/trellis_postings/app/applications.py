"""Application use cases: apply, move through the pipeline, notes, releases, lists.

Confidentiality is decided here with the applicant's chain: asked from profiles
when they apply (authoritative), and read from the local read model when someone
looks (so a re-organisation since then only hides more).
"""

from __future__ import annotations

from dataclasses import dataclass

from trellis_postings.app.changes import Changes, Clock
from trellis_postings.app.ports import ProfileDirectory, Stored
from trellis_postings.domain import access, applying
from trellis_postings.domain.applications import Application, AppStatus
from trellis_postings.domain.confidentiality import Disclosure, is_hidden_from
from trellis_postings.domain.opportunity import RELEASE_KINDS, Opportunity
from trellis_postings.domain.policy import PostingsPolicy
from trellis_shared.errors import FailedPrecondition, NotFound, PermissionDenied
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal


@dataclass(frozen=True)
class Seen:
    """An application with its posting, as one viewer may see it."""

    opportunity: Opportunity
    application: Application
    hiring_side: bool


class Applications:
    def __init__(
        self, changes: Changes, directory: ProfileDirectory, policy: PostingsPolicy, clock: Clock
    ) -> None:
        self._changes = changes
        self._directory = directory
        self._policy = policy
        self._clock = clock

    async def submit(
        self,
        viewer: Principal,
        opportunity_id: str,
        *,
        request_id: str,
        note: str,
        confidential: bool,
    ) -> Seen:
        current = await self._changes.load(opportunity_id)
        access.require_visible(viewer, current.opportunity)
        chain = await self._directory.reporting_chain(viewer.subject)
        application_id = applying.application_id_for(opportunity_id, viewer.subject)

        def change(opportunity: Opportunity) -> list[EventPayload]:
            _, events = applying.submit(
                opportunity,
                employee_id=viewer.subject,
                request_id=request_id,
                note=note,
                confidential=confidential,
                chain=chain,
                now=self._clock(),
                policy=self._policy,
            )
            return events

        stored = await self._changes.apply(opportunity_id, change)
        return Seen(stored.opportunity, stored.opportunity.applications[application_id], False)

    async def get(self, viewer: Principal, application_id: str) -> Seen:
        stored = await self._changes.load(applying.opportunity_of(application_id))
        return self._seen_or_not_found(viewer, stored.opportunity, application_id)

    def _seen_or_not_found(
        self, viewer: Principal, opportunity: Opportunity, application_id: str
    ) -> Seen:
        application = opportunity.applications.get(application_id)
        if application is None or not access.may_see_application(
            viewer, opportunity, application, self._directory.known_chain(application.employee_id)
        ):
            # Hidden and absent look the same: a hidden application does not exist.
            raise NotFound(f"application {application_id} not found")
        return Seen(opportunity, application, access.sees_hiring_side(viewer, opportunity))

    async def move(
        self, viewer: Principal, application_id: str, target: AppStatus, note: str = ""
    ) -> Seen:
        opportunity_id = applying.opportunity_of(application_id)
        seen = await self.get(viewer, application_id)
        applicant = seen.application.employee_id
        if viewer.subject != applicant and not seen.hiring_side:
            raise PermissionDenied("only the applicant or the hiring side may move an application")
        if viewer.subject != applicant and target in (AppStatus.ACCEPTED, AppStatus.DECLINED):
            raise PermissionDenied("only the applicant accepts or declines an offer")
        chain_now = await self._directory.reporting_chain(applicant)
        if target is AppStatus.ACCEPTED:
            await self._check_ledger(seen.opportunity, applicant)
        actor = viewer.subject

        def change(opportunity: Opportunity) -> list[EventPayload]:
            application = applying.get_application(opportunity, application_id)
            events = applying.move(
                opportunity,
                application,
                target,
                actor=actor,
                chain_now=chain_now,
                now=self._clock(),
                policy=self._policy,
            )
            if note and seen.hiring_side and actor != applicant:
                applying.add_manager_note(application, actor, note, self._clock())
            return events

        stored = await self._changes.apply(opportunity_id, change)
        return self._seen_or_not_found(viewer, stored.opportunity, application_id)

    async def _check_ledger(self, opportunity: Opportunity, employee_id: str) -> None:
        details = opportunity.details
        if opportunity.kind not in RELEASE_KINDS or not details.starts_on or not details.ends_on:
            return
        answer = await self._directory.check_commitment(
            employee_id,
            opportunity.kind.value,
            details.share_pct,
            details.starts_on,
            details.ends_on,
        )
        if not answer.fits:
            raise FailedPrecondition(f"the time does not fit: {answer.reason}")

    async def add_note(self, viewer: Principal, application_id: str, text: str) -> Seen:
        seen = await self.get(viewer, application_id)
        if not seen.hiring_side:
            raise PermissionDenied("only the hiring side keeps notes on an application")

        def change(opportunity: Opportunity) -> list[EventPayload]:
            application = applying.get_application(opportunity, application_id)
            applying.add_manager_note(application, viewer.subject, text, self._clock())
            return []

        stored = await self._changes.apply(seen.opportunity.opportunity_id, change)
        return self._seen_or_not_found(viewer, stored.opportunity, application_id)

    async def approve_release(self, viewer: Principal, application_id: str) -> Seen:
        """The applicant's manager releases the time (hr_admin may do it for them)."""
        stored = await self._changes.load(applying.opportunity_of(application_id))
        application = stored.opportunity.applications.get(application_id)
        if application is None or not (
            self._release_waits_on(viewer, application)
            or (viewer.has_role("hr_admin") and application.release is not None)
        ):
            raise NotFound(f"no release for application {application_id} waits on you")
        assert application.release is not None
        approver = application.release.manager_id

        def change(opportunity: Opportunity) -> list[EventPayload]:
            target = applying.get_application(opportunity, application_id)
            return applying.approve_release(opportunity, target, approver, self._clock())

        saved = await self._changes.apply(stored.opportunity.opportunity_id, change)
        return Seen(
            saved.opportunity,
            saved.opportunity.applications[application_id],
            access.sees_hiring_side(viewer, saved.opportunity),
        )

    async def mine(self, viewer: Principal) -> list[Seen]:
        found = await self._changes.repository.applied_by(viewer.subject)
        return [
            Seen(s.opportunity, a, False)
            for s in found
            for a in s.opportunity.applications.values()
            if a.employee_id == viewer.subject
        ]

    async def for_opportunity(self, viewer: Principal, opportunity_id: str) -> list[Seen]:
        stored = await self._changes.load(opportunity_id)
        access.require_manager(viewer, stored.opportunity)
        return self._visible(viewer, stored)

    def _visible(self, viewer: Principal, stored: Stored) -> list[Seen]:
        opportunity = stored.opportunity
        return [
            Seen(opportunity, application, True)
            for application in opportunity.applications.values()
            if access.may_see_application(
                viewer,
                opportunity,
                application,
                self._directory.known_chain(application.employee_id),
            )
        ]

    async def releases_waiting(self, viewer: Principal) -> list[Seen]:
        """Release requests that wait on the viewer as the applicant's manager."""
        found = await self._changes.repository.releases_waiting_on(viewer.subject)
        return [
            Seen(s.opportunity, a, False)
            for s in found
            for a in s.opportunity.applications.values()
            if self._release_waits_on(viewer, a)
        ]

    def _release_waits_on(self, viewer: Principal, application: Application) -> bool:
        release = application.release
        if release is None or release.manager_id != viewer.subject:
            return False
        # Releases follow an accepted offer, past every disclosure point; the
        # check stays so a future policy cannot turn this into a leak.
        return not is_hidden_from(
            viewer.subject,
            confidential=application.confidential,
            disclosed=application.disclosed_at is not None,
            chain_at_submit=application.chain_at_submit,
            chain_now=self._directory.known_chain(application.employee_id),
        )

    async def audit_log(self, viewer: Principal) -> list[tuple[Opportunity, Disclosure]]:
        """Every disclosure of a confidential application, newest first (hr_admin)."""
        if not viewer.has_role("hr_admin"):
            raise PermissionDenied("the confidentiality audit log is for hr_admin")
        found = await self._changes.repository.with_disclosures()
        entries = [(s.opportunity, d) for s in found for d in s.opportunity.disclosures]
        return sorted(entries, key=lambda item: item[1].at, reverse=True)
