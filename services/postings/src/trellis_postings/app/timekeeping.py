"""The periodic sweep (deadlines, releases nobody answered, work starting and
ending, acceptances a crash left half-done) and awards from bidding rounds
filling stretch-assignment seats.

Every replica sweeps. That is safe because each change is a version-checked
single-document write of a decision that is idempotent (a posting already
closed, a release already approved, work already started is left alone): when
two replicas sweep the same thing, one write wins and the other finds nothing
left to do, so each event is raised once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from trellis_postings.app import application_lists as lists_of
from trellis_postings.app.application_writes import ApplicationWrites
from trellis_postings.app.applications import Applications
from trellis_postings.app.changes import Changes, Clock, utc_now
from trellis_postings.app.ports import ProfileDirectory
from trellis_postings.domain import applying, lifecycle, timekeeping
from trellis_postings.domain.applications import Application, AppStatus, ReleaseStatus
from trellis_postings.domain.opportunity import Kind, Opportunity, as_utc
from trellis_postings.domain.policy import PostingsPolicy
from trellis_shared.contracts.bidding import AssignmentAwarded
from trellis_shared.contracts.promises import award_seat_holder
from trellis_shared.errors import TrellisError
from trellis_shared.events import EventPayload

log = logging.getLogger(__name__)
# An acceptance in flight holds its seat a moment before the application says
# "accepted"; only one older than this is taken as interrupted and finished.
INTERRUPTED_AFTER = timedelta(seconds=60)


class Timekeeping:
    def __init__(
        self,
        changes: Changes,
        writes: ApplicationWrites,
        applications: Applications,
        directory: ProfileDirectory,
        policy: PostingsPolicy,
        clock: Clock,
        interrupted_after: timedelta = INTERRUPTED_AFTER,
    ) -> None:
        self._changes = changes
        self._writes = writes
        self._applications = applications
        self._directory = directory
        self._policy = policy
        self._clock = clock
        self._interrupted_after = interrupted_after

    async def sweep(self) -> int:
        """Apply every change that is due; returns how many documents changed."""
        return await self._sweep_postings() + await self._sweep_applications()

    async def _sweep_postings(self) -> int:
        changed = 0
        for stored in await self._changes.repository.needing_attention(self._clock()):
            try:
                saved = await self._changes.apply(
                    stored.opportunity.opportunity_id,
                    lambda o: timekeeping.due_changes(o, self._clock()),
                )
            except TrellisError as error:
                # One posting's trouble must not stop the others; the next sweep retries.
                log.warning("sweep skipped %s: %s", stored.opportunity.opportunity_id, error)
                continue
            changed += saved.version != stored.version
        return changed

    async def _sweep_applications(self) -> int:
        changed = 0
        for application_id, entry in sorted(
            (await self._writes.lists.members(lists_of.SWEEP)).items()
        ):
            added = entry.get("added_at")
            added_at = as_utc(added) if isinstance(added, datetime) else utc_now()
            try:
                changed += await self._settle(application_id, added_at)
            except TrellisError as error:
                log.warning("sweep skipped %s: %s", application_id, error)
        return changed

    async def _settle(self, application_id: str, added_at: datetime) -> int:
        stored = await self._writes.repository.get(application_id)
        posting = await self._changes.repository.get(applying.opportunity_of(application_id))
        in_flight = utc_now() - added_at < self._interrupted_after
        if stored is None or posting is None:
            if not in_flight:
                await self._writes.lists.remove(lists_of.SWEEP, application_id)
            return 0
        application = stored.application
        opportunity = posting.opportunity
        if application.status is AppStatus.OFFERED:
            if in_flight:
                return 0
            if application_id in opportunity.seat_holders:
                await self._finish_acceptance(opportunity, application_id)
                return 1
            # Died after reserving the time, before the seat: that acceptance did
            # not happen, so the time is free again (the offer still stands).
            await self._applications.undo_time(application)
            await self._writes.lists.remove(lists_of.SWEEP, application_id)
            return 0
        if application.status is not AppStatus.ACCEPTED:
            if application_id in opportunity.seat_holders:
                await self._applications.give_back_seat_unless_accepted(
                    opportunity.opportunity_id, application_id
                )
            else:
                await self._applications.undo_time(application)
            await self._writes.lists.remove(lists_of.SWEEP, application_id)
            return 1
        saved = await self._writes.change(
            application_id,
            lambda a: timekeeping.due_application_changes(opportunity, a, self._clock()),
        )
        release = saved.application.release
        if release is not None and release.status is ReleaseStatus.APPROVED:
            await self._writes.lists.remove(
                lists_of.release_list(release.manager_id), application_id
            )
        if timekeeping.time_is_done_with(opportunity, saved.application):
            await self._writes.lists.remove(lists_of.SWEEP, application_id)
        return int(saved.version != stored.version)

    async def _finish_acceptance(self, opportunity: Opportunity, application_id: str) -> None:
        """The applicant accepted and the seat was taken, then the process died
        before the application was written: finish what they asked for."""

        def accept(application: Application) -> list[EventPayload]:
            return applying.move(
                opportunity,
                application,
                AppStatus.ACCEPTED,
                actor=application.employee_id,
                chain_now=self._directory.known_chain(application.employee_id),
                now=self._clock(),
                policy=self._policy,
            )

        applicant = (await self._writes.load(application_id)).application.employee_id
        chain = self._directory.known_chain(applicant)
        if chain:
            await self._writes.lists.add(lists_of.release_list(chain[0]), application_id, {})
        log.warning("finishing an interrupted acceptance of %s", application_id)
        await self._writes.change(application_id, accept)

    async def apply_award(self, event_id: str, award: AssignmentAwarded) -> None:
        """A bidding round gave a stretch seat: hold it (once per event)."""

        def change(opportunity: Opportunity) -> list[EventPayload]:
            if event_id in opportunity.applied_events:
                return []
            if opportunity.kind is not Kind.STRETCH:
                raise ValueError(f"{opportunity.opportunity_id} is not a stretch assignment")
            # Bidding held this very seat before announcing (HoldSeat): a no-op then.
            holder = award_seat_holder(award.round_id, award.employee_id)
            events = lifecycle.take_seat(opportunity, holder, award.employee_id, self._clock())
            opportunity.applied_events.append(event_id)
            return events

        await self._changes.apply(award.assignment_id, change)
