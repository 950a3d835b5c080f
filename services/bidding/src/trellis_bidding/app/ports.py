"""What the bidding use cases need from the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol

from trellis_bidding.domain.clearing_record import BidderResult
from trellis_bidding.domain.rounds import Round
from trellis_bidding.domain.wallets import Wallet
from trellis_shared.events import EventPayload
from trellis_shared.mongo.aggregate_store import Stored
from trellis_shared.mongo.model_store import Versioned
from trellis_shared.peers.profiles import TimeReservation


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

    async def rounds_with_results_pending(self) -> list[str]:
        """Cleared rounds whose wallet results are not all written yet."""

    async def count_wallets(self, round_id: str) -> int: ...

    async def replace_wallets(self, changes: Sequence[tuple[str, int, Wallet]]) -> int:
        """Write each (wallet id, version read, new state) if the wallet still has that
        version, bumping it; returns how many were written (the rest changed meanwhile)."""


class Balances(Protocol):
    """Points carried over between rounds, per employee."""

    async def carried(self, employee_id: str) -> int:
        """Points in no round yet."""

    async def draw(self, employee_id: str, round_id: str) -> int:
        """Take every carried point into this round's budget, once per round
        (again: the same answer); another round finds them gone."""

    async def undraw(self, employee_id: str, round_id: str) -> None:
        """The round's wallet was never made: its drawn points go back."""

    async def credit(self, round_id: str, updates: dict[str, int]) -> None:
        """Add what this round's clearing returned, once per round and person."""


class Seats(Protocol):
    """Postings' seats of stretch assignments, held for awards before they go out."""

    async def hold(self, assignment_id: str, holder: str, employee_id: str) -> str:
        """ "" when the seat is held for `holder` (idempotent), else why not, in words."""

    async def release(self, assignment_id: str, holder: str) -> None:
        """Give back a seat held for an award that is not announced (idempotent)."""


class TimeLedger(Protocol):
    """The profiles ledger, which owns the sum of everyone's promised time."""

    async def reserve(
        self,
        employee_id: str,
        *,
        key: str,
        reference: str,
        share_pct: int,
        starts_on: date,
        ends_on: date,
    ) -> TimeReservation:
        """Take the time of an award (idempotent by key); refused: why, in words."""

    async def release(self, employee_id: str, key: str) -> None:
        """Give back for good the time reserved under `key`."""


class Announcements(Protocol):
    """Documents that carry events out (an AggregateStore with its own relay)."""

    async def load(self, aggregate_id: str) -> Stored | None: ...

    async def save(
        self,
        aggregate_id: str,
        state: dict[str, Any],
        *,
        expected_version: int,
        events: Sequence[EventPayload] = (),
        subject: str | None = None,
    ) -> int: ...


class ResultChunks(Protocol):
    """A clearing's stored result (clearing_record), one document per chunk, by id."""

    async def store(self, chunk_id: str, round_id: str, results: Sequence[BidderResult]) -> None:
        """Create the chunk; one that exists (the same attempt wrote it) is kept."""

    async def claim(
        self, chunk_id: str, writer: str, now: datetime, until: datetime
    ) -> list[BidderResult] | None:
        """The chunk's results, leased to `writer` until `until`, if it is not written
        and no other writer's lease runs at `now`; None otherwise."""

    async def mark_written(self, chunk_id: str) -> None: ...

    async def written(self, chunk_id: str) -> bool: ...

    async def discard(self, chunk_ids: Sequence[str]) -> None:
        """Drop chunks of an attempt whose result did not become the round's."""
