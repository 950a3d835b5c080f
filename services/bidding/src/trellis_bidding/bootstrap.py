"""Wiring of the bidding service. Nothing connects at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from trellis_bidding.adapters.mongo_bidding import MongoBalances, MongoKeyed, MongoQueries
from trellis_bidding.adapters.mongo_results import MongoResultChunks
from trellis_bidding.adapters.postings_client import PostingsFits, PostingsSeats
from trellis_bidding.adapters.profiles_ledger import ProfilesLedger
from trellis_bidding.app.bids import Bids
from trellis_bidding.app.clearing import Clearing
from trellis_bidding.app.read_models import Bidders, Catalog
from trellis_bidding.app.result_writing import ResultWriter
from trellis_bidding.app.rounds import Rounds
from trellis_bidding.app.sweep import sweep
from trellis_bidding.config import BiddingSettings
from trellis_bidding.domain.rounds import Round
from trellis_bidding.domain.wallets import Wallet
from trellis_bidding.entrypoints.grpc_api import SERVICE_NAMES, register_all
from trellis_shared.contracts import REGISTRY
from trellis_shared.contracts.catalog import load_all
from trellis_shared.contracts.postings import (
    OPPORTUNITY_TOPIC,
    OpportunityClosed,
    OpportunityFilled,
    OpportunityPublished,
    OpportunityUpdated,
)
from trellis_shared.contracts.profiles import PROFILE_SNAPSHOT_TOPIC, ProfileSnapshot
from trellis_shared.events.envelope import Envelope
from trellis_shared.grpc.client import ServiceClient
from trellis_shared.grpc.server import GrpcServer, build_server
from trellis_shared.grpc.tokens import Principal, TokenCodec
from trellis_shared.kafka.broadcast import BroadcastReader, StartAt
from trellis_shared.kafka.broker import make_broker
from trellis_shared.kafka.consumer import BrokerDeadLetterSink, ConsumedRecord, RetryPolicy
from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_shared.mongo.client import make_client
from trellis_shared.mongo.model_store import ModelStore
from trellis_shared.mongo.outbox import FastStreamPublisher, OutboxRelay
from trellis_shared.peers.profiles import ProfilesClient

SOURCE = "bidding"
SERVICE_CALLER = Principal("bidding", frozenset({"service"}))
log = logging.getLogger("trellis_bidding")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class BiddingApp:
    mongo: AsyncMongoClient[Any]
    broker: KafkaBroker
    relay: OutboxRelay
    announcement_relay: OutboxRelay
    queries: MongoQueries
    catalog: Catalog
    bidders: Bidders
    rounds: Rounds
    bids: Bids
    clearing: Clearing
    postings_client: ServiceClient
    profiles_client: ServiceClient
    grpc: GrpcServer
    sweep_interval_s: float
    # The catalog and bidders every replica keeps whole (run_service starts them
    # after prepare and serves only once they caught up).
    readers: list[BroadcastReader]

    async def prepare(self) -> None:
        """Indexes, and the catalog kept in the database (older than the topic's retention)."""
        await self.queries.ensure_indexes()
        assignments = await self.catalog.load()
        log.info("bidding catalog loaded", extra={"assignments": assignments})

    async def sweep(self) -> None:
        """Every replica sweeps: windows, clearing, and results left unwritten."""
        await sweep(self.rounds, self.clearing)

    async def sweep_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.sweep()
            except Exception:  # the sweep must outlive a bad moment of its dependencies
                log.exception("bidding sweep failed; retrying at the next interval")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.sweep_interval_s)


