"""Load → change → save with the version read, retried when another writer won.

Every postings write goes through here, so each is one version-checked
single-document update of the opportunity with its events (no partial writes),
and the in-memory recommendation index hears about every saved change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from trellis_postings.app.ports import OpportunityRepository, Stored
from trellis_postings.domain.opportunity import Opportunity
from trellis_shared.errors import NotFound, StaleVersion, Unavailable
from trellis_shared.events import EventPayload
from trellis_shared.mongo.write_locks import PROCESS_CHANGE_LOCKS

Clock = Callable[[], datetime]
Mutation = Callable[[Opportunity], Sequence[EventPayload]]
# Changes in this process queue per posting (PROCESS_CHANGE_LOCKS); a retry is
# needed only when a writer in another process won the race.
MAX_ATTEMPTS = 200


def utc_now() -> datetime:
    return datetime.now(UTC)


class Changes:
    def __init__(
        self,
        repository: OpportunityRepository,
        on_saved: Callable[[Stored], None] = lambda _: None,
    ) -> None:
        self.repository = repository
        self._on_saved = on_saved

    async def load(self, opportunity_id: str) -> Stored:
        stored = await self.repository.get(opportunity_id)
        if stored is None:
            raise NotFound(f"opportunity {opportunity_id} not found")
        return stored

    async def create(self, opportunity: Opportunity, events: Sequence[EventPayload]) -> Stored:
        version = await self.repository.save(opportunity, expected_version=0, events=events)
        stored = Stored(opportunity, version)
        self._on_saved(stored)
        return stored

    async def apply(
        self, opportunity_id: str, mutate: Mutation, *, expected_version: int = 0
    ) -> Stored:
        """Run `mutate` on a fresh copy and save it; `expected_version` 0 = no check."""
        async with PROCESS_CHANGE_LOCKS.hold(("opportunity", opportunity_id)):
            return await self._apply(opportunity_id, mutate, expected_version)

    async def _apply(self, opportunity_id: str, mutate: Mutation, expected_version: int) -> Stored:
        for _ in range(MAX_ATTEMPTS):
            stored = await self.load(opportunity_id)
            if expected_version and stored.version != expected_version:
                raise StaleVersion(opportunity_id, expected_version)
            changed = stored.opportunity.model_copy(deep=True)
            events = list(mutate(changed))
            if not events and changed == stored.opportunity:
                return stored  # nothing to do: a repeated request writes nothing
            try:
                version = await self.repository.save(
                    changed, expected_version=stored.version, events=events
                )
            except StaleVersion:
                if expected_version:
                    raise
                continue
            saved = Stored(changed, version)
            self._on_saved(saved)
            return saved
        raise Unavailable(f"opportunity {opportunity_id} is too busy; try again")
