"""Service tokens: who is calling, carried in gRPC metadata.

Format (see docs/adr/0003-service-tokens.md): a JWT signed with HS256 under the
shared secret `TRELLIS_AUTH_SECRET`, sent as metadata `authorization: Bearer
<jwt>`. Claims: `sub` (employee id, or the service name for machine calls),
`roles` (any of employee, manager, hr_admin, service), `iss` = "trellis",
`aud` = "trellis-services", `iat`, `exp`. The portal mints one per request
for the signed-in person; services mint `service` tokens for their own calls.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from trellis_shared.errors import PermissionDenied, Unauthenticated

ISSUER = "trellis"
AUDIENCE = "trellis-services"
ALGORITHM = "HS256"
KNOWN_ROLES = frozenset({"employee", "manager", "hr_admin", "service"})
METADATA_KEY = "authorization"


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def require_role(self, *roles: str) -> None:
        if not self.roles & set(roles):
            raise PermissionDenied(f"requires one of the roles {sorted(roles)}")


class TokenCodec:
    def __init__(self, secret: str, *, ttl: timedelta = timedelta(minutes=5)) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must be at least 32 characters (RFC 7518 for HS256)")
        self._secret = secret
        self._ttl = ttl

    def issue(self, principal: Principal, *, now: datetime | None = None) -> str:
        issued = now or datetime.now(UTC)
        claims = {
            "sub": principal.subject,
            "roles": sorted(principal.roles),
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": int(issued.timestamp()),
            "exp": int((issued + self._ttl).timestamp()),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["sub", "exp", "iat", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("token expired") from None
        except jwt.InvalidTokenError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from None
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not set(roles) <= KNOWN_ROLES:
            raise Unauthenticated(f"token carries unknown roles: {roles!r}")
        return Principal(subject=str(claims["sub"]), roles=frozenset(roles))

    def metadata(self, principal: Principal) -> tuple[tuple[str, str], ...]:
        return ((METADATA_KEY, f"Bearer {self.issue(principal)}"),)


_current: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "trellis_principal", default=None
)


def current_principal() -> Principal:
    """The verified caller of the RPC being served."""
    principal = _current.get()
    if principal is None:
        raise Unauthenticated("no authenticated caller")
    return principal


def bind_principal(principal: Principal | None) -> contextvars.Token[Principal | None]:
    return _current.set(principal)


def unbind_principal(token: contextvars.Token[Principal | None]) -> None:
    _current.reset(token)
