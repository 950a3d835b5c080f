"""Writes of opportunities, through the shared ModelStore.

Every postings write goes through here, so each is one version-checked
single-document update of the opportunity with its events (no partial writes),
queued per posting in this process and retried when a writer in another process
won the race; a change that changes nothing writes nothing. The in-memory
recommendation index hears about every saved change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from trellis_postings.app.ports import OpportunityRepository, Stored
from trellis_postings.domain.opportunity import Opportunity
from trellis_shared.events import EventPayload
from trellis_shared.mongo.model_store import ModelStore, Versioned

Clock = Callable[[], datetime]
Mutation = Callable[[Opportunity], Sequence[EventPayload]]


def utc_now() -> datetime:
    return datetime.now(UTC)


class _Opportunities:
    """The repository as the documents of a ModelStore."""

    def __init__(self, repository: OpportunityRepository) -> None:
        self._repository = repository

    async def get(self, key: str) -> Versioned[Opportunity] | None:
        stored = await self._repository.get(key)
        return Versioned(stored.opportunity, stored.version) if stored else None

    async def save(
        self,
        key: str,
        value: Opportunity,
        *,
        expected_version: int,
        events: Sequence[EventPayload],
    ) -> int:
        return await self._repository.save(value, expected_version=expected_version, events=events)


def _stored(saved: Versioned[Opportunity]) -> Stored:
    return Stored(saved.value, saved.version)


class Changes:
    def __init__(
        self,
        repository: OpportunityRepository,
        on_saved: Callable[[Stored], None] = lambda _: None,
    ) -> None:
        self.repository = repository
        self._store = ModelStore.over(
            _Opportunities(repository),
            "opportunity",
            on_saved=lambda saved: on_saved(_stored(saved)),
        )

    async def load(self, opportunity_id: str) -> Stored:
        return _stored(await self._store.load(opportunity_id))

    async def create(self, opportunity: Opportunity, events: Sequence[EventPayload]) -> Stored:
        return _stored(await self._store.create(opportunity.opportunity_id, opportunity, events))

    async def apply(
        self, opportunity_id: str, mutate: Mutation, *, expected_version: int = 0
    ) -> Stored:
        """Run `mutate` on a fresh copy and save it; `expected_version` 0 = no check."""
        return _stored(
            await self._store.apply(opportunity_id, mutate, expected_version=expected_version)
        )
