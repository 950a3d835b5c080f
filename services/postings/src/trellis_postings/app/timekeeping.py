"""The periodic sweep (deadlines, releases nobody answered, work starting and
ending) and awards from bidding rounds filling stretch-assignment seats."""

from __future__ import annotations

import logging

from trellis_postings.app.changes import Changes, Clock
from trellis_postings.domain import lifecycle, timekeeping
from trellis_postings.domain.opportunity import Kind, Opportunity
from trellis_shared.contracts.bidding import AssignmentAwarded
from trellis_shared.errors import TrellisError
from trellis_shared.events import EventPayload

log = logging.getLogger(__name__)


class Timekeeping:
    def __init__(self, changes: Changes, clock: Clock) -> None:
        self._changes = changes
        self._clock = clock

    async def sweep(self) -> int:
        """Apply every change that is due; returns how many postings changed."""
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

    async def apply_award(self, event_id: str, award: AssignmentAwarded) -> None:
        """A bidding round gave a stretch seat: hold it (once per event)."""

        def change(opportunity: Opportunity) -> list[EventPayload]:
            if event_id in opportunity.applied_events:
                return []
            if opportunity.kind is not Kind.STRETCH:
                raise ValueError(f"{opportunity.opportunity_id} is not a stretch assignment")
            holder = f"award:{award.round_id}:{award.employee_id}"
            events = lifecycle.take_seat(opportunity, holder, award.employee_id, self._clock())
            opportunity.applied_events.append(event_id)
            return events

        await self._changes.apply(award.assignment_id, change)
