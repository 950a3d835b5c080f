"""gRPC adapter: translate protobuf requests into use-case calls and back."""

from __future__ import annotations

from typing import Any

from grpc import aio

from trellis.skeleton.v1 import skeleton_pb2, skeleton_pb2_grpc
from trellis_shared.grpc.tokens import current_principal
from trellis_skeleton.app.ports import TallyRepository
from trellis_skeleton.app.use_cases import get_tally, increment_tally
from trellis_skeleton.domain.tally import Tally

SERVICE_NAME = skeleton_pb2.DESCRIPTOR.services_by_name["TallyService"].full_name


def _to_message(tally: Tally) -> skeleton_pb2.Tally:
    return skeleton_pb2.Tally(tally_id=tally.tally_id, total=tally.total, version=tally.version)


class TallyServicer(skeleton_pb2_grpc.TallyServiceServicer):
    def __init__(self, tallies: TallyRepository) -> None:
        self._tallies = tallies

    async def Increment(
        self, request: skeleton_pb2.IncrementRequest, context: aio.ServicerContext[Any, Any]
    ) -> skeleton_pb2.Tally:
        current_principal()  # any signed-in caller may count
        tally = await increment_tally(
            self._tallies, request.tally_id, request.amount, request.expected_version
        )
        return _to_message(tally)

    async def GetTally(
        self, request: skeleton_pb2.GetTallyRequest, context: aio.ServicerContext[Any, Any]
    ) -> skeleton_pb2.Tally:
        current_principal()
        return _to_message(await get_tally(self._tallies, request.tally_id))


def register(server: aio.Server, tallies: TallyRepository) -> None:
    skeleton_pb2_grpc.add_TallyServiceServicer_to_server(TallyServicer(tallies), server)
