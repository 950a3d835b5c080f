"""Application lists as small documents found by `_id` (`{_id: "posting:<id>",
items: {<application id>: {added_at, ...}}}`): a list is one indexed read on
FerretDB, where a query on any other field scans the whole collection.

Application ids are `opp-<hex>:a<hex>`, never holding `.` or a leading `$`, so
they are safe as keys; each add or remove is one atomic single-document update.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection


class MongoApplicationLists:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def add(self, list_id: str, application_id: str, info: dict[str, object]) -> None:
        entry = {**info, "added_at": datetime.now(UTC)}
        await self.collection.update_one(
            {"_id": list_id}, {"$set": {f"items.{application_id}": entry}}, upsert=True
        )

    async def remove(self, list_id: str, application_id: str) -> None:
        await self.collection.update_one(
            {"_id": list_id}, {"$unset": {f"items.{application_id}": ""}}
        )

    async def members(self, list_id: str) -> dict[str, dict[str, object]]:
        document = await self.collection.find_one({"_id": list_id})
        return dict((document or {}).get("items") or {})
