"""A clearing's stored result: one document per chunk, found by `_id`.

`{_id, round_id, results: [...], written, writer, lease_until}`. The results are
written once and never changed; `written` and the lease are how replicas share
the work of writing wallet results: a claim is one conditional update of the
chunk document, so two replicas never hold the same chunk at once, and a lease
left by a dead process runs out and the chunk is taken again."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from trellis_bidding.domain.clearing_record import BidderResult

NEVER_LEASED = datetime(1970, 1, 1, tzinfo=UTC)


class MongoResultChunks:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def store(self, chunk_id: str, round_id: str, results: Sequence[BidderResult]) -> None:
        document = {
            "_id": chunk_id,
            "round_id": round_id,
            "results": [r.model_dump(mode="json") for r in results],
            "written": False,
            "writer": "",
            "lease_until": NEVER_LEASED,
        }
        # One that exists was stored by this attempt before a retry: the same content.
        with contextlib.suppress(DuplicateKeyError):
            await self._collection.insert_one(document)

    async def claim(
        self, chunk_id: str, writer: str, now: datetime, until: datetime
    ) -> list[BidderResult] | None:
        # No projection: FerretDB 1.24 does not implement one on findAndModify.
        found = await self._collection.find_one_and_update(
            {"_id": chunk_id, "written": False, "lease_until": {"$lte": now}},
            {"$set": {"writer": writer, "lease_until": until}},
            return_document=ReturnDocument.AFTER,
        )
        if found is None:
            return None
        return [BidderResult.model_validate(r) for r in found["results"]]

    async def mark_written(self, chunk_id: str) -> None:
        await self._collection.update_one({"_id": chunk_id}, {"$set": {"written": True}})

    async def written(self, chunk_id: str) -> bool:
        found = await self._collection.find_one({"_id": chunk_id}, {"written": 1})
        return bool(found and found["written"])

    async def discard(self, chunk_ids: Sequence[str]) -> None:
        for chunk_id in chunk_ids:  # `_id` lookups: the ones the embedded database indexes
            await self._collection.delete_one({"_id": chunk_id})
