"""Helpers of the end-to-end service benchmarks: feed topics fast, watch a process.

The end-to-end benchmarks run a service as its own OS process (`serve`, as in
production) and feed it what other services would publish. Tens of thousands
of events go out through one batching producer (awaiting each send one by one
would make the feeding, not the service, the figure), and the service's peak
memory is read from the kernel (VmHWM: the process's high-water resident set).
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from types import ModuleType

from aiokafka import AIOKafkaProducer

from trellis_shared.events.envelope import Envelope, EventPayload, kafka_headers

SERVICES = Path(__file__).resolve().parents[1] / "services"


def stand_ins(service: str, module: str) -> ModuleType:
    """A module of a service's test folder: its replica stand-ins live there (fake
    peers, event feeders, the replica set), shared by its tests and this benchmark."""
    folder = str(SERVICES / service / "tests")
    if folder not in sys.path:
        sys.path.append(folder)
    return importlib.import_module(module)


async def publish_many(
    bootstrap: str, prefix: str, events: Iterable[tuple[str, str, EventPayload]]
) -> int:
    """(topic, key, payload) in order per key, batched; returns how many were sent."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        linger_ms=20,
        max_batch_size=1 << 20,
    )
    await producer.start()
    sent = 0
    pending: list[asyncio.Future[object]] = []
    try:
        for topic, key, payload in events:
            envelope = Envelope.wrap(payload, source="bench-feeder", subject=key)
            headers = [(k, v.encode()) for k, v in kafka_headers(envelope, {}).items()]
            pending.append(
                await producer.send(
                    prefix + topic, envelope.to_bytes(), key=key.encode(), headers=headers
                )
            )
            sent += 1
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending = []
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return sent


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set so far (Linux /proc), in MiB; 0 if unknown."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mib(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def every_step(*steps: Callable[[], Awaitable[object]]) -> None:
    """Run each clean-up step even if an earlier one failed; re-raise the first failure."""
    first: Exception | None = None
    for step in steps:
        try:
            await step()
        except Exception as error:
            first = first or error
    if first is not None:
        raise first


async def cancel_and_wait(task: asyncio.Task[None] | None) -> None:
    """Cancel a background loop (a relay pass may take long on FerretDB) and wait for it.

    An event published but not yet marked sent is published again later and
    dropped by consumers as a duplicate; the benchmark drops its data anyway."""
    if task is not None:
        task.cancel()
        await asyncio.wait([task])
