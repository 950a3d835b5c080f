"""N replicas of one service as separate OS processes, for replica-safety tests.

Each replica is the service's own `serve` command (the same code path as
production) with its own gRPC port, sharing one database, one topic prefix and
one consumer group, as replicas behind a Kubernetes Service do. Clients reach
them through one channel that spreads calls round-robin, or one channel per
replica. A replica can be killed (SIGKILL: no shutdown code runs) and started
again. Each replica's output goes to a log file that a failing test prints.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from trellis_shared.grpc.wait_healthy import wait_serving

ROUND_ROBIN = (("grpc.lb_policy_name", "round_robin"),)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ReplicaSet:
    """`count` processes of `module` (a service's CLI module) run with `serve`."""

    module: str
    addr_setting: str  # e.g. TRELLIS_POSTINGS_ADDR: where a replica listens
    env: Mapping[str, str]
    log_dir: Path
    count: int = 2
    ready_timeout_s: float = 120.0
    # What goes into `addr_setting` ("{port}" for a setting that takes a port only).
    addr_format: str = "127.0.0.1:{port}"
    # Whether the replica at an address is ready, within a timeout (HTTP services
    # pass their own; gRPC services answer the standard health check).
    ready: Callable[[str, float], Awaitable[bool]] = wait_serving
    ports: list[int] = field(default_factory=list)
    # Each replica's /metrics port: replicas on one machine cannot share the default.
    metrics_ports: list[int] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes] | None] = field(default_factory=list)

    @property
    def addresses(self) -> list[str]:
        return [f"127.0.0.1:{port}" for port in self.ports]

    @property
    def target(self) -> str:
        """One gRPC target naming every replica (use with ROUND_ROBIN options)."""
        return "ipv4:" + ",".join(self.addresses)

    def round_robin_channel(self) -> grpc.aio.Channel:
        return grpc.aio.insecure_channel(self.target, options=ROUND_ROBIN)

    def channel_to(self, index: int) -> grpc.aio.Channel:
        return grpc.aio.insecure_channel(self.addresses[index])

    def log_path(self, index: int) -> Path:
        return self.log_dir / f"{self.module.rsplit('.', 2)[0]}-{index}.log"

    async def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.ports = [free_port() for _ in range(self.count)]
        self.metrics_ports = [free_port() for _ in range(self.count)]
        self.processes = [None] * self.count
        for index in range(self.count):
            self._spawn(index)
        await asyncio.gather(*(self.wait_ready(index) for index in range(self.count)))

    def _spawn(self, index: int) -> None:
        listen = self.addr_format.format(port=self.ports[index])
        env = {**os.environ, **self.env, self.addr_setting: listen}
        env["TRELLIS_REPLICA"] = str(index)
        if "TRELLIS_METRICS_PORT" not in self.env:
            env["TRELLIS_METRICS_PORT"] = str(self.metrics_ports[index])
        with self.log_path(index).open("ab") as log:
            self.processes[index] = subprocess.Popen(
                [sys.executable, "-m", self.module, "serve"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def wait_ready(self, index: int) -> None:
        if not await self.ready(self.addresses[index], self.ready_timeout_s):
            process = self.processes[index]
            code = process.poll() if process else None
            raise RuntimeError(
                f"replica {index} of {self.module} not SERVING on {self.addresses[index]} "
                f"(exit code {code}); its log:\n{self.tail(index)}"
            )

    def tail(self, index: int, lines: int = 40) -> str:
        path = self.log_path(index)
        if not path.exists():
            return "(no log)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def kill(self, index: int) -> None:
        """SIGKILL: the process gets no chance to finish anything."""
        process = self.processes[index]
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        self.processes[index] = None

    async def restart(self, index: int) -> None:
        self.kill(index)
        self._spawn(index)
        await self.wait_ready(index)

    def start_again(self, index: int) -> None:
        """Start a replica that died (or was killed) without waiting for it to be
        ready, as an orchestrator restarts a container."""
        self.kill(index)
        self._spawn(index)

    def exited(self, index: int) -> bool:
        """Whether the replica's process ended on its own (not killed by us)."""
        process = self.processes[index]
        return process is not None and process.poll() is not None

    async def stop(self) -> None:
        """SIGTERM every replica and wait for a clean exit (SIGKILL after 30 s)."""
        running = [p for p in self.processes if p is not None and p.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                await asyncio.to_thread(process.wait, 30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes = [None] * self.count


def service_replicas(
    service: str,
    *,
    kafka_bootstrap: str,
    mongodb_uri: str,
    auth_secret: str,
    topic_prefix: str,
    database: str,
    consumer_group: str,
    log_dir: Path,
    count: int = 2,
    ready_timeout_s: float = 120.0,
    settings: Mapping[str, str] | None = None,
) -> ReplicaSet:
    """Replicas of one of Trellis' gRPC services (`python -m trellis_<service>...cli
    serve`) with the settings every service reads, plus the service's own `settings`
    (e.g. where its peers are)."""
    upper = service.upper()
    env = {
        "TRELLIS_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "TRELLIS_MONGODB_URI": mongodb_uri,
        "TRELLIS_AUTH_SECRET": auth_secret,
        "TRELLIS_TOPIC_PREFIX": topic_prefix,
        f"TRELLIS_{upper}_DATABASE": database,
        f"TRELLIS_{upper}_CONSUMER_GROUP": consumer_group,
        "TRELLIS_LOG_LEVEL": "WARNING",
        **(settings or {}),
    }
    return ReplicaSet(
        module=f"trellis_{service}.entrypoints.cli",
        addr_setting=f"TRELLIS_{upper}_ADDR",
        env=env,
        log_dir=log_dir,
        count=count,
        ready_timeout_s=ready_timeout_s,
    )
