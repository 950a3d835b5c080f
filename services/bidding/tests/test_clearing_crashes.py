"""A clearing killed part-way, finished by a fresh process, on the real database.

Each "process" is a fresh set of use-case objects over the same database (nothing
kept in memory carries over); a crash is an injected failure at a named point.
Between the crash and the re-run the inputs change as they do in production
(postings fills the seats of the awards it received, profiles records the
commitments), so a re-run that cleared again would give another answer.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from trellis_bidding.adapters.mongo_bidding import MongoBalances, MongoQueries
from trellis_bidding.adapters.mongo_results import MongoResultChunks
from trellis_bidding.app.bids import Bids
from trellis_bidding.app.clearing import AWARDS_PER_BATCH, Clearing
from trellis_bidding.app.read_models import Bidders, Catalog
from trellis_bidding.app.result_writing import CHUNK_LEASE, ResultWriter
from trellis_bidding.app.rounds import Rounds
from trellis_bidding.app.sweep import sweep
from trellis_bidding.domain.catalog import CatalogEntry
from trellis_bidding.domain.rounds import STALE_CLEARING, Round, RoundStatus, RoundTerms
from trellis_bidding.domain.wallets import BidEntry, Release, Wallet, wallet_id
from trellis_shared.contracts import REGISTRY
from trellis_shared.contracts.catalog import load_all
from trellis_shared.contracts.profiles import (
    ProfileSnapshot,
    SnapshotAvailability,
    SnapshotCommitment,
)
from trellis_shared.contracts.promises import award_promise
from trellis_shared.errors import Unavailable
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal
from trellis_shared.mongo.aggregate_store import AggregateStore, Stored
from trellis_shared.mongo.model_store import ModelStore
from trellis_shared.peers.profiles import TimeReservation

pytestmark = pytest.mark.integration

Database = AsyncDatabase[dict[str, Any]]
CLOSED_AT = datetime(2026, 12, 1, 12, tzinfo=UTC)
ROUND_ID = "round-crash"
ASSIGNMENTS = ["a1", "a2", "a3"]
SEATS = 60  # 180 awards: two announcement batches
BIDDERS = 240
BUDGET = 100


class Crash(Exception):
    """The process dies here."""


@dataclass
class LedgerInMemory:
    """Profiles' ledger as bidding sees it: each person has `room` free (100 unless
    said), reservations are idempotent by key, and it outlives any bidding process."""

    room: dict[str, int] = field(default_factory=dict)
    held: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> person, share
    sends: Counter[str] = field(default_factory=Counter)

    async def reserve(
        self,
        employee_id: str,
        *,
        key: str,
        reference: str,
        share_pct: int,
        starts_on: date,
        ends_on: date,
    ) -> TimeReservation:
        self.sends[key] += 1
        if key in self.held:
            return TimeReservation(True, state="reserved")
        taken = sum(share for person, share in self.held.values() if person == employee_id)
        limit = self.room.get(employee_id, 100)
        if taken + share_pct > limit:
            return TimeReservation(False, f"above the limit of {limit}%")
        self.held[key] = (employee_id, share_pct)
        return TimeReservation(True, state="reserved")

    async def release(self, employee_id: str, key: str) -> None:
        self.held.pop(key, None)


@dataclass
class SeatsInMemory:
    """Postings' seats as bidding sees them: SEATS per assignment, held per holder."""

    holders: dict[str, set[str]] = field(default_factory=dict)

    async def hold(self, assignment_id: str, holder: str, employee_id: str) -> str:
        held = self.holders.setdefault(assignment_id, set())
        if holder in held:
            return ""
        if len(held) >= SEATS:
            return f"all {SEATS} seats are filled"
        held.add(holder)
        return ""

    async def release(self, assignment_id: str, holder: str) -> None:
        self.holders.get(assignment_id, set()).discard(holder)


