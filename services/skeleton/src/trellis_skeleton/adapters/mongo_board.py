"""The consumer's read model in its own database, made idempotent by the inbox."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from trellis_shared.contracts.skeleton import TallyIncremented
from trellis_shared.mongo.inbox import Inbox


class MongoBoard:
    def __init__(self, totals: AsyncCollection[dict[str, Any]], inbox: Inbox) -> None:
        self._totals = totals
        self._inbox = inbox

    async def apply(self, event_id: str, event: TallyIncremented) -> bool:
        async def add() -> None:
            # `$inc` is not idempotent on its own: the inbox is what makes it safe.
            await self._totals.update_one(
                {"_id": event.tally_id},
                {"$inc": {"seen_total": event.amount, "events": 1}},
                upsert=True,
            )

        return await self._inbox.handle_once(event_id, add)

    async def seen_total(self, tally_id: str) -> int:
        document = await self._totals.find_one({"_id": tally_id})
        return int(document["seen_total"]) if document else 0
