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
announced twice. Before a batch is created, each of its awards holds its seat in
postings (which owns the seats) and reserves the winner's time in the profiles
ledger (ADR 0015, which owns the sum): the result was computed from free seats
and free time read earlier, and another round or an accepted gig may have taken
them since. A refused award is withdrawn, stored in the batch with the
ledger's reason and never announced; a re-run finds the batch and asks nothing
again, and the reservations it re-sends for a batch not yet created are answered
as before (the keys name round, assignment and winner). Small documents keep
the relay cheap: it marks each event sent with a write of the document holding
it. The round then turns `cleared` with its one `round.cleared` event, and the
wallet results are written (result_writing), repaired by the sweep if this
process dies meanwhile.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from trellis_bidding.app.ports import (
    Announcements,
    FitScores,
    Queries,
    ResultChunks,
    Seats,
    TimeLedger,
)
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
from trellis_bidding.domain.withdrawn_awards import WithdrawnAward
from trellis_shared.contracts.bidding import AssignmentAwarded
from trellis_shared.contracts.common import SkillLevel
from trellis_shared.contracts.promises import award_promise, award_seat_holder
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
        ledger: TimeLedger,
        seats: Seats,
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
        self._ledger = ledger
        self._seats = seats
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
        withdrawn = await self._withdrawn(recorded.value)
        await self._rounds.apply(round_id, lambda r: self._finish(r, withdrawn))
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

    def _finish(self, round_: Round, withdrawn: list[WithdrawnAward]) -> list[EventPayload]:
        return rounds.finish_clearing(round_, self._clock(), withdrawn)

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
        """The recorded awards, batch by batch: each award's time reserved in the
        profiles ledger, then the batch created once with the events of those
        granted and the refused ones withdrawn (stored, with the reason)."""
        for index, start in enumerate(range(0, len(round_.awards), AWARDS_PER_BATCH)):
            batch_id = _batch_id(round_.round_id, index)
            if await self._announcements.load(batch_id) is not None:
                continue  # decided and announced already, by a clearing that died
            chunk = round_.awards[start : start + AWARDS_PER_BATCH]
            granted, withdrawn = await self._reserve(round_, chunk)
            try:
                await self._announcements.save(
                    batch_id,
                    {
                        "round_id": round_.round_id,
                        "batch": index,
                        "awards": len(granted),
                        "withdrawn": [w.model_dump(mode="json") for w in withdrawn],
                    },
                    expected_version=0,
                    events=[self._award_event(round_, a) for a in granted],
                    subject=round_.round_id,  # one key per round, as before
                )
            except StaleVersion:
                # A clearing running beside us decided this batch first; its
                # decision stands, and what it withdrew must not stay reserved.
                await self._release(round_, await self._withdrawn_in(batch_id))

    async def _reserve(
        self, round_: Round, awards: list[Award]
    ) -> tuple[list[Award], list[WithdrawnAward]]:
        """Each award's seat (postings) and time (profiles), one award at a time in
        the stored order, so that of two awards of one person that do not both
        fit, the same one always stands."""
        granted: list[Award] = []
        withdrawn: list[WithdrawnAward] = []
        for award in awards:
            why_not = await self._hold_seat_and_time(round_, award)
            if not why_not:
                granted.append(award)
                continue
            log.warning(
                "round %s: award of %s to %s withdrawn: %s",
                round_.round_id,
                award.assignment_id,
                award.employee_id,
                why_not,
            )
            withdrawn.append(
                WithdrawnAward(
                    assignment_id=award.assignment_id,
                    employee_id=award.employee_id,
                    points=award.points,
                    reason=why_not,
                )
            )
        return granted, withdrawn

    async def _hold_seat_and_time(self, round_: Round, award: Award) -> str:
        """ "" when both are held for the award; else why not (nothing kept)."""
        holder = award_seat_holder(round_.round_id, award.employee_id)
        taken = await self._seats.hold(award.assignment_id, holder, award.employee_id)
        if taken:
            return f"the seat went to another award meanwhile ({taken})"
        event = self._award_event(round_, award)
        answer = await self._ledger.reserve(
            award.employee_id,
            key=_award_key(round_, award),
            reference=award.assignment_id,
            share_pct=event.share_pct,
            starts_on=event.starts_on,
            ends_on=event.ends_on,
        )
        if answer.granted:
            return ""
        await self._seats.release(award.assignment_id, holder)
        return f"your time was promised elsewhere meanwhile ({answer.reason})"

    async def _release(self, round_: Round, withdrawn: list[WithdrawnAward]) -> None:
        for item in withdrawn:
            award = Award(
                assignment_id=item.assignment_id, employee_id=item.employee_id, points=item.points
            )
            await self._ledger.release(item.employee_id, _award_key(round_, award))
            holder = award_seat_holder(round_.round_id, item.employee_id)
            await self._seats.release(item.assignment_id, holder)

    async def _withdrawn_in(self, batch_id: str) -> list[WithdrawnAward]:
        stored = await self._announcements.load(batch_id)
        entries = stored.state.get("withdrawn", []) if stored is not None else []
        return [WithdrawnAward.model_validate(entry) for entry in entries]

    async def _withdrawn(self, round_: Round) -> list[WithdrawnAward]:
        """Every withdrawal the announcement batches stored (read back: another
        clearing may have decided some of them)."""
        batches = range(0, len(round_.awards), AWARDS_PER_BATCH)
        found: list[WithdrawnAward] = []
        for index, _ in enumerate(batches):
            found += await self._withdrawn_in(_batch_id(round_.round_id, index))
        return found

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


def _batch_id(round_id: str, index: int) -> str:
    return f"{round_id}:awards:{index:05d}"


def _award_key(round_: Round, award: Award) -> str:
    return award_promise(round_.round_id, award.assignment_id, award.employee_id)


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
