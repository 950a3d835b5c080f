"""What the use cases need from the outside world, as protocols."""

from __future__ import annotations

from typing import Protocol

from trellis_shared.contracts.skeleton import TallyIncremented
from trellis_skeleton.domain.tally import Tally


class TallyRepository(Protocol):
    async def get(self, tally_id: str) -> Tally | None: ...

    async def save(self, tally: Tally) -> None:
        """Persist state and pending events atomically; StaleVersion on a lost race."""


class Board(Protocol):
    """The consumer side's read model: what it has seen of every tally."""

    async def apply(self, event_id: str, event: TallyIncremented) -> bool:
        """Record the increment once; False when this event was already applied."""

    async def seen_total(self, tally_id: str) -> int: ...
