"""Postings in MongoDB: one aggregate document per opportunity (state + outbox).

Queries on fields other than `_id` scan the collection on FerretDB: they serve
search and the periodic sweep, never a per-request hot path of applications
(those go through `mongo_application_lists`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from trellis_postings.app.ports import SearchCriteria, Stored
from trellis_postings.domain.opportunity import Opportunity
from trellis_shared.events import EventPayload
from trellis_shared.mongo.aggregate_store import AggregateStore

STATE_FIELDS = {"version": 1, "state": 1}


def _stored(document: dict[str, Any]) -> Stored:
    return Stored(Opportunity.model_validate(document["state"]), int(document["version"]))


def search_filter(criteria: SearchCriteria, after_id: str) -> dict[str, Any]:
    clauses: list[dict[str, Any]] = [{"state.status": {"$in": sorted(criteria.statuses)}}]
    if criteria.kinds:
        clauses.append({"state.kind": {"$in": sorted(k.value for k in criteria.kinds)}})
    if criteria.skills:
        clauses.append({"state.skill_ids": {"$in": sorted(criteria.skills)}})
    if criteria.department:
        clauses.append({"state.details.department": criteria.department})
    if criteria.location:
        place: dict[str, Any] = {"state.details.location": criteria.location}
        clauses.append(
            {"$or": [place, {"state.details.remote": True}]} if criteria.include_remote else place
        )
    if criteria.max_share_pct < 100:
        clauses.append({"state.details.share_pct": {"$lte": criteria.max_share_pct}})
    if criteria.starts_after:
        clauses.append({"state.details.starts_on": {"$gte": criteria.starts_after.isoformat()}})
    if criteria.ends_before:
        clauses.append({"state.details.ends_on": {"$lte": criteria.ends_before.isoformat()}})
    for word in criteria.words:
        pattern = {"$regex": re.escape(word), "$options": "i"}
        clauses.append(
            {"$or": [{"state.details.title": pattern}, {"state.details.description": pattern}]}
        )
    if criteria.hiring_manager_id:
        clauses.append({"state.details.hiring_manager_id": criteria.hiring_manager_id})
    if after_id:
        clauses.append({"_id": {"$gt": after_id}})
    return {"$and": clauses}


class MongoOpportunities:
    def __init__(self, store: AggregateStore) -> None:
        self._store = store
        self._collection: AsyncCollection[dict[str, Any]] = store.collection

    async def ensure_indexes(self) -> None:
        for field in ("state.status", "state.interview_requester_ids"):
            await self._collection.create_index([(field, ASCENDING)])

    async def get(self, opportunity_id: str) -> Stored | None:
        document = await self._collection.find_one({"_id": opportunity_id}, STATE_FIELDS)
        return _stored(document) if document else None

    async def save(
        self, opportunity: Opportunity, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        return await self._store.save(
            opportunity.opportunity_id,
            opportunity.model_dump(mode="json"),
            expected_version=expected_version,
            events=events,
        )

    async def _find(self, query: dict[str, Any], limit: int = 0) -> list[Stored]:
        cursor = self._collection.find(query, STATE_FIELDS).sort("_id", ASCENDING)
        if limit:
            cursor = cursor.limit(limit)
        return [_stored(document) async for document in cursor]

    async def search(self, criteria: SearchCriteria, after_id: str, limit: int) -> list[Stored]:
        return await self._find(search_filter(criteria, after_id), limit)

    async def with_interview_from(self, employee_id: str) -> list[Stored]:
        return await self._find({"state.interview_requester_ids": employee_id})

    async def needing_attention(self, now: datetime) -> list[Stored]:
        return await self._find({"state.deadline_ts": {"$lte": now.timestamp()}})

    async def all_open(self) -> list[Stored]:
        return await self._find({"state.status": "open"})
