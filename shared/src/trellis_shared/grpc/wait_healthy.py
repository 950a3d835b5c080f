"""`python -m trellis_shared.grpc.wait_healthy ADDRESS [SECONDS]`: wait until a gRPC
server's standard health check answers SERVING (used by `make run` and probes)."""

from __future__ import annotations

import asyncio
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


async def wait_serving(address: str, timeout_s: float) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout_s
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while asyncio.get_running_loop().time() < deadline:
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=2)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return True
            except grpc.aio.AioRpcError:
                pass
            await asyncio.sleep(0.5)
    return False


def main(argv: list[str]) -> int:
    address = argv[0]
    timeout_s = float(argv[1]) if len(argv) > 1 else 60.0
    if asyncio.run(wait_serving(address, timeout_s)):
        print(f"[trellis] {address}: SERVING")
        return 0
    print(f"[trellis] {address}: no SERVING health answer within {timeout_s:.0f}s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
