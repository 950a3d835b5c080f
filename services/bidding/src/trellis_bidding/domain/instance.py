"""The round as flat arrays, which every clearing mode, check and explanation works on.

Bids are stored grouped by employee and, within an employee, in ranking order
(`bid_start[e]:bid_start[e + 1]`). Each bid carries its assignment's priority
key (points desc, skill fit desc, tie-break asc) collapsed into one integer,
`bid_priority`, where 0 is the best bid of the round: because every employee
bids at most once per assignment, comparing these integers on one assignment is
exactly comparing the (points, fit, tie-break) keys, and the explanation can
still print the key itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from trellis_bidding.domain.inputs import Assignment, Bid, Bidder, ClearingMode, RoundSettings
from trellis_bidding.domain.tie_break import tie_break
from trellis_bidding.domain.validation import validate_bids

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class ClearingInstance:
    settings: RoundSettings
    assignment_ids: tuple[str, ...]
    seats: IntArray
    share: IntArray
    employee_ids: tuple[str, ...]
    budget: IntArray
    free_share: IntArray
    tie_break: IntArray
    bid_start: IntArray  # employee e's bids are bid_start[e]:bid_start[e + 1], best ranked first
    bid_employee: IntArray
    bid_assignment: IntArray
    bid_points: IntArray
    bid_rank: IntArray
    bid_fit: FloatArray
    bid_priority: IntArray  # 0 = best (points, fit, tie-break) of the round

    @property
    def max_awards(self) -> int:
        return self.settings.max_awards

    @property
    def mode(self) -> ClearingMode:
        return self.settings.mode

    @property
    def bid_count(self) -> int:
        return int(self.bid_employee.size)

    def bid_share(self) -> IntArray:
        return self.share[self.bid_assignment]


def build_instance(
    assignments: Sequence[Assignment],
    bidders: Sequence[Bidder],
    bids: Sequence[Bid],
    settings: RoundSettings,
) -> ClearingInstance:
    """Validate the round and flatten it; raises ValueError naming the first problems found."""
    assignment_position = check_assignments(assignments)
    bidder_position = {bidder.employee_id: e for e, bidder in enumerate(bidders)}
    if len(bidder_position) != len(bidders):
        raise ValueError("bidders must have unique employee ids")
    by_bidder: list[list[Bid]] = [[] for _ in bidders]
    for bid in bids:
        e = bidder_position.get(bid.employee_id)
        if e is None:
            raise ValueError(f"bid by {bid.employee_id}, who is not a bidder of the round")
        by_bidder[e].append(bid)
    for bidder, own in zip(bidders, by_bidder, strict=True):
        check_bidder(bidder, own, assignment_position)
    flat = [bid for own in by_bidder for bid in own]
    fits = [bidders[bidder_position[b.employee_id]].fit.get(b.assignment_id, 0.0) for b in flat]
    return instance_from_columns(
        settings=settings,
        assignment_ids=tuple(a.assignment_id for a in assignments),
        seats=np.array([a.seats for a in assignments], dtype=np.int64),
        share=np.array([a.share_pct for a in assignments], dtype=np.int64),
        employee_ids=tuple(b.employee_id for b in bidders),
        budget=np.array([b.budget for b in bidders], dtype=np.int64),
        free_share=np.array([b.free_share_pct for b in bidders], dtype=np.int64),
        bid_employee=np.array([bidder_position[b.employee_id] for b in flat], dtype=np.int64),
        bid_assignment=np.array([assignment_position[b.assignment_id] for b in flat], np.int64),
        bid_points=np.array([b.points for b in flat], dtype=np.int64),
        bid_rank=np.array([b.rank for b in flat], dtype=np.int64),
        bid_fit=np.array(fits, dtype=np.float64),
    )


def instance_from_columns(
    *,
    settings: RoundSettings,
    assignment_ids: tuple[str, ...],
    seats: IntArray,
    share: IntArray,
    employee_ids: tuple[str, ...],
    budget: IntArray,
    free_share: IntArray,
    bid_employee: IntArray,
    bid_assignment: IntArray,
    bid_points: IntArray,
    bid_rank: IntArray,
    bid_fit: FloatArray,
) -> ClearingInstance:
    """Flatten already-validated columns (the fast path for large rounds and the benchmark)."""
    order = np.lexsort((bid_rank, bid_employee))
    bid_employee, bid_assignment = bid_employee[order], bid_assignment[order]
    bid_points, bid_rank, bid_fit = bid_points[order], bid_rank[order], bid_fit[order]
    ties = np.array([tie_break(settings.seed, e) for e in employee_ids], dtype=np.int64)
    counts = np.bincount(bid_employee, minlength=len(employee_ids))
    bid_start = np.zeros(len(employee_ids) + 1, dtype=np.int64)
    np.cumsum(counts, out=bid_start[1:])
    # np.lexsort: the LAST key is the primary one. The employee position only
    # separates the (astronomically unlikely) equal hashes.
    best_first = np.lexsort((bid_employee, ties[bid_employee], -bid_fit, -bid_points))
    priority = np.empty(bid_employee.size, dtype=np.int64)
    priority[best_first] = np.arange(bid_employee.size, dtype=np.int64)
    return ClearingInstance(
        settings=settings,
        assignment_ids=assignment_ids,
        seats=seats,
        share=share,
        employee_ids=employee_ids,
        budget=budget,
        free_share=free_share,
        tie_break=ties,
        bid_start=bid_start,
        bid_employee=bid_employee,
        bid_assignment=bid_assignment,
        bid_points=bid_points,
        bid_rank=bid_rank,
        bid_fit=bid_fit,
        bid_priority=priority,
    )


def check_assignments(assignments: Sequence[Assignment]) -> dict[str, int]:
    position: dict[str, int] = {}
    for a, assignment in enumerate(assignments):
        if assignment.assignment_id in position:
            raise ValueError(f"assignment {assignment.assignment_id} appears twice in the round")
        if assignment.seats < 1:
            raise ValueError(f"assignment {assignment.assignment_id} must have at least one seat")
        if not 1 <= assignment.share_pct <= 100:
            raise ValueError(f"assignment {assignment.assignment_id}: share_pct must be 1..100")
        position[assignment.assignment_id] = a
    return position


def check_bidder(bidder: Bidder, bids: Sequence[Bid], round_ids: dict[str, int]) -> None:
    if bidder.budget < 0 or not 0 <= bidder.free_share_pct <= 100:
        raise ValueError(f"bidder {bidder.employee_id}: budget >= 0 and free share 0..100 needed")
    if any(not 0 <= score <= 100 for score in bidder.fit.values()):
        raise ValueError(f"bidder {bidder.employee_id}: skill fit scores must be 0..100")
    violations = validate_bids(bidder, bids, round_ids)
    if violations:
        details = "; ".join(f"{field}: {message}" for field, message in violations[:3])
        raise ValueError(f"bids of {bidder.employee_id} are invalid: {details}")
