"""Points rules: winners pay what they bid on what they won; everything else comes back.

Returned points (budget minus spent: losing bids and points never bid) carry
over to the next round, but at most `carry_over_cap` of them, on top of the
next round's base budget. People who lose this time bid with more weight next
time, and nobody can hoard points across many rounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from trellis_bidding.domain.allocation import Allocation


@dataclass(frozen=True)
class PointsSettlement:
    employee_id: str
    budget: int
    spent: int

    @property
    def returned(self) -> int:
        return self.budget - self.spent


def settle_points(allocation: Allocation) -> list[PointsSettlement]:
    inst = allocation.instance
    spent = allocation.spent().tolist()
    return [
        PointsSettlement(employee_id=e, budget=budget, spent=paid)
        for e, budget, paid in zip(inst.employee_ids, inst.budget.tolist(), spent, strict=True)
    ]


def next_round_budget(base_budget: int, returned: int, carry_over_cap: int) -> int:
    """Base budget plus the returned points, of which at most `carry_over_cap` carry over."""
    if base_budget < 0 or returned < 0 or carry_over_cap < 0:
        raise ValueError("budgets, returned points and the cap cannot be negative")
    return base_budget + min(returned, carry_over_cap)


def next_round_budgets(
    settlements: list[PointsSettlement], base_budget: int, carry_over_cap: int
) -> dict[str, int]:
    return {
        s.employee_id: next_round_budget(base_budget, s.returned, carry_over_cap)
        for s in settlements
    }
