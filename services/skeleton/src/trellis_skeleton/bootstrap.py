"""Wiring: build the skeleton's parts from settings. No I/O happens at import."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from trellis_shared.contracts import REGISTRY
from trellis_shared.contracts.catalog import load_all
from trellis_shared.contracts.skeleton import TALLY_TOPIC, TallyIncremented
from trellis_shared.events.envelope import Envelope
from trellis_shared.grpc.server import GrpcServer, build_server
from trellis_shared.grpc.tokens import TokenCodec
from trellis_shared.kafka.broker import make_broker
from trellis_shared.kafka.consumer import ConsumedRecord, RetryPolicy, subscribe_events
from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_shared.mongo.client import make_client
from trellis_shared.mongo.inbox import Inbox
from trellis_shared.mongo.outbox import FastStreamPublisher, OutboxRelay
from trellis_skeleton.adapters.mongo_board import MongoBoard
from trellis_skeleton.adapters.mongo_tallies import MongoTallyRepository
from trellis_skeleton.app.use_cases import record_increment
from trellis_skeleton.config import SkeletonSettings
from trellis_skeleton.entrypoints.grpc_api import SERVICE_NAME, register

SOURCE = "skeleton"
log = logging.getLogger("trellis_skeleton")


@dataclass
class Writer:
    """The write side: gRPC API, tally store and the outbox relay."""

    mongo: AsyncMongoClient[Any]
    broker: KafkaBroker
    relay: OutboxRelay
    grpc: GrpcServer


def build_writer(settings: SkeletonSettings) -> Writer:
    load_all()
    mongo = make_client(settings.mongodb_uri, app_name="trellis-skeleton")
    tallies_collection = mongo[settings.skeleton_database]["tallies"]
    broker = make_broker(settings.kafka_bootstrap, client_id="trellis-skeleton")
    relay = OutboxRelay(tallies_collection, FastStreamPublisher(broker))
    store = AggregateStore(
        tallies_collection,
        source=SOURCE,
        registry=REGISTRY,
        on_saved=relay.nudge,
        topic_prefix=settings.topic_prefix,
    )
    tallies = MongoTallyRepository(store)
    grpc_server = build_server(
        address=settings.skeleton_addr,
        registrars=[lambda server: register(server, tallies)],
        service_names=[SERVICE_NAME],
        codec=TokenCodec(settings.auth_secret),
    )
    return Writer(mongo=mongo, broker=broker, relay=relay, grpc=grpc_server)


@dataclass
class Reader:
    """The consumer side: a read model of tallies in its own database."""

    mongo: AsyncMongoClient[Any]
    broker: KafkaBroker
    board: MongoBoard


def build_reader(settings: SkeletonSettings, retry: RetryPolicy | None = None) -> Reader:
    load_all()
    mongo = make_client(settings.mongodb_uri, app_name="trellis-skeleton-board")
    database = mongo[settings.skeleton_board_database]
    board = MongoBoard(
        database["totals"], Inbox(database["inbox"], settings.skeleton_consumer_group)
    )
    broker = make_broker(settings.kafka_bootstrap, client_id="trellis-skeleton-board")

    async def on_event(envelope: Envelope, record: ConsumedRecord) -> None:
        payload = REGISTRY.parse(envelope)
        if isinstance(payload, TallyIncremented):
            applied = await record_increment(board, envelope.id, payload)
            if not applied:
                log.info("duplicate event ignored", extra={"event_id": envelope.id})

    subscribe_events(
        broker,
        settings.topic_prefix + TALLY_TOPIC,
        on_event,
        group_id=settings.skeleton_consumer_group,
        retry=retry or RetryPolicy(),
    )
    return Reader(mongo=mongo, broker=broker, board=board)
