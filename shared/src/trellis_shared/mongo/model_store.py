"""Pydantic aggregates on an AggregateStore: load, save, and change-with-retry.

`apply` reads the document, runs a change on a fresh copy and saves it with the
version it read; when another writer won the race it reads again and retries,
so every change is one version-checked single-document write (state and events
together) and a lost race never loses an update.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel

from trellis_shared.errors import NotFound, StaleVersion, Unavailable
from trellis_shared.events import EventPayload
from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_shared.mongo.write_locks import PROCESS_CHANGE_LOCKS, document_key

Model = TypeVar("Model", bound=BaseModel)
MAX_ATTEMPTS = 200  # a burst of N concurrent writers to one document needs up to N rounds


@dataclass(frozen=True)
class Versioned(Generic[Model]):
    value: Model
    version: int


class ModelStore(Generic[Model]):
    def __init__(self, store: AggregateStore, model: type[Model], noun: str) -> None:
        self.store = store
        self._model = model
        self._noun = noun

    async def find(self, aggregate_id: str) -> Versioned[Model] | None:
        stored = await self.store.load(aggregate_id)
        if stored is None:
            return None
        return Versioned(self._model.model_validate(stored.state), stored.version)

    async def load(self, aggregate_id: str) -> Versioned[Model]:
        found = await self.find(aggregate_id)
        if found is None:
            raise NotFound(f"{self._noun} {aggregate_id} not found")
        return found

    async def create(
        self, aggregate_id: str, value: Model, events: Sequence[EventPayload] = ()
    ) -> Versioned[Model]:
        version = await self.store.save(
            aggregate_id, value.model_dump(mode="json"), expected_version=0, events=events
        )
        return Versioned(value, version)

    async def apply(
        self,
        aggregate_id: str,
        change: Callable[[Model], Sequence[EventPayload]],
        *,
        create: Callable[[], Model] | None = None,
        expected_version: int = 0,
    ) -> Versioned[Model]:
        """Change the aggregate (made by `create` when absent); 0 = no version check."""
        key = document_key(self.store.collection, aggregate_id)
        async with PROCESS_CHANGE_LOCKS.hold(key):
            return await self._apply(aggregate_id, change, create, expected_version)

    async def _apply(
        self,
        aggregate_id: str,
        change: Callable[[Model], Sequence[EventPayload]],
        create: Callable[[], Model] | None,
        expected_version: int,
    ) -> Versioned[Model]:
        for _ in range(MAX_ATTEMPTS):
            found = await self.find(aggregate_id)
            if found is None and create is None:
                raise NotFound(f"{self._noun} {aggregate_id} not found")
            current_version = found.version if found else 0
            if expected_version and current_version != expected_version:
                raise StaleVersion(aggregate_id, expected_version)
            value = found.value.model_copy(deep=True) if found else create()  # type: ignore[misc]
            events = list(change(value))
            if found is not None and not events and value == found.value:
                return found  # nothing changed: write nothing
            try:
                version = await self.store.save(
                    aggregate_id,
                    value.model_dump(mode="json"),
                    expected_version=current_version,
                    events=events,
                )
            except StaleVersion:
                if expected_version:
                    raise
                continue
            return Versioned(value, version)
        raise Unavailable(f"{self._noun} {aggregate_id} is too busy; try again")
