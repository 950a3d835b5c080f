"""One racing writer, run as its own OS process by test_database_atomicity.py.

It uses plain PyMongo and none of Trellis' locks, so the only thing that can
keep two of these from overwriting each other is the database itself.

    python race_worker.py <uri> <database> <mode> <rounds> <start_at_epoch_s>

Prints one JSON line: {"wins": n} — how many of its writes the database said
took effect.
"""

from __future__ import annotations

import json
import sys
import time

from pymongo import MongoClient, ReturnDocument

DOCUMENT_ID = "contested"


def versioned_update(collection, rounds: int) -> int:  # type: ignore[no-untyped-def]
    """Read the version, then write version+1 only if nobody else did: one winner per version."""
    wins = 0
    for _ in range(rounds):
        version = collection.find_one({"_id": DOCUMENT_ID})["version"]
        result = collection.update_one(
            {"_id": DOCUMENT_ID, "version": version},
            {"$set": {"version": version + 1}, "$inc": {"wins": 1}},
        )
        wins += result.modified_count
    return wins


def versioned_find_and_modify(collection, rounds: int) -> int:  # type: ignore[no-untyped-def]
    wins = 0
    for _ in range(rounds):
        version = collection.find_one({"_id": DOCUMENT_ID})["version"]
        before = collection.find_one_and_update(
            {"_id": DOCUMENT_ID, "version": version},
            {"$set": {"version": version + 1}, "$inc": {"wins": 1}},
            return_document=ReturnDocument.BEFORE,
        )
        wins += before is not None
    return wins


def increments(collection, rounds: int) -> int:  # type: ignore[no-untyped-def]
    for _ in range(rounds):
        collection.update_one({"_id": DOCUMENT_ID}, {"$inc": {"wins": 1}})
    return rounds


MODES = {
    "update": versioned_update,
    "find_and_modify": versioned_find_and_modify,
    "inc": increments,
}


def main() -> None:
    uri, database, mode, rounds, start_at = sys.argv[1:6]
    with MongoClient(uri, serverSelectionTimeoutMS=10_000) as client:
        collection = client[database]["race"]
        collection.find_one({"_id": DOCUMENT_ID})  # connect before the start line
        time.sleep(max(0.0, float(start_at) - time.time()))
        wins = MODES[mode](collection, int(rounds))
    print(json.dumps({"wins": wins}))


if __name__ == "__main__":
    main()
