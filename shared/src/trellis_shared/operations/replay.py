"""Replaying dead letters to their original topics, safe to run any number of times.

How a replay is remembered: the tool reads each `.dlt` partition in a consumer
group of its own (`DEFAULT_REPLAY_GROUP`, or `--group`) and commits the offset
after each record once the broker acknowledged its republished copy (the
producer is idempotent, acks=all). A second run starts at those commits and
finds nothing to send. Crashing between the acknowledgement and the commit
sends that one record again on the next run; every consumer drops the copy
through its inbox (same event id), as it does for the outbox relay's repeats.
Kafka already keeps "how far did this reader get" as group offsets, so no
other store is needed, and the group's lag is what is left to replay.

Within one run, a record dead-lettered more than once (several consumer groups
on one topic, or each replica of a broadcast reader, park it on their own) is
sent once. The copy goes to the source topic with its key (so it lands on the
same partition and keeps its aggregate's order with later events) and its
original headers, minus the dead-letter ones, plus `trellis_replay_of`; should
it fail again, its new dead letter says it was a replay.

Compacted (snapshot) topics are never replayed to: an old snapshot written
now would become the latest record of its key, and compaction would keep it
over the newer ones. Their dead letters stay listed; once the reader is fixed
it rebuilds from the snapshot topic itself (restart it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition

from trellis_shared.crash_points import crash_point
from trellis_shared.kafka.broker import make_broker
from trellis_shared.kafka.topics import DEAD_LETTER_SUFFIX, explicit_topic_configs
from trellis_shared.operations.consumer_lag import consumer_lag
from trellis_shared.operations.dead_letters import (
    DEFAULT_REPLAY_GROUP,
    DLT_HEADER_PREFIX,
    REPLAY_OF_HEADER,
    DeadLetter,
    dead_letter_from,
)
from trellis_shared.operations.records import read_to


@dataclass
class ReplayReport:
    sent: list[DeadLetter] = field(default_factory=list)  # republished (or would be, dry run)
    repeats: list[DeadLetter] = field(default_factory=list)  # same source record as one sent
    skipped_topics: list[str] = field(default_factory=list)  # `.dlt` of compacted topics


async def replay_dead_letters(
    bootstrap: str,
    topics: list[str],
    *,
    replay_group: str = DEFAULT_REPLAY_GROUP,
    dry_run: bool = False,
) -> ReplayReport:
    """Republish the records of the `.dlt` `topics` not replayed before (see module doc)."""
    report = ReplayReport()
    replayable = []
    for topic in topics:
        if await _feeds_compacted_topic(bootstrap, topic):
            report.skipped_topics.append(topic)
        else:
            replayable.append(topic)
    if not replayable:
        return report
    ends = {
        TopicPartition(p.topic, p.partition): p.end
        for p in await consumer_lag(bootstrap, replay_group, replayable)
    }
    reader = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=replay_group,
        enable_auto_commit=False,
        # Nothing committed yet: everything on the topic is still to replay.
        auto_offset_reset="earliest",
    )
    broker = make_broker(bootstrap, client_id="trellis-admin")
    await reader.start()
    await broker.start()
    try:
        # Assigned, not subscribed: no group join, positions start at the commits.
        reader.assign(list(ends))
        sources_sent: set[tuple[str, int | None, int | None]] = set()
        async for record in read_to(reader, ends):
            letter = dead_letter_from(record, replayed=False)
            if letter.source in sources_sent:
                report.repeats.append(letter)
            else:
                if not dry_run:
                    await broker.publish(
                        letter.body,
                        topic=letter.source_topic,
                        key=letter.key,
                        headers=_replay_headers(letter),
                    )
                sources_sent.add(letter.source)
                report.sent.append(letter)
            if not dry_run:
                # After the acknowledgement: at worst this record is sent twice.
                crash_point("after_replay_publish")  # the fault suite's test of that
                partition = TopicPartition(record.topic, record.partition)
                await reader.commit({partition: record.offset + 1})
    finally:
        await broker.stop()
        await reader.stop()
    return report


def _replay_headers(letter: DeadLetter) -> dict[str, str]:
    headers = {k: v for k, v in letter.headers.items() if not k.startswith(DLT_HEADER_PREFIX)}
    headers[REPLAY_OF_HEADER] = letter.coordinates
    return headers


async def _feeds_compacted_topic(bootstrap: str, dead_letter_topic: str) -> bool:
    source = dead_letter_topic.removesuffix(DEAD_LETTER_SUFFIX)
    try:
        configs = await explicit_topic_configs(bootstrap, source)
    except RuntimeError:
        return False  # the source topic is gone: publishing will say so
    return "compact" in configs.get("cleanup.policy", "")
