"""JSON API for mentorship (see features/)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["mentorship"])