def build_app(
    settings: BiddingSettings,
    retry: RetryPolicy | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> BiddingApp:
    load_all()
    codec = TokenCodec(settings.auth_secret)
    mongo = make_client(settings.mongodb_uri, app_name="trellis-bidding")
    database = mongo[settings.bidding_database]
    broker = make_broker(settings.kafka_bootstrap, client_id="trellis-bidding")
    relay = OutboxRelay(database["rounds"], FastStreamPublisher(broker))
    # Award events live in small announcement documents with their own relay.
    announcement_relay = OutboxRelay(database["announcements"], FastStreamPublisher(broker))
    announcements = AggregateStore(
        database["announcements"],
        source=SOURCE,
        registry=REGISTRY,
        on_saved=announcement_relay.nudge,
        topic_prefix=settings.topic_prefix,
    )
    rounds_store = ModelStore(
        AggregateStore(
            database["rounds"],
            source=SOURCE,
            registry=REGISTRY,
            on_saved=relay.nudge,
            topic_prefix=settings.topic_prefix,
        ),
        Round,
        "round",
    )
    wallets = ModelStore(
        AggregateStore(database["wallets"], source=SOURCE, registry=REGISTRY),
        Wallet,
        "wallet",
    )
    queries = MongoQueries(database["rounds"], database["wallets"])
    catalog = Catalog(MongoKeyed(database["catalog"]))
    bidders = Bidders()
    balances = MongoBalances(database["balances"])
    postings_client = ServiceClient(
        peer="postings",
        address=settings.postings_addr,
        setting="TRELLIS_POSTINGS_ADDR",
        codec=codec,
        caller=SERVICE_CALLER,
        timeout_s=60.0,
    )
    profiles_client = ServiceClient(
        peer="profiles",
        address=settings.profiles_addr,
        setting="TRELLIS_PROFILES_ADDR",
        codec=codec,
        caller=SERVICE_CALLER,
        timeout_s=10.0,
    )
    rounds = Rounds(rounds_store, queries, catalog, clock)
    bids = Bids(
        rounds_store,
        wallets,
        catalog,
        bidders,
        balances,
        queries,
        clock,
        release_wait_days=settings.bidding_release_wait_working_days,
    )
    # A clearing's stored result, one document per chunk (clearing_record).
    result_chunks = MongoResultChunks(database["clearing_results"])
    clearing = Clearing(
        rounds_store,
        queries,
        catalog,
        bidders,
        PostingsFits(postings_client),
        clock,
        announcements,
        result_chunks,
        ResultWriter(rounds_store, wallets, queries, result_chunks, balances, clock),
        ProfilesLedger(ProfilesClient(profiles_client)),
        PostingsSeats(postings_client),
    )

    async def on_posting(envelope: Envelope, record: ConsumedRecord) -> None:
        payload = REGISTRY.parse(envelope)
        if isinstance(payload, OpportunityPublished | OpportunityUpdated):
            await catalog.apply_posting(payload.opportunity)
        elif isinstance(payload, OpportunityClosed):
            await catalog.apply_status(payload.opportunity_id, payload.status)
        elif isinstance(payload, OpportunityFilled):
            await catalog.apply_status(payload.opportunity_id, "filled")

    async def on_snapshot(envelope: Envelope, record: ConsumedRecord) -> None:
        payload = REGISTRY.parse(envelope)
        if isinstance(payload, ProfileSnapshot):
            await bidders.apply_snapshot(payload)

    # Every replica reads every partition of both topics itself (not a shared
    # consumer group): rounds, bids and clearing need the whole catalog and
    # every bidder. The catalog replays the retained topic over what prepare
    # loaded; the snapshot topic is compacted, so from its start it is whole.
    dead_letters = BrokerDeadLetterSink(broker)
    readers = [
        BroadcastReader(
            settings.kafka_bootstrap,
            settings.topic_prefix + OPPORTUNITY_TOPIC,
            on_posting,
            name=settings.bidding_consumer_group + "-catalog",
            dead_letters=dead_letters,
            start_at=StartAt.FROM_BEGINNING,
            retry=retry,
        ),
        BroadcastReader(
            settings.kafka_bootstrap,
            settings.topic_prefix + PROFILE_SNAPSHOT_TOPIC,
            on_snapshot,
            name=settings.bidding_consumer_group + "-people",
            dead_letters=dead_letters,
            start_at=StartAt.FROM_BEGINNING,
            retry=retry,
        ),
    ]
    grpc_server = build_server(
        address=settings.bidding_addr,
        registrars=[lambda server: register_all(server, catalog, rounds, clearing, bids, clock)],
        service_names=SERVICE_NAMES,
        codec=codec,
    )
    return BiddingApp(
        mongo=mongo,
        broker=broker,
        relay=relay,
        announcement_relay=announcement_relay,
        queries=queries,
        catalog=catalog,
        bidders=bidders,
        rounds=rounds,
        bids=bids,
        clearing=clearing,
        postings_client=postings_client,
        profiles_client=profiles_client,
        grpc=grpc_server,
        sweep_interval_s=settings.bidding_sweep_interval_s,
        readers=readers,
    )
