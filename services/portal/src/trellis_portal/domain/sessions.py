"""Signed-in sessions: what a session is and the rules it follows (no I/O).

The cookie carries only a random token; the server keeps a digest of it, so a
leaked database does not let anyone sign in, and signing out revokes at once.
Each session has its own CSRF token, which every state-changing request from a
browser must echo (a form field or the X-CSRF-Token header).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

ROLES_FOR_PEOPLE = frozenset({"employee", "manager", "hr_admin"})


@dataclass(frozen=True)
class Session:
    digest: str
    employee_id: str
    name: str
    roles: frozenset[str]
    csrf_token: str
    expires_at: datetime

    def is_live(self, now: datetime) -> bool:
        return now < self.expires_at

    def accepts_csrf(self, presented: str | None) -> bool:
        return presented is not None and hmac.compare_digest(presented, self.csrf_token)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    employee_id: str, name: str, roles: frozenset[str], now: datetime, lifetime: timedelta
) -> tuple[str, Session]:
    """A new session and the token for its cookie (only the digest is kept)."""
    unknown = roles - ROLES_FOR_PEOPLE
    if unknown:
        raise ValueError(f"people cannot sign in with roles {sorted(unknown)}")
    token = new_token()
    session = Session(
        digest=digest_of(token),
        employee_id=employee_id,
        name=name,
        roles=roles | {"employee"},
        csrf_token=new_token(),
        expires_at=now + lifetime,
    )
    return token, session


def roles_of(*, has_reports: bool, is_hr: bool) -> frozenset[str]:
    """Everyone is an employee; people with direct reports are managers."""
    roles = {"employee"}
    if has_reports:
        roles.add("manager")
    if is_hr:
        roles.add("hr_admin")
    return frozenset(roles)
