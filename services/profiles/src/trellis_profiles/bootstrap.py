"""Wiring of the profiles service. Nothing connects at import time."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from trellis_profiles.adapters.mongo_profiles import MongoProfileRepository
from trellis_profiles.adapters.snapshot_follower import SnapshotFollower
from trellis_profiles.adapters.taxonomy_files import load_default_taxonomy
from trellis_profiles.app.recent_profiles import RecentProfiles
from trellis_profiles.app.use_cases import Profiles
from trellis_profiles.app.work_events import handle_work_event
from trellis_profiles.config import ProfilesSettings
from trellis_profiles.domain.taxonomy import Taxonomy
from trellis_profiles.entrypoints.grpc_api import SERVICE_NAMES, register_all
from trellis_shared.contracts import REGISTRY
from trellis_shared.contracts.bidding import AWARD_TOPIC
from trellis_shared.contracts.catalog import load_all
from trellis_shared.contracts.mentorship import MATCH_TOPIC
from trellis_shared.contracts.postings import APPLICATION_TOPIC, OPPORTUNITY_TOPIC
from trellis_shared.contracts.profiles import PROFILE_SNAPSHOT_TOPIC, ProfileSnapshot
from trellis_shared.events.envelope import Envelope
from trellis_shared.grpc.server import GrpcServer, build_server
from trellis_shared.grpc.tokens import TokenCodec
from trellis_shared.kafka.broker import make_broker
from trellis_shared.kafka.consumer import (
    BrokerDeadLetterSink,
    ConsumedRecord,
    RetryPolicy,
    subscribe_events,
)
from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_shared.mongo.client import make_client
from trellis_shared.mongo.outbox import FastStreamPublisher, OutboxRelay

SOURCE = "profiles"
CONSUMED_TOPICS = (AWARD_TOPIC, APPLICATION_TOPIC, OPPORTUNITY_TOPIC, MATCH_TOPIC)
log = logging.getLogger("trellis_profiles")


@dataclass
class ProfilesApp:
    mongo: AsyncMongoClient[Any]
    broker: KafkaBroker
    relay: OutboxRelay
    repository: MongoProfileRepository
    profiles: Profiles
    taxonomy: Taxonomy
    grpc: GrpcServer
    # Fills the people index from the database, then follows every replica's saves.
    snapshots: SnapshotFollower


def build_core(
    settings: ProfilesSettings,
) -> tuple[
    AsyncMongoClient[Any], KafkaBroker, OutboxRelay, MongoProfileRepository, Profiles, Taxonomy
]:
    load_all()
    taxonomy = load_default_taxonomy()
    mongo = make_client(settings.mongodb_uri, app_name="trellis-profiles")
    collection = mongo[settings.profiles_database]["profiles"]
    broker = make_broker(settings.kafka_bootstrap, client_id="trellis-profiles")
    relay = OutboxRelay(
        collection,
        FastStreamPublisher(broker),
        sweep_interval_s=settings.profiles_outbox_sweep_s,
    )
    store = AggregateStore(
        collection,
        source=SOURCE,
        registry=REGISTRY,
        on_saved=relay.nudge,
        topic_prefix=settings.topic_prefix,
    )
    repository = MongoProfileRepository(store)
    recent = RecentProfiles(settings.profiles_cache_size)
    profiles = Profiles(repository, taxonomy, recent=recent)
    return mongo, broker, relay, repository, profiles, taxonomy


async def load_and_freeze(profiles: Profiles) -> int:
    """Load the people index, then take it (and everything else alive now) out of the
    garbage collector's full passes: they would walk every entry of a 100,000-person
    index again and again for nothing, and show up as pauses in read latencies."""
    loaded = await profiles.load_people()
    gc.collect()
    gc.freeze()
    log.info("people index loaded", extra={"people": loaded})
    return loaded


def build_app(settings: ProfilesSettings, retry: RetryPolicy | None = None) -> ProfilesApp:
    mongo, broker, relay, repository, profiles, taxonomy = build_core(settings)

    async def on_event(envelope: Envelope, record: ConsumedRecord) -> None:
        payload = REGISTRY.parse(envelope)
        if payload is not None:
            await handle_work_event(profiles, envelope.id, payload)

    async def on_snapshot(envelope: Envelope, record: ConsumedRecord) -> None:
        payload = REGISTRY.parse(envelope)
        if isinstance(payload, ProfileSnapshot):
            profiles.follow_snapshot(payload)

    snapshots = SnapshotFollower(
        settings.kafka_bootstrap,
        settings.topic_prefix + PROFILE_SNAPSHOT_TOPIC,
        on_snapshot,
        name=f"{settings.profiles_consumer_group}-people",
        dead_letters=BrokerDeadLetterSink(broker),
        load=lambda: load_and_freeze(profiles),
        retry=retry,
    )
    for topic in CONSUMED_TOPICS:
        subscribe_events(
            broker,
            settings.topic_prefix + topic,
            on_event,
            group_id=settings.profiles_consumer_group,
            retry=retry or RetryPolicy(),
        )
    grpc_server = build_server(
        address=settings.profiles_addr,
        registrars=[lambda server: register_all(server, profiles, taxonomy)],
        service_names=SERVICE_NAMES,
        codec=TokenCodec(settings.auth_secret),
    )
    return ProfilesApp(mongo, broker, relay, repository, profiles, taxonomy, grpc_server, snapshots)
