"""Single-document writes are atomic across OS processes on the test database.

Trellis' only concurrency tool is the conditional single-document update. Two
replicas of a service are two processes with their own connections, so this
test races two processes (plain PyMongo, no lock of ours) on one document.
Upstream FerretDB 1.24.2 fails it — several winners of one version, lost
`$inc`s (docs/adr/0010 has the figures and how to run it against the stock
build); our patched build and MongoDB pass.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from trellis_shared.testing.infrastructure import Infrastructure

pytestmark = pytest.mark.integration

WORKER = Path(__file__).with_name("race_worker.py")
PROCESSES = 2
ROUNDS = 150


def race(infrastructure: Infrastructure, database: str, mode: str) -> list[int]:
    start_at = time.time() + 1.5  # both processes connected before the gun
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                str(WORKER),
                infrastructure.mongodb_uri,
                database,
                mode,
                str(ROUNDS),
                str(start_at),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    wins = []
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, f"race worker failed: {out}"
        wins.append(json.loads(out)["wins"])
    return wins


@pytest.mark.parametrize("mode", ["update", "find_and_modify"])
async def test_one_winner_per_version_across_processes(
    infrastructure: Infrastructure, mongo_database: AsyncDatabase[dict[str, Any]], mode: str
) -> None:
    await mongo_database["race"].insert_one({"_id": "contested", "version": 0, "wins": 0})
    wins = race(infrastructure, mongo_database.name, mode)
    final = await mongo_database["race"].find_one({"_id": "contested"})
    assert final is not None
    # Every reported win moved the version by exactly one: two winners of one
    # version would make the wins outnumber the versions.
    assert sum(wins) == final["version"] == final["wins"], (wins, final)
    assert all(w > 0 for w in wins), "both processes should win some rounds"


async def test_no_increment_lost_across_processes(
    infrastructure: Infrastructure, mongo_database: AsyncDatabase[dict[str, Any]]
) -> None:
    await mongo_database["race"].insert_one({"_id": "contested", "version": 0, "wins": 0})
    race(infrastructure, mongo_database.name, "inc")
    final = await mongo_database["race"].find_one({"_id": "contested"})
    assert final is not None
    assert final["wins"] == PROCESSES * ROUNDS


async def test_a_bulk_write_of_many_updates_completes(
    infrastructure: Infrastructure, mongo_database: AsyncDatabase[dict[str, Any]]
) -> None:
    """Upstream FerretDB keeps every statement's cursor (and its pooled SQLite
    connection) open until the whole command ends, so a bulk write of 100 or
    more updates hung the database; bulk writes of results and wallets need it."""
    statements = 300
    await mongo_database["bulk"].insert_many([{"_id": n, "v": 0} for n in range(statements)])
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        infrastructure.mongodb_uri, socketTimeoutMS=30_000
    )
    try:
        result = await client[mongo_database.name]["bulk"].bulk_write(
            [UpdateOne({"_id": n, "v": 0}, {"$set": {"v": 1}}) for n in range(statements)]
        )
    finally:
        await client.close()
    assert result.modified_count == statements
