"""Production sign-in through an OpenID Connect issuer.

No identity provider runs on these machines, so the test brings a small one of
its own: an authorize endpoint that signs the person in at once, a token
endpoint that trades the code for an RS256 id token, and a JWKS endpoint. The
portal under test is the real one, configured only through its settings, next
to the real services.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form
from fastapi.responses import JSONResponse, RedirectResponse
from playwright.async_api import Browser
from portal_harness import RunningSystem, free_port, serving_portal, start_serving

from trellis_portal.config import PortalSettings
from trellis_shared.testing.infrastructure import unique_suffix

pytestmark = pytest.mark.e2e
CLIENT_ID = "trellis-portal"


@dataclass
class Issuer:
    url: str
    key: rsa.RSAPrivateKey
    signed_in_as: str = "emp1"

    def token(self, subject: str, **overrides: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "sub": f"idp|{subject}",
            "employee_id": subject,
            "name": subject.title(),
            "roles": ["employee"],
            "iat": now,
            "exp": now + 300,
        }
        claims.update(overrides)
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "test-key"})


def issuer_app(issuer: Issuer) -> FastAPI:
    app = FastAPI()
    codes: dict[str, str] = {}

    @app.get("/jwks")
    async def jwks() -> JSONResponse:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(issuer.key.public_key()))
        public.update({"kid": "test-key", "use": "sig", "alg": "RS256"})
        return JSONResponse({"keys": [public]})

    @app.get("/authorize")
    async def authorize(redirect_uri: str, state: str, client_id: str) -> RedirectResponse:
        assert client_id == CLIENT_ID
        code = secrets.token_urlsafe(8)
        codes[code] = issuer.signed_in_as
        return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}")

    @app.post("/token")
    async def token(code: str = Form(), client_secret: str = Form()) -> JSONResponse:
        if code not in codes or client_secret != "s3cret":
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse({"id_token": issuer.token(codes.pop(code)), "token_type": "Bearer"})

    return app


@pytest.fixture(scope="module")
async def issuer() -> AsyncIterator[Issuer]:
    port = free_port()
    issuer = Issuer(f"http://127.0.0.1:{port}", rsa.generate_private_key(65537, 2048))
    server = uvicorn.Server(
        uvicorn.Config(issuer_app(issuer), host="127.0.0.1", port=port, log_config=None)
    )
    serving = await start_serving(server)
    yield issuer
    server.should_exit = True
    await serving


@pytest.fixture(scope="module")
async def oidc_portal(system: RunningSystem, issuer: Issuer) -> AsyncIterator[str]:
    """A second portal beside the same services, signing people in through the issuer."""
    port = free_port()
    base = system.portal.settings
    settings = base.model_copy(
        update={
            "portal_port": port,
            "portal_public_url": f"http://127.0.0.1:{port}",
            "portal_database": f"test_{unique_suffix()}_portal",
            "portal_consumer_group": f"test-portal-{unique_suffix()}",
            "portal_dev_login": False,
            "oidc_issuer": issuer.url,
            "oidc_jwks_url": f"{issuer.url}/jwks",
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": "s3cret",
            "oidc_authorization_url": f"{issuer.url}/authorize",
            "oidc_token_url": f"{issuer.url}/token",
        }
    )
    assert isinstance(settings, PortalSettings)
    async with serving_portal(settings):
        yield settings.portal_public_url


async def test_api_accepts_a_bearer_token_from_the_issuer(oidc_portal: str, issuer: Issuer) -> None:
    async with httpx.AsyncClient(base_url=oidc_portal) as client:
        token = issuer.token("hr1", roles=["employee", "hr_admin"])
        me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    assert me.json() == {"employee_id": "hr1", "name": "Hr1", "roles": ["employee", "hr_admin"]}


@pytest.mark.parametrize(
    "bad",
    [
        {"exp": int(time.time()) - 60},
        {"aud": "someone-else"},
        {"iss": "http://evil.example"},
    ],
    ids=["expired", "wrong-audience", "wrong-issuer"],
)
async def test_api_refuses_tokens_that_do_not_check_out(
    oidc_portal: str, issuer: Issuer, bad: dict[str, Any]
) -> None:
    async with httpx.AsyncClient(base_url=oidc_portal) as client:
        token = issuer.token("emp1", **bad)
        reply = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 401
    assert reply.headers["content-type"].startswith("application/problem+json")


async def test_api_refuses_a_token_signed_by_another_key(oidc_portal: str, issuer: Issuer) -> None:
    forger = Issuer(issuer.url, rsa.generate_private_key(65537, 2048))
    async with httpx.AsyncClient(base_url=oidc_portal) as client:
        reply = await client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {forger.token('ceo')}"}
        )
    assert reply.status_code == 401


async def test_the_dev_sign_in_is_off_in_production(oidc_portal: str) -> None:
    async with httpx.AsyncClient(base_url=oidc_portal) as client:
        page = await client.get("/signin")
        refused = await client.post("/signin/dev", data={"employee_id": "ceo"})
    assert "Demo sign-in" not in page.text
    assert refused.status_code == 404


async def test_a_person_signs_in_in_the_browser_through_the_issuer(
    oidc_portal: str, issuer: Issuer, browser: Browser
) -> None:
    issuer.signed_in_as = "meng"
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.goto(f"{oidc_portal}/signin")
        await page.get_by_role("link", name="Sign in with your organisation account").click()
        await page.wait_for_url(f"{oidc_portal}/")
        assert await page.get_by_role("heading", level=1).inner_text() == "Hello, Meng"
        # The org chart, not the token, makes meng a manager.
        assert "manager" in await page.locator(".person").inner_text()
    finally:
        await context.close()
