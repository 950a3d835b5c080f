"""Award time reserved in the profiles ledger (LedgerService), as the service identity."""

from __future__ import annotations

from datetime import date

import grpc
from grpc import aio

from trellis_shared.peers.profiles import ProfilesClient, TimeReservation

# Clearing runs in the background: a profiles outage is waited out this long
# before the clearing gives up and the sweep takes the round up again.
PATIENCE_S = 60.0


class ProfilesLedger:
    def __init__(self, client: ProfilesClient) -> None:
        self._client = client

    async def reserve(
        self,
        employee_id: str,
        *,
        key: str,
        reference: str,
        share_pct: int,
        starts_on: date,
        ends_on: date,
    ) -> TimeReservation:
        try:
            return await self._client.reserve_time(
                employee_id,
                key=key,
                kind="stretch",
                reference=reference,
                share_pct=share_pct,
                starts_on=starts_on,
                ends_on=ends_on,
                patience_s=PATIENCE_S,
            )
        except aio.AioRpcError as error:
            if error.code() is not grpc.StatusCode.NOT_FOUND:
                raise
            # Asking again will not make the person appear: the award cannot stand.
            return TimeReservation(granted=False, reason="profiles does not know this person")

    async def release(self, employee_id: str, key: str) -> None:
        await self._client.release_time(employee_id, key, patience_s=PATIENCE_S)
