"""Use cases of the skeleton: plain async functions over the ports."""

from __future__ import annotations

from trellis_shared.contracts.skeleton import TallyIncremented
from trellis_shared.errors import NotFound, StaleVersion
from trellis_skeleton.app.ports import Board, TallyRepository
from trellis_skeleton.domain.tally import Tally, tally_id_must_be_given


async def increment_tally(
    tallies: TallyRepository, tally_id: str, amount: int, expected_version: int = 0
) -> Tally:
    tally_id_must_be_given(tally_id)
    tally = await tallies.get(tally_id) or Tally(tally_id=tally_id)
    if expected_version and tally.version != expected_version:
        raise StaleVersion(tally_id, expected_version)
    tally.increment(amount)
    await tallies.save(tally)
    return tally


async def get_tally(tallies: TallyRepository, tally_id: str) -> Tally:
    tally_id_must_be_given(tally_id)
    tally = await tallies.get(tally_id)
    if tally is None:
        raise NotFound(f"tally {tally_id!r} does not exist")
    return tally


async def record_increment(board: Board, event_id: str, event: TallyIncremented) -> bool:
    """Consumer side: note an increment on the board (idempotent per event id)."""
    return await board.apply(event_id, event)
