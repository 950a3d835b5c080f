"""Wiring of the portal. Nothing connects at import time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from trellis_portal.adapters.backends import Backends, build_backends
from trellis_portal.adapters.import_jobs import MongoImportJobs
from trellis_portal.adapters.notification_consumer import NOTIFYING_TOPICS, NotificationConsumer
from trellis_portal.adapters.notification_store import NotificationStore
from trellis_portal.adapters.oidc import OidcVerifier
from trellis_portal.adapters.session_store import MongoSessions
from trellis_portal.config import PortalSettings
from trellis_portal.http.app import create_app
from trellis_portal.http.pages import build_templates
from trellis_portal.http.state import PortalState
from trellis_shared.contracts.catalog import load_all
from trellis_shared.grpc.tokens import TokenCodec
from trellis_shared.kafka.broker import make_broker
from trellis_shared.kafka.consumer import RetryPolicy, subscribe_events
from trellis_shared.mongo.client import make_client

log = logging.getLogger("trellis_portal")
Background = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class PortalApp:
    settings: PortalSettings
    mongo: AsyncMongoClient[Any]
    broker: KafkaBroker
    backends: Backends
    state: PortalState
    http: FastAPI
    # Index builders and periodic work that features add.
    preparations: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)
    background: list[Background] = field(default_factory=list)

    async def prepare(self) -> None:
        await self.state.sessions.ensure_indexes()
        for prepare in self.preparations:
            await prepare()

    async def close(self) -> None:
        await self.backends.close()


def build_app(
    settings: PortalSettings,
    retry: RetryPolicy | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> PortalApp:
    load_all()
    codec = TokenCodec(settings.auth_secret)
    mongo = make_client(settings.mongodb_uri, app_name="trellis-portal")
    database = mongo[settings.portal_database]
    broker = make_broker(settings.kafka_bootstrap, client_id="trellis-portal")
    backends = build_backends(settings, codec)
    state = PortalState(
        settings=settings,
        backends=backends,
        sessions=MongoSessions(database["sessions"]),
        templates=build_templates(),
        oidc=OidcVerifier(settings) if settings.oidc_enabled else None,
        clock=clock,
        extras={},
    )
    app = PortalApp(settings, mongo, broker, backends, state, create_app(state))
    notifications = NotificationStore(database["mailboxes"])
    state.extras["notifications"] = notifications
    app.preparations.append(notifications.ensure_indexes)
    # Import progress lives in the database, so any replica can answer a poll.
    import_jobs = MongoImportJobs(database["import_jobs"])
    state.extras["import_jobs"] = import_jobs
    app.preparations.append(import_jobs.ensure_indexes)
    subscribe_events(
        broker,
        [settings.topic_prefix + topic for topic in NOTIFYING_TOPICS],
        NotificationConsumer(notifications, backends, clock).handle,
        group_id=settings.portal_consumer_group,
        retry=retry or RetryPolicy(),
    )
    return app
