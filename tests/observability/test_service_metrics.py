"""A real service process serves its metrics on `/metrics`, wired by the shared runtime.

profiles runs as `trellis-profiles serve` (the production code path, through
`run_service`), on its own database and topics. An event left pending in a
collection of its database (no relay publishes that collection) must show in
its outbox gauges, and a record nobody can parse on a topic it consumes must be
dead-lettered by its consumer and counted, with the group's lag back at 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient

from trellis_profiles.bootstrap import CONSUMED_TOPICS
from trellis_shared.contracts.bidding import AWARD_TOPIC
from trellis_shared.contracts.catalog import load_all
from trellis_shared.contracts.profiles import PROFILE_SNAPSHOT_TOPIC, PROFILE_TOPIC
from trellis_shared.contracts.skeleton import TallyIncremented
from trellis_shared.mongo.aggregate_store import AggregateStore
from trellis_shared.testing.infrastructure import Infrastructure, NamespaceFactory, unique_suffix
from trellis_shared.testing.metrics import Scrape, scrape
from trellis_shared.testing.replicas import service_replicas
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.integration

# What profiles writes, and what its consumer group reads.
TOPICS = (PROFILE_SNAPSHOT_TOPIC, PROFILE_TOPIC, *CONSUMED_TOPICS)


async def test_profiles_serves_backlog_lag_and_dead_letters_on_metrics(
    infrastructure: Infrastructure, kafka_namespace: NamespaceFactory, tmp_path: Path
) -> None:
    prefix = await kafka_namespace(*TOPICS)
    database = f"test_{unique_suffix()}_profiles"
    group = f"test-profiles-{unique_suffix()}"
    profiles = service_replicas(
        "profiles",
        kafka_bootstrap=infrastructure.kafka_bootstrap,
        mongodb_uri=infrastructure.mongodb_uri,
        auth_secret="metrics-test-secret-that-is-long-enough-for-hs256",
        topic_prefix=prefix,
        database=database,
        consumer_group=group,
        log_dir=tmp_path,
        count=1,
        settings={"TRELLIS_METRICS_SAMPLE_INTERVAL_S": "0.5"},
    )
    mongo: AsyncMongoClient[Any] = AsyncMongoClient(infrastructure.mongodb_uri, tz_aware=True)
    stuck = AggregateStore(mongo[database]["stuck"], source="test", registry=load_all())
    await stuck.save(
        "s1",
        {"total": 1},
        expected_version=0,
        events=[TallyIncremented(tally_id="s1", amount=1, total=1, sequence=1)],
    )
    awards = prefix + AWARD_TOPIC
    await profiles.start()
    try:
        producer = AIOKafkaProducer(bootstrap_servers=infrastructure.kafka_bootstrap)
        await producer.start()
        try:
            await producer.send_and_wait(awards, b'{"not": "an envelope"', key=b"x")
        finally:
            await producer.stop()
        port = profiles.metrics_ports[0]
        outbox = {"database": database, "collection": "stuck"}
        lag = {"group": group, "topic": awards, "partition": "0"}

        async def all_seen() -> Scrape | None:
            scraped = await scrape(port)
            parked = scraped.value(
                "trellis_consumer_dead_letters_total",
                consumer=group,
                topic=awards,
                reason="unparseable",
            )
            pending = scraped.value("trellis_outbox_pending", **outbox)
            caught_up = scraped.value("trellis_consumer_lag", **lag) == 0
            return scraped if parked == 1 and pending == 1 and caught_up else None

        scraped = await eventually(all_seen, timeout_s=90)
        assert scraped.value("target_info", service_name="trellis-profiles") == 1
        age = scraped.value("trellis_outbox_oldest_pending_age_seconds", **outbox)
        assert age is not None
        assert age > 0
        # Every topic the group consumes has its lag, not only the one written to.
        for topic in CONSUMED_TOPICS:
            assert scraped.value("trellis_consumer_lag", group=group, topic=prefix + topic) == 0
    except BaseException:
        print(f"--- profiles ---\n{profiles.tail(0)}")
        raise
    finally:
        await profiles.stop()
        await mongo.drop_database(database)
        await mongo.close()
