"""The notification mailboxes on the real database: one document per person."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from trellis_portal.adapters.notification_store import KEPT_PER_PERSON, NotificationStore
from trellis_portal.domain.notifications import Notice
from trellis_shared.testing.infrastructure import Infrastructure

pytestmark = pytest.mark.integration
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def notice(person: str, title: str = "A new gig") -> Notice:
    return Notice(person=person, kind="opportunity", title=title, body="", link="/x")


async def test_concurrent_deliveries_from_two_replicas_lose_nothing(
    infrastructure: Infrastructure, mongo_database: AsyncDatabase[dict[str, Any]]
) -> None:
    # Two clients stand for two portal replicas consuming different partitions.
    clients = [AsyncMongoClient(infrastructure.mongodb_uri, tz_aware=True) for _ in range(2)]
    try:
        stores = [NotificationStore(c[mongo_database.name]["mailboxes"]) for c in clients]
        added = await asyncio.gather(
            *(
                stores[n % 2].add(f"event-{n}", [notice("ana"), notice(f"other-{n}")], NOW)
                for n in range(40)
            )
        )
        assert sum(added) == 80
        assert await stores[0].unread_count("ana") == 40
        # The same event again (Kafka redelivers) adds nothing.
        assert await stores[1].add("event-7", [notice("ana")], NOW) == 0
        assert len(await stores[0].newest("ana", 100)) == 40
    finally:
        for client in clients:
            await client.close()


async def test_reads_marks_and_the_cap(mongo_database: AsyncDatabase[dict[str, Any]]) -> None:
    store = NotificationStore(mongo_database["mailboxes"])
    for n in range(KEPT_PER_PERSON + 5):
        await store.add(f"e{n:04d}", [notice("bo", f"note {n}")], NOW + timedelta(seconds=n))
    newest = await store.newest("bo", 3)
    assert [n.title for n in newest] == [f"note {KEPT_PER_PERSON + 4 - k}" for k in range(3)]
    # Only the newest KEPT_PER_PERSON are kept, so a mailbox stays small.
    assert len(await store.newest("bo", 1000)) == KEPT_PER_PERSON
    later = await store.since("bo", NOW + timedelta(seconds=KEPT_PER_PERSON + 3))
    assert [n.title for n in later] == [
        f"note {KEPT_PER_PERSON + 3}",
        f"note {KEPT_PER_PERSON + 4}",
    ]
    assert await store.mark_read("bo", newest[0].notification_id, NOW)
    assert not await store.mark_read("someone-else", newest[0].notification_id, NOW)
    assert await store.get("someone-else", newest[0].notification_id) is None
    assert await store.unread_count("bo") == KEPT_PER_PERSON - 1
    assert await store.mark_all_read("bo", NOW) == KEPT_PER_PERSON - 1
    assert await store.unread_count("bo") == 0
