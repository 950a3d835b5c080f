"""The metrics of the plumbing, scraped over HTTP from `/metrics` as Prometheus does.

`serve_metrics` (what every service runs) against a real FerretDB and a real
broker: an event left pending in an outbox shows in the backlog gauges until
the relay publishes it (and counts it, and the refusal before), a consumer
group's unread records show in the lag gauge, and a record through a real
group consumer counts a retry when its handler fails transiently and a dead
letter when it is poison.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError
from opentelemetry.sdk.resources import Resource
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ServerSelectionTimeoutError

from trellis_shared.contracts.catalog import load_all
from trellis_shared.contracts.skeleton import TALLY_TOPIC, TallyIncremented
from trellis_shared.events.envelope import Envelope
from trellis_shared.kafka.broker import make_broker
from trellis_shared.kafka.consumer import (
    ConsumedRecord,
    PoisonMessage,
    RetryPolicy,
    subscribe_events,
)
from trellis_shared.metrics.provider import configure_metrics
from trellis_shared.metrics.runtime import serve_metrics
from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_shared.mongo.outbox import FastStreamPublisher, OutboxRelay
from trellis_shared.settings import TrellisSettings
from trellis_shared.testing.infrastructure import Infrastructure, TopicFactory
from trellis_shared.testing.metrics import Scrape, scrape
from trellis_shared.testing.replicas import free_port
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.integration

RETRY = RetryPolicy(attempts=2, first_backoff_s=0.05, max_backoff_s=0.2)


def envelope(subject: str) -> bytes:
    return Envelope(type="t", version=1, source="s", subject=subject, data={}).to_bytes()


class BrokerDown:
    async def publish(
        self, body: bytes, *, topic: str, key: bytes, headers: dict[str, str]
    ) -> None:
        raise KafkaConnectionError("broker unreachable")


async def test_metrics_show_backlog_lag_retries_and_dead_letters(
    infrastructure: Infrastructure,
    mongo_database: AsyncDatabase[Any],
    kafka_topic: TopicFactory,
    consumer_group: str,
) -> None:
    configure_metrics(Resource.create({"service.name": "trellis-metrics-test"}))
    # An event written and not published: no relay runs until the end.
    tallies = await kafka_topic(TALLY_TOPIC)
    store = AggregateStore(
        mongo_database["tallies"],
        source="test",
        registry=load_all(),
        topic_prefix=tallies.removesuffix(TALLY_TOPIC),
    )
    await store.save(
        "t1",
        {"total": 1},
        expected_version=0,
        events=[TallyIncremented(tally_id="t1", amount=1, total=1, sequence=1)],
    )

    topic = await kafka_topic("metrics")
    done: list[str] = []
    failed: set[str] = set()

    async def handler(event: Envelope, record: ConsumedRecord) -> None:
        if event.subject == "poison":
            raise PoisonMessage("refused for good")
        if event.subject == "flaky" and "flaky" not in failed:
            failed.add("flaky")
            raise ServerSelectionTimeoutError("127.0.0.1:27017: connection refused")
        done.append(event.subject)

    broker = make_broker(infrastructure.kafka_bootstrap, client_id="test-metrics")
    subscribe_events(broker, topic, handler, group_id=consumer_group, retry=RETRY)
    producer = make_broker(infrastructure.kafka_bootstrap, client_id="test-metrics-producer")
    await producer.start()
    try:
        for subject in ("poison", "flaky", "fine"):
            await producer.publish(envelope(subject), topic=topic, key=b"k", partition=0)
    finally:
        await producer.stop()

    port = free_port()
    settings = TrellisSettings(
        kafka_bootstrap=infrastructure.kafka_bootstrap,
        metrics_port=port,
        metrics_host="127.0.0.1",
        metrics_sample_interval_s=0.3,
    )
    stop = asyncio.Event()
    metrics = asyncio.create_task(
        serve_metrics(
            settings, service="metrics-test", database=mongo_database, broker=broker, stop=stop
        )
    )
    outbox = {"database": mongo_database.name, "collection": "tallies"}
    lag = {"group": consumer_group, "topic": topic, "partition": "0"}
    at_source = {"consumer": consumer_group, "topic": topic}
    try:
        # Before the consumer runs: the pending event, and three records unread.
        async def backlog_seen() -> Scrape | None:
            try:
                scraped = await scrape(port)
            except OSError:  # the endpoint starts with the task
                return None
            seen = scraped.value("trellis_outbox_pending", **outbox) == 1
            unread = scraped.value("trellis_consumer_lag", **lag) == 3
            return scraped if seen and unread else None

        before = await eventually(backlog_seen, timeout_s=30)
        age = before.value("trellis_outbox_oldest_pending_age_seconds", **outbox)
        assert age is not None
        assert age > 0

        await broker.start()
        try:

            async def consumed() -> Scrape | None:
                scraped = await scrape(port)
                caught_up = scraped.value("trellis_consumer_lag", **lag) == 0
                return scraped if done == ["flaky", "fine"] and caught_up else None

            after = await eventually(consumed, timeout_s=60)
        finally:
            await broker.stop()
        dead_letters = "trellis_consumer_dead_letters_total"
        assert after.value(dead_letters, **at_source, reason="poison") == 1
        assert after.value(dead_letters, **at_source, reason="failed") is None
        retries = "trellis_consumer_retries_total"
        assert after.value(retries, **at_source, reason="transient") == 1
        # Nothing published it meanwhile: still pending, and older.
        assert after.value("trellis_outbox_pending", **outbox) == 1
        later = after.value("trellis_outbox_oldest_pending_age_seconds", **outbox)
        assert later is not None
        assert later > age

        # The relay: refused once by the broker, then published; the gauges follow.
        relay = OutboxRelay(mongo_database["tallies"], BrokerDown())
        assert await relay.publish_pending() == 0
        publisher = make_broker(infrastructure.kafka_bootstrap, client_id="test-metrics-relay")
        await publisher.start()
        try:
            relay = OutboxRelay(mongo_database["tallies"], FastStreamPublisher(publisher))
            assert await relay.publish_pending() == 1
        finally:
            await publisher.stop()
        relayed = {"collection": "tallies", "topic": tallies}

        async def drained() -> Scrape | None:
            scraped = await scrape(port)
            return scraped if scraped.value("trellis_outbox_pending", **outbox) == 0 else None

        final = await eventually(drained, timeout_s=30)
        assert final.value("trellis_outbox_oldest_pending_age_seconds", **outbox) == 0
        assert final.value("trellis_outbox_published_total", **relayed) == 1
        assert final.value("trellis_outbox_publish_failures_total", **relayed) == 1
    finally:
        stop.set()
        await metrics
    # Stopped: nothing listens on the port any more.
    with pytest.raises(OSError, match="refused"):
        await scrape(port)
