"""Tokens from the organisation's OpenID Connect issuer (production sign-in).

API clients send `Authorization: Bearer <token>`; browsers sign in with the
authorization-code flow and the id token it returns. Either token is checked
the same way: signature against the issuer's JWKS, issuer, audience, expiry.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from trellis_portal.config import PortalSettings
from trellis_shared.errors import Unauthenticated


@dataclass(frozen=True)
class VerifiedPerson:
    employee_id: str
    name: str
    roles: frozenset[str]


class OidcVerifier:
    def __init__(self, settings: PortalSettings) -> None:
        self._settings = settings
        # PyJWKClient caches the key set and refetches on an unknown key id.
        self._keys = jwt.PyJWKClient(settings.oidc_jwks_url, cache_keys=True)

    async def verify(self, token: str) -> VerifiedPerson:
        try:
            # Fetching keys is blocking I/O; keep it off the event loop.
            key = await asyncio.to_thread(self._keys.get_signing_key_from_jwt, token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256", "ES256", "PS256"],
                audience=self._settings.oidc_audience or self._settings.oidc_client_id,
                issuer=self._settings.oidc_issuer,
                options={"require": ["exp", "iat", "iss", "sub"]},
            )
        except jwt.PyJWKClientError as error:
            raise Unauthenticated(f"cannot check the token's signature: {error}") from None
        except jwt.InvalidTokenError as error:
            raise Unauthenticated(f"invalid token: {error}") from None
        return self.person_from(claims)

    def person_from(self, claims: dict[str, Any]) -> VerifiedPerson:
        employee_id = str(claims.get(self._settings.oidc_subject_claim) or claims["sub"])
        raw_roles = claims.get(self._settings.oidc_roles_claim, [])
        roles = {r for r in raw_roles if r in ("employee", "manager", "hr_admin")}
        name = str(claims.get("name") or claims.get("preferred_username") or employee_id)
        return VerifiedPerson(employee_id, name, frozenset(roles | {"employee"}))

    def authorization_url(self, *, state: str, nonce: str) -> str:
        query = {
            "response_type": "code",
            "client_id": self._settings.oidc_client_id,
            "redirect_uri": self.redirect_uri,
            "scope": "openid profile email",
            "state": state,
            "nonce": nonce,
        }
        return f"{self._settings.oidc_authorization_url}?{urlencode(query)}"

    @property
    def redirect_uri(self) -> str:
        return self._settings.portal_public_url.rstrip("/") + "/signin/oidc/callback"

    async def exchange(self, code: str) -> str:
        """The id token for an authorization code."""
        async with httpx.AsyncClient(timeout=10) as client:
            reply = await client.post(
                self._settings.oidc_token_url,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.redirect_uri,
                    "client_id": self._settings.oidc_client_id,
                    "client_secret": self._settings.oidc_client_secret,
                },
            )
        if reply.status_code != 200:
            raise Unauthenticated(f"the issuer refused the sign-in code ({reply.status_code})")
        token = reply.json().get("id_token")
        if not isinstance(token, str):
            raise Unauthenticated("the issuer's answer had no id_token")
        return token
