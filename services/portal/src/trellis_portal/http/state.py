"""What every request handler may use, built once per process by bootstrap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from trellis_portal.adapters.backends import Backends
from trellis_portal.adapters.oidc import OidcVerifier
from trellis_portal.adapters.session_store import MongoSessions
from trellis_portal.config import PortalSettings


@dataclass
class PortalState:
    settings: PortalSettings
    backends: Backends
    sessions: MongoSessions
    templates: Jinja2Templates
    oidc: OidcVerifier | None
    clock: Callable[[], datetime]
    # Feature stores that bootstrap adds (notifications, import jobs), by name.
    extras: dict[str, Any]


def state_of(request: Request) -> PortalState:
    state: PortalState = request.app.state.portal
    return state
