"""The relay's short path (events published from the save, no read back) and
shared due notes, against a real MongoDB-wire database."""

import asyncio
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from trellis_shared.contracts.catalog import load_all
from trellis_shared.contracts.skeleton import TallyIncremented
from trellis_shared.errors import StaleVersion
from trellis_shared.mongo.aggregate_store import AggregateStore, EventTooLarge
from trellis_shared.mongo.outbox import OutboxDue, OutboxRelay, note_clock

pytestmark = pytest.mark.integration


class Sink:
    """A broker that refuses while `down` is set and records what it took."""

    def __init__(self) -> None:
        self.totals: list[int] = []
        self.down = False

    async def publish(
        self, body: bytes, *, topic: str, key: bytes, headers: dict[str, str]
    ) -> None:
        if self.down:
            raise ConnectionError("broker unreachable")
        self.totals.append(int(body.split(b'"total":')[1].split(b",")[0].split(b"}")[0]))


class CountedReads:
    """The collection, counting what the relay reads back."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection
        self.reads = 0

    async def find_one(self, *args: Any, **kwargs: Any) -> Any:
        self.reads += 1
        return await self._collection.find_one(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)


def tally(total: int) -> TallyIncremented:
    return TallyIncremented(tally_id="a", amount=1, total=total, sequence=total)


async def test_the_saving_process_publishes_its_own_events_without_reading_them_back(
    mongo_database: AsyncDatabase[Any],
) -> None:
    counted = CountedReads(mongo_database["things"])
    sink = Sink()
    relay = OutboxRelay(counted, sink)  # type: ignore[arg-type]
    store = AggregateStore(
        mongo_database["things"], source="test", registry=load_all(), on_saved=relay.nudge
    )
    version = 0
    for total in (1, 2, 3):
        version = await store.save("a", {"total": total}, expected_version=version,
                                   events=[tally(total)])  # fmt: skip
        assert await relay.publish_dirty() == 1
    assert sink.totals == [1, 2, 3]
    assert counted.reads == 0
    document = await mongo_database["things"].find_one({"_id": "a"})
    assert document is not None
    assert (document["outbox"], document["outbox_pending"]) == ({}, 0)
    assert await mongo_database["things_outbox_due"].count_documents({}) == 0


async def test_events_left_pending_by_a_refused_publish_go_out_first_and_in_order(
    mongo_database: AsyncDatabase[Any],
) -> None:
    sink = Sink()
    relay = OutboxRelay(mongo_database["things"], sink)
    store = AggregateStore(
        mongo_database["things"], source="test", registry=load_all(), on_saved=relay.nudge
    )
    sink.down = True
    await store.save("a", {"total": 1}, expected_version=0, events=[tally(1)])
    assert await relay.publish_dirty() == 0  # refused: the event stays pending
    sink.down = False
    await store.save("a", {"total": 2}, expected_version=1, events=[tally(2)])
    # The second save's events are not all that is pending: the relay reads the
    # document and sends the older one first.
    assert await relay.publish_dirty() == 2
    assert sink.totals == [1, 2]
    document = await mongo_database["things"].find_one({"_id": "a"})
    assert document is not None
    assert document["outbox_pending"] == 0
    assert document["outbox"] == {}


async def test_a_note_shared_by_two_writes_stays_until_both_are_settled(
    mongo_database: AsyncDatabase[Any],
) -> None:
    due = OutboxDue(mongo_database["things"])
    notes = mongo_database["things_outbox_due"]
    # Two writes of one aggregate announced together share one note.
    first, second = await asyncio.gather(due.note(["a"]), due.note(["a"]))
    assert first == second
    assert (await notes.find_one({"_id": first}) or {}).get("ids") == ["a", "a"]
    # One lost its version check: the other may still land, so the note stays.
    await due.abandoned(first, ["a"])
    assert await notes.count_documents({}) == 1
    due.landed(first, {"a": None})
    await due.published("a", read_at=note_clock())
    assert await notes.count_documents({}) == 0


async def test_a_save_refused_by_its_version_check_leaves_no_note_behind(
    mongo_database: AsyncDatabase[Any],
) -> None:
    relay = OutboxRelay(mongo_database["things"], Sink())
    store = AggregateStore(
        mongo_database["things"], source="test", registry=load_all(), on_saved=relay.nudge
    )
    await store.save("a", {"total": 1}, expected_version=0, events=[tally(1)])
    outcomes = await asyncio.gather(
        *(store.save("a", {"total": 2}, expected_version=1, events=[tally(2)]) for _ in range(4)),
        return_exceptions=True,
    )
    assert sum(isinstance(o, StaleVersion) for o in outcomes) == 3
    assert await relay.publish_dirty() == 2
    assert await mongo_database["things_outbox_due"].count_documents({}) == 0


async def test_an_event_kafka_would_refuse_is_refused_at_write_time(
    mongo_database: AsyncDatabase[Any],
) -> None:
    store = AggregateStore(
        mongo_database["things"], source="test", registry=load_all(), max_event_bytes=200
    )
    with pytest.raises(EventTooLarge, match=r"trellis\.skeleton\.tally\.incremented for 'a' is"):
        await store.save("a", {"total": 1}, expected_version=0, events=[tally(1)])
    # Nothing written, nothing announced: the caller can split and try again.
    assert await mongo_database["things"].count_documents({}) == 0
    assert await mongo_database["things_outbox_due"].count_documents({}) == 0
