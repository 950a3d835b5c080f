"""What `trellis-admin` prints: rows gathered per service, rendered as a table or JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from trellis_shared.mongo.client import make_client
from trellis_shared.operations.consumer_lag import PartitionLag, consumer_lag
from trellis_shared.operations.dead_letters import REPLAY_OF_HEADER, DeadLetter
from trellis_shared.operations.outbox_backlog import OutboxBacklog, outbox_backlog
from trellis_shared.operations.replay import ReplayReport
from trellis_shared.operations.services import ServiceConfig
from trellis_shared.operations.tables import age, as_json, table
from trellis_shared.startup import check_kafka, check_mongodb

_ERROR_WIDTH = 60  # the table shows the start of an error; --json has all of it


def dead_letters(letters: list[DeadLetter], topics: list[str], *, json_output: bool) -> str:
    if json_output:
        return as_json([_letter(letter) for letter in letters])
    if not letters:
        return f"no dead letters on {_count(len(topics), 'dead-letter topic')}"
    rows = [
        [
            letter.coordinates,
            letter.parked_at,
            letter.reason,
            letter.consumer,
            letter.event_type,
            "yes" if letter.replayed else "no",
            _first_line(letter.error),
        ]
        for letter in letters
    ]
    headers = ["dead letter", "parked at (UTC)", "reason", "consumer", "event", "replayed", "error"]
    waiting = sum(not letter.replayed for letter in letters)
    summary = f"{_count(len(letters), 'dead letter')}, {waiting} not replayed"
    return f"{table(headers, rows)}\n\n{summary}"


def replay(report: ReplayReport, *, dry_run: bool, json_output: bool) -> str:
    if json_output:
        return as_json(
            {
                "dry_run": dry_run,
                "sent": [_letter(letter) for letter in report.sent],
                "repeats": [_letter(letter) for letter in report.repeats],
                "skipped_topics": report.skipped_topics,
            }
        )
    verb = "would replay" if dry_run else "replayed"
    lines = []
    if report.sent:
        rows = [[d.coordinates, d.source_topic, d.event_id, d.reason] for d in report.sent]
        lines += [table(["dead letter", "sent to", "event id", "reason"], rows), ""]
    lines.append(
        f"{verb} {_count(len(report.sent), 'record')} to their topics; "
        f"{_count(len(report.repeats), 'repeat')} of a record already sent this run not sent again"
    )
    for topic in report.skipped_topics:
        lines.append(f"skipped {topic}: its topic is compacted (restart the reader instead)")
    return "\n".join(lines)


@dataclass(frozen=True)
class ServiceBacklog:
    service: str
    database: str
    backlog: OutboxBacklog


async def gather_outbox(
    uri: str, services: list[ServiceConfig], timeout_s: float
) -> list[ServiceBacklog]:
    client = make_client(uri, app_name="trellis-admin")
    try:
        await check_mongodb(client, uri, timeout_s)
        return [
            ServiceBacklog(service.name, database, row)
            for service in services
            for database in service.databases
            for row in await outbox_backlog(client[database])
        ]
    finally:
        await client.close()


def outbox(rows: list[ServiceBacklog], *, json_output: bool) -> str:
    now = datetime.now(UTC)
    if json_output:
        return as_json(
            [
                {
                    "service": r.service,
                    "database": r.database,
                    **asdict(r.backlog),
                    "oldest_age_s": None
                    if r.backlog.oldest_at is None
                    else (now - r.backlog.oldest_at).total_seconds(),
                }
                for r in rows
            ]
        )
    if not rows:
        return "no outboxes yet (no service has written an event)"
    cells = [
        [
            r.service,
            r.database,
            r.backlog.collection,
            r.backlog.pending,
            age(r.backlog.oldest_at, now),
        ]
        for r in rows
    ]
    return table(["service", "database", "collection", "pending", "oldest"], cells)


@dataclass(frozen=True)
class GroupLag:
    service: str
    group: str
    partitions: list[PartitionLag]


async def gather_lag(bootstrap: str, services: list[ServiceConfig]) -> list[GroupLag]:
    await check_kafka(bootstrap, 10.0)
    return [
        GroupLag(
            service.name,
            service.consumer_group,
            await consumer_lag(bootstrap, service.consumer_group),
        )
        for service in services
        if service.consumer_group is not None
    ]


def lag(groups: list[GroupLag], *, json_output: bool) -> str:
    if json_output:
        return as_json([asdict(group) for group in groups])
    rows: list[list[Any]] = []
    quiet = []
    for group in groups:
        if not group.partitions:
            quiet.append(group.group)
        for p in group.partitions:
            rows.append(
                [group.service, group.group, p.topic, p.partition, p.committed, p.end, p.lag]
            )
    headers = ["service", "group", "topic", "partition", "committed", "end", "lag"]
    lines = [table(headers, rows)] if rows else []
    if quiet:
        lines += [""] if rows else []
        lines.append(
            f"no committed offsets: {', '.join(quiet)} (never ran, or the service reads only "
            "with broadcast readers, which commit nothing)"
        )
    return "\n".join(lines)


def _letter(letter: DeadLetter) -> dict[str, Any]:
    fields = asdict(letter)
    del fields["body"], fields["headers"]
    fields["dead_letter"] = letter.coordinates
    fields["replay_of"] = letter.headers.get(REPLAY_OF_HEADER)
    return fields


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _first_line(error: str) -> str:
    line = error.splitlines()[0] if error else ""
    return line if len(line) <= _ERROR_WIDTH else line[: _ERROR_WIDTH - 1] + "…"
