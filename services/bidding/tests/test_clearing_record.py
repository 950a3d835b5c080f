"""The stored form of a clearing's result (pure domain)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trellis_bidding.domain import rounds
from trellis_bidding.domain.clearing_record import BidderResult, pack_results, result_chunk_id
from trellis_bidding.domain.rounds import Award, Round, RoundStatus, RoundTerms
from trellis_bidding.domain.wallets import Outcome, Result

pytestmark = pytest.mark.unit
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _result(employee_id: str, bids: int) -> BidderResult:
    outcomes = [
        Outcome(
            assignment_id=f"a{i}", points=1, rank=i + 1, won=False, cutoff="-", reason="x" * 200
        )
        for i in range(bids)
    ]
    return BidderResult(employee_id=employee_id, result=Result(outcomes=outcomes), carried=1)


def test_chunks_keep_both_limits_and_the_order_and_never_split_a_bidder() -> None:
    results = [_result(f"e{i:03d}", bids=1 + i % 7) for i in range(300)]
    chunks = pack_results(results, max_bytes=20_000, max_bidders=40)
    assert [r for chunk in chunks for r in chunk] == results
    for chunk in chunks:
        assert len(chunk) <= 40
        assert sum(len(r.model_dump_json()) for r in chunk) <= 20_000
    assert pack_results([]) == []


def test_chunk_ids_name_the_attempt() -> None:
    assert result_chunk_id("r1", "a", 3) != result_chunk_id("r1", "b", 3)


def _clearing_round() -> Round:
    return Round(
        round_id="r1",
        terms=RoundTerms(
            title="Round", assignment_ids=["a1"], opens_at=NOW, closes_at=NOW + timedelta(days=1)
        ),
        status=RoundStatus.CLEARING,
        seed=1,
        created_by="hr",
        created_at=NOW,
    )


def test_the_first_recorded_result_stands() -> None:
    round_ = _clearing_round()
    first = [Award(assignment_id="a1", employee_id="e1", points=5)]
    fixed = rounds.record_result(
        round_, attempt="one", chunks=1, awards=first, bidder_ids=["e1"], blocking_pairs=0, envy=0
    )
    again = rounds.record_result(
        round_, attempt="two", chunks=2, awards=[], bidder_ids=[], blocking_pairs=0, envy=0
    )
    assert (fixed, again) == (True, False)
    assert (round_.result_attempt, round_.result_chunks, round_.awards) == ("one", 1, first)
    rounds.finish_clearing(round_, NOW)
    assert rounds.results_pending(round_)
    rounds.results_complete(round_)
    assert not rounds.results_pending(round_)


def test_a_large_round_is_announced_in_parts_each_under_the_record_limit() -> None:
    from trellis_shared.contracts.bidding import RoundCleared
    from trellis_shared.events.envelope import Envelope
    from trellis_shared.mongo.aggregate_store import MAX_EVENT_BYTES

    round_ = _clearing_round()
    # 80,000 bidders with the longest ids a profile may have: one event would be ~10 MB.
    bidders = [f"{n:06d}".ljust(120, "x") for n in range(80_000)]
    rounds.record_result(
        round_, attempt="one", chunks=1, awards=[], bidder_ids=bidders, blocking_pairs=0, envy=0
    )
    events = rounds.finish_clearing(round_, NOW)
    assert all(isinstance(e, RoundCleared) for e in events)
    parts = [e for e in events if isinstance(e, RoundCleared)]
    assert [(e.part, e.parts) for e in parts] == [(n, 16) for n in range(1, 17)]
    assert [i for e in parts for i in e.employee_ids] == bidders
    assert {(e.bidders, e.awards) for e in parts} == {(round_.bidders, 0)}
    for event in parts:
        assert (
            len(Envelope.wrap(event, source="bidding", subject="r1").to_bytes()) < MAX_EVENT_BYTES
        )
