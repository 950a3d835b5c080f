"""Application use cases: apply, move through the pipeline, notes, releases, lists.

Each application is its own document (id derived from posting and person), so
a posting with thousands of applicants stays small and fast; the posting keeps
only its seats. Lists come from small documents found by `_id`
(`application_lists`): the id goes on a list before the application is
written, so a crash can leave a list naming an application that does not
exist (skipped when read), never an application missing from its lists.

Confidentiality is decided here with the applicant's chain: asked from profiles
when they apply (authoritative), and read from the local read model when someone
looks (so a re-organisation since then only hides more).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from trellis_postings.app import application_lists as lists_of
from trellis_postings.app.application_writes import ApplicationWrites
from trellis_postings.app.changes import Changes, Clock
from trellis_postings.app.ports import ProfileDirectory, StoredApplication, TimePromise
from trellis_postings.domain import access, applying, lifecycle
from trellis_postings.domain.applications import (
    Application,
    AppStatus,
    ReleaseStatus,
    check_transition,
)
from trellis_postings.domain.confidentiality import Disclosure, is_hidden_from
from trellis_postings.domain.opportunity import RELEASE_KINDS, Opportunity
from trellis_postings.domain.policy import PostingsPolicy
from trellis_shared.contracts.promises import application_promise
from trellis_shared.errors import FailedPrecondition, NotFound, PermissionDenied, TrellisError
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
        self,
        changes: Changes,
        writes: ApplicationWrites,
        directory: ProfileDirectory,
        policy: PostingsPolicy,
        clock: Clock,
    ) -> None:
        self._changes = changes
        self._writes = writes
        self._lists = writes.lists
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
        employee_id = viewer.subject
        application_id = applying.application_id_for(opportunity_id, employee_id)
        # Side by side: the chain is asked even when the reads end the request
        # (a retry, a hidden posting), which is rare; every submit saves a wait.
        current, known, chain = await asyncio.gather(
            self._changes.load(opportunity_id),
            self._writes.repository.get(application_id),
            self._directory.reporting_chain(employee_id),
        )
        posting = current.opportunity
        access.require_visible(viewer, posting)
        previous = known.application if known else None
        if previous is not None and previous.request_id == request_id:
            return Seen(posting, previous, False)  # a retry: the first result, nothing written

        def decide(existing: Application | None) -> tuple[Application, list[EventPayload]]:
            application, events = applying.submit(
                posting,
                existing,
                employee_id=employee_id,
                request_id=request_id,
                note=note,
                confidential=confidential,
                chain=chain,
                now=self._clock(),
                policy=self._policy,
            )
            return application, events

        try:
            decide(previous)  # refused here, nothing goes on a list
            entry = lists_of.summary_before_write(employee_id, confidential, chain, previous)
            await asyncio.gather(
                self._lists.add(
                    lists_of.posting_list(opportunity_id, application_id), application_id, entry
                ),
                self._lists.add(lists_of.person_list(employee_id), application_id, {}),
            )
            saved = await self._writes.decide(application_id, decide, read=known)
        except FailedPrecondition:
            if previous is None:
                await self._forget_unwritten(opportunity_id, application_id, employee_id)
            raise
        if previous is not None or saved.application.disclosed_at is not None:
            # The summary hid more while the write was in flight (the older
            # application's confidentiality); now it can say exactly what is stored.
            await self._lists.add(
                lists_of.posting_list(opportunity_id, application_id),
                application_id,
                lists_of.summary_of(saved.application),
            )
        return Seen(posting, saved.application, False)

    async def _forget_unwritten(
        self, opportunity_id: str, application_id: str, employee_id: str
    ) -> None:
        """A refused submit takes its id off the lists when no application exists:
        an earlier attempt of the same request may have died (or met a database
        outage) between the lists and the write, and the client's retry is now
        refused (the seats went meanwhile). The posting's count reads the lists,
        so the id must not stay there (found by the fault suite)."""
        if await self._writes.repository.get(application_id) is not None:
            return
        await asyncio.gather(
            self._lists.remove(
                lists_of.posting_list(opportunity_id, application_id), application_id
            ),
            self._lists.remove(lists_of.person_list(employee_id), application_id),
        )

    async def _note_disclosure(self, application: Application) -> None:
        """Tell the posting's list that its summary may now show the application."""
        if application.disclosed_at is not None:
            await self._lists.add(
                lists_of.posting_list(application.opportunity_id, application.application_id),
                application.application_id,
                lists_of.summary_of(application),
            )

    async def get(self, viewer: Principal, application_id: str) -> Seen:
        opportunity_id = applying.opportunity_of(application_id)
        posting, stored = await asyncio.gather(
            self._changes.repository.get(opportunity_id),
            self._writes.repository.get(application_id),
        )
        if posting is None or stored is None:
            raise NotFound(f"application {application_id} not found")
        return self._seen_or_not_found(viewer, posting.opportunity, stored.application)

    def _seen_or_not_found(
        self, viewer: Principal, opportunity: Opportunity, application: Application
    ) -> Seen:
        if not access.may_see_application(
            viewer, opportunity, application, self._directory.known_chain(application.employee_id)
        ):
            # Hidden and absent look the same: a hidden application does not exist.
            raise NotFound(f"application {application.application_id} not found")
        return Seen(opportunity, application, access.sees_hiring_side(viewer, opportunity))

    async def move(
        self, viewer: Principal, application_id: str, target: AppStatus, note: str = ""
    ) -> Seen:
        seen = await self.get(viewer, application_id)
        applicant = seen.application.employee_id
        if viewer.subject != applicant and not seen.hiring_side:
            raise PermissionDenied("only the applicant or the hiring side may move an application")
        if viewer.subject != applicant and target in (AppStatus.ACCEPTED, AppStatus.DECLINED):
            raise PermissionDenied("only the applicant accepts or declines an offer")
        chain_now = await self._directory.reporting_chain(applicant)
        posting = seen.opportunity
        if target is AppStatus.ACCEPTED:
            check_transition(seen.application.status, target, by_applicant=True)
            posting = await self._claim_seat(posting, seen.application, chain_now)
        actor = viewer.subject

        def change(application: Application) -> list[EventPayload]:
            events = applying.move(
                posting,
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

        try:
            saved = await self._writes.change(application_id, change)
        except TrellisError:
            if target is AppStatus.ACCEPTED:
                await self.give_back_seat_unless_accepted(posting.opportunity_id, application_id)
            raise
        await self._note_disclosure(saved.application)
        return self._seen_or_not_found(viewer, posting, saved.application)

    async def _claim_seat(
        self, posting: Opportunity, application: Application, chain_now: list[str]
    ) -> Opportunity:
        """Reserve the applicant's time in the profiles ledger, then hold a seat on
        the posting (one conditional write: never more than its seats, across
        replicas), both before the application says "accepted". The sweep list
        names it first, so a crash in between is finished or undone later."""
        application_id = application.application_id
        await self._lists.add(lists_of.SWEEP, application_id, {})
        if posting.kind in RELEASE_KINDS and chain_now:
            await self._lists.add(lists_of.release_list(chain_now[0]), application_id, {})
        await self._reserve_time(posting, application)
        try:
            stored = await self._changes.apply(
                posting.opportunity_id,
                lambda o: lifecycle.take_seat(
                    o, application_id, application.employee_id, self._clock()
                ),
            )
        except TrellisError:
            await self.give_back_seat_unless_accepted(posting.opportunity_id, application_id)
            raise
        return stored.opportunity

    async def give_back_seat_unless_accepted(
        self, opportunity_id: str, application_id: str
    ) -> None:
        """An acceptance that claimed a seat and reserved time did not happen:
        both are free again (the applicant may still accept later)."""
        stored = await self._writes.repository.get(application_id)
        if stored is not None and stored.application.status is AppStatus.ACCEPTED:
            return
        await self._changes.apply(
            opportunity_id, lambda o: lifecycle.give_up_seat(o, application_id)
        )
        if stored is not None:
            await self.undo_time(stored.application)

    async def undo_time(self, application: Application) -> None:
        """Free the time an acceptance that did not happen reserved (idempotent)."""
        await self._directory.undo_reservation(
            application.employee_id,
            application_promise(application.application_id, application.attempt),
        )

    async def _reserve_time(self, opportunity: Opportunity, application: Application) -> None:
        """The time is promised the moment the offer is accepted, so it is taken
        then, in profiles, which owns the sum: of two acceptances that together
        need more than is free, exactly one gets it, whichever replica serves it."""
        details = opportunity.details
        if opportunity.kind not in RELEASE_KINDS or not details.starts_on or not details.ends_on:
            return
        promise = TimePromise(
            key=application_promise(application.application_id, application.attempt),
            kind=opportunity.kind.value,
            reference=opportunity.opportunity_id,
            share_pct=details.share_pct,
            starts_on=details.starts_on,
            ends_on=details.ends_on,
        )
        answer = await self._directory.reserve_time(application.employee_id, promise)
        if not answer.granted:
            raise FailedPrecondition(f"the time does not fit: {answer.reason}")

    async def add_note(self, viewer: Principal, application_id: str, text: str) -> Seen:
        seen = await self.get(viewer, application_id)
        if not seen.hiring_side:
            raise PermissionDenied("only the hiring side keeps notes on an application")

        def change(application: Application) -> list[EventPayload]:
            applying.add_manager_note(application, viewer.subject, text, self._clock())
            return []

        saved = await self._writes.change(application_id, change)
        return self._seen_or_not_found(viewer, seen.opportunity, saved.application)

    async def approve_release(self, viewer: Principal, application_id: str) -> Seen:
        """The applicant's manager releases the time (hr_admin may do it for them)."""
        opportunity_id = applying.opportunity_of(application_id)
        stored = await self._writes.repository.get(application_id)
        application = stored.application if stored else None
        if application is None or not (
            self._release_waits_on(viewer, application)
            or (viewer.has_role("hr_admin") and application.release is not None)
        ):
            raise NotFound(f"no release for application {application_id} waits on you")
        assert application.release is not None
        approver = application.release.manager_id
        posting = (await self._changes.load(opportunity_id)).opportunity
        saved = await self._writes.change(
            application_id,
            lambda a: applying.approve_release(posting, a, approver, self._clock()),
        )
        await self._lists.remove(lists_of.release_list(approver), application_id)
        return Seen(posting, saved.application, access.sees_hiring_side(viewer, posting))

    async def _with_postings(self, found: Sequence[StoredApplication]) -> list[Seen]:
        ids = sorted({s.application.opportunity_id for s in found})
        postings = await asyncio.gather(*(self._changes.repository.get(i) for i in ids))
        by_id = {p.opportunity.opportunity_id: p.opportunity for p in postings if p is not None}
        return [
            Seen(by_id[s.application.opportunity_id], s.application, False)
            for s in found
            if s.application.opportunity_id in by_id
        ]

    async def _members(self, *list_ids: str) -> dict[str, dict[str, object]]:
        parts = await asyncio.gather(*(self._lists.members(i) for i in list_ids))
        return {key: value for part in parts for key, value in part.items()}

    async def _listed(self, *list_ids: str) -> list[StoredApplication]:
        members = await self._members(*list_ids)
        return await self._writes.repository.get_many(sorted(members))

    async def mine(self, viewer: Principal) -> list[Seen]:
        found = await self._listed(lists_of.person_list(viewer.subject))
        return await self._with_postings(
            [s for s in found if s.application.employee_id == viewer.subject]
        )

    async def for_opportunity(self, viewer: Principal, opportunity_id: str) -> list[Seen]:
        stored = await self._changes.load(opportunity_id)
        access.require_manager(viewer, stored.opportunity)
        found = await self._listed(*lists_of.posting_lists(opportunity_id))
        opportunity = stored.opportunity
        return [
            Seen(opportunity, s.application, True)
            for s in found
            if s.application.opportunity_id == opportunity_id
            and access.may_see_application(
                viewer,
                opportunity,
                s.application,
                self._directory.known_chain(s.application.employee_id),
            )
        ]

    async def visible_count(self, viewer: Principal, opportunity: Opportunity) -> int | None:
        """Applications the viewer may know of (None: not the viewer's business),
        counted from the posting's list summaries without reading each one."""
        if not access.sees_hiring_side(viewer, opportunity):
            return None
        members = await self._members(*lists_of.posting_lists(opportunity.opportunity_id))
        count = 0
        for entry in members.values():
            employee_id, confidential, chain, disclosed = lists_of.summary_fields(entry)
            if (
                viewer.subject == employee_id
                or access.is_privileged(viewer)
                or not is_hidden_from(
                    viewer.subject,
                    confidential=confidential,
                    disclosed=disclosed,
                    chain_at_submit=chain,
                    chain_now=self._directory.known_chain(employee_id),
                )
            ):
                count += 1
        return count

    async def releases_waiting(self, viewer: Principal) -> list[Seen]:
        """Release requests that wait on the viewer as the applicant's manager."""
        found = await self._listed(lists_of.release_list(viewer.subject))
        return await self._with_postings(
            [
                s
                for s in found
                if self._release_waits_on(viewer, s.application)
                and s.application.release is not None
                and s.application.release.status is ReleaseStatus.REQUESTED
            ]
        )

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

    async def audit_log(self, viewer: Principal) -> list[tuple[str, Disclosure]]:
        """Every disclosure of a confidential application, newest first (hr_admin):
        (posting id, audit entry)."""
        if not viewer.has_role("hr_admin"):
            raise PermissionDenied("the confidentiality audit log is for hr_admin")
        found = await self._listed(lists_of.DISCLOSED)
        entries = [
            (s.application.opportunity_id, s.application.disclosure)
            for s in found
            if s.application.disclosure is not None
        ]
        return sorted(entries, key=lambda item: item[1].at, reverse=True)
