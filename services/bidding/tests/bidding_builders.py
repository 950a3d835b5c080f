"""Hypothesis strategies and small helpers for random bidding rounds."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from trellis_bidding.domain.inputs import Assignment, Bid, Bidder, ClearingMode, RoundSettings


@dataclass(frozen=True)
class Round:
    assignments: tuple[Assignment, ...]
    bidders: tuple[Bidder, ...]
    bids: tuple[Bid, ...]
    settings: RoundSettings


@st.composite
def rounds(
    draw: st.DrawFn,
    *,
    max_assignments: int = 5,
    max_bidders: int = 8,
    max_awards: tuple[int, int] = (1, 1),
    mode: ClearingMode = ClearingMode.DEFAULT,
    roomy_time: bool = False,
) -> Round:
    """A valid random round. Few distinct points and fits, so priority ties are common.

    `roomy_time`: every bidder has all their time free and shares are small enough
    that any `max_awards` assignments fit together (free time never binds).
    """
    n_awards = draw(st.integers(*max_awards))
    n_assignments = draw(st.integers(1, max_assignments))
    share_cap = 100 // n_awards if roomy_time else 80
    assignments = tuple(
        Assignment(
            assignment_id=f"a{a}",
            seats=draw(st.integers(1, 3)),
            share_pct=draw(st.sampled_from([s for s in (10, 20, 30, 50, 80) if s <= share_cap])),
        )
        for a in range(n_assignments)
    )
    bidders: list[Bidder] = []
    bids: list[Bid] = []
    for e in range(draw(st.integers(1, max_bidders))):
        employee_id = f"e{e}"
        chosen = draw(st.permutations([a.assignment_id for a in assignments]))
        chosen = chosen[: draw(st.integers(0, len(chosen)))]
        points = [draw(st.integers(1, 4)) for _ in chosen]
        budget = sum(points) + draw(st.integers(0, 5))
        free = 100 if roomy_time else draw(st.sampled_from([0, 10, 30, 50, 80, 100]))
        fit = {a: float(draw(st.sampled_from([0, 50, 100]))) for a in chosen}
        bidders.append(Bidder(employee_id, budget=budget, free_share_pct=free, fit=fit))
        bids.extend(
            Bid(employee_id, a, points=p, rank=r + 1)
            for r, (a, p) in enumerate(zip(chosen, points, strict=True))
        )
    settings = RoundSettings(seed=draw(st.integers(0, 2**32)), mode=mode, max_awards=n_awards)
    return Round(tuple(assignments), tuple(bidders), tuple(bids), settings)
