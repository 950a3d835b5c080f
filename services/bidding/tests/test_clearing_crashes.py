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
from dataclasses import dataclass
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
from trellis_shared.errors import Unavailable
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal
from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_shared.mongo.model_store import ModelStore

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
class World:
    """What the other services tell bidding, which changes between two runs."""

    seats_filled: dict[str, int]
    committed: dict[str, int]  # employee id -> share of time promised since


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
    database: Database, status: RoundStatus = RoundStatus.CLOSED
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
        round_id=ROUND_ID,
        terms=terms,
        status=status,
        seed=7,
        created_by="hr",
        created_at=CLOSED_AT - timedelta(days=7),
        bidders=BIDDERS,
    )
    await _rounds_store(database).create(ROUND_ID, round_)
    rng = random.Random(3)
    wallets: list[tuple[str, dict[str, Any], list[EventPayload]]] = []
    for index in range(BIDDERS):
        employee_id = f"e{index:03d}"
        order = rng.sample(ASSIGNMENTS, k=3)
        points = [rng.randint(1, 30) for _ in order]
        wallet = Wallet(
            round_id=ROUND_ID,
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
        wallets.append((wallet_id(ROUND_ID, employee_id), wallet.model_dump(mode="json"), []))
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


async def _round(database: Database) -> Round:
    return (await _rounds_store(database).load(ROUND_ID)).value


async def _wallets(database: Database) -> dict[str, tuple[Wallet, int]]:
    queries = MongoQueries(database["rounds"], database["wallets"])
    return {w.value.employee_id: (w.value, w.version) for w in await queries.wallets_of(ROUND_ID)}


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
