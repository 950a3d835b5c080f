"""The catalog of stretch assignments (from postings events) and bidder facts
(from profile snapshots), kept whole in memory by every replica.

Every replica reads every partition of both topics itself (a broadcast reader,
not a shared consumer group), so each one knows every assignment and bidder.
The catalog is also kept in its own collection, because the opportunity topic
keeps only 30 days: a replica loads the collection, then replays the retained
topic from the start (an unchanged entry is not written again). Bidder facts
need no collection: the profile snapshot topic is compacted, so reading it
from the start gives everyone's latest snapshot."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Protocol

from trellis_bidding.domain.catalog import (
    BidderFacts,
    CatalogEntry,
    bidder_facts,
    catalog_entry,
)
from trellis_shared.contracts.postings import PostedOpportunity
from trellis_shared.contracts.profiles import ProfileSnapshot


class KeyedStore(Protocol):
    async def load_all(self) -> dict[str, dict[str, object]]: ...

    async def put(self, key: str, data: dict[str, object]) -> None: ...


def today_utc() -> date:
    return datetime.now(UTC).date()


class Catalog:
    def __init__(self, store: KeyedStore) -> None:
        self._store = store
        self._entries: dict[str, CatalogEntry] = {}

    async def load(self) -> int:
        for key, data in (await self._store.load_all()).items():
            self._entries[key] = CatalogEntry.model_validate(data)
        return len(self._entries)

    async def apply_posting(self, posted: PostedOpportunity) -> None:
        """Postings events of one posting arrive in order (keyed by its id)."""
        if posted.kind != "stretch":
            return
        entry = catalog_entry(posted)
        if self._entries.get(entry.assignment_id) == entry:
            return  # replayed at start, or already written by another replica
        await self._store.put(entry.assignment_id, entry.model_dump(mode="json"))
        self._entries[entry.assignment_id] = entry

    async def apply_status(self, assignment_id: str, status: str) -> None:
        entry = self._entries.get(assignment_id)
        if entry is None or entry.status == status:
            return
        changed = entry.model_copy(update={"status": status})
        await self._store.put(assignment_id, changed.model_dump(mode="json"))
        self._entries[assignment_id] = changed

    def get(self, assignment_id: str) -> CatalogEntry | None:
        return self._entries.get(assignment_id)

    def entries(self) -> list[CatalogEntry]:
        return sorted(self._entries.values(), key=lambda e: e.assignment_id)


class Bidders:
    """In memory only: rebuilt from the compacted snapshot topic at every start."""

    def __init__(self, today: Callable[[], date] = today_utc) -> None:
        self._today = today
        self._facts: dict[str, BidderFacts] = {}

    def __len__(self) -> int:
        return len(self._facts)

    async def apply_snapshot(self, snapshot: ProfileSnapshot) -> None:
        known = self._facts.get(snapshot.employee_id)
        if known is not None and known.version >= snapshot.version:
            return
        self._facts[snapshot.employee_id] = bidder_facts(snapshot, self._today())

    def get(self, employee_id: str) -> BidderFacts | None:
        return self._facts.get(employee_id)
