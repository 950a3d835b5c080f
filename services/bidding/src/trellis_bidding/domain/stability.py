"""Independent checks that work on any allocation: blocking pairs and envy.

They only read the rules (rankings, priorities, seats, free time, `max_awards`)
and the final awards, never how an allocation was produced.

A bid (e, a) that e did not win is a blocking pair when e would take a and a
would take e:

- e would take a: fewer than `max_awards` of e's awards are ranked above a, and
  a fits the free time left by exactly those awards (e would give up anything
  ranked below a to take it);
- a would take e: a has an empty seat, or e's priority on a beats its cut-off
  (its lowest winning priority).

A blocking addition is the weaker notion for several awards per person: e
holds fewer than `max_awards` awards, a fits on top of ALL of them, and a would
take e (an empty seat, or e beats the cut-off).

Envy: e envies when someone holds an assignment e ranked above one of their own
awards (or e holds fewer than `max_awards`), that fits e's free time on its own,
and on which e bid strictly more points than that holder.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from trellis_bidding.domain.allocation import awards_ranked_above, cutoffs
from trellis_bidding.domain.instance import ClearingInstance, IntArray


def blocking_mask(instance: ClearingInstance, won: NDArray[np.bool_]) -> NDArray[np.bool_]:
    inst = instance
    a = inst.bid_assignment
    count_above, share_above = awards_ranked_above(inst, won)
    would_take = (count_above < inst.max_awards) & (
        share_above + inst.bid_share() <= inst.free_share[inst.bid_employee]
    )
    filled = np.bincount(a[won], minlength=len(inst.assignment_ids))
    would_accept = (filled[a] < inst.seats[a]) | (inst.bid_priority < cutoffs(inst, won)[a])
    result: NDArray[np.bool_] = ~won & would_take & would_accept
    return result


def find_blocking_pairs(
    instance: ClearingInstance, won: NDArray[np.bool_]
) -> list[tuple[str, str]]:
    """(employee id, assignment id) of every blocking pair; empty for a stable allocation."""
    inst = instance
    return [
        (inst.employee_ids[inst.bid_employee[b]], inst.assignment_ids[inst.bid_assignment[b]])
        for b in np.flatnonzero(blocking_mask(inst, won)).tolist()
    ]


def find_blocking_additions(
    instance: ClearingInstance, won: NDArray[np.bool_]
) -> list[tuple[str, str]]:
    """(employee id, assignment id) pairs where e could add a to their awards: see above."""
    inst = instance
    e, a = inst.bid_employee, inst.bid_assignment
    n_employees = len(inst.employee_ids)
    held = np.bincount(e[won], minlength=n_employees)
    held_share = np.bincount(e[won], weights=inst.bid_share()[won], minlength=n_employees)
    could_add = (held[e] < inst.max_awards) & (
        held_share[e] + inst.bid_share() <= inst.free_share[e]
    )
    filled = np.bincount(a[won], minlength=len(inst.assignment_ids))
    would_accept = (filled[a] < inst.seats[a]) | (inst.bid_priority < cutoffs(inst, won)[a])
    return [
        (inst.employee_ids[e[b]], inst.assignment_ids[a[b]])
        for b in np.flatnonzero(~won & could_add & would_accept).tolist()
    ]


def envy_count(instance: ClearingInstance, won: NDArray[np.bool_]) -> int:
    """How many people envy someone: see the module docstring."""
    return int(np.unique(instance.bid_employee[envious_bids(instance, won)]).size)


def envious_bids(instance: ClearingInstance, won: NDArray[np.bool_]) -> IntArray:
    inst = instance
    a = inst.bid_assignment
    lowest_winning_points = np.full(len(inst.assignment_ids), np.iinfo(np.int64).max)
    np.minimum.at(lowest_winning_points, a[won], inst.bid_points[won])
    count_above, _ = awards_ranked_above(inst, won)
    prefers = count_above < inst.max_awards
    fits_alone = inst.bid_share() <= inst.free_share[inst.bid_employee]
    outbids = inst.bid_points > lowest_winning_points[a]
    return np.flatnonzero(~won & prefers & fits_alone & outbids).astype(np.int64)
