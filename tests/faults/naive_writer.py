"""The naive baseline: write to the database, then publish to Kafka directly.

No outbox: the write and the publish are two steps with nothing joining them.
Run as a process under the same faults as Trellis (SIGKILLs, its crash point
"after_save" between the two steps, the database stopped, the broker restarted),
it must lose events, or the fault suite could not tell a design that loses from
one that does not.

    python naive_writer.py <mongodb-uri> <database> <bootstrap> <topic>
"""

from __future__ import annotations

import asyncio
import sys
import uuid

from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from trellis_shared.crash_points import crash_point


async def write_forever(uri: str, database: str, bootstrap: str, topic: str) -> None:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        uri, serverSelectionTimeoutMS=2000
    )
    # A send gives up after 5 s, as a request handler with a deadline would: while
    # the broker restarts, the orders already written are never announced.
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", request_timeout_ms=5000)
    await producer.start()
    orders = client[database]["orders"]
    while True:
        order_id = uuid.uuid4().hex
        try:
            await orders.insert_one({"_id": order_id})
            crash_point("after_save")
            await producer.send_and_wait(topic, order_id.encode(), key=order_id.encode())
        except Exception as error:  # as naive code does: log, and go on to the next
            print(f"naive writer: {order_id} failed: {error!r}", flush=True)
            await asyncio.sleep(0.5)
        await asyncio.sleep(0.02)


if __name__ == "__main__":
    asyncio.run(write_forever(*sys.argv[1:5]))
