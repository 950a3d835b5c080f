"""Sign-in, sessions, CSRF and the API's error shape, in a real browser and over HTTP."""

from __future__ import annotations

import httpx
import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from portal_fixtures import ApiFactory, PageFactory
from portal_harness import RunningSystem

from trellis_shared.telemetry import configure_telemetry

pytestmark = pytest.mark.e2e
TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


async def test_dev_sign_in_shows_roles_from_the_org_chart(api_as: ApiFactory) -> None:
    manager = await api_as("meng")
    hr = await api_as("hr1")
    employee = await api_as("emp1")
    assert (await manager.get("/api/v1/me")).json()["roles"] == ["employee", "manager"]
    assert (await hr.get("/api/v1/me")).json()["roles"] == ["employee", "hr_admin"]
    assert (await employee.get("/api/v1/me")).json() == {
        "employee_id": "emp1",
        "name": "Emp1",
        "roles": ["employee"],
    }


async def test_unknown_people_cannot_sign_in(system: RunningSystem) -> None:
    async with httpx.AsyncClient(base_url=system.url) as client:
        form = await client.get("/signin")
        token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        refused = await client.post(
            "/signin/dev", data={"employee_id": "nobody", "csrf_token": token}
        )
        assert refused.status_code == 303
        assert "/signin?error=" in refused.headers["location"]
        assert "trellis_session" not in client.cookies


async def test_the_api_needs_a_session_and_says_so_as_problem_json(system: RunningSystem) -> None:
    async with httpx.AsyncClient(base_url=system.url) as client:
        reply = await client.get("/api/v1/me")
    assert reply.status_code == 401
    assert reply.headers["content-type"].startswith("application/problem+json")
    assert reply.json()["status"] == 401


async def test_pages_send_people_without_a_session_to_sign_in(system: RunningSystem) -> None:
    async with httpx.AsyncClient(base_url=system.url) as client:
        reply = await client.get("/?from=mail")
    assert reply.status_code == 303
    assert reply.headers["location"] == "/signin?next=/?from=mail"


async def test_changes_without_the_csrf_token_are_refused(api_as: ApiFactory) -> None:
    client = await api_as("emp1")
    token = client.headers.pop("X-CSRF-Token")
    refused = await client.post("/signout")
    assert refused.status_code == 403
    assert "CSRF" in refused.text
    client.headers["X-CSRF-Token"] = token
    signed_out = await client.post("/signout")
    assert signed_out.status_code == 303
    # The session is revoked on the server, not only forgotten by the browser.
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_session_cookie_is_http_only_and_same_site(system: RunningSystem) -> None:
    async with httpx.AsyncClient(base_url=system.url) as client:
        form = await client.get("/signin")
        token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        signed = await client.post("/signin/dev", data={"employee_id": "emp1", "csrf_token": token})
    cookie = signed.headers["set-cookie"].lower()
    assert "trellis_session=" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


async def test_openapi_document_is_served_at_a_stable_path(system: RunningSystem) -> None:
    async with httpx.AsyncClient(base_url=system.url) as client:
        document = (await client.get("/api/openapi.json")).json()
    assert document["info"]["title"] == "Trellis API"
    assert "/api/v1/me" in document["paths"]


async def test_a_person_signs_in_with_the_browser(signed_in_page: PageFactory) -> None:
    page = await signed_in_page("emp1")
    assert await page.get_by_role("heading", level=1).inner_text() == "Hello, Emp1"
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url("**/signin**")


async def test_one_trace_runs_from_the_http_request_into_the_services(
    system: RunningSystem,
) -> None:
    spans = InMemorySpanExporter()
    configure_telemetry("portal-tests", extra_processor=SimpleSpanProcessor(spans))
    async with httpx.AsyncClient(base_url=system.url) as client:
        # The sign-in page lists demo people by asking profiles and postings.
        page = await client.get("/signin", headers={"traceparent": TRACEPARENT})
    assert page.status_code == 200
    in_trace = [
        s
        for s in spans.get_finished_spans()
        if s.context is not None and s.context.trace_id == TRACE_ID
    ]
    kinds_and_names = {(s.kind, s.name) for s in in_trace}
    assert any(kind is SpanKind.SERVER and "GET" in name for kind, name in kinds_and_names)
    # The services' own server spans join the browser's trace.
    assert any(
        kind is SpanKind.SERVER and "ProfileService/SearchProfiles" in name
        for kind, name in kinds_and_names
    ), kinds_and_names
    assert any(
        kind is SpanKind.SERVER and "OpportunityService/SearchOpportunities" in name
        for kind, name in kinds_and_names
    ), kinds_and_names
