"""A person's own notifications: list, mark read, and watch for new ones.

Every function reads or changes only the signed-in person's notifications; an
id of someone else's is reported as not found, exactly like a missing one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from trellis_portal.adapters.notification_store import NotificationStore, StoredNotification
from trellis_portal.features.caller import Caller
from trellis_shared.errors import NotFound

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# How far back each poll looks again: notifications stamped by another portal
# replica with a slightly different clock, or stored just after a poll, are
# still found; ids already sent are skipped.
STREAM_OVERLAP = timedelta(seconds=10)
HEARTBEAT_EVERY_S = 15.0


class NotificationView(BaseModel):
    id: str = Field(description="use it to mark the notification read")
    kind: str = Field(description="application, release, recommendation, interview, mentorship, …")
    title: str
    body: str
    link: str = Field(description="where to act on it (a portal path)")
    created_at: datetime
    read: bool


class NotificationList(BaseModel):
    notifications: list[NotificationView] = Field(description="newest first")
    unread: int = Field(ge=0, description="unread notifications in all")


class MarkedRead(BaseModel):
    marked: int = Field(ge=0, description="notifications that were unread until now")
    unread: int = Field(ge=0)


def view_of(stored: StoredNotification) -> NotificationView:
    return NotificationView(
        id=stored.notification_id,
        kind=stored.kind,
        title=stored.title,
        body=stored.body,
        link=stored.link or "/notifications",
        created_at=stored.created_at,
        read=stored.read,
    )


async def list_notifications(
    caller: Caller, store: NotificationStore, limit: int = DEFAULT_LIMIT
) -> NotificationList:
    found = await store.newest(caller.employee_id, limit)
    unread = await store.unread_count(caller.employee_id)
    return NotificationList(notifications=[view_of(n) for n in found], unread=unread)


async def unread_count(caller: Caller, store: NotificationStore) -> int:
    return await store.unread_count(caller.employee_id)


async def mark_read(
    caller: Caller, store: NotificationStore, notification_id: str, now: datetime
) -> NotificationView:
    if not await store.mark_read(caller.employee_id, notification_id, now):
        raise NotFound(f"notification {notification_id} not found")
    marked = await store.get(caller.employee_id, notification_id)
    if marked is None:  # deleted in between; as good as missing
        raise NotFound(f"notification {notification_id} not found")
    return view_of(marked)


async def mark_all_read(caller: Caller, store: NotificationStore, now: datetime) -> MarkedRead:
    marked = await store.mark_all_read(caller.employee_id, now)
    return MarkedRead(marked=marked, unread=await store.unread_count(caller.employee_id))


@dataclass(frozen=True)
class Update:
    """What a live stream sends: new notifications, the unread count, or a heartbeat."""

    notifications: list[NotificationView] = field(default_factory=list)
    unread: int | None = None
    heartbeat: bool = False


async def watch(
    caller: Caller,
    store: NotificationStore,
    *,
    poll_s: float,
    clock: Callable[[], datetime],
    disconnected: Callable[[], Awaitable[bool]],
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    heartbeat_s: float = HEARTBEAT_EVERY_S,
) -> AsyncIterator[Update]:
    """The unread count at once, then news as it arrives, until the client leaves.

    Only notifications created after the stream opened are sent as news (the
    page already lists older ones); the unread count is sent whenever it
    changes, so reading in another tab updates this one's badge too.
    """
    person = caller.employee_id
    # Sent (or already there at connect) ids by creation time; each poll looks
    # back STREAM_OVERLAP and skips these.
    sent = {n.notification_id: n.created_at for n in await store.since(person, _window(clock))}
    last_unread = await store.unread_count(person)
    yield Update(unread=last_unread)
    quiet_s = 0.0
    while not await disconnected():
        await sleep(poll_s)
        start = _window(clock)
        fresh = [n for n in await store.since(person, start) if n.notification_id not in sent]
        sent = {key: at for key, at in sent.items() if at >= start}
        sent.update((n.notification_id, n.created_at) for n in fresh)
        unread = await store.unread_count(person)
        if fresh or unread != last_unread:
            last_unread = unread
            quiet_s = 0.0
            yield Update(notifications=[view_of(n) for n in fresh], unread=unread)
            continue
        quiet_s += poll_s
        if quiet_s >= heartbeat_s:
            quiet_s = 0.0
            yield Update(heartbeat=True)


def _window(clock: Callable[[], datetime]) -> datetime:
    return clock() - STREAM_OVERLAP
