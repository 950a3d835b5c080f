"""Bidding running on the real broker and database, next to real profiles and postings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import grpc
from postings_harness import RunningPostings
from profiles_harness import SECRET

from trellis.bidding.v1 import bidding_pb2_grpc as rpc
from trellis_bidding.bootstrap import BiddingApp, build_app
from trellis_bidding.config import BiddingSettings
from trellis_shared.kafka.consumer import RetryPolicy
from trellis_shared.service_runtime import start_readers
from trellis_shared.testing.infrastructure import Infrastructure, unique_suffix


@dataclass
class RunningBidding:
    app: BiddingApp
    settings: BiddingSettings
    catalog: rpc.CatalogServiceStub
    rounds: rpc.RoundServiceStub
    bids: rpc.BidServiceStub


async def running_bidding(
    infrastructure: Infrastructure, prefix: str, postings: RunningPostings, **overrides: Any
) -> AsyncIterator[RunningBidding]:
    settings = BiddingSettings(
        kafka_bootstrap=infrastructure.kafka_bootstrap,
        mongodb_uri=infrastructure.mongodb_uri,
        auth_secret=SECRET,
        bidding_addr="127.0.0.1:0",
        postings_addr=f"127.0.0.1:{postings.app.grpc.port}",
        profiles_addr=postings.settings.profiles_addr,
        bidding_database=f"test_{unique_suffix()}_bidding",
        bidding_consumer_group=f"test-bidding-{unique_suffix()}",
        topic_prefix=prefix,
        bidding_sweep_interval_s=0.5,
        **overrides,
    )
    app = build_app(settings, RetryPolicy(attempts=2, first_backoff_s=0.05))
    await app.prepare()
    await app.broker.start()
    stop = asyncio.Event()
    background = await start_readers(app.readers, stop, timeout_s=60)
    await app.grpc.start()
    background += [
        asyncio.create_task(app.relay.run(stop)),
        asyncio.create_task(app.announcement_relay.run(stop)),
        asyncio.create_task(app.sweep_forever(stop)),
    ]
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc.port}") as channel:
            yield RunningBidding(
                app,
                settings,
                rpc.CatalogServiceStub(channel),
                rpc.RoundServiceStub(channel),
                rpc.BidServiceStub(channel),
            )
    finally:
        stop.set()
        await asyncio.gather(*background)
        await app.grpc.stop()
        await app.broker.stop()
        await app.postings_client.close()
        await app.profiles_client.close()
        await app.mongo.drop_database(settings.bidding_database)
        await app.mongo.close()
