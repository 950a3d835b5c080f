"""Bidding's collections: rounds and wallets (aggregates with outbox), the catalog
and bidder read models, and carried-over points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from trellis_bidding.domain.rounds import Round, RoundStatus
from trellis_bidding.domain.wallets import Wallet
from trellis_shared.errors import Unavailable
from trellis_shared.mongo.model_store import Versioned

FIELDS = {"version": 1, "state": 1}
# At most this many statements in one update command. FerretDB 1.24 holds one
# pooled SQLite connection per statement until the whole command ends, and its
# pool has 100: a bulk write of 100 or more updates deadlocks the database
# (measured; every later query on it hangs until FerretDB restarts).
STATEMENTS_PER_COMMAND = 50
SETTLED = [RoundStatus.CLEARED.value, RoundStatus.CANCELLED.value]
# Concurrent draws and credits of one person's points before giving up.
MAX_DRAW_ATTEMPTS = 50


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
    """Points carried over between rounds: one document per employee with
    `carried` (points in no round yet), `drawn.<round>` (taken into that round's
    budget, once) and `credited.<round>` (returned by that round's clearing,
    once). Every change is one conditional write of that document, so two rounds
    open at the same time never both spend the same points, and one round's
    clearing adds to what another's returned instead of overwriting it."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def carried(self, employee_id: str) -> int:
        document = await self._collection.find_one({"_id": employee_id})
        return int(document.get("carried", 0)) if document else 0

    async def credited(self, employee_id: str, round_id: str) -> int | None:
        document = await self._collection.find_one({"_id": employee_id})
        found = (document or {}).get("credited", {}).get(round_id)
        return None if found is None else int(found)

    async def draw(self, employee_id: str, round_id: str) -> int:
        for _ in range(MAX_DRAW_ATTEMPTS):
            document = await self._collection.find_one({"_id": employee_id})
            if document is None:
                try:
                    await self._collection.insert_one(
                        {"_id": employee_id, "carried": 0, "drawn": {round_id: 0}}
                    )
                    return 0
                except DuplicateKeyError:
                    continue  # created meanwhile: read it
            drawn = document.get("drawn", {})
            if round_id in drawn:
                return int(drawn[round_id])  # drawn already: the same answer
            points = int(document.get("carried", 0))
            # Conditional on the points read: a credit or another round's draw in
            # between makes this miss, and we read again.
            taken = await self._collection.update_one(
                {"_id": employee_id, "carried": points, f"drawn.{round_id}": {"$exists": False}},
                {"$set": {"carried": 0, f"drawn.{round_id}": points}},
            )
            if taken.modified_count:
                return points
        raise Unavailable(f"{employee_id}'s carried points are too busy; try again")

    async def undraw(self, employee_id: str, round_id: str) -> None:
        document = await self._collection.find_one({"_id": employee_id})
        drawn = (document or {}).get("drawn", {})
        if round_id not in drawn:
            return
        points = int(drawn[round_id])
        await self._collection.update_one(
            {"_id": employee_id, f"drawn.{round_id}": points},
            {"$inc": {"carried": points}, "$unset": {f"drawn.{round_id}": ""}},
        )

    async def credit(self, round_id: str, updates: dict[str, int]) -> None:
        items = sorted(updates.items())
        for start in range(0, len(items), STATEMENTS_PER_COMMAND):
            part = items[start : start + STATEMENTS_PER_COMMAND]
            # Documents first (idempotent), then each credit once per round.
            await self._collection.bulk_write(
                [
                    UpdateOne({"_id": key}, {"$setOnInsert": {"carried": 0}}, upsert=True)
                    for key, _ in part
                ],
                ordered=False,
            )
            await self._collection.bulk_write(
                [
                    UpdateOne(
                        {"_id": key, f"credited.{round_id}": {"$exists": False}},
                        {"$inc": {"carried": points}, "$set": {f"credited.{round_id}": points}},
                    )
                    for key, points in part
                ],
                ordered=False,
            )
