"""Bidding's collections: rounds and wallets (aggregates with outbox), the catalog
and bidder read models, and carried-over points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import ASCENDING, ReplaceOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from trellis_bidding.domain.rounds import Round, RoundStatus
from trellis_bidding.domain.wallets import Wallet
from trellis_shared.mongo.model_store import Versioned

FIELDS = {"version": 1, "state": 1}
# At most this many statements in one update command. FerretDB 1.24 holds one
# pooled SQLite connection per statement until the whole command ends, and its
# pool has 100: a bulk write of 100 or more updates deadlocks the database
# (measured; every later query on it hangs until FerretDB restarts).
STATEMENTS_PER_COMMAND = 50
SETTLED = [RoundStatus.CLEARED.value, RoundStatus.CANCELLED.value]


class MongoQueries:
    def __init__(
        self,
        rounds: AsyncCollection[dict[str, Any]],
        wallets: AsyncCollection[dict[str, Any]],
    ) -> None:
        self._rounds = rounds
        self._wallets = wallets

    async def ensure_indexes(self) -> None:
        await self._wallets.create_index([("state.round_id", ASCENDING)])
        await self._rounds.create_index([("state.status", ASCENDING)])

    async def wallets_of(self, round_id: str) -> list[Versioned[Wallet]]:
        cursor = self._wallets.find({"state.round_id": round_id}, FIELDS).sort("_id", ASCENDING)
        return [
            Versioned(Wallet.model_validate(d["state"]), int(d["version"])) async for d in cursor
        ]

    async def count_wallets(self, round_id: str) -> int:
        return await self._wallets.count_documents({"state.round_id": round_id})

    async def replace_wallets(self, changes: Sequence[tuple[str, int, Wallet]]) -> int:
        # One bulk write instead of a read and a write per wallet: at 50,000
        # bidders that is the difference between seconds and minutes. Each update
        # is still conditional on the version read, so a concurrent change wins.
        written = 0
        for start in range(0, len(changes), STATEMENTS_PER_COMMAND):
            result = await self._wallets.bulk_write(
                [
                    UpdateOne(
                        {"_id": key, "version": version},
                        {"$set": {"state": wallet.model_dump(mode="json")}, "$inc": {"version": 1}},
                    )
                    for key, version, wallet in changes[start : start + STATEMENTS_PER_COMMAND]
                ],
                ordered=False,
            )
            written += int(result.modified_count)
        return written

    async def wallets_released_by(self, manager_id: str) -> list[Versioned[Wallet]]:
        cursor = self._wallets.find(
            {"state.release.manager_id": manager_id, "state.release.status": "requested"}, FIELDS
        ).sort("_id", ASCENDING)
        return [
            Versioned(Wallet.model_validate(d["state"]), int(d["version"])) async for d in cursor
        ]

    async def rounds(self) -> list[Versioned[Round]]:
        return await self._rounds_matching({})

    async def rounds_due(self) -> list[Versioned[Round]]:
        return await self._rounds_matching({"state.status": {"$nin": SETTLED}})

    async def rounds_with_results_pending(self) -> list[str]:
        # Only ids: a cleared round's document holds every bidder id.
        cursor = self._rounds.find(
            {"state.status": RoundStatus.CLEARED.value, "state.results_written": {"$ne": True}},
            {"_id": 1},
        ).sort("_id", ASCENDING)
        return [str(d["_id"]) async for d in cursor]

    async def _rounds_matching(self, query: dict[str, Any]) -> list[Versioned[Round]]:
        cursor = self._rounds.find(query, FIELDS).sort("_id", ASCENDING)
        return [
            Versioned(Round.model_validate(d["state"]), int(d["version"])) async for d in cursor
        ]


class MongoKeyed:
    """A read model's documents: `{_id: key, data: {...}}`. Every replica writes the
    same value for a key in event order, so the last write is right whoever makes it."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def load_all(self) -> dict[str, dict[str, object]]:
        return {str(d["_id"]): dict(d["data"]) async for d in self._collection.find({})}

    async def put(self, key: str, data: dict[str, object]) -> None:
        await self._collection.replace_one({"_id": key}, {"_id": key, "data": data}, upsert=True)


class MongoBalances:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def carried(self, employee_id: str) -> int:
        document = await self._collection.find_one({"_id": employee_id})
        return int(document["carried"]) if document else 0

    async def set_carried(self, updates: dict[str, int]) -> None:
        # Idempotent (the same values whoever writes them), so bulk and unlocked.
        items = sorted(updates.items())
        for start in range(0, len(items), STATEMENTS_PER_COMMAND):
            await self._collection.bulk_write(
                [
                    ReplaceOne({"_id": key}, {"_id": key, "carried": carried}, upsert=True)
                    for key, carried in items[start : start + STATEMENTS_PER_COMMAND]
                ],
                ordered=False,
            )
