"""What every replica's sweep does, in one place so tests run it as the service does.

Each step is claimed in the database (a version-checked write of the round, or
a lease on a chunk of results), so any number of replicas may sweep at once."""

from __future__ import annotations

import logging

from trellis_bidding.app.clearing import Clearing
from trellis_bidding.app.rounds import Rounds
from trellis_shared.errors import TrellisError

log = logging.getLogger(__name__)


async def sweep(rounds: Rounds, clearing: Clearing) -> None:
    """Open and close windows; clear what closed (at the deadline, without hr_admin),
    or finish a clearing that died; write the results a dead writer left unwritten."""
    for round_id in await rounds.advance_all():
        try:
            await clearing.clear(round_id)
        except TrellisError as error:
            log.warning("automatic clearing of %s skipped: %s", round_id, error)
    await clearing.write_pending_results()
