"""The clearing engine's front door: one call from the round's inputs to its full outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from trellis_bidding.domain.allocation import Allocation
from trellis_bidding.domain.deferred_acceptance import clear_deferred_acceptance
from trellis_bidding.domain.explanation import BidderExplanation, explain_all
from trellis_bidding.domain.inputs import Assignment, Bid, Bidder, ClearingMode, RoundSettings
from trellis_bidding.domain.instance import ClearingInstance, build_instance
from trellis_bidding.domain.points import PointsSettlement, settle_points
from trellis_bidding.domain.welfare import clear_welfare


@dataclass(frozen=True)
class Award:
    employee_id: str
    assignment_id: str
    points: int


@dataclass(frozen=True, eq=False)
class RoundOutcome:
    allocation: Allocation
    awards: tuple[Award, ...]
    settlements: tuple[PointsSettlement, ...]
    explanations: dict[str, BidderExplanation]

    @property
    def total_points(self) -> int:
        return self.allocation.total_points()


def clear_instance(instance: ClearingInstance) -> Allocation:
    """Allocate with the round's mode (the part the benchmark times)."""
    if instance.mode is ClearingMode.WELFARE:
        return clear_welfare(instance)
    return clear_deferred_acceptance(instance)


def clear_round(
    assignments: Sequence[Assignment],
    bidders: Sequence[Bidder],
    bids: Sequence[Bid],
    settings: RoundSettings,
) -> RoundOutcome:
    instance = build_instance(assignments, bidders, bids, settings)
    allocation = clear_instance(instance)
    awards = tuple(
        Award(
            employee_id=instance.employee_ids[instance.bid_employee[b]],
            assignment_id=instance.assignment_ids[instance.bid_assignment[b]],
            points=int(instance.bid_points[b]),
        )
        for b in allocation.awarded_bids().tolist()
    )
    return RoundOutcome(
        allocation=allocation,
        awards=awards,
        settlements=tuple(settle_points(allocation)),
        explanations=explain_all(allocation),
    )
