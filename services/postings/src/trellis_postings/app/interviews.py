"""Interest-interview use cases; the per-person cap on open requests is enforced here.

The cap spans postings, so it cannot live in one document: the count and the
write happen under a per-person lock inside this process (the service's single
writer, ADR 0005), which keeps concurrent requests from exceeding it.
"""

from __future__ import annotations

from datetime import datetime

from trellis_postings.app.changes import Changes, Clock
from trellis_postings.app.ports import Stored
from trellis_postings.domain import access, interviewing
from trellis_postings.domain.opportunity import Opportunity
from trellis_postings.domain.policy import PostingsPolicy
from trellis_shared.errors import FailedPrecondition, NotFound
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal
from trellis_shared.mongo.write_locks import PROCESS_WRITE_LOCKS


class Interviews:
    def __init__(self, changes: Changes, policy: PostingsPolicy, clock: Clock) -> None:
        self._changes = changes
        self._policy = policy
        self._clock = clock

    async def request(self, viewer: Principal, opportunity_id: str, note: str) -> Stored:
        current = await self._changes.load(opportunity_id)
        access.require_visible(viewer, current.opportunity)
        employee_id = viewer.subject
        async with PROCESS_WRITE_LOCKS.hold(("interest-interview-quota", employee_id)):
            if employee_id not in current.opportunity.open_interview_requesters:
                open_now = await self._changes.repository.with_open_interview_from(employee_id)
                limit = self._policy.max_open_interview_requests
                if len(open_now) >= limit:
                    raise FailedPrecondition(
                        f"you already have {len(open_now)} open interest-interview requests "
                        f"(at most {limit}); wait for an answer or cancel one"
                    )

            def change(opportunity: Opportunity) -> list[EventPayload]:
                _, events = interviewing.request(opportunity, employee_id, note, self._clock())
                return events

            return await self._changes.apply(opportunity_id, change)

    async def schedule(
        self, viewer: Principal, opportunity_id: str, employee_id: str, slot: datetime
    ) -> Stored:
        await self._require_host(viewer, opportunity_id)
        return await self._changes.apply(
            opportunity_id,
            lambda o: interviewing.schedule(o, employee_id, slot, self._clock()),
        )

    async def decline(
        self, viewer: Principal, opportunity_id: str, employee_id: str, reason: str
    ) -> Stored:
        await self._require_host(viewer, opportunity_id)
        return await self._changes.apply(
            opportunity_id,
            lambda o: interviewing.decline(o, employee_id, reason, self._clock()),
        )

    async def complete(self, viewer: Principal, opportunity_id: str, employee_id: str) -> Stored:
        """Either side records that the conversation happened."""
        if viewer.subject != employee_id:
            await self._require_host(viewer, opportunity_id)
        else:
            await self._require_own_request(viewer, opportunity_id)
        return await self._changes.apply(
            opportunity_id, lambda o: interviewing.complete(o, employee_id, self._clock())
        )

    async def cancel(self, viewer: Principal, opportunity_id: str) -> Stored:
        await self._require_own_request(viewer, opportunity_id)
        return await self._changes.apply(
            opportunity_id, lambda o: interviewing.cancel(o, viewer.subject, self._clock())
        )

    async def mine(self, viewer: Principal) -> list[Stored]:
        return await self._changes.repository.with_interview_from(viewer.subject)

    async def _require_host(self, viewer: Principal, opportunity_id: str) -> None:
        stored = await self._changes.load(opportunity_id)
        access.require_manager(viewer, stored.opportunity)

    async def _require_own_request(self, viewer: Principal, opportunity_id: str) -> None:
        stored = await self._changes.load(opportunity_id)
        if viewer.subject not in stored.opportunity.interview_requests:
            raise NotFound(f"you have no interest-interview request on {opportunity_id}")

    async def hosted(self, viewer: Principal, opportunity_id: str) -> Stored:
        """A posting's requests, for its host."""
        stored = await self._changes.load(opportunity_id)
        access.require_manager(viewer, stored.opportunity)
        return stored
