"""An allocation: which bids won, and why each of the others did not.

Every clearing mode (and the greedy baseline) returns one, so the checks, the
points settlement and the explanations work the same on all of them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from trellis_bidding.domain.instance import ClearingInstance, IntArray


class BidOutcome(enum.IntEnum):
    WON = 0
    OUT_PRIORITISED = 1  # all seats went to higher priorities (the cut-off beats the bid)
    HOLDS_HIGHER_RANKED = 2  # never proposed: already held max_awards awards ranked higher
    NO_FREE_TIME = 3  # does not fit the free time left by the awards ranked higher
    HOLDS_OTHER_AWARD = 4  # welfare/greedy: given max_awards other (lower-ranked) awards
    OUTWEIGHED = 5  # welfare/greedy: priority beats the cut-off, the seat went elsewhere


@dataclass(frozen=True, eq=False)
class Allocation:
    instance: ClearingInstance
    won: NDArray[np.bool_]  # per bid
    outcome: NDArray[np.int8]  # per bid, a BidOutcome

    def total_points(self) -> int:
        return int(self.instance.bid_points[self.won].sum())

    def awarded_bids(self) -> IntArray:
        return np.flatnonzero(self.won).astype(np.int64)

    def awards_per_employee(self) -> IntArray:
        inst = self.instance
        return np.bincount(inst.bid_employee[self.won], minlength=len(inst.employee_ids))

    def awards_per_assignment(self) -> IntArray:
        inst = self.instance
        return np.bincount(inst.bid_assignment[self.won], minlength=len(inst.assignment_ids))

    def spent(self) -> IntArray:
        """Points each employee spends: the points of the bids they won."""
        inst = self.instance
        return np.bincount(
            inst.bid_employee[self.won],
            weights=inst.bid_points[self.won],
            minlength=len(inst.employee_ids),
        ).astype(np.int64)

    def same_as(self, other: Allocation) -> bool:
        return bool(np.array_equal(self.won, other.won))


def cutoffs(instance: ClearingInstance, won: NDArray[np.bool_]) -> IntArray:
    """Per assignment, the bid_priority of its lowest winning bid; -1 when nobody won a seat."""
    cut = np.full(len(instance.assignment_ids), -1, dtype=np.int64)
    np.maximum.at(cut, instance.bid_assignment[won], instance.bid_priority[won])
    return cut


def awards_ranked_above(
    instance: ClearingInstance, won: NDArray[np.bool_]
) -> tuple[IntArray, IntArray]:
    """Per bid: how many awards its bidder holds ranked above it, and their total time share.

    Bids are stored in ranking order per employee, so this is an exclusive running
    sum restarted at each employee.
    """
    share_won = np.where(won, instance.bid_share(), 0)
    return (
        exclusive_group_cumsum(won.astype(np.int64), instance.bid_start),
        exclusive_group_cumsum(share_won.astype(np.int64), instance.bid_start),
    )


def exclusive_group_cumsum(values: IntArray, group_start: IntArray) -> IntArray:
    running = np.cumsum(values) - values
    group_sizes = np.diff(group_start)
    base = np.repeat(running[group_start[:-1][group_sizes > 0]], group_sizes[group_sizes > 0])
    return (running - base).astype(np.int64)


def classify_losses(instance: ClearingInstance, won: NDArray[np.bool_]) -> NDArray[np.int8]:
    """Reasons for any allocation, derived from the rules alone (used for welfare and greedy)."""
    inst = instance
    count_above, share_above = awards_ranked_above(inst, won)
    held = np.bincount(inst.bid_employee[won], minlength=len(inst.employee_ids))
    cut = cutoffs(inst, won)
    filled = np.bincount(inst.bid_assignment[won], minlength=len(inst.assignment_ids))
    a = inst.bid_assignment
    full_and_beaten = (filled[a] >= inst.seats[a]) & (inst.bid_priority > cut[a])
    outcome = np.full(inst.bid_count, BidOutcome.OUTWEIGHED, dtype=np.int8)
    outcome[held[inst.bid_employee] >= inst.max_awards] = BidOutcome.HOLDS_OTHER_AWARD
    outcome[full_and_beaten] = BidOutcome.OUT_PRIORITISED
    free = inst.free_share[inst.bid_employee]
    outcome[share_above + inst.bid_share() > free] = BidOutcome.NO_FREE_TIME
    outcome[count_above >= inst.max_awards] = BidOutcome.HOLDS_HIGHER_RANKED
    outcome[inst.bid_share() > free] = BidOutcome.NO_FREE_TIME  # the most basic reason first
    outcome[won] = BidOutcome.WON
    return outcome
