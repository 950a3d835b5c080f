"""PyMongo async client factory.

We use PyMongo's native `AsyncMongoClient`: Motor, the older async wrapper, is
deprecated by its maintainers in favour of it.
"""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient

# How long an operation waits for the database to be reachable before it fails
# with ServerSelectionTimeoutError. Short, because the callers retry: a Kafka
# consumer holds its partition and tries again with backoff for as long as an
# outage lasts (ADR 0014), and a gRPC caller has its own deadline. Waiting 10 s or
# more per attempt only delays noticing that the database is back.
DEFAULT_TIMEOUT_S = 5.0


def make_client(
    uri: str, *, app_name: str, timeout_s: float = DEFAULT_TIMEOUT_S
) -> AsyncMongoClient[Any]:
    # connectTimeoutMS stays at its default: PyMongo's monitor also uses it to
    # wait for a busy server's answer, and a short one would mark a slow but
    # healthy database as down.
    return AsyncMongoClient(
        uri,
        appname=app_name,
        serverSelectionTimeoutMS=int(timeout_s * 1000),
        tz_aware=True,
        # FerretDB (the embedded default) has no retryable-writes support; the
        # repository's version checks make our own retries safe instead.
        retryWrites=False,
    )
