"""Awards withdrawn before they were announced: computed, stored, never sent.

Clearing computes awards from the free seats and free time it read; by the time
each award is announced, another round may have taken the seat, or an accepted
gig the time. Every award therefore holds its seat in postings and reserves its
time in the profiles ledger just before its announcement, and one that is
refused is withdrawn: no event, no seat, no time, and the winner pays nothing
for it. The decision is stored with its batch of announcements, so it is made
once, and each bidder's stored result is read through it.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from trellis_bidding.domain.clearing_record import BidderResult
from trellis_bidding.domain.points import next_round_budget
from trellis_bidding.domain.wallets import Outcome


class WithdrawnAward(BaseModel):
    model_config = ConfigDict(frozen=True)

    assignment_id: str
    employee_id: str
    points: int
    reason: str  # the ledger's, in words


def withdrawal_line(reason: str) -> str:
    return f"won, then withdrawn before it was announced: {reason}; the points came back"


def without_withdrawn(
    stored: BidderResult,
    withdrawn: Iterable[WithdrawnAward],
    base_budget: int,
    carry_over_cap: int,
) -> BidderResult:
    """The bidder's stored result with their withdrawn awards taken out: not
    awarded, points returned, carried points and next budget recomputed."""
    mine = {w.assignment_id: w for w in withdrawn if w.employee_id == stored.employee_id}
    if not mine:
        return stored
    result = stored.result
    refunded = sum(w.points for w in mine.values())
    returned = result.points_returned + refunded
    outcomes = [
        _withdrawn_outcome(o, mine[o.assignment_id].reason)
        if o.won and o.assignment_id in mine
        else o
        for o in result.outcomes
    ]
    adjusted = result.model_copy(
        update={
            "awarded": [a for a in result.awarded if a not in mine],
            "points_spent": result.points_spent - refunded,
            "points_returned": returned,
            "next_round_budget": next_round_budget(base_budget, returned, carry_over_cap),
            "outcomes": outcomes,
        }
    )
    return BidderResult(
        employee_id=stored.employee_id,
        result=adjusted,
        carried=min(returned, carry_over_cap),
    )


def _withdrawn_outcome(outcome: Outcome, reason: str) -> Outcome:
    return outcome.model_copy(update={"won": False, "reason": withdrawal_line(reason)})
