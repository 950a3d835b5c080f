"""Validation of a bidder's bids: every rule gives a (field, message) pair; bad rounds raise."""

from __future__ import annotations

import pytest

from trellis_bidding.domain.clearing import clear_round
from trellis_bidding.domain.inputs import Assignment, Bid, Bidder, ClearingMode, RoundSettings
from trellis_bidding.domain.instance import build_instance
from trellis_bidding.domain.points import next_round_budget
from trellis_bidding.domain.validation import validate_bids

pytestmark = pytest.mark.unit

ROUND = {"a1", "a2", "a3"}
ADA = Bidder("ada", budget=10, free_share_pct=50)


def test_valid_bids_give_no_violation() -> None:
    bids = [Bid("ada", "a1", 6, 1), Bid("ada", "a3", 4, 2)]
    assert validate_bids(ADA, bids, ROUND) == []
    assert validate_bids(ADA, [], ROUND) == []


def test_points_below_one() -> None:
    assert validate_bids(ADA, [Bid("ada", "a1", 0, 1), Bid("ada", "a2", -3, 2)], ROUND) == [
        ("bids[0].points", "points must be at least 1, got 0"),
        ("bids[1].points", "points must be at least 1, got -3"),
    ]


def test_total_over_the_budget() -> None:
    assert validate_bids(ADA, [Bid("ada", "a1", 6, 1), Bid("ada", "a2", 5, 2)], ROUND) == [
        ("bids", "bids total 11 points, over the budget of 10"),
    ]


def test_negative_points_do_not_pay_for_others() -> None:
    bids = [Bid("ada", "a1", 12, 1), Bid("ada", "a2", -5, 2)]
    assert ("bids", "bids total 12 points, over the budget of 10") in validate_bids(
        ADA, bids, ROUND
    )


def test_duplicate_assignment_and_rank() -> None:
    bids = [Bid("ada", "a1", 1, 1), Bid("ada", "a1", 1, 1)]
    assert validate_bids(ADA, bids, ROUND) == [
        ("bids[1].assignment_id", "assignment a1 is already bid on in bids[0]"),
        ("bids[1].rank", "rank 1 is already used by bids[0]"),
    ]


def test_rank_out_of_range_and_unknown_assignment() -> None:
    bids = [Bid("ada", "a9", 1, 3), Bid("ada", "a1", 1, 0)]
    assert validate_bids(ADA, bids, ROUND) == [
        ("bids[0].assignment_id", "assignment a9 is not in this round"),
        ("bids[0].rank", "rank must be between 1 and 2, got 3"),
        ("bids[1].rank", "rank must be between 1 and 2, got 0"),
    ]


def test_someone_elses_bid() -> None:
    assert validate_bids(ADA, [Bid("bo", "a1", 1, 1)], ROUND) == [
        ("bids[0].employee_id", "bid belongs to bo, not to the bidder"),
    ]


def test_build_instance_refuses_an_invalid_round() -> None:
    assignments = [Assignment("a1", 1, 20)]
    with pytest.raises(ValueError, match=r"bids of ada are invalid: bids\[0\]\.points"):
        build_instance(assignments, [ADA], [Bid("ada", "a1", 0, 1)], RoundSettings(seed=1))
    with pytest.raises(ValueError, match="not a bidder"):
        build_instance(assignments, [ADA], [Bid("bo", "a1", 1, 1)], RoundSettings(seed=1))
    with pytest.raises(ValueError, match="at least one seat"):
        build_instance([Assignment("a1", 0, 20)], [ADA], [], RoundSettings(seed=1))
    with pytest.raises(ValueError, match="appears twice"):
        build_instance(assignments * 2, [ADA], [], RoundSettings(seed=1))
    with pytest.raises(ValueError, match="max_awards"):
        RoundSettings(seed=1, max_awards=0)


def test_next_round_budget_caps_the_carry_over() -> None:
    assert next_round_budget(base_budget=100, returned=30, carry_over_cap=50) == 130
    assert next_round_budget(base_budget=100, returned=80, carry_over_cap=50) == 150
    assert next_round_budget(base_budget=100, returned=0, carry_over_cap=50) == 100
    with pytest.raises(ValueError, match="negative"):
        next_round_budget(base_budget=100, returned=-1, carry_over_cap=50)


@pytest.mark.parametrize("mode", list(ClearingMode))
def test_rounds_without_bids_or_bidders_clear_to_nothing(mode: ClearingMode) -> None:
    assignments = [Assignment("a1", 2, 20)]
    settings = RoundSettings(seed=1, mode=mode, max_awards=2)
    empty = clear_round(assignments, [], [], settings)
    assert (empty.awards, empty.settlements, empty.explanations) == ((), (), {})
    idle = clear_round(assignments, [ADA], [], settings)
    assert idle.awards == ()
    assert idle.explanations["ada"].bids == ()
    assert idle.settlements[0].returned == ADA.budget
