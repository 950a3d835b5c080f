"""Home, health and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from trellis_portal.http.auth import Viewer
from trellis_portal.http.pages import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def home(request: Request, caller: Viewer) -> Response:
    return render(request, caller, "home.html", title="Home")


@router.get("/healthz", include_in_schema=False)
async def healthz() -> Response:
    return JSONResponse({"status": "ok"})


@router.get("/api/v1/me", tags=["session"])
async def me(caller: Viewer) -> dict[str, object]:
    """Who is signed in, with their roles."""
    return {
        "employee_id": caller.employee_id,
        "name": caller.name,
        "roles": sorted(caller.person.roles),
    }
