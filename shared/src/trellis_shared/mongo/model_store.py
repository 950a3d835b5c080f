"""Pydantic aggregates on an AggregateStore: load, save, and change-with-retry.

`apply` reads the document, runs a change on a fresh copy and saves it with the
version it read; when another writer won the race it reads again and retries,
so every change is one version-checked single-document write (state and events
together) and a lost race never loses an update.

A ModelStore usually sits on an AggregateStore. `ModelStore.over` puts one on
any `Documents` instead: a service's own repository, whose unit tests swap in
an in-memory one, gets the same change loop, locks and guarantees.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

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


class Documents(Protocol[Model]):
    """Where a ModelStore keeps one aggregate type: each document's state and version."""

    async def get(self, key: str) -> Versioned[Model] | None: ...

    async def save(
        self, key: str, value: Model, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        """State and events in one write checked against `expected_version` (0: create);
        the new version, or StaleVersion when another writer won."""


class AggregateDocuments(Generic[Model]):
    """`Documents` on an AggregateStore: the state validated as `model`."""

    def __init__(self, store: AggregateStore, model: type[Model]) -> None:
        self._store = store
        self._model = model

    async def get(self, key: str) -> Versioned[Model] | None:
        stored = await self._store.load(key)
        if stored is None:
            return None
        return Versioned(self._model.model_validate(stored.state), stored.version)

    async def save(
        self, key: str, value: Model, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        return await self._store.save(
            key, value.model_dump(mode="json"), expected_version=expected_version, events=events
        )


class ModelStore(Generic[Model]):
    def __init__(
        self,
        store: AggregateStore,
        model: type[Model],
        noun: str,
        *,
        on_saved: Callable[[Versioned[Model]], None] | None = None,
    ) -> None:
        self._setup(AggregateDocuments(store, model), noun, store.collection, on_saved)

    @classmethod
    def over(
        cls,
        documents: Documents[Model],
        noun: str,
        *,
        on_saved: Callable[[Versioned[Model]], None] | None = None,
    ) -> ModelStore[Model]:
        """A store on `documents`; its changes queue per (noun, key) in this process."""
        made = cls.__new__(cls)
        made._setup(documents, noun, noun, on_saved)
        return made

    def _setup(
        self,
        documents: Documents[Model],
        noun: str,
        lock_scope: object,
        on_saved: Callable[[Versioned[Model]], None] | None,
    ) -> None:
        self._documents = documents
        self._noun = noun
        self._lock_scope = lock_scope
        # Told of every write (not of a change that wrote nothing), after it landed.
        self._on_saved = on_saved

    def _lock_key(self, aggregate_id: str) -> Hashable:
        return document_key(self._lock_scope, aggregate_id)

    async def find(self, aggregate_id: str) -> Versioned[Model] | None:
        return await self._documents.get(aggregate_id)

    async def load(self, aggregate_id: str) -> Versioned[Model]:
        found = await self.find(aggregate_id)
        if found is None:
            raise NotFound(f"{self._noun} {aggregate_id} not found")
        return found

    async def create(
        self, aggregate_id: str, value: Model, events: Sequence[EventPayload] = ()
    ) -> Versioned[Model]:
        return await self._save(aggregate_id, value, 0, events)

    async def apply(
        self,
        aggregate_id: str,
        change: Callable[[Model], Sequence[EventPayload]],
        *,
        create: Callable[[], Model] | None = None,
        expected_version: int = 0,
    ) -> Versioned[Model]:
        """Change the aggregate (made by `create` when absent); 0 = no version check.

        A change that raises writes nothing; one that changes nothing and raises no
        event writes nothing either, so a repeated request is harmless."""
        # Changes in this process queue per document: a burst costs N writes, not N².
        async with PROCESS_CHANGE_LOCKS.hold(self._lock_key(aggregate_id)):
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
                return await self._save(aggregate_id, value, current_version, events)
            except StaleVersion:
                if expected_version:
                    raise
                continue
        raise Unavailable(f"{self._noun} {aggregate_id} is too busy; try again")

    async def _save(
        self,
        aggregate_id: str,
        value: Model,
        expected_version: int,
        events: Sequence[EventPayload],
    ) -> Versioned[Model]:
        version = await self._documents.save(
            aggregate_id, value, expected_version=expected_version, events=events
        )
        saved = Versioned(value, version)
        if self._on_saved is not None:
            self._on_saved(saved)
        return saved
