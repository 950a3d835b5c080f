"""Named places where the fault suite makes a process die, as a crash would.

A process dies (SIGKILL to itself: no `finally`, no flush, no shutdown hook)
at a named point with the probability its plan gives, drawn from a seeded
generator so a failing schedule can be run again. The plan comes from
`TRELLIS_CRASH_POINTS` ("after_save=0.02,after_publish=0.05"); unset, which is
every deployment, a point costs one dictionary lookup. The points sit where a
crash is most likely to lose or double something: between a database write
and the publish, between a publish and its mark, between a handler's effect
and the offset commit (tests/faults).
"""

from __future__ import annotations

import os
import random
import signal
import sys
from dataclasses import dataclass, field

PLAN_SETTING = "TRELLIS_CRASH_POINTS"
SEED_SETTING = "TRELLIS_CRASH_SEED"


@dataclass
class CrashPlan:
    chances: dict[str, float]
    draw: random.Random = field(default_factory=random.Random)

    @classmethod
    def parse(cls, text: str, seed: str = "") -> CrashPlan:
        chances = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            name, _, chance = item.partition("=")
            value = float(chance or "1")
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{PLAN_SETTING}: the chance of {name!r} must be in [0, 1]")
            chances[name.strip()] = value
        return cls(chances, random.Random(seed or None))

    def fires(self, name: str) -> bool:
        chance = self.chances.get(name, 0.0)
        return chance > 0.0 and self.draw.random() < chance


_plan: CrashPlan | None = None


def _current_plan() -> CrashPlan:
    global _plan
    if _plan is None:  # read once, on first use: no settings read at import time
        # The pid goes into the seed so that a restarted process does not die at
        # the same step again; the driver's schedule of kills stays seeded.
        seed = os.environ.get(SEED_SETTING, "")
        _plan = CrashPlan.parse(
            os.environ.get(PLAN_SETTING, ""), f"{seed}:{os.getpid()}" if seed else ""
        )
    return _plan


def crash_point(name: str) -> None:
    """Die here if the plan says so."""
    if _current_plan().fires(name):
        sys.stderr.write(f"[trellis] crash point {name}: killing process {os.getpid()}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)
