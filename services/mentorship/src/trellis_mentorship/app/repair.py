"""Repair what a crash between two single-document writes can leave behind.

Proposing or accepting writes a mentor's places document, a request and a
match one after the other (no multi-document transactions). A process that
dies in between can leave a place held for a match that was never written or
has already ended, or a request claimed by a match that does not exist. This
sweep finds such leftovers once they are older than a grace period (so a write
still in flight is never mistaken for one) and puts them right. Running it
twice changes nothing the second time.

A cycle run is repaired differently: its claim's lease goes stale and the
sweep completes the run from its stored plan (`cycle_runs`). Holds and claims
for the planned match ids of a running cycle belong to that run (it completes
them under the same ids), so this sweep leaves them alone until the run is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from trellis_mentorship.app.cycle_runs import CycleRuns
from trellis_mentorship.app.mentors import MentorPlaces
from trellis_mentorship.app.ports import Clock, Documents
from trellis_mentorship.domain.match import Match, MatchStatus
from trellis_mentorship.domain.mentee_request import MenteeRequest, RequestStatus
from trellis_shared.events import EventPayload
from trellis_shared.mongo.model_store import ModelStore

log = logging.getLogger(__name__)
GRACE = timedelta(minutes=10)


def _old(moment: datetime | None, now: datetime) -> bool:
    return moment is None or moment <= now - GRACE


class Repair:
    def __init__(
        self,
        places: MentorPlaces,
        requests: Documents[MenteeRequest],
        matches: Documents[Match],
        clock: Clock,
        cycle_runs: CycleRuns,
    ) -> None:
        self._places = places
        self._requests = requests
        self._request_store = ModelStore.over(requests, "request")
        self._matches = matches
        self._clock = clock
        self._cycle_runs = cycle_runs

    async def sweep(self) -> int:
        """Returns how many leftovers (and stale cycle runs) were repaired."""
        # Stale runs first: completing one settles its own half-written proposals.
        completed_runs = await self._cycle_runs.complete_stale_runs()
        now = self._clock()
        run_owned = await self._cycle_runs.match_ids_in_running_plans()
        # Every replica sweeps, so the mirror is refreshed first (holds other
        # replicas took). Each repair is a version-checked write that re-checks
        # its condition, so two replicas repairing the same leftover change it once.
        await self._places.refresh()
        return (
            completed_runs
            + await self._release_orphan_holds(now, run_owned)
            + await self._settle_claims(now, run_owned)
        )

    async def _release_orphan_holds(self, now: datetime, run_owned: set[str]) -> int:
        repaired = 0
        for load in self._places.loads():
            for hold in load.holds:
                if not _old(hold.taken_at, now) or hold.match_id in run_owned:
                    continue
                match = await self._matches.get(hold.match_id)
                if match is None or not match.value.holds_a_place:
                    await self._places.release_place(load.employee_id, hold.match_id)
                    repaired += 1
        return repaired

    async def _settle_claims(self, now: datetime, run_owned: set[str]) -> int:
        repaired = 0
        for stored in await self._requests.find_by("status", RequestStatus.PROPOSED.value):
            request = stored.value
            if not _old(request.claimed_at, now) or request.match_id in run_owned:
                continue
            match = await self._matches.get(request.match_id)
            status = match.value.status if match is not None else None
            if status in (MatchStatus.PROPOSED, MatchStatus.REQUESTED):
                continue  # a pending answer: nothing is wrong
            found = match.value if match is not None else None

            def settle(current: MenteeRequest, found: Match | None = found) -> list[EventPayload]:
                return _settle(current, found)

            await self._request_store.apply(request.request_id, settle)
            repaired += 1
        return repaired

    async def sweep_forever(self, stop: asyncio.Event, interval_s: float) -> None:
        while not stop.is_set():
            try:
                repaired = await self.sweep()
                if repaired:
                    log.warning(
                        "repaired leftovers of interrupted writes", extra={"count": repaired}
                    )
            except Exception:  # the sweep must outlive a bad moment of the database
                log.exception("repair sweep failed; retrying at the next interval")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval_s)


def _settle(request: MenteeRequest, match: Match | None) -> list[EventPayload]:
    if match is None:
        request.release_claim(request.match_id)
    elif match.status is MatchStatus.DECLINED:
        request.match_declined(match.match_id, match.mentor_id)
    else:  # active, completed or ended: it did become a mentorship
        request.matched(match.match_id)
    return []
