"""Reading a topic's partitions up to the end they had when the reading began.

A tool that lists or replays must stop somewhere on a topic that keeps
growing: it takes the end offsets first and reads to them, so records that
arrive meanwhile (a replayed record dead-lettered again) wait for the next run.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

# Without a single new record for this long, the broker is not delivering what
# it said it holds (records deleted under us, a partition offline): give up.
STALL_S = 30.0


class ReadStalled(TimeoutError):
    """No progress towards the end offsets for `STALL_S` seconds."""


async def read_to(
    consumer: AIOKafkaConsumer, ends: Mapping[TopicPartition, int]
) -> AsyncIterator[ConsumerRecord[bytes, bytes]]:
    """Yield the records of the assigned partitions from their positions to `ends`."""
    remaining = {tp for tp, end in ends.items() if await consumer.position(tp) < end}
    loop = asyncio.get_running_loop()
    stalled_at = loop.time() + STALL_S
    while remaining:
        batches = await consumer.getmany(*remaining, timeout_ms=500)
        for tp, records in batches.items():
            for record in records:
                if record.offset < ends[tp]:
                    yield record
        for tp in list(remaining):
            # The position, not the last offset seen: offsets may have gaps
            # (compaction, transaction markers).
            if await consumer.position(tp) >= ends[tp]:
                remaining.discard(tp)
        if any(batches.values()):
            stalled_at = loop.time() + STALL_S
        elif loop.time() > stalled_at:
            raise ReadStalled(f"no records for {STALL_S:.0f} s before the end of {remaining}")
