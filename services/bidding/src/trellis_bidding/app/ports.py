"""What the bidding use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from trellis_bidding.domain.rounds import Round
from trellis_bidding.domain.wallets import Wallet
from trellis_shared.mongo.model_store import Versioned


class FitScores(Protocol):
    async def scores(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], float]:
        """(assignment id, employee id) → the postings match score 0..100."""


class Queries(Protocol):
    async def wallets_of(self, round_id: str) -> list[Versioned[Wallet]]: ...

    async def rounds(self) -> list[Versioned[Round]]: ...

    async def wallets_released_by(self, manager_id: str) -> list[Versioned[Wallet]]:
        """Wallets whose release waits on this manager."""

    async def rounds_due(self) -> list[Versioned[Round]]:
        """Rounds time or clearing may still change (not cleared nor cancelled)."""

    async def count_wallets(self, round_id: str) -> int: ...

    async def replace_wallets(self, changes: Sequence[tuple[str, int, Wallet]]) -> int:
        """Write each (wallet id, version read, new state) if the wallet still has that
        version, bumping it; returns how many were written (the rest changed meanwhile)."""


class Balances(Protocol):
    """Points carried over between rounds, per employee."""

    async def carried(self, employee_id: str) -> int: ...

    async def set_carried(self, updates: dict[str, int]) -> None: ...
