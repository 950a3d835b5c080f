"""From the postings service: skill fit (the same explainable score people see)
and the seats of stretch assignments, held for awards before they are announced."""

from __future__ import annotations

from collections.abc import Sequence

import grpc
from grpc import aio

from trellis.postings.v1 import postings_pb2 as pb
from trellis.postings.v1 import postings_pb2_grpc as rpc
from trellis_shared.grpc.client import ServiceClient
from trellis_shared.grpc.retrying import retrying

BATCH = 10_000  # ScoreFits takes at most this many pairs per call


class PostingsFits:
    def __init__(self, client: ServiceClient) -> None:
        self._client = client

    async def scores(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], float]:
        stub = rpc.RecommendationServiceStub(self._client.channel)
        found: dict[tuple[str, str], float] = {}
        unique = list(dict.fromkeys(pairs))
        for start in range(0, len(unique), BATCH):
            request = pb.ScoreFitsRequest(
                pairs=[
                    pb.FitPair(opportunity_id=a, employee_id=e)
                    for a, e in unique[start : start + BATCH]
                ]
            )
            reply = await self._client.call(stub.ScoreFits, request)
            found.update({(f.opportunity_id, f.employee_id): f.score for f in reply.fits})
        return found  # pairs postings does not know are absent: the engine counts them as 0


# Clearing runs in the background: a postings outage is waited out this long.
SEAT_PATIENCE_S = 60.0
# Answers that asking again will not change: the award cannot have its seat.
NO_SEAT = frozenset({grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND})


class PostingsSeats:
    def __init__(self, client: ServiceClient) -> None:
        self._client = client

    async def hold(self, assignment_id: str, holder: str, employee_id: str) -> str:
        """ "" when the seat is held (now or by an earlier send), else why not."""
        stub = rpc.OpportunityServiceStub(self._client.channel)
        request = pb.HoldSeatRequest(
            opportunity_id=assignment_id, holder=holder, employee_id=employee_id
        )
        try:
            await retrying(lambda: self._client.call(stub.HoldSeat, request), SEAT_PATIENCE_S)
        except aio.AioRpcError as error:
            if error.code() not in NO_SEAT:
                raise
            return str(error.details() or error.code().name)
        return ""

    async def release(self, assignment_id: str, holder: str) -> None:
        stub = rpc.OpportunityServiceStub(self._client.channel)
        request = pb.ReleaseSeatRequest(opportunity_id=assignment_id, holder=holder)
        await retrying(lambda: self._client.call(stub.ReleaseSeat, request), SEAT_PATIENCE_S)
