"""Who is asking, and the way every feature calls a service as that person."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from trellis_portal.adapters.backends import Backends
from trellis_shared.grpc.client import ServiceClient
from trellis_shared.grpc.tokens import Principal

Reply = TypeVar("Reply")


@dataclass(frozen=True)
class Caller:
    """The signed-in person (id, display name, roles) and the services.

    Features take a Caller and call services through `call`, which carries the
    person's identity; each service then authorizes by object id itself.
    """

    person: Principal
    name: str
    backends: Backends

    @property
    def employee_id(self) -> str:
        return self.person.subject

    def has_role(self, role: str) -> bool:
        return self.person.has_role(role)

    async def call(
        self,
        client: ServiceClient,
        method: Callable[..., Awaitable[Reply]],
        request: Any,
        *,
        timeout_s: float | None = None,
    ) -> Reply:
        """`timeout_s` overrides the usual deadline for the few long calls."""
        return await client.call(method, request, on_behalf_of=self.person, timeout_s=timeout_s)
