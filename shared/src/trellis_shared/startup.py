"""Fail fast, and say why, when Kafka or the database cannot be reached.

A service that hangs on a wrong address is hard to diagnose; one that exits
within the timeout naming the address and the variable that sets it is not.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from aiokafka import AIOKafkaClient
from pymongo import AsyncMongoClient

from trellis_shared.errors import DependencyUnreachable

KAFKA_VARIABLE = "TRELLIS_KAFKA_BOOTSTRAP"
MONGODB_VARIABLE = "TRELLIS_MONGODB_URI"


async def check_mongodb(client: AsyncMongoClient[Any], uri: str, timeout_s: float) -> None:
    try:
        await asyncio.wait_for(client.admin.command("ping"), timeout=timeout_s)
    except Exception as exc:
        raise DependencyUnreachable(
            "the MongoDB-compatible database", _redact(uri), MONGODB_VARIABLE, type(exc).__name__
        ) from exc


async def check_kafka(bootstrap: str, timeout_s: float) -> None:
    client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout_s * 1000))
    try:
        await asyncio.wait_for(client.bootstrap(), timeout=timeout_s)
    except Exception as exc:
        raise DependencyUnreachable("Kafka", bootstrap, KAFKA_VARIABLE, type(exc).__name__) from exc
    finally:
        await client.close()


def exit_unreachable(error: DependencyUnreachable) -> None:
    print(f"[trellis] fatal: {error}", file=sys.stderr)
    raise SystemExit(2)


def _redact(uri: str) -> str:
    """Never print a password that may sit in the connection string."""
    scheme, sep, rest = uri.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"
