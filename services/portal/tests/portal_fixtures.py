"""Fixtures for portal tests: the running system, a real browser, API clients.

- `system` (one per test module): every service and the portal, see portal_harness.
- `browser`: Debian's Chromium driven by Playwright (`/usr/bin/chromium`, headless;
  `make test` installs it). TRELLIS_CHROMIUM overrides the path.
- `signed_in_page(employee_id)`: a fresh browser context signed in through the
  dev sign-in form, like a person would.
- `api_as(employee_id)`: an httpx client with that person's session cookie and
  CSRF header, for the JSON API.
- `keep_screenshot(page, name)`: saves a screenshot under
  `.trellis/test-artifacts/` (TRELLIS_TEST_ARTIFACTS overrides), the artifact of
  each journey.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright
from portal_harness import RunningSystem, running_system

from trellis_shared.testing.infrastructure import REPO_ROOT, Infrastructure

CHROMIUM = os.environ.get("TRELLIS_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("TRELLIS_TEST_ARTIFACTS", REPO_ROOT / ".trellis" / "test-artifacts")
)

PageFactory = Callable[..., Awaitable[Page]]
ApiFactory = Callable[[str], Awaitable[httpx.AsyncClient]]


@pytest.fixture(scope="module")
async def system(infrastructure: Infrastructure) -> AsyncIterator[RunningSystem]:
    async with running_system(infrastructure) as running:
        yield running


def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium "
            "(apt-get install chromium), or set TRELLIS_CHROMIUM"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_path()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        await launched.close()


async def sign_in(page: Page, base_url: str, employee_id: str) -> None:
    await page.goto(f"{base_url}/signin")
    await page.get_by_label("Employee id").fill(employee_id)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await page.wait_for_url(re.compile(r"^(?!.*/signin).*$"))


@pytest.fixture
async def signed_in_page(browser: Browser, system: RunningSystem) -> AsyncIterator[PageFactory]:
    contexts = []

    async def make(employee_id: str, *, width: int = 1280, height: int = 900) -> Page:
        context = await browser.new_context(
            base_url=system.url, viewport={"width": width, "height": height}
        )
        contexts.append(context)
        page = await context.new_page()
        page.set_default_timeout(15_000)
        await sign_in(page, system.url, employee_id)
        return page

    yield make
    for context in contexts:
        await context.close()


@pytest.fixture
def keep_screenshot() -> Callable[[Page, str], Awaitable[Path]]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    async def keep(page: Page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        return path

    return keep


async def api_client(base_url: str, employee_id: str) -> httpx.AsyncClient:
    """Signs in through the dev sign-in form exactly as a browser would."""
    client = httpx.AsyncClient(base_url=base_url, follow_redirects=False, timeout=30)
    form = await client.get("/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None, "the sign-in page has no CSRF token"
    signed = await client.post(
        "/signin/dev", data={"employee_id": employee_id, "csrf_token": token.group(1)}
    )
    assert signed.status_code == 303, signed.text
    me = await client.get("/")
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', me.text)
    assert csrf is not None, "signed-in pages carry the CSRF token"
    client.headers["X-CSRF-Token"] = csrf.group(1)
    return client


@pytest.fixture
async def api_as(system: RunningSystem) -> AsyncIterator[ApiFactory]:
    clients: list[httpx.AsyncClient] = []

    async def make(employee_id: str) -> httpx.AsyncClient:
        client = await api_client(system.url, employee_id)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
