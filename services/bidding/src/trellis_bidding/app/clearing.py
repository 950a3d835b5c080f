"""Clearing a round: claim it, compute its result ONCE and store it, announce the
stored awards, mark it cleared, then write each bidder's stored result.

Every replica's sweep may try to clear the same closed round at the same
moment, so the round document is the commit point. The claim (`closed →
clearing`) is one version-checked write that exactly one clearer wins, taken
BEFORE the wallets are read so that the losers do no work. The result (awards
on the round; each bidder's result and carried points in chunk documents
named by this attempt, clearing_record) is stored, then fixed on the round by
one version-checked write: the first attempt to get there wins for good. From
then on nothing is computed again: a clearing that died is finished, by any
replica once its claim is stale, from what is stored, because the inputs
(seats filled, commitments recorded) change as soon as awards go out.

Awards are announced in chunks: each chunk is one document of its own (an
announcement: at most AWARDS_PER_BATCH events of the stored list, keyed by the
round and the batch number) created with "must not exist", so no award is
announced twice. Small documents keep the relay cheap: it marks each event
sent with a write of the document holding it. The round then turns `cleared`
with its one `round.cleared` event, and the wallet results are written
(result_writing), repaired by the sweep if this process dies meanwhile.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from trellis_bidding.app.ports import Announcements, FitScores, Queries, ResultChunks
from trellis_bidding.app.read_models import Bidders, Catalog
from trellis_bidding.app.result_writing import ResultWriter
from trellis_bidding.app.rounds import require_hr
from trellis_bidding.domain import rounds
from trellis_bidding.domain.clearing import RoundOutcome, clear_round
from trellis_bidding.domain.clearing_record import (
    MAX_BIDDERS_PER_CHUNK,
    bidder_results,
    pack_results,
    result_chunk_id,
)
from trellis_bidding.domain.inputs import (
    Assignment,
    Bid,
    Bidder,
    ClearingMode,
    RoundSettings,
)
from trellis_bidding.domain.rounds import Award, Round, RoundStatus
from trellis_bidding.domain.stability import envy_count, find_blocking_pairs
from trellis_bidding.domain.wallets import Wallet
from trellis_shared.contracts.bidding import AssignmentAwarded
from trellis_shared.contracts.common import SkillLevel
from trellis_shared.errors import FailedPrecondition, StaleVersion
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal
from trellis_shared.mongo.model_store import ModelStore, Versioned

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
# Award events go out in announcement documents of this many (see above).
AWARDS_PER_BATCH = 100


class Clearing:
    def __init__(
        self,
        rounds_store: ModelStore[Round],
        queries: Queries,
        catalog: Catalog,
        bidders: Bidders,
        fits: FitScores,
        clock: Clock,
        announcements: Announcements,
        chunks: ResultChunks,
        results: ResultWriter,
        bidders_per_chunk: int = MAX_BIDDERS_PER_CHUNK,
    ) -> None:
        self._rounds = rounds_store
        self._queries = queries
        self._catalog = catalog
        self._bidders = bidders
        self._fits = fits
        self._clock = clock
        self._announcements = announcements
        self._chunks = chunks
        self._results = results
        self._bidders_per_chunk = bidders_per_chunk

    async def clear_as(self, viewer: Principal, round_id: str) -> Versioned[Round]:
        require_hr(viewer, "clear a round")
        current = await self._rounds.load(round_id)
        if current.value.status is not RoundStatus.OPEN:
            return await self.clear(round_id)
        # hr_admin may end the window early. Closing and claiming are ONE write:
        # were they two, every replica's sweep clears closed rounds and could take
        # the round in between, refusing the person who asked.
        bidders = await self._queries.count_wallets(round_id)
        claim = uuid.uuid4().hex
        claimed = await self._rounds.apply(
            round_id, lambda r: _close_and_claim(r, bidders, self._clock(), claim)
        )
        return await self._finish_claimed(claimed, claim)

    async def clear(self, round_id: str) -> Versioned[Round]:
        current = await self._rounds.load(round_id)
        if current.value.status is RoundStatus.CLEARED:
            raise FailedPrecondition("the round is already cleared")
        claim = uuid.uuid4().hex
        claimed = await self._rounds.apply(round_id, lambda r: _claim(r, self._clock(), claim))
        return await self._finish_claimed(claimed, claim)

    async def _finish_claimed(self, claimed: Versioned[Round], claim: str) -> Versioned[Round]:
        round_id = claimed.value.round_id
        if claimed.value.awards_recorded:
            # Taken over from a clearing that died: what it stored is the result.
            recorded = claimed
        else:
            recorded = await self._compute_and_record(claimed.value, claim)
        await self._announce(recorded.value)
        await self._rounds.apply(round_id, self._finish)
        return await self._results.write(round_id)

    async def write_pending_results(self) -> list[str]:
        """The sweep's repair: cleared rounds whose wallet results are not all written
        (their writer died) get them now; returns the rounds now complete."""
        complete = []
        for round_id in await self._queries.rounds_with_results_pending():
            written = await self._results.write(round_id)
            if written.value.results_written:
                complete.append(round_id)
        return complete

    def _finish(self, round_: Round) -> list[EventPayload]:
        return rounds.finish_clearing(round_, self._clock())

    async def _compute_and_record(self, round_: Round, claim: str) -> Versioned[Round]:
        """Clear from the current inputs, store the result under this attempt, and
        fix it on the round unless another attempt fixed its own first."""
        round_id = round_.round_id
        try:
            wallets = [w.value for w in await self._queries.wallets_of(round_id) if w.value.bids]
            outcome = await self._compute(round_, wallets)
            bidder_ids = sorted(w.employee_id for w in wallets)
            terms = round_.terms
            chunks = pack_results(
                bidder_results(outcome, bidder_ids, terms.budget, terms.carry_over_cap),
                max_bidders=self._bidders_per_chunk,
            )
            keys = [result_chunk_id(round_id, claim, i) for i in range(len(chunks))]
            for key, chunk in zip(keys, chunks, strict=True):
                await self._chunks.store(key, round_id, chunk)
        except BaseException:
            await self._rounds.apply(round_id, lambda r: _give_up(r, claim))
            raise
        allocation = outcome.allocation
        awards = [
            Award(assignment_id=a.assignment_id, employee_id=a.employee_id, points=a.points)
            for a in outcome.awards
        ]
        blocking_pairs = len(find_blocking_pairs(allocation.instance, allocation.won))
        envy = envy_count(allocation.instance, allocation.won)

        def record(current: Round) -> list[EventPayload]:
            rounds.record_result(
                current,
                attempt=claim,
                chunks=len(keys),
                awards=awards,
                bidder_ids=bidder_ids,
                blocking_pairs=blocking_pairs,
                envy=envy,
            )
            return []

        refused: FailedPrecondition | None = None
        try:
            await self._rounds.apply(round_id, record)
        except FailedPrecondition as error:  # finished by another attempt, or given back
            refused = error
        # Read back rather than trusting what this process saw: a write whose reply
        # was lost may have landed, and then these chunks are the round's result.
        saved = await self._rounds.load(round_id)
        if saved.value.result_attempt != claim:
            log.warning("round %s: another clearing's result stands; ours dropped", round_id)
            await self._chunks.discard(keys)
        if refused is not None:
            raise refused
        return saved

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


def _claim(round_: Round, now: datetime, claim: str) -> list[EventPayload]:
    rounds.claim_clearing(round_, now, claim)
    return []


def _close_and_claim(round_: Round, bidders: int, now: datetime, claim: str) -> list[EventPayload]:
    # A retry after a concurrent request closed it finds it closed or being cleared.
    closed = rounds.close(round_, bidders) if round_.status is RoundStatus.OPEN else []
    rounds.claim_clearing(round_, now, claim)
    return closed


def _give_up(round_: Round, claim: str) -> list[EventPayload]:
    rounds.give_up_clearing(round_, claim)
    return []
