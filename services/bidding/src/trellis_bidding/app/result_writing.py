"""Writing a cleared round's wallet results and carried points from its stored result.

The round is `cleared` once its awards are announced; each bidder's result and
carried points are then copied from the stored chunks onto their wallet and
balance, less any award the ledger refused when it was about to be announced
(withdrawn_awards: not won, its points returned). Any replica may do it, the
clearer right away and every replica's sweep until the round says
`results_written`: each chunk is claimed in the database with a lease (a dead
writer's lease runs out), and every write is idempotent (a result already on
the wallet is skipped, carried points are set, never added), so a chunk written
twice changes nothing the second time.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from trellis_bidding.app.ports import Balances, Queries, ResultChunks
from trellis_bidding.domain import rounds
from trellis_bidding.domain.clearing_record import BidderResult, result_chunk_id
from trellis_bidding.domain.release import AUTO
from trellis_bidding.domain.rounds import Round
from trellis_bidding.domain.wallets import Result, Wallet, wallet_id
from trellis_bidding.domain.withdrawn_awards import without_withdrawn
from trellis_shared.events import EventPayload
from trellis_shared.mongo.model_store import ModelStore, Versioned

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
# Long enough for one chunk (at most 500 wallets: seconds, even on the embedded
# database), short enough that a chunk a dead process held is soon taken again.
CHUNK_LEASE = timedelta(minutes=2)


class ResultWriter:
    def __init__(
        self,
        rounds_store: ModelStore[Round],
        wallets: ModelStore[Wallet],
        queries: Queries,
        chunks: ResultChunks,
        balances: Balances,
        clock: Clock,
    ) -> None:
        self._rounds = rounds_store
        self._wallets = wallets
        self._queries = queries
        self._chunks = chunks
        self._balances = balances
        self._clock = clock

    async def write(self, round_id: str) -> Versioned[Round]:
        """Write every chunk nobody else holds; mark the round once all are written."""
        current = await self._rounds.load(round_id)
        round_ = current.value
        if not rounds.results_pending(round_):
            return current
        writer = uuid.uuid4().hex
        keys = [
            result_chunk_id(round_id, round_.result_attempt, index)
            for index in range(round_.result_chunks)
        ]
        wallets: dict[str, Versioned[Wallet]] | None = None  # read once, when needed
        for key in keys:
            now = self._clock()
            results = await self._chunks.claim(key, writer, now, now + CHUNK_LEASE)
            if results is None:
                continue  # written already, or another writer holds it
            if wallets is None:
                wallets = {w.value.employee_id: w for w in await self._queries.wallets_of(round_id)}
            standing = [
                without_withdrawn(
                    item,
                    round_.withdrawn_awards,
                    round_.terms.budget,
                    round_.terms.carry_over_cap,
                )
                for item in results
            ]
            await self._write_chunk(round_id, standing, wallets)
            await self._chunks.mark_written(key)
        for key in keys:
            if not await self._chunks.written(key):
                return await self._rounds.load(round_id)  # the sweep comes back for it
        await self._return_unused_points(round_id)
        return await self._rounds.apply(round_id, rounds.results_complete)

    async def _return_unused_points(self, round_id: str) -> None:
        """Wallets left without bids took no part: the carried points they drew
        go back whole (idempotent, like every credit)."""
        unused = {
            w.value.employee_id: w.value.carried_in
            for w in await self._queries.wallets_of(round_id)
            if not w.value.bids and w.value.carried_in
        }
        if unused:
            await self._balances.credit(round_id, unused)

    async def _write_chunk(
        self,
        round_id: str,
        results: Sequence[BidderResult],
        wallets: dict[str, Versioned[Wallet]],
    ) -> None:
        changed: list[tuple[str, int, Wallet]] = []
        for item in results:
            stored = wallets.get(item.employee_id)
            if stored is None:
                log.warning("round %s: no wallet for %s's result", round_id, item.employee_id)
                continue
            if _holds(stored.value, item.result):
                continue  # written by an earlier attempt
            target = stored.value.model_copy(deep=True)
            _attach(target, item.result)
            changed.append((wallet_id(round_id, item.employee_id), stored.version, target))
        if changed and await self._queries.replace_wallets(changed) < len(changed):
            # Some wallet changed since it was read (a manager released early, or
            # another writer got there): those one by one, each re-read.
            for key, _, target in changed:
                assert target.result is not None
                await self._wallets.apply(key, _attacher(target.result))
        # Once per round and person: writing a chunk again cannot double anyone's
        # points, and another round's clearing adds its own beside them.
        await self._balances.credit(round_id, {item.employee_id: item.carried for item in results})


def _holds(wallet: Wallet, result: Result) -> bool:
    released = wallet.release is None or wallet.release.status == "approved"
    return wallet.result == result and released


def _attach(wallet: Wallet, result: Result) -> None:
    wallet.result = result
    if wallet.release is not None:  # due at the latest when the round closed
        wallet.release.approve(AUTO)


def _attacher(result: Result) -> Callable[[Wallet], list[EventPayload]]:
    def attach(wallet: Wallet) -> list[EventPayload]:
        _attach(wallet, result)
        return []

    return attach
