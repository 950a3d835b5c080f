"""A process that can be killed at a named point, for crash tests with in-memory fakes.

Each simulated process reaches the shared fake database only through its own
`ProcessPorts`. Once the process is killed, every further call it makes fails
(as after SIGKILL, none of its clean-up code gets a write through), while a new
process built over the same fakes sees exactly what was written before the kill.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic

from mentorship_fakes import FakeDocuments

from trellis_mentorship.app.ports import Model, Versioned
from trellis_shared.events import EventPayload


class ProcessKilled(Exception):
    """Raised by every call of a killed process."""


class Process:
    def __init__(self, name: str) -> None:
        self.name = name
        self.killed_at = ""

    def kill(self, point: str) -> None:
        self.killed_at = point

    def require_alive(self) -> None:
        if self.killed_at:
            raise ProcessKilled(f"{self.name} was killed {self.killed_at}")


class ProcessPorts(Generic[Model]):
    """One process's port onto a shared fake collection; `kill_after_saves` kills the
    process right after its Nth successful save (the save itself landed)."""

    def __init__(
        self, shared: FakeDocuments[Model], process: Process, *, kill_after_saves: int = 0
    ) -> None:
        self._shared = shared
        self._process = process
        self._kill_after_saves = kill_after_saves
        self.saves = 0

    async def get(self, key: str) -> Versioned[Model] | None:
        self._process.require_alive()
        return await self._shared.get(key)

    async def save(
        self, key: str, item: Model, *, expected_version: int, events: Sequence[EventPayload]
    ) -> int:
        self._process.require_alive()
        version = await self._shared.save(
            key, item, expected_version=expected_version, events=events
        )
        self.saves += 1
        if self.saves == self._kill_after_saves:
            self._process.kill(f"after save {self.saves} ({key})")
            raise ProcessKilled(f"{self._process.name} killed after saving {key}")
        return version

    async def find_by(self, field: str, value: str) -> list[Versioned[Model]]:
        self._process.require_alive()
        return await self._shared.find_by(field, value)

    async def all(self) -> list[Versioned[Model]]:
        self._process.require_alive()
        return await self._shared.all()