@dataclass
class World:
    """What the other services tell bidding, which changes between two runs."""

    seats_filled: dict[str, int]
    committed: dict[str, int]  # employee id -> share of time promised since
    ledger: LedgerInMemory = field(default_factory=LedgerInMemory)
    seats: SeatsInMemory = field(default_factory=SeatsInMemory)


class StaticCatalog:
    def __init__(self, world: World) -> None:
        self._world = world

    async def load_all(self) -> dict[str, dict[str, object]]:
        return {
            a: CatalogEntry(
                assignment_id=a,
                title=f"Stretch {a}",
                owner_id="owner",
                seats=SEATS,
                seats_filled=self._world.seats_filled.get(a, 0),
                share_pct=20,
                status="open",
            ).model_dump(mode="json")
            for a in ASSIGNMENTS
        }

    async def put(self, key: str, data: dict[str, object]) -> None:
        raise AssertionError("the catalog is not written in these tests")


class CountingFits:
    def __init__(self) -> None:
        self.calls = 0

    async def scores(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], float]:
        self.calls += 1
        return {(a, e): float(sum(map(ord, a + e)) % 101) for a, e in pairs}


class AnnouncementsCrashingAfter:
    """The real announcement store, with the process dying after `saves` of them."""

    def __init__(self, store: AggregateStore, saves: int) -> None:
        self._store = store
        self._left = saves

    async def load(self, aggregate_id: str) -> Stored | None:
        return await self._store.load(aggregate_id)

    async def save(
        self,
        aggregate_id: str,
        state: dict[str, Any],
        *,
        expected_version: int,
        events: Sequence[EventPayload] = (),
        subject: str | None = None,
    ) -> int:
        if self._left == 0:
            raise Crash("after the first chunk of awards")
        self._left -= 1
        return await self._store.save(
            aggregate_id, state, expected_version=expected_version, events=events, subject=subject
        )


