"""What a clearing decided, in the form it is stored: each bidder's result and the
points they carry over, packed into chunks small enough for one document each.

A round's result is computed once and stored before anything is announced; every
later step (award events, wallet results, carried points), on any replica and
after any crash, reads it back instead of clearing again, because the inputs
(free seats, people's free time) change as soon as the first awards go out.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from trellis_bidding.domain.allocation import BidOutcome
from trellis_bidding.domain.clearing import RoundOutcome
from trellis_bidding.domain.points import next_round_budget
from trellis_bidding.domain.wallets import Outcome, Result

# A stored chunk stays far below MongoDB's 16 MiB document limit whatever the
# bids look like (50 bids of long explanation lines per bidder is about 20 KB),
# and small enough that one replica writes its wallets in seconds.
MAX_CHUNK_BYTES = 2 * 1024 * 1024
MAX_BIDDERS_PER_CHUNK = 500
WON_OR_LOST = {
    BidOutcome.WON: "won",
    BidOutcome.OUT_PRIORITISED: "seats went to higher priorities",
    BidOutcome.HOLDS_HIGHER_RANKED: "you already hold awards you ranked higher",
    BidOutcome.NO_FREE_TIME: "it does not fit your free time next to your higher-ranked awards",
    BidOutcome.HOLDS_OTHER_AWARD: "the total-points allocation gave you another award",
    BidOutcome.OUTWEIGHED: "the total-points allocation gave the seat to others",
}


class BidderResult(BaseModel):
    """One bidder's stored result and the points they carry into the next round."""

    model_config = ConfigDict(frozen=True)

    employee_id: str
    result: Result
    carried: int


def result_chunk_id(round_id: str, attempt: str, index: int) -> str:
    """Chunks are named by the attempt that computed them, so two clearings that
    overlap never mix their chunks; the round names the one attempt that counts."""
    return f"{round_id}:result:{attempt}:{index:05d}"


def bidder_results(
    outcome: RoundOutcome, employee_ids: Sequence[str], budget: int, carry_over_cap: int
) -> list[BidderResult]:
    settlements = {s.employee_id: s for s in outcome.settlements}
    found = []
    for employee_id in sorted(employee_ids):
        settlement = settlements[employee_id]
        explanation = outcome.explanations[employee_id]
        result = Result(
            awarded=list(explanation.awarded),
            points_spent=settlement.spent,
            points_returned=settlement.returned,
            next_round_budget=next_round_budget(budget, settlement.returned, carry_over_cap),
            outcomes=[
                Outcome(
                    assignment_id=b.assignment_id,
                    points=b.priority.points,
                    rank=b.rank,
                    won=b.outcome is BidOutcome.WON,
                    cutoff=b.cutoff.describe() if b.cutoff else "no seat was awarded",
                    reason=b.line or WON_OR_LOST[b.outcome],
                )
                for b in explanation.bids
            ],
        )
        carried = min(settlement.returned, carry_over_cap)
        found.append(BidderResult(employee_id=employee_id, result=result, carried=carried))
    return found


def pack_results(
    results: Sequence[BidderResult],
    max_bytes: int = MAX_CHUNK_BYTES,
    max_bidders: int = MAX_BIDDERS_PER_CHUNK,
) -> list[list[BidderResult]]:
    """Consecutive chunks, each within both limits (a bidder is never split)."""
    chunks: list[list[BidderResult]] = []
    current: list[BidderResult] = []
    size = 0
    for item in results:
        item_size = len(item.model_dump_json())
        if current and (size + item_size > max_bytes or len(current) >= max_bidders):
            chunks.append(current)
            current, size = [], 0
        current.append(item)
        size += item_size
    if current:
        chunks.append(current)
    return chunks
