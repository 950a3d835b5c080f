"""Skill fit from the postings service (the same explainable score people see)."""

from __future__ import annotations

from collections.abc import Sequence

from trellis.postings.v1 import postings_pb2 as pb
from trellis.postings.v1 import postings_pb2_grpc as rpc
from trellis_shared.grpc.client import ServiceClient

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
