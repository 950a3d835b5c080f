"""The notifications page: newest first, mark one or all read (plain forms)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from trellis_portal.features import notifications as feature
from trellis_portal.http.api_notifications import store_of
from trellis_portal.http.auth import Actor, Viewer
from trellis_portal.http.pages import redirect, render
from trellis_portal.http.state import state_of

router = APIRouter(include_in_schema=False)
NotificationId = Annotated[str, Path(min_length=1, max_length=300)]


@router.get("/notifications", response_class=HTMLResponse)
async def notifications_page(request: Request, caller: Viewer) -> Response:
    listing = await feature.list_notifications(caller, store_of(request))
    return render(
        request,
        caller,
        "notifications/list.html",
        {"listing": listing, "unread_count": listing.unread or ""},
        title="Notifications",
    )


@router.post("/notifications/read-all")
async def mark_all_read(request: Request, caller: Actor) -> Response:
    marked = await feature.mark_all_read(caller, store_of(request), state_of(request).clock())
    noun = "notification" if marked.marked == 1 else "notifications"
    return redirect("/notifications", f"Marked {marked.marked} {noun} read.")


@router.post("/notifications/{notification_id}/read")
async def mark_read(request: Request, caller: Actor, notification_id: NotificationId) -> Response:
    await feature.mark_read(caller, store_of(request), notification_id, state_of(request).clock())
    return redirect("/notifications", "Marked read.")
