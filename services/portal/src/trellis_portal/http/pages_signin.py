"""Sign-in and sign-out: the dev sign-in over demo people, and OIDC for production.

The sign-in form has no session yet, so it is protected from login CSRF with a
double-submit token: a short-lived cookie whose value the form must echo.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from trellis_portal.domain.sessions import digest_of, open_session
from trellis_portal.features.signin import demo_personas, identify
from trellis_portal.http.auth import CSRF_FIELD, SESSION_COOKIE, Actor, session_of
from trellis_portal.http.pages import redirect, render
from trellis_portal.http.problems import Problem, problem_from
from trellis_portal.http.state import PortalState, state_of
from trellis_shared.errors import TrellisError, Unauthenticated

router = APIRouter(include_in_schema=False)
log = logging.getLogger("trellis_portal")
SIGNIN_CSRF_COOKIE = "trellis_signin_csrf"
OIDC_STATE_COOKIE = "trellis_oidc_state"


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would help phishing."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/signin", response_class=HTMLResponse)
async def signin_page(request: Request, next: str = "/", error: str = "") -> Response:
    state = state_of(request)
    personas = []
    note = ""
    if state.settings.portal_dev_login:
        try:
            personas = await demo_personas(state.backends, state.settings.portal_hr_department)
        except (TrellisError, Exception) as failure:  # the page must render with services down
            note = f"demo people could not be listed: {problem_from(failure).detail}"
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        None,
        "signin.html",
        {
            "personas": personas,
            "dev_login": state.settings.portal_dev_login,
            "oidc": state.oidc is not None,
            "next": safe_next(next),
            "signin_csrf": token,
            "error": error,
            "note": note,
        },
        title="Sign in",
        status=401 if error else 200,
    )
    response.set_cookie(
        SIGNIN_CSRF_COOKIE,
        token,
        max_age=1800,
        httponly=True,
        samesite="strict",
        secure=state.settings.secure_cookies,
    )
    return response


@router.post("/signin/dev")
async def dev_signin(
    request: Request,
    employee_id: Annotated[str, Form(max_length=64)],
    next: Annotated[str, Form()] = "/",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> Response:
    state = state_of(request)
    if not state.settings.portal_dev_login:
        raise Problem(404, "the dev sign-in is turned off")
    cookie = request.cookies.get(SIGNIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, csrf_token):
        return RedirectResponse("/signin?error=The+sign-in+form+expired%2C+try+again", 303)
    try:
        person = await identify(
            state.backends,
            employee_id.strip(),
            hr_department=state.settings.portal_hr_department,
            claimed=frozenset(),
        )
    except TrellisError as failure:
        return RedirectResponse(f"/signin?error={problem_from(failure).detail}", 303)
    response = RedirectResponse(safe_next(next), status_code=303)
    lifetime = timedelta(hours=state.settings.portal_session_hours)
    token, session = open_session(
        person.employee_id, person.name, person.roles, state.clock(), lifetime
    )
    await state.sessions.save(session, state.clock())
    _set_session_cookie(state, response, token, lifetime)
    log.info("signed in", extra={"employee_id": person.employee_id, "roles": sorted(person.roles)})
    return response


def _set_session_cookie(
    state: PortalState, response: Response, token: str, lifetime: timedelta
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=state.settings.secure_cookies,
        path="/",
    )
    response.delete_cookie(SIGNIN_CSRF_COOKIE)


@router.get("/signin/oidc")
async def oidc_start(request: Request, next: str = "/") -> Response:
    state = state_of(request)
    if state.oidc is None:
        raise Problem(404, "no OIDC issuer is configured (TRELLIS_OIDC_ISSUER)")
    value = secrets.token_urlsafe(24)
    nonce = secrets.token_urlsafe(24)
    response = RedirectResponse(state.oidc.authorization_url(state=value, nonce=nonce), 303)
    response.set_cookie(
        OIDC_STATE_COOKIE,
        f"{value}|{nonce}|{safe_next(next)}",
        max_age=600,
        httponly=True,
        samesite="lax",
        secure=state.settings.secure_cookies,
    )
    return response


@router.get("/signin/oidc/callback")
async def oidc_callback(request: Request, code: str = "", state: str = "") -> Response:
    portal = state_of(request)
    if portal.oidc is None:
        raise Problem(404, "no OIDC issuer is configured (TRELLIS_OIDC_ISSUER)")
    expected, _, rest = request.cookies.get(OIDC_STATE_COOKIE, "").partition("|")
    _nonce, _, next_path = rest.partition("|")
    if not expected or not secrets.compare_digest(expected, state) or not code:
        raise Problem(401, "the sign-in answer does not belong to this browser; sign in again")
    try:
        verified = await portal.oidc.verify(await portal.oidc.exchange(code))
        person = await identify(
            portal.backends, verified.employee_id, hr_department=None, claimed=verified.roles
        )
    except Unauthenticated as failure:
        raise Problem(401, str(failure)) from None
    response = RedirectResponse(safe_next(next_path), status_code=303)
    lifetime = timedelta(hours=portal.settings.portal_session_hours)
    token, session = open_session(
        person.employee_id, person.name, person.roles, portal.clock(), lifetime
    )
    await portal.sessions.save(session, portal.clock())
    _set_session_cookie(portal, response, token, lifetime)
    response.delete_cookie(OIDC_STATE_COOKIE)
    return response


@router.post("/signout")
async def signout(request: Request, caller: Actor) -> Response:
    session = await session_of(request)
    if session is not None:
        await state_of(request).sessions.delete(digest_of_cookie(request))
    response = redirect("/signin", f"Signed out {caller.name}")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def digest_of_cookie(request: Request) -> str:
    return digest_of(request.cookies.get(SESSION_COOKIE, ""))
