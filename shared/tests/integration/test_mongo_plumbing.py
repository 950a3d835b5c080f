"""Aggregate store, outbox bookkeeping and inbox against a real MongoDB-wire database."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from trellis_shared.contracts.catalog import load_all
from trellis_shared.contracts.skeleton import TallyIncremented
from trellis_shared.errors import StaleVersion
from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_shared.mongo.inbox import Inbox, InboxBusy

pytestmark = pytest.mark.integration


def store(db: AsyncDatabase[Any]) -> AggregateStore:
    return AggregateStore(db["things"], source="test", registry=load_all())


def event(total: int, sequence: int) -> TallyIncremented:
    return TallyIncremented(tally_id="a", amount=1, total=total, sequence=sequence)


async def test_state_and_events_are_written_in_one_document(
    mongo_database: AsyncDatabase[Any],
) -> None:
    things = store(mongo_database)
    version = await things.save("a", {"total": 1}, expected_version=0, events=[event(1, 1)])
    version = await things.save("a", {"total": 2}, expected_version=version, events=[event(2, 2)])
    document = await mongo_database["things"].find_one({"_id": "a"})
    assert document is not None
    assert document["version"] == version == 2
    assert document["state"] == {"total": 2}
    assert document["outbox_pending"] == 2
    entries = sorted(document["outbox"].values(), key=lambda e: e["sequence"])
    assert [e["envelope"]["data"]["total"] for e in entries] == [1, 2]
    assert {e["status"] for e in entries} == {"pending"}
    assert {e["key"] for e in entries} == {"a"}


async def test_a_stale_version_is_refused_and_changes_nothing(
    mongo_database: AsyncDatabase[Any],
) -> None:
    things = store(mongo_database)
    await things.save("a", {"total": 1}, expected_version=0, events=[event(1, 1)])
    with pytest.raises(StaleVersion):
        await things.save("a", {"total": 99}, expected_version=5, events=[event(99, 6)])
    with pytest.raises(StaleVersion):
        await things.save("a", {"total": 99}, expected_version=0)
    loaded = await things.load("a")
    assert loaded is not None
    assert loaded.state == {"total": 1}
    document = await mongo_database["things"].find_one({"_id": "a"})
    assert document is not None
    assert document["outbox_pending"] == 1


async def test_concurrent_writers_on_one_version_have_exactly_one_winner(
    mongo_database: AsyncDatabase[Any],
) -> None:
    """Twenty racing saves from the same version, ten times over: one winner each time.

    FerretDB alone lets several conditional updates win (ADR 0005); the store's
    per-document write lock must make the outcome the same as on MongoDB.
    """
    things = store(mongo_database)
    for trial in range(10):
        aggregate = f"a{trial}"
        await things.save(aggregate, {"total": 0}, expected_version=0)

        async def attempt(n: int, aggregate: str = aggregate) -> bool:
            try:
                await things.save(aggregate, {"total": n}, expected_version=1, events=[event(n, 2)])
                return True
            except StaleVersion:
                return False

        results = await asyncio.gather(*(attempt(n) for n in range(1, 21)))
        assert results.count(True) == 1, f"trial {trial}: {results.count(True)} winners"
        document = await mongo_database["things"].find_one({"_id": aggregate})
        assert document is not None
        assert document["version"] == 2
        assert document["outbox_pending"] == 1


async def test_relay_marks_and_saves_racing_on_one_document_lose_nothing(
    mongo_database: AsyncDatabase[Any],
) -> None:
    """A relay marking events sent while the aggregate keeps saving: no lost writes."""
    from trellis_shared.mongo.outbox import OutboxRelay

    class Sink:
        def __init__(self) -> None:
            self.sent: list[str] = []

        async def publish(
            self, body: bytes, *, topic: str, key: bytes, headers: dict[str, str]
        ) -> None:
            self.sent.append(headers["ce_id"])
            await asyncio.sleep(0)

    things = store(mongo_database)
    sink = Sink()
    relay = OutboxRelay(mongo_database["things"], sink)
    version = await things.save("a", {"total": 0}, expected_version=0)

    async def keep_saving() -> None:
        nonlocal version
        for n in range(1, 31):
            version = await things.save(
                "a", {"total": n}, expected_version=version, events=[event(n, n + 1)]
            )

    async def keep_relaying() -> None:
        for _ in range(60):
            await relay.publish_pending()
            await asyncio.sleep(0)

    await asyncio.gather(keep_saving(), keep_relaying())
    await relay.publish_pending()
    document = await mongo_database["things"].find_one({"_id": "a"})
    assert document is not None
    assert document["version"] == 31
    assert document["state"] == {"total": 30}
    assert document["outbox_pending"] == 0
    assert len(sink.sent) == len(set(sink.sent)) == 30


async def test_inbox_runs_work_once_per_event(mongo_database: AsyncDatabase[Any]) -> None:
    inbox = Inbox(mongo_database["inbox"], "consumer-a")
    runs: list[str] = []

    async def work() -> None:
        runs.append("ran")

    assert await inbox.handle_once("e1", work) is True
    assert await inbox.handle_once("e1", work) is False
    assert runs == ["ran"]
    # Another consumer group keeps its own record of the same event.
    assert await Inbox(mongo_database["inbox"], "consumer-b").handle_once("e1", work) is True


async def test_inbox_releases_a_claim_when_work_fails(mongo_database: AsyncDatabase[Any]) -> None:
    inbox = Inbox(mongo_database["inbox"], "c")

    async def failing() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await inbox.handle_once("e1", failing)
    ran: list[bool] = []

    async def work() -> None:
        ran.append(True)

    assert await inbox.handle_once("e1", work) is True
    assert ran == [True]


async def test_concurrent_deliveries_of_one_event_run_the_work_once(
    mongo_database: AsyncDatabase[Any],
) -> None:
    inbox = Inbox(mongo_database["inbox"], "c")
    runs = 0

    async def slow_work() -> None:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.05)

    async def deliver() -> str:
        try:
            return "ran" if await inbox.handle_once("e1", slow_work) else "duplicate"
        except InboxBusy:
            return "busy"

    outcomes = await asyncio.gather(*(deliver() for _ in range(10)))
    assert runs == 1
    assert outcomes.count("ran") == 1


async def test_a_claim_abandoned_past_its_lease_is_taken_over(
    mongo_database: AsyncDatabase[Any],
) -> None:
    collection = mongo_database["inbox"]
    await collection.insert_one(
        {
            "_id": "c:e1",
            "consumer": "c",
            "event_id": "e1",
            "status": "processing",
            "claimed_at": datetime.now(UTC) - timedelta(minutes=5),
        }
    )
    inbox = Inbox(collection, "c", lease=timedelta(seconds=60))
    assert await inbox.claim("e1") is True
    fresh = Inbox(collection, "c", lease=timedelta(seconds=60))
    with pytest.raises(InboxBusy):
        await fresh.claim("e1")
