"""PyMongo async client factory.

We use PyMongo's native `AsyncMongoClient`: Motor, the older async wrapper, is
deprecated by its maintainers in favour of it.
"""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient


def make_client(uri: str, *, app_name: str, timeout_s: float = 10.0) -> AsyncMongoClient[Any]:
    return AsyncMongoClient(
        uri,
        appname=app_name,
        serverSelectionTimeoutMS=int(timeout_s * 1000),
        tz_aware=True,
        # FerretDB (the embedded default) has no retryable-writes support; the
        # repository's version checks make our own retries safe instead.
        retryWrites=False,
    )
