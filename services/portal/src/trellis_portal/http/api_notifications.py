"""JSON API for a person's own notifications, and their live stream (SSE)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse

from trellis_portal.adapters.notification_store import NotificationStore
from trellis_portal.features import notifications as feature
from trellis_portal.features.notifications import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MarkedRead,
    NotificationList,
    NotificationView,
    Update,
)
from trellis_portal.http.auth import Actor, Viewer
from trellis_portal.http.state import state_of

router = APIRouter(prefix="/api/v1", tags=["notifications"])
NOTIFICATIONS_KEY = "notifications"
NotificationId = Annotated[str, Path(min_length=1, max_length=300)]


def store_of(request: Request) -> NotificationStore:
    store: NotificationStore = state_of(request).extras[NOTIFICATIONS_KEY]
    return store


@router.get("/notifications")
async def list_notifications(
    request: Request,
    caller: Viewer,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> NotificationList:
    """The signed-in person's notifications, newest first, with the unread count."""
    return await feature.list_notifications(caller, store_of(request), limit)


@router.post("/notifications/read-all")
async def mark_all_read(request: Request, caller: Actor) -> MarkedRead:
    """Mark every notification of the signed-in person read."""
    return await feature.mark_all_read(caller, store_of(request), state_of(request).clock())


@router.post(
    "/notifications/{notification_id}/read",
    responses={404: {"description": "no notification of yours has this id"}},
)
async def mark_read(
    request: Request, caller: Actor, notification_id: NotificationId
) -> NotificationView:
    """Mark one of the signed-in person's notifications read (404 for anyone else's)."""
    return await feature.mark_read(
        caller, store_of(request), notification_id, state_of(request).clock()
    )


@router.get(
    "/notifications/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def stream(request: Request, caller: Viewer) -> StreamingResponse:
    """Server-sent events: `unread` ({"count"}) at once and on every change,
    `notification` ({"id","kind","title","body","link"}) for each new one, and a
    comment line as heartbeat."""
    state = state_of(request)
    updates = feature.watch(
        caller,
        store_of(request),
        poll_s=state.settings.portal_notification_poll_s,
        clock=state.clock,
        disconnected=request.is_disconnected,
    )
    return StreamingResponse(
        _as_events(updates),
        media_type="text/event-stream",
        # No caching, and no buffering by a reverse proxy (nginx honours this).
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _as_events(updates: AsyncIterator[Update]) -> AsyncIterator[str]:
    async for update in updates:
        if update.heartbeat:
            yield ": keep-alive\n\n"
            continue
        for note in update.notifications:
            data = {
                "id": note.id,
                "kind": note.kind,
                "title": note.title,
                "body": note.body,
                "link": note.link,
            }
            yield _event("notification", data)
        if update.unread is not None:
            yield _event("unread", {"count": update.unread})


def _event(name: str, data: Mapping[str, object]) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"
