"""Plain-English explanation for every bidder: per bid, the cut-off and why it won or lost.

A priority is the key an assignment orders its bidders by: points bid on it
(more is better), then skill fit (higher is better), then the seeded tie-break
(lower is better). The cut-off of an assignment is its lowest winning priority.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trellis_bidding.domain.allocation import Allocation, BidOutcome, cutoffs
from trellis_bidding.domain.inputs import ClearingMode

OUTCOMES = list(BidOutcome)


@dataclass(frozen=True, slots=True)
class Priority:
    points: int
    fit: float
    tie_break: int

    def describe(self) -> str:
        unit = "point" if self.points == 1 else "points"
        return f"{self.points} {unit}, fit {self.fit:g}, tie-break {self.tie_break:016x}"


@dataclass(frozen=True, slots=True)
class BidExplanation:
    assignment_id: str
    rank: int
    outcome: BidOutcome
    priority: Priority
    cutoff: Priority | None  # None: nobody won a seat on it
    line: str


@dataclass(frozen=True)
class BidderExplanation:
    employee_id: str
    awarded: tuple[str, ...]
    spent: int
    returned: int
    bids: tuple[BidExplanation, ...]

    def lines(self) -> list[str]:
        return [bid.line for bid in self.bids]


def explain_all(allocation: Allocation) -> dict[str, BidderExplanation]:
    """Explanations of every bidder. Arrays become lists first: 50,000 bidders' worth of
    numpy scalar look-ups in a Python loop would cost seconds."""
    facts = BidFacts.of(allocation)
    cut_offs: dict[int, tuple[Priority, str]] = {}  # many bids share an assignment's cut-off
    spent = allocation.spent().tolist()
    starts = allocation.instance.bid_start.tolist()
    budgets = allocation.instance.budget.tolist()
    result: dict[str, BidderExplanation] = {}
    for e, employee_id in enumerate(allocation.instance.employee_ids):
        own = range(starts[e], starts[e + 1])
        awarded = tuple(facts.name[b] for b in own if facts.won[b])
        result[employee_id] = BidderExplanation(
            employee_id=employee_id,
            awarded=awarded,
            spent=spent[e],
            returned=budgets[e] - spent[e],
            bids=tuple(explain_bid(facts, b, awarded, cut_offs) for b in own),
        )
    return result


@dataclass(frozen=True)
class BidFacts:
    """Per-bid columns as plain lists, everything a line needs."""

    name: list[str]
    won: list[bool]
    outcome: list[int]
    rank: list[int]
    points: list[int]
    fit: list[float]
    tie_break: list[int]
    cutoff_bid: list[int]  # -1: nobody won a seat on the bid's assignment
    seats: list[int]
    share: list[int]
    free_share: list[int]
    mode: ClearingMode

    @staticmethod
    def of(allocation: Allocation) -> BidFacts:
        inst = allocation.instance
        a = inst.bid_assignment
        owner_of_priority = np.empty(inst.bid_count, dtype=np.int64)
        owner_of_priority[inst.bid_priority] = np.arange(inst.bid_count)
        cut = cutoffs(inst, allocation.won)[a]
        names = inst.assignment_ids
        return BidFacts(
            name=[names[x] for x in a.tolist()],
            won=allocation.won.tolist(),
            outcome=allocation.outcome.tolist(),
            rank=inst.bid_rank.tolist(),
            points=inst.bid_points.tolist(),
            fit=inst.bid_fit.tolist(),
            tie_break=inst.tie_break[inst.bid_employee].tolist(),
            cutoff_bid=np.where(cut >= 0, owner_of_priority[np.maximum(cut, 0)], -1).tolist(),
            seats=inst.seats[a].tolist(),
            share=inst.share[a].tolist(),
            free_share=inst.free_share[inst.bid_employee].tolist(),
            mode=inst.mode,
        )

    def priority(self, bid: int) -> Priority:
        return Priority(self.points[bid], self.fit[bid], self.tie_break[bid])


def explain_bid(
    facts: BidFacts, bid: int, awarded: tuple[str, ...], cut_offs: dict[int, tuple[Priority, str]]
) -> BidExplanation:
    name = facts.name[bid]
    outcome = OUTCOMES[facts.outcome[bid]]
    mine = facts.priority(bid)
    cut: Priority | None = None
    cut_text = "nobody won a seat on it"
    if (cut_bid := facts.cutoff_bid[bid]) >= 0:
        if cut_bid not in cut_offs:
            cut_priority = facts.priority(cut_bid)
            cut_offs[cut_bid] = (cut_priority, f"the cut-off was {cut_priority.describe()}")
        cut, cut_text = cut_offs[cut_bid]
    others = ", ".join(x for x in awarded if x != name) or "another assignment"
    if outcome is BidOutcome.WON:
        line = f"{name}: won a seat with {mine.describe()}; {cut_text}."
    elif outcome is BidOutcome.OUT_PRIORITISED:
        line = (
            f"{name}: lost, {seats_phrase(facts.seats[bid])} went to higher priorities; yours "
            f"({mine.describe()}) is below the cut-off ({cut.describe() if cut else 'none'})."
        )
    elif outcome is BidOutcome.HOLDS_HIGHER_RANKED:
        verb = (
            "not proposed, you already held"
            if facts.mode is ClearingMode.DEFAULT
            else ("not awarded, you hold")
        )
        line = f"{name}: {verb} {others}, which you ranked higher; {cut_text}."
    elif outcome is BidOutcome.NO_FREE_TIME:
        line = (
            f"{name}: not considered, its {facts.share[bid]}% time share did not fit your "
            f"{facts.free_share[bid]}% free time next to the awards you held; {cut_text}."
        )
    elif outcome is BidOutcome.HOLDS_OTHER_AWARD:
        line = (
            f"{name}: not awarded, {mode_phrase(facts.mode)} gave you {others} instead; {cut_text}."
        )
    else:
        line = (
            f"{name}: not awarded although your priority ({mine.describe()}) meets the "
            f"cut-off: {mode_phrase(facts.mode)} gave the seat(s) to others; {cut_text}."
        )
    return BidExplanation(
        assignment_id=name,
        rank=facts.rank[bid],
        outcome=outcome,
        priority=mine,
        cutoff=cut,
        line=line,
    )


def seats_phrase(seats: int) -> str:
    return "the only seat" if seats == 1 else f"all {seats} seats"


def mode_phrase(mode: ClearingMode) -> str:
    if mode is ClearingMode.WELFARE:
        return "the allocation with the most points in total"
    return "the allocation"
