"""Wiring of the postings service. Nothing connects at import time."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from trellis_postings.adapters.mongo_application_lists import MongoApplicationLists
from trellis_postings.adapters.mongo_applications import MongoApplications
from trellis_postings.adapters.mongo_interview_quota import MongoInterviewQuota
from trellis_postings.adapters.mongo_postings import MongoOpportunities
from trellis_postings.app.application_writes import ApplicationWrites
from trellis_postings.app.applications import Applications
from trellis_postings.app.changes import Changes, Clock, utc_now
from trellis_postings.app.interviews import Interviews
from trellis_postings.app.opportunities import Opportunities
from trellis_postings.app.ports import Stored
from trellis_postings.app.read_model import PeopleReadModel
from trellis_postings.app.recommendations import Recommendations
from trellis_postings.app.timekeeping import Timekeeping
from trellis_postings.config import PostingsSettings
from trellis_postings.domain.policy import PostingsPolicy
from trellis_postings.domain.scoring_config import (
    DEFAULT_SCORING,
    ScoringConfig,
    scoring_config_from_mapping,
)
from trellis_postings.entrypoints.grpc_api import SERVICE_NAMES, register_all
from trellis_shared.contracts import REGISTRY
from trellis_shared.contracts.bidding import AWARD_TOPIC, AssignmentAwarded
from trellis_shared.contracts.catalog import load_all
from trellis_shared.contracts.postings import OPPORTUNITY_TOPIC
from trellis_shared.contracts.profiles import PROFILE_SNAPSHOT_TOPIC, ProfileSnapshot
from trellis_shared.events.envelope import Envelope
from trellis_shared.grpc.client import ServiceClient
from trellis_shared.grpc.server import GrpcServer, build_server
from trellis_shared.grpc.tokens import Principal, TokenCodec
from trellis_shared.kafka.broadcast import BroadcastReader, StartAt
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
from trellis_shared.peers.profiles import ProfilesClient

SOURCE = "postings"
SERVICE_CALLER = Principal("postings", frozenset({"service"}))
log = logging.getLogger("trellis_postings")


def load_scoring(path: str) -> ScoringConfig:
    if not path:
        return DEFAULT_SCORING
    return scoring_config_from_mapping(json.loads(Path(path).read_text()))


@dataclass
class PostingsApp:
    mongo: AsyncMongoClient[Any]
    broker: KafkaBroker
    relay: OutboxRelay
    application_relay: OutboxRelay
    repository: MongoOpportunities
    application_store: MongoApplications
    people_reader: BroadcastReader
    opportunity_reader: BroadcastReader
    people: PeopleReadModel
    opportunities: Opportunities
    applications: Applications
    interviews: Interviews
    recommendations: Recommendations
    timekeeping: Timekeeping
    profiles_client: ServiceClient
    grpc: GrpcServer
    sweep_interval_s: float

    @property
    def readers(self) -> list[BroadcastReader]:
        """Read models run_service catches up before serving (people, whole)."""
        return [self.people_reader]

    async def prepare(self) -> None:
        """Indexes, then the recommendation index: the opportunity events are
        followed from the offsets recorded BEFORE the load, so a posting another
        replica changes meanwhile is re-read, never missed."""
        await self.repository.ensure_indexes()
        await self.application_relay.ensure_indexes()
        await self.opportunity_reader.start()
        open_postings = await self.recommendations.load()
        # What was just loaded lives as long as the process: keep the collector
        # from walking it again and again (shorter pauses on recommendations).
        gc.freeze()
        log.info("postings loaded", extra={"open_postings": open_postings})

    async def follow_opportunities(self, stop: asyncio.Event) -> None:
        await self.opportunity_reader.run(stop)

    async def relay_applications(self, stop: asyncio.Event) -> None:
        await self.application_relay.run(stop)

    async def sweep_forever(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.timekeeping.sweep()
            except Exception:  # the sweep must outlive a bad moment of the database
                log.exception("sweep failed; retrying at the next interval")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.sweep_interval_s)


def build_app(
    settings: PostingsSettings,
    retry: RetryPolicy | None = None,
    clock: Clock = utc_now,
) -> PostingsApp:
    load_all()
    codec = TokenCodec(settings.auth_secret)
    mongo = make_client(settings.mongodb_uri, app_name="trellis-postings")
    database = mongo[settings.postings_database]
    broker = make_broker(settings.kafka_bootstrap, client_id="trellis-postings")
    relay = OutboxRelay(database["opportunities"], FastStreamPublisher(broker))
    store = AggregateStore(
        database["opportunities"],
        source=SOURCE,
        registry=REGISTRY,
        on_saved=relay.nudge,
        topic_prefix=settings.topic_prefix,
    )
    repository = MongoOpportunities(store)
    profiles_client = ServiceClient(
        peer="profiles",
        address=settings.profiles_addr,
        setting="TRELLIS_PROFILES_ADDR",
        codec=codec,
        caller=SERVICE_CALLER,
        timeout_s=10.0,
    )
    people = PeopleReadModel(ProfilesClient(profiles_client))
    application_relay = OutboxRelay(database["applications"], FastStreamPublisher(broker))
    application_store = MongoApplications(
        AggregateStore(
            database["applications"],
            source=SOURCE,
            registry=REGISTRY,
            on_saved=application_relay.nudge,
            topic_prefix=settings.topic_prefix,
        )
    )
    writes = ApplicationWrites(
        application_store, MongoApplicationLists(database["application_lists"])
    )
    policy = PostingsPolicy(
        disclosure_point=settings.postings_disclosure_point,
        release_wait_working_days=settings.postings_release_wait_working_days,
        max_open_interview_requests=settings.postings_max_open_interview_requests,
    )
    recommendations_box: list[Recommendations] = []

    def on_saved(stored: Stored) -> None:
        recommendations_box[0].track(stored)

    changes = Changes(repository, on_saved)
    recommendations = Recommendations(changes, people, load_scoring(settings.postings_scoring_file))
    recommendations_box.append(recommendations)
    opportunities = Opportunities(changes, people, clock)
    applications = Applications(changes, writes, people, policy, clock)
    interviews = Interviews(
        changes, MongoInterviewQuota(database["interview_quotas"]), policy, clock
    )
    timekeeping = Timekeeping(changes, writes, applications, people, policy, clock)

    async def on_snapshot(envelope: Envelope, record: ConsumedRecord) -> None:
        payload = REGISTRY.parse(envelope)
        if isinstance(payload, ProfileSnapshot):
            await people.apply_snapshot(payload)

    async def on_award(envelope: Envelope, record: ConsumedRecord) -> None:
        payload = REGISTRY.parse(envelope)
        if isinstance(payload, AssignmentAwarded):
            await timekeeping.apply_award(envelope.id, payload)

    async def on_opportunity_event(envelope: Envelope, record: ConsumedRecord) -> None:
        # Whatever changed (by this replica or another), the stored posting says
        # what the index should hold now.
        await recommendations.follow(envelope.subject)

    # Every replica reads every partition itself (no consumer group): the
    # people read model must be whole on each (reporting chains decide
    # confidentiality), and the recommendation index must hear of every posting.
    dead_letters = BrokerDeadLetterSink(broker)
    people_reader = BroadcastReader(
        settings.kafka_bootstrap,
        settings.topic_prefix + PROFILE_SNAPSHOT_TOPIC,
        on_snapshot,
        name=settings.postings_consumer_group + "-people",
        dead_letters=dead_letters,
        start_at=StartAt.FROM_BEGINNING,
        retry=retry,
    )
    opportunity_reader = BroadcastReader(
        settings.kafka_bootstrap,
        settings.topic_prefix + OPPORTUNITY_TOPIC,
        on_opportunity_event,
        name=settings.postings_consumer_group + "-recommendations",
        dead_letters=dead_letters,
        start_at=StartAt.FROM_NOW,
        retry=retry,
    )
    subscribe_events(
        broker,
        settings.topic_prefix + AWARD_TOPIC,
        on_award,
        group_id=settings.postings_consumer_group,
        retry=retry or RetryPolicy(),
    )
    grpc_server = build_server(
        address=settings.postings_addr,
        registrars=[
            lambda server: register_all(
                server, opportunities, applications, interviews, recommendations
            )
        ],
        service_names=SERVICE_NAMES,
        codec=codec,
    )
    return PostingsApp(
        mongo=mongo,
        broker=broker,
        relay=relay,
        application_relay=application_relay,
        repository=repository,
        application_store=application_store,
        people_reader=people_reader,
        opportunity_reader=opportunity_reader,
        people=people,
        opportunities=opportunities,
        applications=applications,
        interviews=interviews,
        recommendations=recommendations,
        timekeeping=timekeeping,
        profiles_client=profiles_client,
        grpc=grpc_server,
        sweep_interval_s=settings.postings_sweep_interval_s,
    )
