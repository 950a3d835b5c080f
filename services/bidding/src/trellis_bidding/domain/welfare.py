"""Welfare mode: the allocation with the largest total of awarded points, solved exactly.

With one award per person this is a weighted b-matching: maximise the points of
chosen bids with at most `seats` bids per assignment and at most one per
employee (bids whose share exceeds the bidder's free time are left out). Its
constraint matrix is the incidence matrix of a bipartite graph, which is totally
unimodular, so every vertex of the LP polytope is integral and HiGHS's dual
simplex (which ends on a vertex) returns an exact 0/1 optimum. That is far
faster than a branch-and-bound run on the same model; the answer is still
checked to be integral, and the MILP solver takes over if it ever were not.

With N awards per person the employee rows become "at most N"; the matrix stays
totally unimodular as long as free time cannot bind (the N largest eligible
shares of every bidder fit their free time). When it can, a knapsack row per
such bidder (sum of shares <= free share) is added and the model is solved as a
MILP, still exactly, but without the speed guarantee.

Ties between equally good allocations are broken by the solver, deterministically
for the same input.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array, vstack

from trellis_bidding.domain.allocation import Allocation, classify_losses
from trellis_bidding.domain.instance import ClearingInstance, IntArray

INTEGRALITY_TOLERANCE = 1e-6


def clear_welfare(instance: ClearingInstance) -> Allocation:
    inst = instance
    eligible = np.flatnonzero(inst.bid_share() <= inst.free_share[inst.bid_employee])
    won = np.zeros(inst.bid_count, dtype=np.bool_)
    if eligible.size:
        chosen = solve_max_points(inst, eligible.astype(np.int64))
        won[eligible[chosen]] = True
    return Allocation(instance=inst, won=won, outcome=classify_losses(inst, won))


def solve_max_points(inst: ClearingInstance, eligible: IntArray) -> NDArray[np.bool_]:
    n_employees, n_assignments = len(inst.employee_ids), len(inst.assignment_ids)
    employee = inst.bid_employee[eligible]
    assignment = inst.bid_assignment[eligible]
    columns = np.arange(eligible.size)
    incidence = csr_array(
        (
            np.ones(2 * eligible.size),
            (np.concatenate((employee, n_employees + assignment)), np.tile(columns, 2)),
        ),
        shape=(n_employees + n_assignments, eligible.size),
    )
    upper = np.concatenate((np.full(n_employees, inst.max_awards), inst.seats)).astype(np.float64)
    gain = -inst.bid_points[eligible].astype(np.float64)
    time_bound = employees_whose_time_can_bind(inst, eligible)
    if time_bound.size == 0:
        result = linprog(
            gain, A_ub=cast(Any, incidence), b_ub=upper, bounds=(0, 1), method="highs-ds"
        )
        if result.status != 0:
            raise RuntimeError(f"welfare LP failed: {result.message}")
        x = np.asarray(result.x, dtype=np.float64)
        if np.all(np.minimum(x, 1 - x) <= INTEGRALITY_TOLERANCE):
            return x > 0.5
    return solve_as_milp(inst, eligible, incidence, upper, gain, time_bound)


def employees_whose_time_can_bind(inst: ClearingInstance, eligible: IntArray) -> IntArray:
    """Bidders whose `max_awards` largest eligible shares add up to more than their free time."""
    if inst.max_awards == 1:
        return np.empty(0, dtype=np.int64)  # eligibility already guarantees the fit
    employee = inst.bid_employee[eligible]
    share = inst.bid_share()[eligible]
    order = np.lexsort((-share, employee))
    employee, share = employee[order], share[order]
    first = np.searchsorted(employee, employee, side="left")
    within = np.arange(employee.size) - first
    top = np.bincount(
        employee[within < inst.max_awards],
        weights=share[within < inst.max_awards],
        minlength=len(inst.employee_ids),
    )
    return np.flatnonzero(top > inst.free_share).astype(np.int64)


def solve_as_milp(
    inst: ClearingInstance,
    eligible: IntArray,
    incidence: csr_array,
    upper: NDArray[np.float64],
    gain: NDArray[np.float64],
    time_bound: IntArray,
) -> NDArray[np.bool_]:
    employee = inst.bid_employee[eligible]
    row_of = np.full(len(inst.employee_ids), -1, dtype=np.int64)
    row_of[time_bound] = np.arange(time_bound.size)
    binds = row_of[employee] >= 0
    knapsack = csr_array(
        (
            inst.bid_share()[eligible][binds].astype(np.float64),
            (row_of[employee][binds], np.flatnonzero(binds)),
        ),
        shape=(time_bound.size, eligible.size),
    )
    matrix = vstack([incidence, knapsack], format="csr")
    bounds = np.concatenate((upper, inst.free_share[time_bound].astype(np.float64)))
    result = milp(
        gain,
        constraints=LinearConstraint(matrix, -np.inf, bounds),
        integrality=np.ones(eligible.size, dtype=np.int64),
        bounds=Bounds(0, 1),
    )
    if result.status != 0 or result.x is None:
        raise RuntimeError(f"welfare MILP failed: {result.message}")
    return np.asarray(result.x) > 0.5
