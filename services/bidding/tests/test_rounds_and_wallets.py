"""Round lifecycle, clearing claims, wallets and bidder facts (service-side domain)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from trellis_bidding.domain import rounds
from trellis_bidding.domain.catalog import bidder_facts
from trellis_bidding.domain.rounds import Round, RoundStatus, RoundTerms
from trellis_bidding.domain.wallets import BidEntry, Wallet, violations_for
from trellis_shared.contracts.bidding import RoundClosed, RoundOpened
from trellis_shared.contracts.profiles import (
    ProfileSnapshot,
    SnapshotAvailability,
    SnapshotCommitment,
)
from trellis_shared.errors import FailedPrecondition

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def _round(opens_in: timedelta = timedelta(0)) -> Round:
    return Round(
        round_id="round-1",
        terms=RoundTerms(
            title="Winter round",
            assignment_ids=["a1", "a2"],
            opens_at=NOW + opens_in,
            closes_at=NOW + timedelta(days=7),
            budget=100,
        ),
        seed=42,
        created_by="hr",
        created_at=NOW,
    )


def test_a_round_opens_and_closes_with_time() -> None:
    round_ = _round(opens_in=timedelta(hours=1))
    assert rounds.advance_with_time(round_, NOW, bidders=0) == []
    assert round_.status is RoundStatus.SCHEDULED
    events = rounds.advance_with_time(round_, NOW + timedelta(hours=1), bidders=0)
    assert [type(e) for e in events] == [RoundOpened]
    assert round_.accepting_bids(NOW + timedelta(hours=2))
    events = rounds.advance_with_time(round_, NOW + timedelta(days=7), bidders=3)
    assert [type(e) for e in events] == [RoundClosed]
    assert round_.status is RoundStatus.CLOSED
    assert not round_.accepting_bids(NOW + timedelta(days=7))


def test_the_carry_over_cap_defaults_to_the_budget() -> None:
    assert _round().terms.carry_over_cap == 100


def test_only_one_clearing_at_a_time_unless_the_first_died() -> None:
    round_ = _round()
    rounds.advance_with_time(round_, NOW, bidders=0)
    with pytest.raises(FailedPrecondition, match="is open"):
        rounds.claim_clearing(round_, NOW)
    rounds.close(round_, bidders=2)
    rounds.claim_clearing(round_, NOW)
    with pytest.raises(FailedPrecondition, match="already being cleared"):
        rounds.claim_clearing(round_, NOW + timedelta(minutes=1))
    rounds.claim_clearing(round_, NOW + rounds.STALE_CLEARING + timedelta(seconds=1))
    assert round_.status is RoundStatus.CLEARING


def test_cancelled_rounds_stay_cancelled() -> None:
    round_ = _round()
    rounds.cancel(round_)
    with pytest.raises(FailedPrecondition, match="is cancelled"):
        rounds.close(round_, bidders=0)


def test_wallet_violations_name_request_paths() -> None:
    wallet = Wallet(round_id="round-1", employee_id="e1", budget=50, updated_at=NOW)
    problems = dict(
        violations_for(
            wallet,
            [
                BidEntry(assignment_id="a1", points=0, rank=1),
                BidEntry(assignment_id="zz", points=60, rank=1),
            ],
            ["a1", "a2"],
        )
    )
    assert "bids.0.points" in problems
    assert "bids.1.assignment_id" in problems
    assert "bids.1.rank" in problems
    assert "over the budget of 50" in problems["bids"]
    ok = violations_for(wallet, [BidEntry(assignment_id="a2", points=50, rank=1)], ["a1", "a2"])
    assert ok == []


def test_free_share_counts_every_commitment_not_yet_ended() -> None:
    snapshot = ProfileSnapshot(
        employee_id="e1",
        version=3,
        name="E",
        email="e@example.com",
        manager_id="m1",
        availability=SnapshotAvailability(share_free_pct=50),
        commitments=[
            SnapshotCommitment(
                reference="g1",
                kind="gig",
                share_pct=20,
                starts_on=date(2026, 10, 1),
                ends_on=date(2027, 1, 1),
            ),
            SnapshotCommitment(
                reference="g0",
                kind="gig",
                share_pct=40,
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 6, 1),
            ),
        ],
    )
    facts = bidder_facts(snapshot, date(2026, 11, 23))
    assert facts.free_share_pct == 30
    assert facts.manager_id == "m1"
