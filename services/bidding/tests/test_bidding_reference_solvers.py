"""Both modes against independent reference solvers written plainly for small rounds."""

from __future__ import annotations

import dataclasses
from collections import deque

import numpy as np
import pytest
from bidding_builders import Round, rounds
from hypothesis import given, settings
from scipy.optimize import linear_sum_assignment

from trellis_bidding.domain.clearing import clear_instance
from trellis_bidding.domain.inputs import ClearingMode
from trellis_bidding.domain.instance import ClearingInstance, build_instance

pytestmark = pytest.mark.unit


def one_at_a_time_deferred_acceptance(inst: ClearingInstance) -> set[int]:
    """Textbook employee-proposing DA, one proposal at a time, one award per person."""
    lists = {
        e: [
            b
            for b in range(int(inst.bid_start[e]), int(inst.bid_start[e + 1]))
            if inst.share[inst.bid_assignment[b]] <= inst.free_share[e]
        ]
        for e in range(len(inst.employee_ids))
    }
    holders: dict[int, list[int]] = {a: [] for a in range(len(inst.assignment_ids))}
    waiting = deque(e for e in lists if lists[e])
    while waiting:
        e = waiting.popleft()
        if not lists[e]:
            continue
        bid = lists[e].pop(0)
        a = int(inst.bid_assignment[bid])
        holders[a].append(bid)
        holders[a].sort(key=lambda b: int(inst.bid_priority[b]))
        if len(holders[a]) > inst.seats[a]:
            loser = holders[a].pop()
            waiting.append(int(inst.bid_employee[loser]))
    return {b for held in holders.values() for b in held}


@settings(max_examples=200, deadline=None)
@given(data=rounds(max_bidders=9))
def test_default_mode_equals_one_at_a_time_deferred_acceptance(data: Round) -> None:
    inst = build_instance(data.assignments, data.bidders, data.bids, data.settings)
    won = set(np.flatnonzero(clear_instance(inst).won).tolist())
    assert won == one_at_a_time_deferred_acceptance(inst)


def best_total_by_dense_assignment(inst: ClearingInstance) -> int:
    """One column per seat plus one "nothing" column per employee; one award per person."""
    seat_owner = [a for a in range(len(inst.assignment_ids)) for _ in range(int(inst.seats[a]))]
    n = len(inst.employee_ids)
    forbidden = 10**6
    cost = np.full((n, len(seat_owner) + n), forbidden, dtype=np.int64)
    for b in range(inst.bid_count):
        e, a = int(inst.bid_employee[b]), int(inst.bid_assignment[b])
        if inst.share[a] <= inst.free_share[e]:
            for column, owner in enumerate(seat_owner):
                if owner == a:
                    cost[e, column] = -int(inst.bid_points[b])
    cost[np.arange(n), len(seat_owner) + np.arange(n)] = 0
    rows, columns = linear_sum_assignment(cost)
    return int(-cost[rows, columns].sum())


@settings(max_examples=200, deadline=None)
@given(data=rounds(max_bidders=9, mode=ClearingMode.WELFARE))
def test_welfare_total_equals_the_dense_assignment_solver(data: Round) -> None:
    inst = build_instance(data.assignments, data.bidders, data.bids, data.settings)
    assert clear_instance(inst).total_points() == best_total_by_dense_assignment(inst)


def best_total_by_brute_force(inst: ClearingInstance) -> int:
    """Every employee tries every feasible set of their bids (<= N, fits free time)."""
    seats_left = inst.seats.tolist()

    def best_from(e: int) -> int:
        if e == len(inst.employee_ids):
            return 0
        own = list(range(int(inst.bid_start[e]), int(inst.bid_start[e + 1])))
        best = 0
        for mask in range(1 << len(own)):
            chosen = [b for i, b in enumerate(own) if mask >> i & 1]
            assignments = [int(inst.bid_assignment[b]) for b in chosen]
            time = sum(int(inst.share[a]) for a in assignments)
            if len(chosen) > inst.max_awards or time > inst.free_share[e]:
                continue
            if any(seats_left[a] == 0 for a in assignments):
                continue
            for a in assignments:
                seats_left[a] -= 1
            total = sum(int(inst.bid_points[b]) for b in chosen) + best_from(e + 1)
            for a in assignments:
                seats_left[a] += 1
            best = max(best, total)
        return best

    return best_from(0)


@settings(max_examples=120, deadline=None)
@given(data=rounds(max_assignments=4, max_bidders=5, max_awards=(1, 3)))
def test_welfare_total_equals_brute_force_with_several_awards_and_time(data: Round) -> None:
    inst = build_instance(
        data.assignments,
        data.bidders,
        data.bids,
        dataclasses.replace(data.settings, mode=ClearingMode.WELFARE),
    )
    assert clear_instance(inst).total_points() == best_total_by_brute_force(inst)
