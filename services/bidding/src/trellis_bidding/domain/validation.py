"""Validation of one bidder's bids, as (field, message) pairs.

The service maps each pair to an INVALID_ARGUMENT field violation, so the field
names follow the request shape: `bids[i].points`, `bids[i].rank`,
`bids[i].assignment_id`, `bids` for rules over the whole set. An empty list
means the bids are valid.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from trellis_bidding.domain.inputs import Bid, Bidder

FieldViolation = tuple[str, str]


def validate_bids(
    bidder: Bidder, bids: Sequence[Bid], round_assignment_ids: Collection[str]
) -> list[FieldViolation]:
    violations: list[FieldViolation] = []
    seen_assignments: dict[str, int] = {}
    seen_ranks: dict[int, int] = {}
    for i, bid in enumerate(bids):
        where = f"bids[{i}]"
        if bid.employee_id != bidder.employee_id:
            violations.append(
                (f"{where}.employee_id", f"bid belongs to {bid.employee_id}, not to the bidder")
            )
        if bid.points < 1:
            violations.append((f"{where}.points", f"points must be at least 1, got {bid.points}"))
        if bid.assignment_id not in round_assignment_ids:
            violations.append(
                (f"{where}.assignment_id", f"assignment {bid.assignment_id} is not in this round")
            )
        if bid.assignment_id in seen_assignments:
            first = seen_assignments[bid.assignment_id]
            violations.append(
                (
                    f"{where}.assignment_id",
                    f"assignment {bid.assignment_id} is already bid on in bids[{first}]",
                )
            )
        else:
            seen_assignments[bid.assignment_id] = i
        if not 1 <= bid.rank <= len(bids):
            violations.append(
                (f"{where}.rank", f"rank must be between 1 and {len(bids)}, got {bid.rank}")
            )
        elif bid.rank in seen_ranks:
            violations.append(
                (
                    f"{where}.rank",
                    f"rank {bid.rank} is already used by bids[{seen_ranks[bid.rank]}]",
                )
            )
        else:
            seen_ranks[bid.rank] = i
    total = sum(max(bid.points, 0) for bid in bids)
    if total > bidder.budget:
        violations.append(
            ("bids", f"bids total {total} points, over the budget of {bidder.budget}")
        )
    return violations
