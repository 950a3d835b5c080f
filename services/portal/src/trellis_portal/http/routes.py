"""Every router of the portal, in one list (the app includes them in order)."""

from __future__ import annotations

from fastapi import APIRouter

from trellis_portal.http import (
    api_bidding,
    api_hiring,
    api_mentorship,
    api_notifications,
    api_postings,
    api_profile,
    pages_bidding,
    pages_hiring,
    pages_home,
    pages_mentorship,
    pages_notifications,
    pages_postings,
    pages_profile,
    pages_signin,
)

ROUTERS: tuple[APIRouter, ...] = (
    pages_signin.router,
    pages_home.router,
    api_profile.router,
    pages_profile.router,
    api_postings.router,
    pages_postings.router,
    api_hiring.router,
    pages_hiring.router,
    api_mentorship.router,
    pages_mentorship.router,
    api_bidding.router,
    pages_bidding.router,
    api_notifications.router,
    pages_notifications.router,
)
