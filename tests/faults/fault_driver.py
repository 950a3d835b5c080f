"""The faults, on a seeded schedule: replicas SIGKILLed every few seconds, the
database stopped for a while, the broker restarted; and, as an orchestrator
does, every process that died (killed here or at one of its own crash points)
started again."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from typing import Protocol

from private_stack import PrivateStack

log = logging.getLogger(__name__)


class Processes(Protocol):
    """What the driver needs of a set of processes (ReplicaSet has it)."""

    count: int

    def kill(self, index: int) -> None: ...

    def start_again(self, index: int) -> None: ...

    def exited(self, index: int) -> bool: ...


@dataclass(frozen=True)
class FaultPlan:
    seconds: float  # how long faults go on
    kill_every_s: float  # mean time between two SIGKILLs of a random replica
    outage_at_s: float  # when the database stops
    outage_s: float  # for how long
    broker_restart_at_s: float
    seed: int
    crash_points: str  # the plan each process gets (TRELLIS_CRASH_POINTS)


@dataclass
class FaultReport:
    kills: int = 0
    died_on_their_own: int = 0  # crash points (or anything else) in the processes
    outages_s: list[float] = field(default_factory=list)
    broker_restarts: int = 0
    schedule: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"kills {self.kills}, processes that died at their own crash points "
            f"{self.died_on_their_own}, database outages {self.outages_s} s, "
            f"broker restarts {self.broker_restarts}"
        )


class FaultDriver:
    def __init__(
        self, plan: FaultPlan, stack: PrivateStack, replica_sets: dict[str, Processes]
    ) -> None:
        self._plan = plan
        self._stack = stack
        self._sets = replica_sets
        self._random = random.Random(plan.seed)
        self.report = FaultReport()
        self._killing: set[tuple[str, int]] = set()

    def keep_alive(self) -> asyncio.Task[None]:
        """Start every process that dies again, from now until the task is cancelled
        (crash points fire from the first request on, faults or not)."""
        return asyncio.create_task(self._restart_the_dead(), name="restart-the-dead")

    async def run(self) -> FaultReport:
        """Inject the plan's faults; returns when they are over."""
        await asyncio.gather(self._kills(), self._outage(), self._broker_restart())
        self._restart_exited()
        return self.report

    def _note(self, what: str) -> None:
        log.warning("fault: %s", what)
        self.report.schedule.append(what)

    async def _kills(self) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + self._plan.seconds
        while True:
            await asyncio.sleep(self._random.expovariate(1.0 / self._plan.kill_every_s))
            if loop.time() >= end:
                return
            service = self._random.choice(sorted(self._sets))
            index = self._random.randrange(self._sets[service].count)
            self._killing.add((service, index))
            try:
                self._sets[service].kill(index)
                self.report.kills += 1
                self._note(f"SIGKILL {service}[{index}]")
                await asyncio.sleep(self._random.uniform(0.2, 2.0))
                self._sets[service].start_again(index)
            finally:
                self._killing.discard((service, index))

    async def _outage(self) -> None:
        if self._plan.outage_s <= 0:
            return
        await asyncio.sleep(self._plan.outage_at_s)
        self._note(f"database stopped for {self._plan.outage_s} s")
        await self._stack.down("ferretdb")
        await asyncio.sleep(self._plan.outage_s)
        await self._stack.up("ferretdb")
        self.report.outages_s.append(self._plan.outage_s)
        self._note("database started again")

    async def _broker_restart(self) -> None:
        if self._plan.broker_restart_at_s < 0:
            return
        await asyncio.sleep(self._plan.broker_restart_at_s)
        self._note("broker stopping")
        await self._stack.down("kafka")
        await self._stack.up("kafka")
        self.report.broker_restarts += 1
        self._note("broker started again")

    async def _restart_the_dead(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            self._restart_exited()

    def _restart_exited(self) -> None:
        for service, replicas in self._sets.items():
            for index in range(replicas.count):
                if (service, index) in self._killing or not replicas.exited(index):
                    continue
                self.report.died_on_their_own += 1
                self._note(f"{service}[{index}] died on its own; starting it again")
                replicas.start_again(index)
