"""Sending an idempotent call to a peer again while it is briefly unreachable."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import grpc
from grpc import aio

from trellis_shared.errors import Unavailable

Reply = TypeVar("Reply")
FIRST_WAIT_S = 0.1
MAX_WAIT_S = 2.0
# ServiceClient turns UNAVAILABLE and DEADLINE_EXCEEDED into Unavailable; these
# come through as they are: a lost write race (ABORTED) and overload.
TRANSIENT = frozenset({grpc.StatusCode.ABORTED, grpc.StatusCode.RESOURCE_EXHAUSTED})


async def retrying(call: Callable[[], Awaitable[Reply]], patience_s: float) -> Reply:
    """Send again on a transient failure (the peer down, overloaded, a timeout),
    waiting a capped, doubling time, for up to `patience_s`; then give up.
    Only for calls that are safe to repeat (idempotent by a key)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience_s
    wait = FIRST_WAIT_S
    while True:
        try:
            return await call()
        except Unavailable:
            if loop.time() + wait > deadline:
                raise
        except aio.AioRpcError as error:
            if error.code() not in TRANSIENT or loop.time() + wait > deadline:
                raise
        await asyncio.sleep(wait)
        wait = min(wait * 2, MAX_WAIT_S)
