"""Example rounds whose explanations, outcomes and cut-offs are worked out by hand."""

from __future__ import annotations

import pytest

from trellis_bidding.domain.allocation import BidOutcome
from trellis_bidding.domain.clearing import clear_round
from trellis_bidding.domain.explanation import Priority
from trellis_bidding.domain.greedy import clear_greedy
from trellis_bidding.domain.inputs import Assignment, Bid, Bidder, ClearingMode, RoundSettings
from trellis_bidding.domain.instance import build_instance
from trellis_bidding.domain.stability import envy_count, find_blocking_pairs
from trellis_bidding.domain.tie_break import tie_break

pytestmark = pytest.mark.unit

SEED = 7
ASSIGNMENTS = (
    Assignment("platform-lead", seats=1, share_pct=20),
    Assignment("data-guild", seats=1, share_pct=20),
    Assignment("big-migration", seats=2, share_pct=60),
)
BIDDERS = (
    Bidder("ada", budget=10, free_share_pct=100, fit={"platform-lead": 90.0}),
    Bidder("bo", budget=10, free_share_pct=30, fit={"platform-lead": 40.0}),
    Bidder("cy", budget=10, free_share_pct=100),
)
BIDS = (
    Bid("ada", "platform-lead", points=6, rank=1),
    Bid("ada", "data-guild", points=4, rank=2),
    Bid("bo", "platform-lead", points=6, rank=1),  # same points as ada: fit decides
    Bid("bo", "big-migration", points=3, rank=2),  # 60% does not fit bo's 30% free time
    Bid("bo", "data-guild", points=1, rank=3),
    Bid("cy", "data-guild", points=2, rank=1),
)


def outcomes(employee: str, mode: ClearingMode = ClearingMode.DEFAULT) -> dict[str, BidOutcome]:
    outcome = clear_round(ASSIGNMENTS, BIDDERS, BIDS, RoundSettings(seed=SEED, mode=mode))
    return {b.assignment_id: b.outcome for b in outcome.explanations[employee].bids}


def test_default_mode_awards_and_reasons() -> None:
    outcome = clear_round(ASSIGNMENTS, BIDDERS, BIDS, RoundSettings(seed=SEED))
    assert {(a.employee_id, a.assignment_id) for a in outcome.awards} == {
        ("ada", "platform-lead"),
        ("cy", "data-guild"),
    }
    assert outcomes("ada") == {
        "platform-lead": BidOutcome.WON,
        "data-guild": BidOutcome.HOLDS_HIGHER_RANKED,
    }
    assert outcomes("bo") == {
        "platform-lead": BidOutcome.OUT_PRIORITISED,
        "big-migration": BidOutcome.NO_FREE_TIME,
        "data-guild": BidOutcome.OUT_PRIORITISED,
    }


def test_the_cut_off_and_both_priorities_are_spelled_out() -> None:
    outcome = clear_round(ASSIGNMENTS, BIDDERS, BIDS, RoundSettings(seed=SEED))
    bo = outcome.explanations["bo"]
    lead = bo.bids[0]
    assert lead.priority == Priority(points=6, fit=40.0, tie_break=tie_break(SEED, "bo"))
    assert lead.cutoff == Priority(points=6, fit=90.0, tie_break=tie_break(SEED, "ada"))
    assert lead.line == (
        "platform-lead: lost, the only seat went to higher priorities; yours "
        f"(6 points, fit 40, tie-break {tie_break(SEED, 'bo'):016x}) is below the cut-off "
        f"(6 points, fit 90, tie-break {tie_break(SEED, 'ada'):016x})."
    )
    assert bo.lines()[1].startswith(
        "big-migration: not considered, its 60% time share did not fit your 30% free time"
    )
    assert bo.lines()[1].endswith("nobody won a seat on it.")
    assert (
        outcome.explanations["ada"]
        .lines()[1]
        .startswith(
            "data-guild: not proposed, you already held platform-lead, which you ranked higher"
        )
    )
    assert outcome.explanations["cy"].lines()[0].startswith("data-guild: won a seat with 2 points")
    assert (bo.spent, bo.returned) == (0, 10)
    assert (outcome.explanations["ada"].spent, outcome.explanations["ada"].returned) == (6, 4)


def test_the_seeded_tie_break_decides_equal_points_and_fit() -> None:
    bidders = (Bidder("x", 5, 100), Bidder("y", 5, 100))
    bids = (Bid("x", "data-guild", 3, 1), Bid("y", "data-guild", 3, 1))
    winners = set()
    for seed in range(20):
        awards = clear_round(ASSIGNMENTS, bidders, bids, RoundSettings(seed=seed)).awards
        expected = min(("x", "y"), key=lambda e: tie_break(seed, e))
        assert [a.employee_id for a in awards] == [expected]
        winners.add(expected)
    assert winners == {"x", "y"}, "the seed must actually move the tie-break"


