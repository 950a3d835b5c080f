"""A bidder's wallet in one round: their budget and their sealed bids.

One document per (round, bidder). Placing bids replaces the whole set after
checking it against the budget, in one version-checked write of that document,
so no interleaving of concurrent requests can ever leave more points bid than
the budget allows.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from trellis_bidding.domain.inputs import Bid, Bidder
from trellis_bidding.domain.validation import validate_bids


class BidEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    assignment_id: str
    points: int
    rank: int


class Outcome(BaseModel):
    """After clearing: what happened to one bid, in words."""

    model_config = ConfigDict(frozen=True)

    assignment_id: str
    points: int
    rank: int
    won: bool
    cutoff: str
    reason: str


class Result(BaseModel):
    awarded: list[str] = []
    points_spent: int = 0
    points_returned: int = 0
    next_round_budget: int = 0
    outcomes: list[Outcome] = []


class Release(BaseModel):
    """The bidder's manager is told they take part (never their bids) and may
    release the time early; silence releases it at `due_at`, which is never
    later than the round's close (managers do not veto: ADR 0006)."""

    manager_id: str
    status: str = "requested"  # requested | approved
    requested_at: datetime
    due_at: datetime
    decided_by: str = ""

    def approve(self, by: str) -> None:
        if self.status != "approved":
            self.status = "approved"
            self.decided_by = by


class Wallet(BaseModel):
    round_id: str
    employee_id: str
    budget: int
    # Carried points this round drew when the wallet was made (its budget has
    # at most the cap of them); given back by the clearing if no bid stays.
    carried_in: int = 0
    bids: list[BidEntry] = []
    updated_at: datetime
    release: Release | None = None
    result: Result | None = None

    @property
    def points_bid(self) -> int:
        return sum(b.points for b in self.bids)


def wallet_id(round_id: str, employee_id: str) -> str:
    return f"{round_id}:{employee_id}"


def violations_for(
    wallet: Wallet, entries: list[BidEntry], assignment_ids: list[str]
) -> list[tuple[str, str]]:
    """Field problems of a proposed bid set, with request paths ("bids.2.points")."""
    bidder = Bidder(employee_id=wallet.employee_id, budget=wallet.budget, free_share_pct=100)
    bids = [
        Bid(
            employee_id=wallet.employee_id,
            assignment_id=e.assignment_id,
            points=e.points,
            rank=e.rank,
        )
        for e in entries
    ]
    return [
        (field.replace("[", ".").replace("]", ""), message)
        for field, message in validate_bids(bidder, bids, set(assignment_ids))
    ]
