"""Interest-interview use cases; the per-person cap on open requests is enforced here.

The cap spans postings, so it cannot live in one posting's document: a request
first claims a slot in the person's quota document (one conditional update, so
replicas racing for the last slot cannot both win), then writes the request
into the posting. A request that is refused gives its claim back; one that
closes (declined, completed, cancelled) frees it. A claim a crash left behind
(no open request on its posting) is dropped when the person next hits the cap.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from trellis_postings.app.changes import Changes, Clock, utc_now
from trellis_postings.app.ports import InterviewQuota, Stored
from trellis_postings.domain import access, interviewing
from trellis_postings.domain.opportunity import Opportunity, as_utc
from trellis_postings.domain.policy import PostingsPolicy
from trellis_shared.errors import FailedPrecondition, NotFound, TrellisError
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal

# A claim younger than this may belong to a request still being written.
CLAIM_IN_FLIGHT = timedelta(seconds=60)


class Interviews:
    def __init__(
        self,
        changes: Changes,
        quota: InterviewQuota,
        policy: PostingsPolicy,
        clock: Clock,
        claim_in_flight: timedelta = CLAIM_IN_FLIGHT,
    ) -> None:
        self._changes = changes
        self._quota = quota
        self._policy = policy
        self._clock = clock
        self._claim_in_flight = claim_in_flight

    async def request(self, viewer: Principal, opportunity_id: str, note: str) -> Stored:
        current = await self._changes.load(opportunity_id)
        access.require_visible(viewer, current.opportunity)
        employee_id = viewer.subject

        def change(opportunity: Opportunity) -> list[EventPayload]:
            _, events = interviewing.request(opportunity, employee_id, note, self._clock())
            return events

        if employee_id in current.opportunity.open_interview_requesters:
            return await self._changes.apply(opportunity_id, change)  # asked again: the same
        await self._claim(employee_id, opportunity_id)
        try:
            return await self._changes.apply(opportunity_id, change)
        except TrellisError:
            await self._release_unless_open(employee_id, opportunity_id)
            raise

    async def _claim(self, employee_id: str, opportunity_id: str) -> None:
        limit = self._policy.max_open_interview_requests
        if await self._quota.claim(employee_id, opportunity_id, limit):
            return
        await self._drop_abandoned_claims(employee_id)
        if await self._quota.claim(employee_id, opportunity_id, limit):
            return
        held = len(await self._quota.claims(employee_id))
        raise FailedPrecondition(
            f"you already have {held} open interest-interview requests "
            f"(at most {limit}); wait for an answer or cancel one"
        )

    async def _drop_abandoned_claims(self, employee_id: str) -> None:
        """Claims whose posting holds no open request of theirs (a crash between
        claim and write, or between close and release) free their slot."""
        for opportunity_id, claimed_at in (await self._quota.claims(employee_id)).items():
            if utc_now() - as_utc(claimed_at) < self._claim_in_flight:
                continue
            await self._release_unless_open(employee_id, opportunity_id)

    async def _release_unless_open(self, employee_id: str, opportunity_id: str) -> None:
        stored = await self._changes.repository.get(opportunity_id)
        if stored is None or employee_id not in stored.opportunity.open_interview_requesters:
            await self._quota.release(employee_id, opportunity_id)

    async def _closed(self, stored: Stored, employee_id: str) -> Stored:
        """A request stopped being open: its slot in the quota is free."""
        if employee_id not in stored.opportunity.open_interview_requesters:
            await self._quota.release(employee_id, stored.opportunity.opportunity_id)
        return stored

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
        stored = await self._changes.apply(
            opportunity_id,
            lambda o: interviewing.decline(o, employee_id, reason, self._clock()),
        )
        return await self._closed(stored, employee_id)

    async def complete(self, viewer: Principal, opportunity_id: str, employee_id: str) -> Stored:
        """Either side records that the conversation happened."""
        if viewer.subject != employee_id:
            await self._require_host(viewer, opportunity_id)
        else:
            await self._require_own_request(viewer, opportunity_id)
        stored = await self._changes.apply(
            opportunity_id, lambda o: interviewing.complete(o, employee_id, self._clock())
        )
        return await self._closed(stored, employee_id)

    async def cancel(self, viewer: Principal, opportunity_id: str) -> Stored:
        await self._require_own_request(viewer, opportunity_id)
        stored = await self._changes.apply(
            opportunity_id, lambda o: interviewing.cancel(o, viewer.subject, self._clock())
        )
        return await self._closed(stored, viewer.subject)

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