def test_welfare_mode_explains_seats_given_away_for_more_points() -> None:
    # Welfare gives data-guild to ada (4) and platform-lead to bo (6): 10 points,
    # against 6 + 2 in default mode. cy out-bids nobody but still loses a seat
    # her priority would have kept in default mode.
    outcome = clear_round(
        ASSIGNMENTS, BIDDERS, BIDS, RoundSettings(seed=SEED, mode=ClearingMode.WELFARE)
    )
    assert outcome.total_points == 10
    assert outcomes("ada", ClearingMode.WELFARE)["platform-lead"] is BidOutcome.HOLDS_OTHER_AWARD
    assert outcomes("cy", ClearingMode.WELFARE)["data-guild"] is BidOutcome.OUT_PRIORITISED
    assert outcomes("bo", ClearingMode.WELFARE) == {
        "platform-lead": BidOutcome.WON,
        "big-migration": BidOutcome.NO_FREE_TIME,  # before "you hold a higher-ranked award"
        "data-guild": BidOutcome.HOLDS_HIGHER_RANKED,
    }
    assert (
        outcome.explanations["bo"]
        .lines()[2]
        .startswith("data-guild: not awarded, you hold platform-lead, which you ranked higher")
    )
    line = outcome.explanations["ada"].bids[0].line
    assert "the allocation with the most points in total gave you data-guild instead" in line
    inst = outcome.allocation.instance
    assert find_blocking_pairs(inst, outcome.allocation.won) == [("ada", "platform-lead")]
    assert envy_count(inst, outcome.allocation.won) == 0  # ada out-prioritises bo, not out-bids


def test_greedy_baseline_ignores_rankings_and_can_leave_envy() -> None:
    assignments = (Assignment("a", 1, 10), Assignment("b", 1, 10))
    bidders = (Bidder("p", 10, 100), Bidder("q", 10, 100))
    # p ranks a first but bids more on b; greedy gives p b (highest bid), then q gets a
    # although p out-bid q on a and wanted it more.
    bids = (
        Bid("p", "a", 3, 1),
        Bid("p", "b", 7, 2),
        Bid("q", "a", 2, 1),
        Bid("q", "b", 1, 2),
    )
    inst = build_instance(assignments, bidders, bids, RoundSettings(seed=1))
    greedy = clear_greedy(inst)
    won = {
        (inst.employee_ids[inst.bid_employee[b]], inst.assignment_ids[inst.bid_assignment[b]])
        for b in greedy.awarded_bids().tolist()
    }
    assert won == {("p", "b"), ("q", "a")}
    assert envy_count(inst, greedy.won) == 1
    assert find_blocking_pairs(inst, greedy.won) == [("p", "a")]
    default = clear_round(assignments, bidders, bids, RoundSettings(seed=1))
    assert {(a.employee_id, a.assignment_id) for a in default.awards} == {("p", "a"), ("q", "b")}


def test_several_awards_fill_free_time_in_ranking_order() -> None:
    assignments = (Assignment("a", 1, 50), Assignment("b", 1, 40), Assignment("c", 1, 10))
    bidders = (Bidder("p", 10, 60),)
    bids = (Bid("p", "a", 1, 1), Bid("p", "b", 1, 2), Bid("p", "c", 1, 3))
    outcome = clear_round(assignments, bidders, bids, RoundSettings(seed=1, max_awards=3))
    assert [a.assignment_id for a in outcome.awards] == ["a", "c"]
    reasons = [b.outcome for b in outcome.explanations["p"].bids]
    assert reasons == [BidOutcome.WON, BidOutcome.NO_FREE_TIME, BidOutcome.WON]


def test_a_displaced_holder_moves_on_down_their_list() -> None:
    # Round 1: p holds x, q holds y, s beats r on z. Round 2: r takes x from p.
    # Round 3: p takes y from q, who has nothing left to try.
    assignments = (Assignment("x", 1, 10), Assignment("y", 1, 10), Assignment("z", 1, 10))
    bidders = tuple(Bidder(e, 10, 100) for e in "pqrs")
    bids = (
        Bid("p", "x", 2, 1),
        Bid("p", "y", 2, 2),
        Bid("q", "y", 1, 1),
        Bid("r", "z", 1, 1),
        Bid("r", "x", 3, 2),
        Bid("s", "z", 5, 1),
    )
    outcome = clear_round(assignments, bidders, bids, RoundSettings(seed=3))
    assert {(a.employee_id, a.assignment_id) for a in outcome.awards} == {
        ("s", "z"),
        ("r", "x"),
        ("p", "y"),
    }
    assert [b.outcome for b in outcome.explanations["q"].bids] == [BidOutcome.OUT_PRIORITISED]
    assert [b.outcome for b in outcome.explanations["p"].bids] == [
        BidOutcome.OUT_PRIORITISED,
        BidOutcome.WON,
    ]


def test_losing_an_award_frees_time_for_what_was_skipped() -> None:
    # N = 2, p has 60% free. Round 1: p holds x (50%); r beats q on w.
    # Round 2: y (40%) does not fit next to x, so p skips it and takes z (10%);
    # q takes x from p. Round 3: with x gone, y fits next to z and p gets it.
    assignments = (
        Assignment("x", 1, 50),
        Assignment("y", 1, 40),
        Assignment("z", 1, 10),
        Assignment("w", 1, 10),
    )
    bidders = (Bidder("p", 10, 60), Bidder("q", 10, 100), Bidder("r", 10, 100))
    bids = (
        Bid("p", "x", 3, 1),
        Bid("p", "y", 1, 2),
        Bid("p", "z", 1, 3),
        Bid("q", "w", 1, 1),
        Bid("q", "x", 5, 2),
        Bid("r", "w", 5, 1),
    )
    outcome = clear_round(assignments, bidders, bids, RoundSettings(seed=1, max_awards=2))
    assert {(a.employee_id, a.assignment_id) for a in outcome.awards} == {
        ("p", "y"),
        ("p", "z"),
        ("q", "x"),
        ("r", "w"),
    }
