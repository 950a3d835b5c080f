"""ModelStore on in-memory documents (`ModelStore.over`): the change loop's promises."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from pydantic import BaseModel

from trellis_shared.errors import NotFound, StaleVersion
from trellis_shared.events import EventPayload
from trellis_shared.mongo.model_store import ModelStore, Versioned

pytestmark = pytest.mark.unit


class Counter(BaseModel):
    count: int = 0


class MemoryDocuments:
    """Version-checked like the database; yields on every read so writers interleave."""

    def __init__(self) -> None:
        self.rows: dict[str, Versioned[Counter]] = {}
        self.saves = 0
        self.events: list[EventPayload] = []
        self.before_save: list[str] = []  # keys another writer bumps just before a save

    async def get(self, key: str) -> Versioned[Counter] | None:
        await asyncio.sleep(0)
        row = self.rows.get(key)
        return Versioned(row.value.model_copy(deep=True), row.version) if row else None

    async def save(
        self, key: str, value: Counter, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        if key in self.before_save:
            self.before_save.remove(key)
            row = self.rows[key]
            self.rows[key] = Versioned(Counter(count=row.value.count + 100), row.version + 1)
        current = self.rows.get(key)
        if (current.version if current else 0) != expected_version:
            raise StaleVersion(key, expected_version)
        self.rows[key] = Versioned(value.model_copy(deep=True), expected_version + 1)
        self.saves += 1
        self.events.extend(events)
        return expected_version + 1


def bump(counter: Counter) -> list[EventPayload]:
    counter.count += 1
    return []


async def test_concurrent_changes_all_land_one_write_each() -> None:
    documents = MemoryDocuments()
    saved: list[int] = []
    store = ModelStore.over(documents, "counter", on_saved=lambda s: saved.append(s.version))
    await store.create("c", Counter())
    await asyncio.gather(*(store.apply("c", bump) for _ in range(20)))
    assert (await store.load("c")).value.count == 20
    assert documents.saves == 21  # queued per key in the process: no lost race, no retry
    assert saved == list(range(1, 22))


async def test_a_lost_race_is_retried_on_a_fresh_read() -> None:
    documents = MemoryDocuments()
    store = ModelStore.over(documents, "counter")
    await store.create("c", Counter(count=1))
    documents.before_save.append("c")  # another process writes in between
    result = await store.apply("c", bump)
    assert result == Versioned(Counter(count=102), 3)


async def test_an_expected_version_is_checked_and_never_retried() -> None:
    documents = MemoryDocuments()
    store = ModelStore.over(documents, "counter")
    await store.create("c", Counter())
    with pytest.raises(StaleVersion):
        await store.apply("c", bump, expected_version=7)
    documents.before_save.append("c")
    with pytest.raises(StaleVersion):
        await store.apply("c", bump, expected_version=1)
    assert (await store.load("c")).value.count == 100


async def test_a_change_that_changes_nothing_writes_nothing() -> None:
    documents = MemoryDocuments()
    saved: list[Versioned[Counter]] = []
    store = ModelStore.over(documents, "counter", on_saved=saved.append)
    first = await store.create("c", Counter())
    again = await store.apply("c", lambda counter: [])
    assert again == first
    assert documents.saves == 1
    assert saved == [first]


async def test_a_missing_document_is_not_found_unless_created() -> None:
    documents = MemoryDocuments()
    store = ModelStore.over(documents, "counter")
    with pytest.raises(NotFound, match="counter c not found"):
        await store.apply("c", bump)
    with pytest.raises(NotFound):
        await store.load("c")
    made = await store.apply("c", bump, create=lambda: Counter(count=10))
    assert made == Versioned(Counter(count=11), 1)


async def test_a_change_that_raises_writes_nothing() -> None:
    documents = MemoryDocuments()
    store = ModelStore.over(documents, "counter")
    await store.create("c", Counter())

    def fail(counter: Counter) -> list[EventPayload]:
        counter.count = 99
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        await store.apply("c", fail)
    assert (await store.load("c")) == Versioned(Counter(), 1)
