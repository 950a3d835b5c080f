"""JSON API for the hiring side of postings (see features/hiring*)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["hiring"])
