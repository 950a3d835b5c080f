"""Read what landed on a topic, from the beginning, in a throwaway consumer group."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer


async def read_topic(
    bootstrap: str, topic: str, expected: int, *, timeout_s: float = 30
) -> list[Any]:
    """Up to the first `expected` records (fewer if the timeout passes first)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=f"test-reader-{uuid.uuid4().hex[:10]}",
    )
    await consumer.start()
    records: list[Any] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while len(records) < expected and loop.time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records
