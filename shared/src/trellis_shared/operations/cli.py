"""`trellis-admin`: dead letters, their replay, outbox backlog and consumer lag.

    trellis-admin dead-letters [--topic T]... [--pending] [--json]
    trellis-admin replay (--topic T... | --all) [--dry-run] [--json]
    trellis-admin outbox [--service S]... [--json]
    trellis-admin lag [--service S]... [--json]

Kafka, the database and the topic prefix come from the same TRELLIS_*
variables as the services; which services, databases and groups exist comes
from the services' own settings classes (`operations.services`).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from pydantic import Field

from trellis_shared.errors import DependencyUnreachable
from trellis_shared.kafka.topics import DEAD_LETTER_SUFFIX
from trellis_shared.operations import reports
from trellis_shared.operations.consumer_lag import UnknownTopic
from trellis_shared.operations.dead_letters import (
    DEFAULT_REPLAY_GROUP,
    dead_letter_topics,
    list_dead_letters,
)
from trellis_shared.operations.replay import replay_dead_letters
from trellis_shared.operations.services import ServiceConfig, installed_services
from trellis_shared.settings import TrellisSettings
from trellis_shared.startup import check_kafka, exit_unreachable

_REACH_TIMEOUT_S = 10.0


class AdminSettings(TrellisSettings):
    admin_replay_group: str = Field(
        default=DEFAULT_REPLAY_GROUP,
        description="consumer group whose committed offsets remember what `trellis-admin "
        "replay` has replayed",
    )


Command = Callable[[AdminSettings, argparse.Namespace], Coroutine[Any, Any, str]]


async def dead_letters_command(settings: AdminSettings, args: argparse.Namespace) -> str:
    topics = await _dead_letter_topics(settings, args.topic)
    letters = await list_dead_letters(
        settings.kafka_bootstrap, topics, replay_group=settings.admin_replay_group
    )
    if args.pending:
        letters = [letter for letter in letters if not letter.replayed]
    return reports.dead_letters(letters, topics, json_output=args.json)


async def replay_command(settings: AdminSettings, args: argparse.Namespace) -> str:
    topics = await _dead_letter_topics(settings, args.topic)
    report = await replay_dead_letters(
        settings.kafka_bootstrap,
        topics,
        replay_group=settings.admin_replay_group,
        dry_run=args.dry_run,
    )
    return reports.replay(report, dry_run=args.dry_run, json_output=args.json)


async def outbox_command(settings: AdminSettings, args: argparse.Namespace) -> str:
    services = _chosen(args.service)
    rows = await reports.gather_outbox(settings.mongodb_uri, services, _REACH_TIMEOUT_S)
    return reports.outbox(rows, json_output=args.json)


async def lag_command(settings: AdminSettings, args: argparse.Namespace) -> str:
    services = _chosen(args.service)
    rows = await reports.gather_lag(settings.kafka_bootstrap, services)
    return reports.lag(rows, json_output=args.json)


async def _dead_letter_topics(settings: AdminSettings, chosen: list[str] | None) -> list[str]:
    await check_kafka(settings.kafka_bootstrap, _REACH_TIMEOUT_S)
    if chosen:  # a topic or its dead-letter topic, as the operator prefers to type it
        return sorted(
            {t if t.endswith(DEAD_LETTER_SUFFIX) else t + DEAD_LETTER_SUFFIX for t in chosen}
        )
    return await dead_letter_topics(settings.kafka_bootstrap, prefix=settings.topic_prefix)


def _chosen(names: list[str] | None) -> list[ServiceConfig]:
    services = installed_services()
    if not names:
        return services
    known = {s.name for s in services}
    unknown = sorted(set(names) - known)
    if unknown:
        raise SystemExit(f"unknown service {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return [s for s in services if s.name in names]


COMMANDS: dict[str, Command] = {
    "dead-letters": dead_letters_command,
    "replay": replay_command,
    "outbox": outbox_command,
    "lag": lag_command,
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="trellis-admin",
        description="Operate Trellis: dead letters and their replay, outbox backlog, consumer lag.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="JSON instead of a table")
    commands = top.add_subparsers(dest="command", required=True)
    listing = commands.add_parser(
        "dead-letters", parents=[common], help="records on the .dlt topics, with their reasons"
    )
    listing.add_argument("--topic", action="append", help="a topic or its .dlt (repeatable)")
    listing.add_argument("--pending", action="store_true", help="only those not replayed yet")
    replay = commands.add_parser(
        "replay", parents=[common], help="send dead letters not replayed yet back to their topic"
    )
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument("--topic", action="append", help="a topic or its .dlt (repeatable)")
    which.add_argument("--all", action="store_true", help="every .dlt topic")
    replay.add_argument("--dry-run", action="store_true", help="show what would be sent")
    for name, what in (("outbox", "outbox backlog"), ("lag", "consumer lag")):
        command = commands.add_parser(name, parents=[common], help=f"{what} per service")
        command.add_argument("--service", action="append", help="only this service (repeatable)")
    return top


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    settings = AdminSettings()
    try:
        print(asyncio.run(COMMANDS[args.command](settings, args)))
    except DependencyUnreachable as error:
        exit_unreachable(error)
    except UnknownTopic as error:  # a mistyped --topic: say so, no traceback
        raise SystemExit(f"trellis-admin: {error}") from None
