"""The interest-interview cap in MongoDB: one document per person,
`{_id: <employee>, claims: {<posting id>: <claimed at>}, count: n}`.

A claim is one conditional update (`count < limit` and no claim for that
posting yet) that adds the claim and counts it, so two replicas racing for the
last slot cannot both win: the database serialises updates of one document.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError


class MongoInterviewQuota:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def claim(self, employee_id: str, opportunity_id: str, limit: int) -> bool:
        await self._ensure(employee_id)
        held = f"claims.{opportunity_id}"
        won = await self.collection.update_one(
            {"_id": employee_id, held: {"$exists": False}, "count": {"$lt": limit}},
            {"$set": {held: datetime.now(UTC)}, "$inc": {"count": 1}},
        )
        if won.modified_count:
            return True
        # Lost, or held already (a retry, or a concurrent request for the same posting).
        again = await self.collection.find_one({"_id": employee_id, held: {"$exists": True}})
        return again is not None

    async def release(self, employee_id: str, opportunity_id: str) -> None:
        held = f"claims.{opportunity_id}"
        await self.collection.update_one(
            {"_id": employee_id, held: {"$exists": True}},
            {"$unset": {held: ""}, "$inc": {"count": -1}},
        )

    async def claims(self, employee_id: str) -> dict[str, datetime]:
        document = await self.collection.find_one({"_id": employee_id})
        return dict((document or {}).get("claims") or {})

    async def _ensure(self, employee_id: str) -> None:
        if await self.collection.find_one({"_id": employee_id}, {"_id": 1}) is not None:
            return
        # Another request may create it first: then theirs is the one.
        with contextlib.suppress(DuplicateKeyError):
            await self.collection.insert_one({"_id": employee_id, "claims": {}, "count": 0})
