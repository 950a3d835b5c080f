"""The "highest bid wins, greedy" baseline the mechanisms are compared against.

Bids are taken in priority order (points desc, then fit, then tie-break); a bid
wins if its assignment still has a seat, its bidder holds fewer than
`max_awards` awards, and it fits the time those awards leave free. Rankings are
ignored, which is what makes it a baseline.
"""

from __future__ import annotations

import numpy as np

from trellis_bidding.domain.allocation import Allocation, classify_losses
from trellis_bidding.domain.instance import ClearingInstance


def clear_greedy(instance: ClearingInstance) -> Allocation:
    inst = instance
    seats_left = inst.seats.tolist()
    awards_left = [inst.max_awards] * len(inst.employee_ids)
    time_left = inst.free_share.tolist()
    share = inst.share.tolist()
    won = np.zeros(inst.bid_count, dtype=np.bool_)
    order = np.argsort(inst.bid_priority)
    employees = inst.bid_employee[order].tolist()
    assignments = inst.bid_assignment[order].tolist()
    for bid, e, a in zip(order.tolist(), employees, assignments, strict=True):
        if seats_left[a] and awards_left[e] and share[a] <= time_left[e]:
            seats_left[a] -= 1
            awards_left[e] -= 1
            time_left[e] -= share[a]
            won[bid] = True
    return Allocation(instance=inst, won=won, outcome=classify_losses(inst, won))
