"""Clearing a round: claim it, gather the sealed bids, ask postings for skill fit,
run the engine, then commit the awards and their events on the round, and each
bidder's result on their wallet.

Every replica's sweep may try to clear the same closed round at the same
moment, so the round document is the commit point. The claim (`closed →
clearing`) is one version-checked write that exactly one clearer wins, taken
BEFORE the wallets are read so that the losers do no work. The awards are
recorded on the round once, then announced in chunks: each chunk is one
document of its own (an announcement: at most AWARDS_PER_BATCH events, keyed
by the round and the batch number) created with "must not exist", so no award
is announced twice even if two clearers overlap. Small documents keep the
relay cheap: it marks each event sent with a write of the document holding
it, and the round document is large (every bidder id). Wallet results follow
in bulk, conditional on the version each wallet was read at, and the round
turns `cleared` (with its one `round.cleared` event) only after that. If a
process dies in between, its claim goes stale and the next clearing finishes
the job with the recorded awards.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from trellis_bidding.app.ports import Balances, FitScores, Queries
from trellis_bidding.app.read_models import Bidders, Catalog
from trellis_bidding.app.rounds import require_hr
from trellis_bidding.domain import rounds
from trellis_bidding.domain.allocation import BidOutcome
from trellis_bidding.domain.clearing import RoundOutcome, clear_round
from trellis_bidding.domain.inputs import (
    Assignment,
    Bid,
    Bidder,
    ClearingMode,
    RoundSettings,
)
from trellis_bidding.domain.points import PointsSettlement, next_round_budget
from trellis_bidding.domain.release import AUTO
from trellis_bidding.domain.rounds import Award, Round, RoundStatus
from trellis_bidding.domain.stability import envy_count, find_blocking_pairs
from trellis_bidding.domain.wallets import Outcome, Result, Wallet, wallet_id
from trellis_shared.contracts.bidding import AssignmentAwarded
from trellis_shared.contracts.common import SkillLevel
from trellis_shared.errors import FailedPrecondition, StaleVersion
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal
from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_shared.mongo.model_store import ModelStore, Versioned

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
# Award events go out in announcement documents of this many (see above).
AWARDS_PER_BATCH = 100
# Wallet results go to the database in bulk, this many per call (the adapter
# splits them further into commands the embedded database can take).
RESULTS_PER_WRITE = 1000
WON_OR_LOST = {
    BidOutcome.WON: "won",
    BidOutcome.OUT_PRIORITISED: "seats went to higher priorities",
    BidOutcome.HOLDS_HIGHER_RANKED: "you already hold awards you ranked higher",
    BidOutcome.NO_FREE_TIME: "it does not fit your free time next to your higher-ranked awards",
    BidOutcome.HOLDS_OTHER_AWARD: "the total-points allocation gave you another award",
    BidOutcome.OUTWEIGHED: "the total-points allocation gave the seat to others",
}


class Clearing:
    def __init__(
        self,
        rounds_store: ModelStore[Round],
        wallets: ModelStore[Wallet],
        queries: Queries,
        catalog: Catalog,
        bidders: Bidders,
        balances: Balances,
        fits: FitScores,
        clock: Clock,
        announcements: AggregateStore,
    ) -> None:
        self._rounds = rounds_store
        self._announcements = announcements
        self._wallets = wallets
        self._queries = queries
        self._catalog = catalog
        self._bidders = bidders
        self._balances = balances
        self._fits = fits
        self._clock = clock

    async def clear_as(self, viewer: Principal, round_id: str) -> Versioned[Round]:
        require_hr(viewer, "clear a round")
        current = await self._rounds.load(round_id)
        if current.value.status is RoundStatus.OPEN:  # hr_admin may end the window early
            bidders = await self._queries.count_wallets(round_id)
            await self._rounds.apply(round_id, lambda r: rounds.close(r, bidders))
        return await self.clear(round_id)

    async def clear(self, round_id: str) -> Versioned[Round]:
        current = await self._rounds.load(round_id)
        if current.value.status is RoundStatus.CLEARED:
            raise FailedPrecondition("the round is already cleared")
        claim = uuid.uuid4().hex
        claimed = await self._rounds.apply(round_id, lambda r: _claim(r, self._clock(), claim))
        try:
            wallets = [w for w in await self._queries.wallets_of(round_id) if w.value.bids]
            outcome = await self._compute(claimed.value, [w.value for w in wallets])
        except BaseException:
            await self._rounds.apply(round_id, lambda r: _give_up(r, claim))
            raise
        bidder_ids = sorted(w.value.employee_id for w in wallets)
        saved = await self._commit(round_id, outcome, bidder_ids)
        await self._write_results(saved.value, wallets, outcome)
        return await self._rounds.apply(round_id, self._finish)

    def _finish(self, round_: Round) -> list[EventPayload]:
        return rounds.finish_clearing(round_, self._clock())

    async def _compute(self, round_: Round, wallets: list[Wallet]) -> RoundOutcome:
        terms = round_.terms
        assignments = []
        for assignment_id in terms.assignment_ids:
            entry = self._catalog.get(assignment_id)
            seats = entry.seats_free if entry is not None else 0
            share = entry.share_pct if entry is not None else 100
            assignments.append(
                Assignment(assignment_id=assignment_id, seats=seats, share_pct=share)
            )
        pairs = [(b.assignment_id, w.employee_id) for w in wallets for b in w.bids]
        fits = await self._fits.scores(pairs)
        bidders = []
        bids = []
        for wallet in wallets:
            facts = self._bidders.get(wallet.employee_id)
            bidders.append(
                Bidder(
                    employee_id=wallet.employee_id,
                    budget=wallet.budget,
                    # Unknown availability counts as none: an award must never overcommit.
                    free_share_pct=facts.free_share_pct if facts else 0,
                    fit={
                        b.assignment_id: fits.get((b.assignment_id, wallet.employee_id), 0.0)
                        for b in wallet.bids
                    },
                )
            )
            bids += [
                Bid(
                    employee_id=wallet.employee_id,
                    assignment_id=b.assignment_id,
                    points=b.points,
                    rank=b.rank,
                )
                for b in wallet.bids
            ]
        settings = RoundSettings(
            seed=round_.seed, mode=ClearingMode(terms.mode.value), max_awards=terms.max_awards
        )
        return clear_round(assignments, bidders, bids, settings)

    async def _commit(
        self, round_id: str, outcome: RoundOutcome, bidder_ids: list[str]
    ) -> Versioned[Round]:
        allocation = outcome.allocation
        awards = [
            Award(assignment_id=a.assignment_id, employee_id=a.employee_id, points=a.points)
            for a in outcome.awards
        ]

        def record(round_: Round) -> list[EventPayload]:
            if round_.awards_recorded:
                # Taken over from a clearing that died: its awards may be announced
                # already, so they stand (the recorded seed normally gives the same).
                if round_.awards != awards:
                    log.warning("re-clearing %s gave other awards; recorded ones stand", round_id)
                return []
            round_.awards_recorded = True
            round_.awards = awards
            round_.bidders = len(bidder_ids)
            round_.bidder_ids = bidder_ids
            round_.points_spent = sum(a.points for a in awards)
            round_.blocking_pairs = len(find_blocking_pairs(allocation.instance, allocation.won))
            round_.envy = envy_count(allocation.instance, allocation.won)
            return []

        saved = await self._rounds.apply(round_id, record)
        await self._announce(saved.value)
        return saved

    async def _announce(self, round_: Round) -> None:
        """The recorded awards' events, batch by batch, each batch created once."""
        for index, start in enumerate(range(0, len(round_.awards), AWARDS_PER_BATCH)):
            chunk = round_.awards[start : start + AWARDS_PER_BATCH]
            try:
                await self._announcements.save(
                    f"{round_.round_id}:awards:{index:05d}",
                    {"round_id": round_.round_id, "batch": index, "awards": len(chunk)},
                    expected_version=0,
                    events=[self._award_event(round_, a) for a in chunk],
                    subject=round_.round_id,  # one key per round, as before
                )
            except StaleVersion:
                continue  # announced already, by a clearing that died or runs beside us

    def _award_event(self, round_: Round, award: Award) -> AssignmentAwarded:
        entry = self._catalog.get(award.assignment_id)
        today = self._clock().date()
        starts = (entry.starts_on if entry else None) or today
        return AssignmentAwarded(
            round_id=round_.round_id,
            assignment_id=award.assignment_id,
            employee_id=award.employee_id,
            title=entry.title if entry else "",
            share_pct=entry.share_pct if entry else 1,
            starts_on=starts,
            ends_on=(entry.ends_on if entry else None) or starts,
            points_spent=award.points,
            skills=[SkillLevel(skill_id=s, level=1) for s in (entry.skill_ids if entry else [])],
        )

    async def _write_results(
        self, round_: Round, wallets: list[Versioned[Wallet]], outcome: RoundOutcome
    ) -> None:
        terms = round_.terms
        settlements = {s.employee_id: s for s in outcome.settlements}
        carried: dict[str, int] = {}
        changed: list[tuple[str, int, Wallet]] = []
        for stored in wallets:
            employee_id = stored.value.employee_id
            settlement = settlements[employee_id]
            result = _result(outcome, employee_id, terms.budget, terms.carry_over_cap, settlement)
            carried[employee_id] = min(settlement.returned, terms.carry_over_cap)
            target = stored.value.model_copy(deep=True)
            _attach(target, result)
            changed.append((wallet_id(round_.round_id, employee_id), stored.version, target))
        for start in range(0, len(changed), RESULTS_PER_WRITE):
            chunk = changed[start : start + RESULTS_PER_WRITE]
            if await self._queries.replace_wallets(chunk) < len(chunk):
                # Some wallet changed since it was read (a manager released early,
                # or another clearer wrote it): write those one by one, re-reading.
                for key, _, target in chunk:
                    assert target.result is not None
                    await self._wallets.apply(key, _attacher(target.result))
        await self._balances.set_carried(carried)


def _result(
    outcome: RoundOutcome, employee_id: str, budget: int, cap: int, settlement: PointsSettlement
) -> Result:
    explanation = outcome.explanations[employee_id]
    return Result(
        awarded=list(explanation.awarded),
        points_spent=settlement.spent,
        points_returned=settlement.returned,
        next_round_budget=next_round_budget(budget, settlement.returned, cap),
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


def _attach(wallet: Wallet, result: Result) -> None:
    wallet.result = result
    if wallet.release is not None:  # due at the latest when the round closed
        wallet.release.approve(AUTO)


def _attacher(result: Result) -> Callable[[Wallet], list[EventPayload]]:
    def attach(wallet: Wallet) -> list[EventPayload]:
        _attach(wallet, result)
        return []

    return attach


def _claim(round_: Round, now: datetime, claim: str) -> list[EventPayload]:
    rounds.claim_clearing(round_, now, claim)
    return []


def _give_up(round_: Round, claim: str) -> list[EventPayload]:
    rounds.give_up_clearing(round_, claim)
    return []
