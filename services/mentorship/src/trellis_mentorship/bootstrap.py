"""Wiring of the mentorship service. Nothing connects at import time."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from trellis_mentorship.adapters.mongo_documents import MongoDocuments
from trellis_mentorship.app.cycles import Cycles
from trellis_mentorship.app.matches import Matches
from trellis_mentorship.app.mentors import MentorPlaces
from trellis_mentorship.app.people import PeopleReadModel
from trellis_mentorship.app.ports import Clock, Model, utc_now
from trellis_mentorship.app.repair import Repair
from trellis_mentorship.app.requests import MenteeRequests
from trellis_mentorship.app.suggestions import Suggestions
from trellis_mentorship.config import MentorshipSettings
from trellis_mentorship.domain.cycle import Cycle
from trellis_mentorship.domain.match import Match
from trellis_mentorship.domain.mentee_request import MenteeRequest
from trellis_mentorship.domain.mentor_load import MentorLoad
from trellis_mentorship.domain.weights import DEFAULT_WEIGHTS, CompatibilityWeights
from trellis_mentorship.entrypoints.grpc_api import SERVICE_NAMES, register_all
from trellis_shared.contracts import REGISTRY
from trellis_shared.contracts.catalog import load_all
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
from trellis_shared.mongo.outbox import FastStreamPublisher, OutboxRelay
from trellis_shared.peers.profiles import ProfilesClient

SOURCE = "mentorship"
SERVICE_CALLER = Principal("mentorship", frozenset({"service"}))
log = logging.getLogger("trellis_mentorship")


def load_weights(path: str) -> CompatibilityWeights:
    if not path:
        return DEFAULT_WEIGHTS
    return CompatibilityWeights(**json.loads(Path(path).read_text()))


@dataclass
class MentorshipApp:
    mongo: AsyncMongoClient[Any]
    broker: KafkaBroker
    relay: OutboxRelay  # matches: the lifecycle events profiles consumes
    cycle_relay: OutboxRelay
    collections: list[MongoDocuments[Any]]
    people: PeopleReadModel
    places: MentorPlaces
    requests: MenteeRequests
    matches: Matches
    cycles: Cycles
    suggestions: Suggestions
    repair: Repair
    repair_interval_s: float
    profiles_client: ServiceClient
    grpc: GrpcServer
    # People, read whole by every replica (run_service waits until caught up).
    readers: list[BroadcastReader]

    async def prepare(self) -> None:
        """Indexes, then the mirror of mentor places."""
        for documents in self.collections:
            await documents.ensure_indexes()
        await self.cycle_relay.ensure_indexes()
        mentors = await self.places.load()
        log.info("mentorship loaded", extra={"mentor_documents": mentors})

    async def repair_forever(self, stop: asyncio.Event) -> None:
        await self.repair.sweep_forever(stop, self.repair_interval_s)


def _documents(
    database: AsyncDatabase[dict[str, Any]],
    name: str,
    model: type[Model],
    settings: MentorshipSettings,
    relay: OutboxRelay | None,
    indexed: tuple[str, ...] = (),
) -> MongoDocuments[Model]:
    store = AggregateStore(
        database[name],
        source=SOURCE,
        registry=REGISTRY,
        on_saved=relay.nudge if relay is not None else None,
        topic_prefix=settings.topic_prefix,
    )
    return MongoDocuments(store, model, indexed)


def build_app(
    settings: MentorshipSettings,
    retry: RetryPolicy | None = None,
    clock: Clock = utc_now,
) -> MentorshipApp:
    load_all()
    codec = TokenCodec(settings.auth_secret)
    weights = load_weights(settings.mentorship_weights_file)
    mongo = make_client(settings.mongodb_uri, app_name="trellis-mentorship")
    database = mongo[settings.mentorship_database]
    broker = make_broker(settings.kafka_bootstrap, client_id="trellis-mentorship")
    publisher = FastStreamPublisher(broker)
    match_relay = OutboxRelay(database["matches"], publisher)
    cycle_relay = OutboxRelay(database["cycles"], publisher)
    matches_docs = _documents(
        database, "matches", Match, settings, match_relay, ("mentor_id", "mentee_id")
    )
    cycles_docs = _documents(database, "cycles", Cycle, settings, cycle_relay)
    requests_docs = _documents(
        database, "requests", MenteeRequest, settings, None, ("mentee_id", "cycle_id", "status")
    )
    mentors_docs = _documents(database, "mentors", MentorLoad, settings, None)
    profiles_client = ServiceClient(
        peer="profiles",
        address=settings.profiles_addr,
        setting="TRELLIS_PROFILES_ADDR",
        codec=codec,
        caller=SERVICE_CALLER,
        timeout_s=10.0,
    )
    people = PeopleReadModel(None, ProfilesClient(profiles_client))
    places = MentorPlaces(mentors_docs, people, clock)
    requests = MenteeRequests(requests_docs, cycles_docs, people, clock)
    matches = Matches(matches_docs, requests_docs, places, people, weights, clock)
    cycles = Cycles(
        cycles_docs,
        requests_docs,
        matches_docs,
        places,
        people,
        weights,
        clock,
        run_lease=timedelta(seconds=settings.mentorship_cycle_run_lease_s),
    )
    suggestions = Suggestions(requests, places, people, weights)

    async def on_snapshot(envelope: Envelope, record: ConsumedRecord) -> None:
        payload = REGISTRY.parse(envelope)
        if isinstance(payload, ProfileSnapshot):
            await people.apply_snapshot(payload)

    # Every replica reads every partition itself (not a shared consumer group):
    # matching, exclusions and capacities need every person on every replica.
    people_reader = BroadcastReader(
        settings.kafka_bootstrap,
        settings.topic_prefix + PROFILE_SNAPSHOT_TOPIC,
        on_snapshot,
        name=settings.mentorship_consumer_group + "-people",
        dead_letters=BrokerDeadLetterSink(broker),
        start_at=StartAt.FROM_BEGINNING,
        retry=retry,
    )
    grpc_server = build_server(
        address=settings.mentorship_addr,
        registrars=[
            lambda server: register_all(server, places, requests, matches, cycles, suggestions)
        ],
        service_names=SERVICE_NAMES,
        codec=codec,
    )
    return MentorshipApp(
        mongo=mongo,
        broker=broker,
        relay=match_relay,
        cycle_relay=cycle_relay,
        collections=[matches_docs, cycles_docs, requests_docs, mentors_docs],
        people=people,
        places=places,
        requests=requests,
        matches=matches,
        cycles=cycles,
        suggestions=suggestions,
        repair=Repair(places, requests_docs, matches_docs, clock, cycles.runs),
        repair_interval_s=settings.mentorship_repair_interval_s,
        profiles_client=profiles_client,
        grpc=grpc_server,
        readers=[people_reader],
    )
