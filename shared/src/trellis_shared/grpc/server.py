"""grpc.aio server bootstrap shared by every service.

Each server gets: the standard health service (for probes), server reflection
(for grpcurl and friends), OpenTelemetry, authentication and error-mapping
interceptors, and a graceful shutdown on SIGTERM/SIGINT that first reports
NOT_SERVING so load balancers stop sending new calls.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from grpc import aio
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from grpc_reflection.v1alpha import reflection
from opentelemetry.instrumentation.grpc import aio_server_interceptor

from trellis_shared.grpc.interceptors import AuthInterceptor, ErrorMappingInterceptor
from trellis_shared.grpc.tokens import TokenCodec

log = logging.getLogger(__name__)

Registrar = Callable[[aio.Server], None]


@dataclass
class GrpcServer:
    server: aio.Server
    health: HealthServicer
    service_names: list[str]
    port: int
    grace_s: float = 5.0
    _stopped: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        await self.server.start()
        for name in [*self.service_names, ""]:
            await self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        log.info("gRPC server started", extra={"port": self.port})

    async def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        await self.health.enter_graceful_shutdown()
        await self.server.stop(self.grace_s)
        log.info("gRPC server stopped", extra={"port": self.port})

    async def wait_for_termination(self) -> None:
        await self.server.wait_for_termination()


def build_server(
    *,
    address: str,
    registrars: Iterable[Registrar],
    service_names: Iterable[str],
    codec: TokenCodec,
    grace_s: float = 5.0,
) -> GrpcServer:
    """Create (not start) a server listening on `address` ("host:port", port 0 = any)."""
    server = aio.server(
        interceptors=[
            aio_server_interceptor(),  # type: ignore[no-untyped-call]
            ErrorMappingInterceptor(),
            AuthInterceptor(codec),
        ]
    )
    for register in registrars:
        register(server)
    health = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    names = list(service_names)
    reflection.enable_server_reflection(
        [
            *names,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ],
        server,
    )
    port = server.add_insecure_port(address)
    return GrpcServer(server=server, health=health, service_names=names, port=port, grace_s=grace_s)


def stop_on_signals(stop: asyncio.Event) -> None:
    """Set `stop` on SIGTERM or SIGINT (what Kubernetes and Ctrl-C send)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
