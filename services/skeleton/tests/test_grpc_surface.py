"""The shared gRPC server bootstrap, exercised through the skeleton's servicer.

A real grpc.aio server on a free localhost port, with an in-memory repository:
health, reflection, authentication and error mapping as a client sees them.
"""

from collections.abc import AsyncIterator
from datetime import timedelta

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from skeleton_fakes import FakeTallies

from trellis.skeleton.v1 import skeleton_pb2, skeleton_pb2_grpc
from trellis_shared.grpc.server import GrpcServer, build_server
from trellis_shared.grpc.status import field_violations_from_trailers
from trellis_shared.grpc.tokens import Principal, TokenCodec
from trellis_skeleton.entrypoints.grpc_api import SERVICE_NAME, register

pytestmark = pytest.mark.unit

# Metadata is built at import; it must outlive a whole test run.
CODEC = TokenCodec("unit-test-secret-that-is-long-enough-for-hs256", ttl=timedelta(hours=2))
ALICE = CODEC.metadata(Principal("emp-1", frozenset({"employee"})))


@pytest.fixture
async def server() -> AsyncIterator[GrpcServer]:
    tallies = FakeTallies()
    running = build_server(
        address="127.0.0.1:0",
        registrars=[lambda s: register(s, tallies)],
        service_names=[SERVICE_NAME],
        codec=CODEC,
        grace_s=0.5,
    )
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def channel(server: GrpcServer) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        yield channel


async def test_health_reports_serving_without_a_token(channel: grpc.aio.Channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    reply = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME))
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_reflection_lists_the_service(channel: grpc.aio.Channel) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)

    async def requests() -> AsyncIterator[reflection_pb2.ServerReflectionRequest]:
        yield reflection_pb2.ServerReflectionRequest(list_services="")

    names = []
    async for reply in stub.ServerReflectionInfo(requests()):
        names = [s.name for s in reply.list_services_response.service]
    assert SERVICE_NAME in names


async def test_calls_without_a_valid_token_are_unauthenticated(channel: grpc.aio.Channel) -> None:
    stub = skeleton_pb2_grpc.TallyServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await stub.Increment(skeleton_pb2.IncrementRequest(tally_id="t", amount=1))
    assert missing.value.code() == grpc.StatusCode.UNAUTHENTICATED
    forged = TokenCodec("some-other-secret-that-is-long-enough-too").metadata(
        Principal("emp-1", frozenset({"employee"}))
    )
    with pytest.raises(grpc.aio.AioRpcError) as wrong_key:
        await stub.Increment(skeleton_pb2.IncrementRequest(tally_id="t", amount=1), metadata=forged)
    assert wrong_key.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_invalid_input_is_invalid_argument_with_field_details(
    channel: grpc.aio.Channel,
) -> None:
    stub = skeleton_pb2_grpc.TallyServiceStub(channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.Increment(skeleton_pb2.IncrementRequest(tally_id="t", amount=0), metadata=ALICE)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations = field_violations_from_trailers(caught.value.trailing_metadata())  # type: ignore[arg-type]
    assert [v.field for v in violations] == ["amount"]


async def test_stale_version_is_aborted_and_missing_is_not_found(
    channel: grpc.aio.Channel,
) -> None:
    stub = skeleton_pb2_grpc.TallyServiceStub(channel)
    created = await stub.Increment(
        skeleton_pb2.IncrementRequest(tally_id="t", amount=2), metadata=ALICE
    )
    assert (created.total, created.version) == (2, 1)
    with pytest.raises(grpc.aio.AioRpcError) as stale:
        await stub.Increment(
            skeleton_pb2.IncrementRequest(tally_id="t", amount=1, expected_version=9),
            metadata=ALICE,
        )
    assert stale.value.code() == grpc.StatusCode.ABORTED
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await stub.GetTally(skeleton_pb2.GetTallyRequest(tally_id="nope"), metadata=ALICE)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


async def test_graceful_stop_reports_not_serving(
    server: GrpcServer, channel: grpc.aio.Channel
) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    await server.health.enter_graceful_shutdown()
    reply = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME))
    assert reply.status == health_pb2.HealthCheckResponse.NOT_SERVING
