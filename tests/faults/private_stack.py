"""A Kafka broker and a FerretDB of the fault suite's own, which it may stop.

The rest of the test run shares one embedded stack; stopping that would fail
other tests. This one lives in its own data directory on spare ports and is
driven by the same script as `make up` (deploy/local/stack.sh), so a stop and
a start here are what an operator's would be: data kept, same address.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from trellis_shared.testing.infrastructure import STACK_SCRIPT
from trellis_shared.testing.replicas import free_port


@dataclass
class PrivateStack:
    data_dir: Path
    kafka_port: int = field(default_factory=free_port)
    controller_port: int = field(default_factory=free_port)
    ferretdb_port: int = field(default_factory=free_port)

    @property
    def kafka_bootstrap(self) -> str:
        return f"localhost:{self.kafka_port}"

    @property
    def mongodb_uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.ferretdb_port}/"

    @property
    def log_dir(self) -> Path:
        return self.data_dir

    def _env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("TRELLIS_MONGODB_URI", "TRELLIS_KAFKA_BOOTSTRAP")
        }
        env.update(
            {
                "TRELLIS_DATA_DIR": str(self.data_dir),
                "TRELLIS_KAFKA_PORT": str(self.kafka_port),
                "TRELLIS_KAFKA_CONTROLLER_PORT": str(self.controller_port),
                "TRELLIS_FERRETDB_PORT": str(self.ferretdb_port),
            }
        )
        return env

    async def _stack(self, command: str, *components: str) -> None:
        result = await asyncio.to_thread(
            subprocess.run,
            ["bash", str(STACK_SCRIPT), command, *components],
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"stack.sh {command} {' '.join(components)} failed:\n"
                f"{result.stdout}\n{result.stderr}"
            )

    async def up(self, *components: str) -> None:
        await self._stack("up", *components)

    async def down(self, *components: str) -> None:
        await self._stack("down", *components)

    async def provision_topics(self) -> None:
        env = {**self._env(), "TRELLIS_KAFKA_BOOTSTRAP": self.kafka_bootstrap}
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "trellis_shared.kafka.provision"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"provisioning topics failed:\n{result.stdout}\n{result.stderr}")
