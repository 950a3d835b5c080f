"""Tallies in MongoDB through the shared aggregate store (state + outbox in one write)."""

from __future__ import annotations

from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_skeleton.domain.tally import Tally


class MongoTallyRepository:
    def __init__(self, store: AggregateStore) -> None:
        self._store = store

    async def get(self, tally_id: str) -> Tally | None:
        stored = await self._store.load(tally_id)
        if stored is None:
            return None
        return Tally(tally_id=tally_id, total=int(stored.state["total"]), version=stored.version)

    async def save(self, tally: Tally) -> None:
        tally.version = await self._store.save(
            tally.tally_id,
            {"total": tally.total},
            expected_version=tally.version,
            events=tally.pending_events,
        )
        tally.pending_events = []
