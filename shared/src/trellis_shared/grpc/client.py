"""Calling another Trellis service: one channel with tracing, a service token per
call, a deadline on every call, and its failures as Trellis errors.

A peer that does not answer becomes Unavailable naming the peer and the setting
that points at it, so the caller's own client sees UNAVAILABLE with a reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc
from grpc import aio
from opentelemetry.instrumentation.grpc import aio_client_interceptors

from trellis_shared.errors import Unavailable
from trellis_shared.grpc.tokens import Principal, TokenCodec

Reply = TypeVar("Reply")
UNREACHABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})


class ServiceClient:
    def __init__(
        self,
        *,
        peer: str,
        address: str,
        setting: str,
        codec: TokenCodec,
        caller: Principal,
        timeout_s: float,
    ) -> None:
        self.peer = peer
        self.address = address
        self._setting = setting
        self._codec = codec
        self._caller = caller
        self._timeout_s = timeout_s
        self._channel: aio.Channel | None = None

    @property
    def channel(self) -> aio.Channel:
        if self._channel is None:  # created lazily: inside the running event loop
            self._channel = aio.insecure_channel(
                self.address,
                interceptors=aio_client_interceptors(),  # type: ignore[no-untyped-call]
            )
        return self._channel

    async def call(
        self,
        method: Callable[..., Awaitable[Reply]],
        request: Any,
        *,
        on_behalf_of: Principal | None = None,
        timeout_s: float | None = None,
    ) -> Reply:
        """Call `method` (a stub method) as the service identity, or as the person
        `on_behalf_of` (the portal calls with the signed-in person's identity, so
        each service authorizes the person, not the portal)."""
        caller = on_behalf_of or self._caller
        try:
            return await method(
                request,
                metadata=self._codec.metadata(caller),
                timeout=timeout_s or self._timeout_s,
            )
        except aio.AioRpcError as error:
            if error.code() in UNREACHABLE:
                raise Unavailable(
                    f"{self.peer} did not answer at {self.address} ({error.code().name}); "
                    f"check that it runs or set {self._setting}"
                ) from error
            raise

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close(grace=None)
            self._channel = None
