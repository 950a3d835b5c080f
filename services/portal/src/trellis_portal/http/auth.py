"""Who is calling: a session cookie (browsers) or an OIDC bearer token (API clients).

Handlers declare what they need with two dependencies:
- `Viewer` for reads: anyone signed in;
- `Actor` for changes: signed in, and for cookie sessions the CSRF token too
  (bearer tokens are not sent by browsers on their own, so they need none).
A page request without a session is redirected to the sign-in page; an API
request gets 401 problem+json.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from trellis_portal.domain.sessions import Session, digest_of
from trellis_portal.features.caller import Caller
from trellis_portal.http.problems import Problem
from trellis_portal.http.state import state_of
from trellis_shared.errors import Unauthenticated
from trellis_shared.grpc.tokens import Principal

SESSION_COOKIE = "trellis_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class NotSignedIn(Exception):
    """Raised before any work; pages turn it into a redirect, the API into 401."""


async def session_of(request: Request) -> Session | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    state = state_of(request)
    return await state.sessions.find(digest_of(token), state.clock())


async def _caller(request: Request) -> tuple[Caller, Session | None]:
    state = state_of(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        if state.oidc is None:
            raise Problem(401, "bearer tokens need an OIDC issuer (TRELLIS_OIDC_ISSUER)")
        try:
            person = await state.oidc.verify(header[7:].strip())
        except Unauthenticated as error:
            raise Problem(401, str(error)) from None
        principal = Principal(person.employee_id, person.roles)
        return Caller(principal, person.name, state.backends), None
    session = await session_of(request)
    if session is None:
        raise NotSignedIn()
    principal = Principal(session.employee_id, session.roles)
    return Caller(principal, session.name, state.backends), session


async def signed_in(request: Request) -> Caller:
    caller, session = await _caller(request)
    request.state.session = session
    request.state.caller = caller
    return caller


async def signed_in_for_change(request: Request) -> Caller:
    caller, session = await _caller(request)
    request.state.session = session
    request.state.caller = caller
    if session is not None:
        presented = request.headers.get(CSRF_HEADER)
        if presented is None and _is_form(request):
            value = (await request.form()).get(CSRF_FIELD)
            presented = value if isinstance(value, str) else None
        if not session.accepts_csrf(presented):
            raise Problem(403, "the form is stale or came from another site (CSRF check); reload")
    return caller


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


def require_role(caller: Caller, *roles: str) -> None:
    if not any(caller.has_role(role) for role in roles):
        raise Problem(403, f"this needs the role {' or '.join(roles)}")


Viewer = Annotated[Caller, Depends(signed_in)]
Actor = Annotated[Caller, Depends(signed_in_for_change)]
