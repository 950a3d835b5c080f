"""Properties every clearing (both modes and the greedy baseline) must keep on random rounds."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
from bidding_builders import Round, rounds
from hypothesis import given, settings

from trellis_bidding.domain.allocation import Allocation, BidOutcome, cutoffs
from trellis_bidding.domain.clearing import clear_instance, clear_round
from trellis_bidding.domain.greedy import clear_greedy
from trellis_bidding.domain.inputs import ClearingMode
from trellis_bidding.domain.instance import build_instance
from trellis_bidding.domain.points import next_round_budgets
from trellis_bidding.domain.stability import (
    envy_count,
    find_blocking_additions,
    find_blocking_pairs,
)

pytestmark = pytest.mark.unit

MODES = [ClearingMode.DEFAULT, ClearingMode.WELFARE]


def broken_rules(allocation: Allocation) -> list[str]:
    """Every feasibility rule the allocation breaks (empty when it keeps them all)."""
    inst = allocation.instance
    time_used = np.bincount(
        inst.bid_employee[allocation.won],
        weights=inst.bid_share()[allocation.won],
        minlength=len(inst.employee_ids),
    )
    checks = {
        "seats exceeded": (allocation.awards_per_assignment() <= inst.seats).all(),
        "too many awards": (allocation.awards_per_employee() <= inst.max_awards).all(),
        "budget exceeded": (allocation.spent() <= inst.budget).all(),
        "award beyond free time": (time_used <= inst.free_share).all(),
        "outcome disagrees with won": (
            (allocation.outcome == BidOutcome.WON) == allocation.won
        ).all(),
    }
    return [rule for rule, kept in checks.items() if not kept]


@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=150, deadline=None)
@given(data=rounds(max_awards=(1, 3)))
def test_feasible_in_every_mode_and_for_greedy(mode: ClearingMode, data: Round) -> None:
    settings_ = dataclasses.replace(data.settings, mode=mode)
    inst = build_instance(data.assignments, data.bidders, data.bids, settings_)
    assert broken_rules(clear_instance(inst)) == []
    assert broken_rules(clear_greedy(inst)) == []


@settings(max_examples=300, deadline=None)
@given(data=rounds(max_bidders=10))
def test_default_mode_with_one_award_has_no_blocking_pair(data: Round) -> None:
    inst = build_instance(data.assignments, data.bidders, data.bids, data.settings)
    allocation = clear_instance(inst)
    assert find_blocking_pairs(inst, allocation.won) == []
    # Priority is points first, so nobody out-bids a winner on an assignment they prefer.
    assert envy_count(inst, allocation.won) == 0


@settings(max_examples=200, deadline=None)
@given(data=rounds(max_awards=(2, 3), roomy_time=True))
def test_default_mode_with_several_awards_is_stable_when_time_does_not_bind(data: Round) -> None:
    inst = build_instance(data.assignments, data.bidders, data.bids, data.settings)
    assert find_blocking_pairs(inst, clear_instance(inst).won) == []


@settings(max_examples=200, deadline=None)
@given(data=rounds(max_awards=(2, 3)))
def test_default_mode_leaves_nothing_to_add_when_time_binds(data: Round) -> None:
    inst = build_instance(data.assignments, data.bidders, data.bids, data.settings)
    assert find_blocking_additions(inst, clear_instance(inst).won) == []


@settings(max_examples=200, deadline=None)
@given(data=rounds(max_awards=(1, 3)))
def test_default_losses_are_explained_by_the_cut_off(data: Round) -> None:
    inst = build_instance(data.assignments, data.bidders, data.bids, data.settings)
    allocation = clear_instance(inst)
    cut = cutoffs(inst, allocation.won)[inst.bid_assignment]
    beaten = allocation.outcome == BidOutcome.OUT_PRIORITISED
    full = (
        allocation.awards_per_assignment()[inst.bid_assignment] == inst.seats[inst.bid_assignment]
    )
    assert (inst.bid_priority[beaten] > cut[beaten]).all()
    assert full[beaten].all()


@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=100, deadline=None)
@given(data=rounds(max_awards=(1, 3)))
def test_clearing_the_same_round_twice_gives_the_same_result(
    mode: ClearingMode, data: Round
) -> None:
    settings_ = dataclasses.replace(data.settings, mode=mode)
    first = clear_round(data.assignments, data.bidders, data.bids, settings_)
    second = clear_round(data.assignments, data.bidders, data.bids, settings_)
    assert first.awards == second.awards
    assert first.explanations == second.explanations


@settings(max_examples=150, deadline=None)
@given(data=rounds(max_awards=(1, 3), roomy_time=True), shuffle_seed=...)
def test_default_mode_does_not_depend_on_input_order(data: Round, shuffle_seed: int) -> None:
    shuffler = random.Random(shuffle_seed)
    bidders, bids = list(data.bidders), list(data.bids)
    shuffler.shuffle(bidders)
    shuffler.shuffle(bids)
    original = clear_round(data.assignments, data.bidders, data.bids, data.settings)
    shuffled = clear_round(data.assignments, bidders, bids, data.settings)
    assert sorted(original.awards, key=str) == sorted(shuffled.awards, key=str)


@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=100, deadline=None)
@given(data=rounds(max_awards=(1, 2)), base=..., cap=...)
def test_points_settle_and_carry_over_within_the_cap(
    mode: ClearingMode, data: Round, base: int, cap: int
) -> None:
    base, cap = abs(base) % 200, abs(cap) % 50
    outcome = clear_round(
        data.assignments, data.bidders, data.bids, dataclasses.replace(data.settings, mode=mode)
    )
    won_points: dict[str, int] = {}
    for award in outcome.awards:
        won_points[award.employee_id] = won_points.get(award.employee_id, 0) + award.points
    budgets = next_round_budgets(list(outcome.settlements), base, cap)
    for settlement in outcome.settlements:
        assert settlement.spent == won_points.get(settlement.employee_id, 0)
        assert 0 <= settlement.spent <= settlement.budget
        carried = budgets[settlement.employee_id] - base
        assert carried == min(settlement.returned, cap)
        assert 0 <= carried <= cap