class WalletWritesCrashingIn(MongoQueries):
    """The real queries, with the process dying half-way through the `nth` bulk
    write of wallet results (some of that chunk's wallets written, the rest not)."""

    def __init__(self, database: Database, nth: int) -> None:
        super().__init__(database["rounds"], database["wallets"])
        self._nth = nth

    async def replace_wallets(self, changes: Sequence[tuple[str, int, Wallet]]) -> int:
        self._nth -= 1
        if self._nth == 0:
            await super().replace_wallets(changes[: len(changes) // 2])
            raise Crash("during the wallet results")
        return await super().replace_wallets(changes)


class ChunksCrashingAtMark(MongoResultChunks):
    """The real stored result, with the process dying after the `nth` chunk's
    wallets and carried points are written, just before it is marked written."""

    def __init__(self, database: Database, nth: int) -> None:
        super().__init__(database["clearing_results"])
        self._nth = nth

    async def mark_written(self, chunk_id: str) -> None:
        self._nth -= 1
        if self._nth == 0:
            raise Crash("before marking a written chunk")
        await super().mark_written(chunk_id)


class RoundsSweptAfterEachWrite(ModelStore[Round]):
    """The real round store, with another replica's sweep running after each write
    of the round: the worst moment the sweep could pick."""

    def __init__(self, database: Database) -> None:
        super().__init__(
            AggregateStore(database["rounds"], source="bidding", registry=REGISTRY),
            Round,
            "round",
        )
        self.other: Process | None = None

    async def apply(self, *args: Any, **kwargs: Any) -> Any:
        saved = await super().apply(*args, **kwargs)
        if self.other is not None:
            await self.other.sweep()
        return saved


@dataclass
class Process:
    rounds: Rounds
    clearing: Clearing
    bids: Bids
    fits: CountingFits

    async def sweep(self) -> None:
        await sweep(self.rounds, self.clearing)


async def start_process(
    database: Database,
    world: World,
    now: datetime,
    *,
    announcements_until_crash: int | None = None,
    queries: MongoQueries | None = None,
    chunks: MongoResultChunks | None = None,
    rounds_store: ModelStore[Round] | None = None,
) -> Process:
    """Fresh use-case objects over the database, as a newly started replica has."""
    load_all()
    rounds_store = rounds_store or _rounds_store(database)
    wallets = _wallets_store(database)
    queries = queries or MongoQueries(database["rounds"], database["wallets"])
    catalog = Catalog(StaticCatalog(world))
    await catalog.load()
    bidders = Bidders(today=lambda: now.date())
    for index in range(BIDDERS):
        await bidders.apply_snapshot(_snapshot(f"e{index:03d}", world.committed))
    balances = MongoBalances(database["balances"])
    chunks = chunks or MongoResultChunks(database["clearing_results"])
    store = AggregateStore(database["announcements"], source="bidding", registry=REGISTRY)
    announcements = (
        store
        if announcements_until_crash is None
        else AnnouncementsCrashingAfter(store, announcements_until_crash)
    )
    fits = CountingFits()

    def clock() -> datetime:
        return now

    results = ResultWriter(rounds_store, wallets, queries, chunks, balances, clock)
    clearing = Clearing(
        rounds_store,
        queries,
        catalog,
        bidders,
        fits,
        clock,
        announcements,
        chunks,
        results,
        world.ledger,
        world.seats,
        bidders_per_chunk=70,  # four chunks of results
    )
    bids = Bids(rounds_store, wallets, catalog, bidders, balances, queries, clock)
    return Process(Rounds(rounds_store, queries, catalog, clock), clearing, bids, fits)


def _rounds_store(database: Database) -> ModelStore[Round]:
    return ModelStore(
        AggregateStore(database["rounds"], source="bidding", registry=REGISTRY), Round, "round"
    )


def _wallets_store(database: Database) -> ModelStore[Wallet]:
    return ModelStore(
        AggregateStore(database["wallets"], source="bidding", registry=REGISTRY), Wallet, "wallet"
    )


def _snapshot(employee_id: str, committed: dict[str, int]) -> ProfileSnapshot:
    share = committed.get(employee_id, 0)
    return ProfileSnapshot(
        employee_id=employee_id,
        version=2 if share else 1,
        name=employee_id,
        email=f"{employee_id}@example.com",
        manager_id="m1",
        availability=SnapshotAvailability(share_free_pct=100),
        commitments=[
            SnapshotCommitment(
                reference="since",
                kind="gig",
                share_pct=share,
                starts_on=date(2026, 12, 1),
                ends_on=date(2027, 6, 1),
            )
        ]
        if share
        else [],
    )


async def _closed_round_with_bids(
    database: Database, status: RoundStatus = RoundStatus.CLOSED, round_id: str = ROUND_ID
) -> None:
    """A round just closed (or about to): every bidder ranked all three assignments."""
    terms = RoundTerms(
        title="Crash round",
        assignment_ids=ASSIGNMENTS,
        opens_at=CLOSED_AT - timedelta(days=7),
        closes_at=CLOSED_AT,
        budget=BUDGET,
        carry_over_cap=30,
    )
    round_ = Round(
        round_id=round_id,
        terms=terms,
        status=status,
        seed=7,
        created_by="hr",
        created_at=CLOSED_AT - timedelta(days=7),
        bidders=BIDDERS,
    )
    await _rounds_store(database).create(round_id, round_)
    rng = random.Random(3)
    wallets: list[tuple[str, dict[str, Any], list[EventPayload]]] = []
    for index in range(BIDDERS):
        employee_id = f"e{index:03d}"
        order = rng.sample(ASSIGNMENTS, k=3)
        points = [rng.randint(1, 30) for _ in order]
        wallet = Wallet(
            round_id=round_id,
            employee_id=employee_id,
            budget=BUDGET,
            bids=[
                BidEntry(assignment_id=a, points=p, rank=r + 1)
                for r, (a, p) in enumerate(zip(order, points, strict=True))
            ],
            updated_at=CLOSED_AT - timedelta(days=1),
            release=Release(
                manager_id="m1",
                requested_at=CLOSED_AT - timedelta(days=1),
                due_at=CLOSED_AT,
            ),
        )
        wallets.append((wallet_id(round_id, employee_id), wallet.model_dump(mode="json"), []))
    await AggregateStore(database["wallets"], source="bidding", registry=REGISTRY).create_many(
        wallets
    )


async def _announced(database: Database) -> list[tuple[str, str, int]]:
    """Every award event written for the relay, duplicates kept."""
    found = []
    async for document in database["announcements"].find({}):
        for entry in document.get("outbox", {}).values():
            data = entry["envelope"]["data"]
            found.append((data["assignment_id"], data["employee_id"], data["points_spent"]))
    return found


async def _round(database: Database, round_id: str = ROUND_ID) -> Round:
    return (await _rounds_store(database).load(round_id)).value


async def _wallets(database: Database, round_id: str = ROUND_ID) -> dict[str, tuple[Wallet, int]]:
    queries = MongoQueries(database["rounds"], database["wallets"])
    return {w.value.employee_id: (w.value, w.version) for w in await queries.wallets_of(round_id)}


async def _assert_results_agree_with_the_announced_awards(database: Database) -> None:
    announced = await _announced(database)
    won: dict[str, set[str]] = {}
    for assignment_id, employee_id, _ in announced:
        won.setdefault(employee_id, set()).add(assignment_id)
    balances = MongoBalances(database["balances"])
    wallets = await _wallets(database)
    assert len(wallets) == BIDDERS
    for employee_id, (wallet, _) in wallets.items():
        assert wallet.result is not None, f"{employee_id} has no result"
        assert set(wallet.result.awarded) == won.get(employee_id, set()), employee_id
        spent = sum(b.points for b in wallet.bids if b.assignment_id in won.get(employee_id, ()))
        assert wallet.result.points_spent == spent
        assert wallet.result.points_returned == BUDGET - spent
        assert await balances.carried(employee_id) == min(BUDGET - spent, 30)
        assert wallet.release is not None
        assert wallet.release.status == "approved"


async def test_a_clearing_killed_after_the_first_award_chunk_is_finished_from_what_it_stored(
    mongo_database: Database,
) -> None:
    await _closed_round_with_bids(mongo_database)
    world = World(seats_filled={}, committed={})
    first = await start_process(mongo_database, world, CLOSED_AT, announcements_until_crash=1)
    with pytest.raises(Crash):
        await first.sweep()
    died = await _round(mongo_database)
    assert died.status is RoundStatus.CLEARING
    assert died.awards_recorded
    assert len(died.awards) == 3 * SEATS
    assert len(await _announced(mongo_database)) == AWARDS_PER_BATCH

    # Meanwhile postings filled the seats it heard of, and profiles recorded
    # those people's commitments: clearing again now would award other people.
    heard = await _announced(mongo_database)
    world.seats_filled = dict(Counter(a for a, _, _ in heard))
    world.committed = {e: 90 for _, e, _ in heard}

    # A fresh process, once the dead one's claim is stale.
    later = CLOSED_AT + STALE_CLEARING + timedelta(minutes=1)
    second = await start_process(mongo_database, world, later)
    await second.sweep()

    assert second.fits.calls == 0, "the re-run cleared again instead of using what was stored"
    cleared = await _round(mongo_database)
    assert cleared.status is RoundStatus.CLEARED
    assert cleared.results_written
    assert cleared.awards == died.awards
    announced = await _announced(mongo_database)
    assert Counter(announced) == Counter(
        (a.assignment_id, a.employee_id, a.points) for a in died.awards
    ), "every stored award announced exactly once"
    await _assert_results_agree_with_the_announced_awards(mongo_database)


async def test_awards_the_ledger_refuses_are_withdrawn_once_with_their_points_returned(
    mongo_database: Database,
) -> None:
    """The free time clearing read is old news by the time awards go out: each award
    reserves its time in the ledger first, and one refused never goes out. A
    clearing killed between two batches is finished without asking again about
    the batch it created, and with the same answers about the one it did not."""
    await _closed_round_with_bids(mongo_database)
    world = World(seats_filled={}, committed={})
    # Promised elsewhere after clearing read their free time: no room left.
    world.ledger.room = {f"e{index:03d}": 0 for index in range(0, BIDDERS, 3)}
    first = await start_process(mongo_database, world, CLOSED_AT, announcements_until_crash=1)
    with pytest.raises(Crash):
        await first.sweep()
    later = CLOSED_AT + STALE_CLEARING + timedelta(minutes=1)
    await (await start_process(mongo_database, world, later)).sweep()

    cleared = await _round(mongo_database)
    assert cleared.status is RoundStatus.CLEARED
    assert cleared.results_written
    refused = {(a.assignment_id, a.employee_id) for a in cleared.awards}
    refused = {(a, e) for a, e in refused if e in world.ledger.room}
    assert refused, "nobody was refused: the test tests nothing"
    assert {(w.assignment_id, w.employee_id) for w in cleared.withdrawn_awards} == refused
    assert all("above the limit of 0%" in w.reason for w in cleared.withdrawn_awards)
    standing = [a for a in cleared.awards if (a.assignment_id, a.employee_id) not in refused]
    announced = await _announced(mongo_database)
    assert Counter(announced) == Counter(
        (a.assignment_id, a.employee_id, a.points) for a in standing
    )
    # Profiles holds the time of exactly the announced awards.
    assert set(world.ledger.held) == {award_promise(ROUND_ID, a, e) for a, e, _ in announced}
    before_crash = cleared.awards[:AWARDS_PER_BATCH]
    assert {
        world.ledger.sends[award_promise(ROUND_ID, a.assignment_id, a.employee_id)]
        for a in before_crash
    } == {1}, "the batch created before the crash was asked about again"
    await _assert_results_agree_with_the_announced_awards(mongo_database)
    wallets = await _wallets(mongo_database)
    for assignment_id, employee_id in refused:
        result = wallets[employee_id][0].result
        assert result is not None
        outcome = next(o for o in result.outcomes if o.assignment_id == assignment_id)
        assert not outcome.won
        assert "withdrawn" in outcome.reason


async def test_two_rounds_over_the_same_assignments_never_award_a_seat_twice(
    mongo_database: Database,
) -> None:
    """Both rounds computed their awards from the same free seats; the seats are
    postings', held one by one before each award goes out, so the round that
    clears second finds them gone and withdraws its awards, points returned."""
    await _closed_round_with_bids(mongo_database)
    await _closed_round_with_bids(mongo_database, round_id="round-two")
    world = World(seats_filled={}, committed={})
    await (await start_process(mongo_database, world, CLOSED_AT)).sweep()

    first, second = await _round(mongo_database), await _round(mongo_database, "round-two")
    assert (first.status, second.status) == (RoundStatus.CLEARED, RoundStatus.CLEARED)
    assert len(first.awards) == len(second.awards) == 3 * SEATS
    assert first.withdrawn_awards == []
    assert len(second.withdrawn_awards) == 3 * SEATS
    assert all("the seat went to another award" in w.reason for w in second.withdrawn_awards)
    assert {a: len(h) for a, h in world.seats.holders.items()} == dict.fromkeys(ASSIGNMENTS, SEATS)
    announced = await _announced(mongo_database)
    assert len(announced) == 3 * SEATS, "a seat was announced twice"
    assert all(key.startswith(f"award:{ROUND_ID}:") for key in world.ledger.held)
    for wallet, _ in (await _wallets(mongo_database, "round-two")).values():
        assert wallet.result is not None
        assert (wallet.result.awarded, wallet.result.points_spent) == ([], 0)


@pytest.mark.parametrize("crash_at", ["half-way through a chunk", "before marking a chunk"])
async def test_results_left_unwritten_by_a_dead_clearer_are_repaired_by_the_sweep_once(
    mongo_database: Database, crash_at: str
) -> None:
    await _closed_round_with_bids(mongo_database)
    world = World(seats_filled={}, committed={})
    if crash_at == "half-way through a chunk":
        first = await start_process(
            mongo_database,
            world,
            CLOSED_AT,
            queries=WalletWritesCrashingIn(mongo_database, nth=2),
        )
    else:  # that chunk's points are carried already: writing it again must not add them
        first = await start_process(
            mongo_database,
            world,
            CLOSED_AT,
            chunks=ChunksCrashingAtMark(mongo_database, nth=2),
        )
    with pytest.raises(Crash):
        await first.sweep()
    died = await _round(mongo_database)
    assert died.status is RoundStatus.CLEARED
    assert not died.results_written
    without = [e for e, (w, _) in (await _wallets(mongo_database)).items() if w.result is None]
    assert without, "the crash left some wallets without their result"
    # Cleared, but those bidders are told to come back, not that they did not bid.
    with pytest.raises(Unavailable):
        await first.bids.result(Principal(without[0], frozenset({"employee"})), ROUND_ID)

    # Seats and commitments move on (they must not matter: results are stored).
    heard = await _announced(mongo_database)
    world.seats_filled = dict(Counter(a for a, _, _ in heard))
    world.committed = {e: 90 for _, e, _ in heard}

    # Two replicas sweep at once, after the dead writer's lease ran out.
    later = CLOSED_AT + CHUNK_LEASE + timedelta(seconds=1)
    replicas = [await start_process(mongo_database, world, later) for _ in range(2)]
    await asyncio.gather(*(r.sweep() for r in replicas))

    assert all(r.fits.calls == 0 for r in replicas)
    repaired = await _round(mongo_database)
    assert repaired.status is RoundStatus.CLEARED
    assert repaired.results_written
    await _assert_results_agree_with_the_announced_awards(mongo_database)
    assert Counter(await _announced(mongo_database)) == Counter(
        (a.assignment_id, a.employee_id, a.points) for a in died.awards
    )

    # Sweeping again writes nothing: no wallet changes, no points carried twice.
    versions = {e: v for e, (_, v) in (await _wallets(mongo_database)).items()}
    again = await start_process(mongo_database, world, later + timedelta(minutes=5))
    await again.sweep()
    assert {e: v for e, (_, v) in (await _wallets(mongo_database)).items()} == versions
    await _assert_results_agree_with_the_announced_awards(mongo_database)
    result = await again.bids.result(Principal(without[0], frozenset({"employee"})), ROUND_ID)
    assert result.result is not None


async def test_clearing_an_open_round_is_never_taken_over_by_a_sweep(
    mongo_database: Database,
) -> None:
    # hr_admin ends the window early and clears. The round must never sit closed
    # between the two steps: every replica's sweep clears closed rounds, and the
    # person who asked would be told someone else is clearing it.
    await _closed_round_with_bids(mongo_database, status=RoundStatus.OPEN)
    world = World(seats_filled={}, committed={})
    before_close = CLOSED_AT - timedelta(days=1)
    swept = RoundsSweptAfterEachWrite(mongo_database)
    asking = await start_process(mongo_database, world, before_close, rounds_store=swept)
    swept.other = await start_process(mongo_database, world, before_close)

    cleared = await asking.clearing.clear_as(Principal("hr", frozenset({"hr_admin"})), ROUND_ID)

    assert cleared.value.status is RoundStatus.CLEARED
    assert asking.fits.calls == 1
    assert swept.other.fits.calls == 0, "the sweep cleared the round hr_admin was clearing"
    await _assert_results_agree_with_the_announced_awards(mongo_database)
