"""Carried-over points when rounds overlap, on the real database (issue 14: every
round read one carried number per person and every clearing overwrote it, so two
rounds open at once both spent the same points and the later clearing erased
what the earlier one returned)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from trellis_bidding.adapters.mongo_bidding import MongoBalances

pytestmark = pytest.mark.integration
Database = AsyncDatabase[dict[str, Any]]


async def test_carried_points_go_into_one_round_only(mongo_database: Database) -> None:
    balances = MongoBalances(mongo_database["balances"])
    await balances.credit("round-0", {"alice": 30})
    drawn = await asyncio.gather(*(balances.draw("alice", f"round-{n}") for n in range(1, 9)))
    assert sorted(drawn) == [0] * 7 + [30], "the same points went into two rounds"
    assert await balances.carried("alice") == 0
    winner = f"round-{drawn.index(30) + 1}"
    assert await balances.draw("alice", winner) == 30, "drawing again answers the same"


async def test_clearings_of_overlapping_rounds_add_up_and_count_once(
    mongo_database: Database,
) -> None:
    balances = MongoBalances(mongo_database["balances"])
    await balances.credit("round-a", {"alice": 12, "bob": 5})
    await balances.credit("round-b", {"alice": 7})
    await balances.credit("round-a", {"alice": 12, "bob": 5})  # written again by a sweep
    assert await balances.carried("alice") == 19
    assert await balances.carried("bob") == 5
    assert await balances.credited("alice", "round-b") == 7


async def test_points_drawn_for_a_wallet_never_made_come_back(mongo_database: Database) -> None:
    balances = MongoBalances(mongo_database["balances"])
    await balances.credit("round-0", {"alice": 30})
    assert await balances.draw("alice", "round-1") == 30
    await balances.undraw("alice", "round-1")
    await balances.undraw("alice", "round-1")
    assert await balances.carried("alice") == 30
    assert await balances.draw("alice", "round-2") == 30
    assert await balances.draw("nobody", "round-2") == 0
