"""The employee side of postings: recommendations with their explanation, search,
one posting, applying (confidentially, idempotently), one's applications and
interest interviews — in a real browser and over the JSON API."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from playwright.async_api import Locator, Page, expect
from portal_fixtures import ApiFactory, PageFactory
from portal_harness import RunningSystem
from postings_harness import as_

from trellis.postings.v1 import postings_pb2 as pb

pytestmark = pytest.mark.e2e

SLOW = 20_000  # ms: postings and profiles meet through Kafka on a shared, busy machine


def unique(title: str) -> str:
    return f"{title} {uuid.uuid4().hex[:6]}"


def period(**changes: Any) -> dict[str, Any]:
    starts = date.today() + timedelta(days=30)
    details: dict[str, Any] = {
        "department": "Data",
        "team": "Data platform",
        "description": "Work on our Python pipelines with the Data team.",
        "required_skills": [pb.RequiredSkill(skill_id="python", min_level=3, must_have=True)],
        "location": "Berlin",
        "remote": True,
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=60)).isoformat(),
        "deadline": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
    }
    details.update(changes)
    return details


async def post_gig(system: RunningSystem, title: str, **changes: Any) -> pb.Opportunity:
    return await system.postings.post(
        "gig", "mdata", title=title, **period(**{"share_pct": 20, **changes})
    )


async def post_secondment(system: RunningSystem, title: str) -> pb.Opportunity:
    starts = date.today() + timedelta(days=30)
    return await system.postings.post(
        "secondment",
        "mdata",
        title=title,
        **period(
            share_pct=100,
            secondment=pb.SecondmentTerms(
                host_team="Data platform",
                home_team="Engineering",
                return_on=(starts + timedelta(days=60)).isoformat(),
                backfill_note="A contractor covers the period.",
            ),
        ),
    )


async def reload_until_visible(page: Page, target: Locator, attempts: int = 15) -> None:
    """A fresh posting reaches the recommender at once, but the person's profile
    reaches postings through Kafka: reload until the recommendation shows."""
    for _ in range(attempts - 1):
        try:
            await expect(target).to_be_visible(timeout=2_000)
            return
        except AssertionError:
            await page.reload()
    await expect(target).to_be_visible(timeout=SLOW)


def problem_fields(reply: httpx.Response) -> set[str]:
    assert reply.headers["content-type"].startswith("application/problem+json"), reply.text
    return {e["field"] for e in reply.json()["errors"]}


async def apply_by_api(
    client: httpx.AsyncClient, opportunity_id: str, **body: Any
) -> httpx.Response:
    body.setdefault("request_id", str(uuid.uuid4()))
    return await client.post(f"/api/v1/opportunities/{opportunity_id}/applications", json=body)


# --- in the browser ---------------------------------------------------------


async def test_employee_sees_why_a_posting_fits_and_applies_confidentially(
    system: RunningSystem, signed_in_page: PageFactory, keep_screenshot: Any
) -> None:
    title = unique("Secondment to Data platform")
    posting = await post_secondment(system, title)
    page = await signed_in_page("emp1")
    await page.goto("/opportunities")
    card = page.locator(f'[data-recommendations] [data-opportunity="{posting.opportunity_id}"]')
    await reload_until_visible(page, card)
    await expect(card).to_contain_text("Secondment")
    await expect(card).to_contain_text("out of 100")
    await expect(card.locator("[data-explanation]")).to_be_visible()
    await expect(card.locator("[data-explanation]")).to_contain_text(
        "Python (must-have): you 4, needed 3 (+55 of 55)"
    )
    await keep_screenshot(page, "employee-recommended")

    await card.get_by_role("link", name=title).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await expect(page.get_by_text("Host team")).to_be_visible()
    await expect(page.get_by_text("A contractor covers the period.")).to_be_visible()
    match = page.locator("section", has=page.get_by_role("heading", name="Your match"))
    await expect(match).to_contain_text("Python (must-have): you 4, needed 3")

    await page.get_by_label("Note to the hiring manager (optional)").fill("I run our pipelines.")
    await page.get_by_label("Apply confidentially").check()
    await expect(page.get_by_text("until it reaches the disclosure point")).to_be_visible()
    await keep_screenshot(page, "employee-opportunity")
    await page.get_by_role("button", name="Apply", exact=True).click()

    await page.wait_for_url("**/applications**")
    await expect(page.locator("p.notice")).to_contain_text("Applied confidentially")
    row = page.locator("[data-applications] tr", has_text=title)
    await expect(row.locator("[data-status]")).to_have_text("Submitted")
    await expect(row.locator("[data-confidential]")).to_be_visible()
    await expect(row.get_by_role("button", name=f"Withdraw: {title}")).to_be_visible()
    await keep_screenshot(page, "employee-applies")

    # The posting's page now shows the application instead of the form.
    await row.get_by_role("link", name=title).click()
    await expect(page.locator("[data-application-status]")).to_have_text("Submitted")
    await expect(page.get_by_role("button", name="Apply", exact=True)).to_have_count(0)


async def test_opportunities_work_at_phone_width(
    system: RunningSystem, signed_in_page: PageFactory, keep_screenshot: Any
) -> None:
    title = unique("Phone-sized gig")
    posting = await post_gig(system, title)
    page = await signed_in_page("emp1", width=390, height=844)
    await page.goto("/opportunities")
    card = page.locator(f'[data-recommendations] [data-opportunity="{posting.opportunity_id}"]')
    await reload_until_visible(page, card)
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 390px"
    await keep_screenshot(page, "employee-opportunities-phone")
    await card.get_by_role("link", name=title).click()
    apply = page.get_by_role("button", name="Apply", exact=True)
    await apply.scroll_into_view_if_needed()
    await expect(apply).to_be_in_viewport()
    await keep_screenshot(page, "employee-opportunity-phone")
    box = await apply.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390


async def test_search_form_filters_pages_and_shows_errors_beside_fields(
    system: RunningSystem, signed_in_page: PageFactory
) -> None:
    word = f"zebra{uuid.uuid4().hex[:6]}"
    await post_gig(system, f"First {word} gig")
    await post_gig(system, f"Second {word} gig")
    page = await signed_in_page("emp2")
    await page.goto("/opportunities")
    await page.get_by_label("Words").fill(word)
    await page.get_by_label("Kind").select_option("gig")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("[data-search-results] tbody tr")).to_have_count(2)
    assert f"q={word}" in page.url
    assert "kind=gig" in page.url

    await page.goto(f"/opportunities?q={word}&page_size=1")
    await expect(page.locator("[data-search-results] tbody tr")).to_have_count(1)
    first = await page.locator("[data-search-results] tbody tr").inner_text()
    await page.get_by_role("link", name="Next page").click()
    await expect(page.locator("[data-search-results] tbody tr")).to_have_count(1)
    assert await page.locator("[data-search-results] tbody tr").inner_text() != first

    await page.goto("/opportunities?max_share_pct=500")
    await expect(page.locator('[data-field-error="max_share_pct"]')).not_to_be_empty()
    await expect(page.get_by_label("Most time share (%)")).to_have_attribute("aria-invalid", "true")


# --- the JSON API -------------------------------------------------------------


async def test_api_apply_is_idempotent_and_shows_in_my_applications(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    posting = await post_gig(system, unique("Idempotent gig"))
    emp1 = await api_as("emp1")
    request_id = str(uuid.uuid4())
    first = await apply_by_api(emp1, posting.opportunity_id, request_id=request_id, note="Hi")
    again = await apply_by_api(emp1, posting.opportunity_id, request_id=request_id, note="Hi")
    assert first.status_code == again.status_code == 201, first.text
    assert first.json()["application_id"] == again.json()["application_id"]
    assert first.json()["moves"] == ["withdrawn"]

    mine = (await emp1.get("/api/v1/applications")).json()["applications"]
    assert [a["application_id"] for a in mine].count(first.json()["application_id"]) == 1
    seen = (await emp1.get(f"/api/v1/opportunities/{posting.opportunity_id}")).json()
    assert seen["my_application"]["status"] == "submitted"
    assert seen["can_apply"] is False

    another = await apply_by_api(emp1, posting.opportunity_id)  # a new request, still active
    assert another.status_code == 409
    assert another.headers["content-type"].startswith("application/problem+json")


async def test_api_recommendations_explain_each_line(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    posting = await post_gig(system, unique("Explained gig"))
    emp1 = await api_as("emp1")
    found: dict[str, Any] = {}
    for _ in range(30):  # the person's profile reaches postings through Kafka
        reply = await emp1.get("/api/v1/opportunities/recommended", params={"limit": 100})
        assert reply.status_code == 200, reply.text
        found = {r["opportunity"]["opportunity_id"]: r for r in reply.json()["recommendations"]}
        if posting.opportunity_id in found:
            break
        await asyncio.sleep(0.5)  # a bounded wait for the event, not an assertion
    match = found[posting.opportunity_id]["match"]
    texts = [line["text"] for line in match["lines"]]
    assert any(t.startswith("Python (must-have): you 4, needed 3") for t in texts), texts
    assert round(sum(line["points"] for line in match["lines"]), 1) == match["score"]
    assert (await emp1.get("/api/v1/opportunities/recommended?limit=0")).status_code == 422


async def test_api_other_people_can_neither_read_nor_move_an_application(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    posting = await post_gig(system, unique("Private gig"))
    emp1 = await api_as("emp1")
    emp2 = await api_as("emp2")
    applied = await apply_by_api(emp1, posting.opportunity_id, confidential=True)
    assert applied.status_code == 201, applied.text
    application_id = applied.json()["application_id"]

    read = await emp2.get(f"/api/v1/applications/{application_id}")
    assert read.status_code in (403, 404)
    moved = await emp2.post(
        f"/api/v1/applications/{application_id}/moves", json={"status": "withdrawn"}
    )
    assert moved.status_code in (403, 404)
    assert moved.headers["content-type"].startswith("application/problem+json")
    assert application_id not in {
        a["application_id"] for a in (await emp2.get("/api/v1/applications")).json()["applications"]
    }

    own = await emp1.get(f"/api/v1/applications/{application_id}")
    assert own.json()["status"] == "submitted"
    assert own.json()["confidential"] is True
    withdrawn = await emp1.post(
        f"/api/v1/applications/{application_id}/moves", json={"status": "withdrawn"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["moves"] == []


async def test_api_bad_input_is_named_by_field(system: RunningSystem, api_as: ApiFactory) -> None:
    posting = await post_gig(system, unique("Strict gig"))
    emp1 = await api_as("emp1")
    too_long = await apply_by_api(emp1, posting.opportunity_id, note="x" * 2_001)
    assert too_long.status_code == 422
    assert "note" in problem_fields(too_long)
    no_request_id = await emp1.post(
        f"/api/v1/opportunities/{posting.opportunity_id}/applications", json={"note": "hi"}
    )
    assert "request_id" in problem_fields(no_request_id)

    unknown = await emp1.get("/api/v1/opportunities/no-such-posting")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert (await apply_by_api(emp1, "no-such-posting")).status_code == 404

    not_mine_to_make = await emp1.post(
        "/api/v1/applications/whatever/moves", json={"status": "offered"}
    )
    assert not_mine_to_make.status_code == 422
    assert "status" in problem_fields(not_mine_to_make)
    bad_search = await emp1.get("/api/v1/opportunities", params={"max_share_pct": 500})
    assert bad_search.status_code == 422
    assert "max_share_pct" in problem_fields(bad_search)
    bad_kind = await emp1.get("/api/v1/opportunities", params={"kind": "party"})
    assert "kind" in problem_fields(bad_kind)


async def test_api_search_filters_and_pages(system: RunningSystem, api_as: ApiFactory) -> None:
    word = f"okapi{uuid.uuid4().hex[:6]}"
    small = await post_gig(system, f"Small {word} gig", share_pct=10)
    await post_gig(system, f"Large {word} gig", share_pct=60)
    emp2 = await api_as("emp2")
    first = (await emp2.get("/api/v1/opportunities", params={"q": word, "page_size": 1})).json()
    assert len(first["opportunities"]) == 1
    assert first["next_page_token"]
    second = (
        await emp2.get(
            "/api/v1/opportunities",
            params={"q": word, "page_size": 1, "page": first["next_page_token"]},
        )
    ).json()
    ids = {o["opportunity_id"] for o in first["opportunities"] + second["opportunities"]}
    assert len(ids) == 2
    narrow = (
        await emp2.get(
            "/api/v1/opportunities", params={"q": word, "max_share_pct": 20, "kind": "gig"}
        )
    ).json()
    assert [o["opportunity_id"] for o in narrow["opportunities"]] == [small.opportunity_id]
    assert narrow["opportunities"][0]["skills"][0]["name"] == "Python"
    document = (await emp2.get("/api/openapi.json")).json()
    searched = {p["name"] for p in document["paths"]["/api/v1/opportunities"]["get"]["parameters"]}
    assert {"kind", "skills", "location", "max_share_pct", "q", "page"} <= searched
    assert "/api/v1/applications/{application_id}/moves" in document["paths"]


async def test_api_interest_interviews_request_list_and_cancel(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    slot_day = date.today() + timedelta(days=5)
    slots = [datetime.combine(slot_day, time(h), UTC).isoformat() for h in (10, 14)]
    posting = await system.postings.post(
        "interest_interview",
        "mdata",
        title=unique("Meet the Data team"),
        team="Data platform",
        department="Data",
        remote=True,
        interview_slots=slots,
    )
    emp1 = await api_as("emp1")
    emp2 = await api_as("emp2")
    offered = (await emp1.get(f"/api/v1/opportunities/{posting.opportunity_id}")).json()
    assert offered["can_request_interview"] is True
    assert offered["can_apply"] is False
    slot = offered["opportunity"]["interview_slots"][0]
    url = f"/api/v1/opportunities/{posting.opportunity_id}/interview-requests"

    wrong_slot = await emp1.post(url, json={"note": "Hello", "preferred_slot": "someday"})
    assert wrong_slot.status_code == 422
    assert "preferred_slot" in problem_fields(wrong_slot)
    too_long = await emp1.post(url, json={"note": "x" * 5_000})
    assert "note" in problem_fields(too_long)

    asked = await emp1.post(url, json={"note": "Curious about the team", "preferred_slot": slot})
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "requested"
    assert f"Preferred slot: {slot}" in asked.json()["note"]
    listed = (await emp1.get("/api/v1/interviews")).json()["interviews"]
    assert posting.opportunity_id in {i["interview_id"] for i in listed}

    others = await emp2.post(f"/api/v1/interviews/{posting.opportunity_id}/cancel")
    assert others.status_code in (403, 404)
    csrf = emp1.headers.pop("X-CSRF-Token")
    assert (
        await emp1.post(f"/api/v1/interviews/{posting.opportunity_id}/cancel")
    ).status_code == 403
    emp1.headers["X-CSRF-Token"] = csrf
    cancelled = await emp1.post(f"/api/v1/interviews/{posting.opportunity_id}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["may_cancel"] is False


async def test_my_applications_page_lets_the_applicant_withdraw(
    system: RunningSystem, api_as: ApiFactory, signed_in_page: PageFactory
) -> None:
    title = unique("Withdrawable gig")
    posting = await post_gig(system, title)
    emp2 = await api_as("emp2")
    assert (await apply_by_api(emp2, posting.opportunity_id)).status_code == 201
    page = await signed_in_page("emp2")
    await page.goto("/applications")
    row = page.locator("[data-applications] tr", has_text=title)
    await row.get_by_role("button", name=f"Withdraw: {title}").click()
    await expect(page.locator("p.notice")).to_contain_text("Application withdrawn")
    await expect(row.locator("[data-status]")).to_have_text("Withdrawn")
    await expect(row.get_by_role("button")).to_have_count(0)


async def test_a_bad_note_is_shown_beside_the_field_and_kept(
    system: RunningSystem, signed_in_page: PageFactory
) -> None:
    posting = await post_gig(system, unique("Careful gig"))
    page = await signed_in_page("emp2")
    await page.goto(f"/opportunities/{posting.opportunity_id}")
    request_id = await page.locator('input[name="request_id"]').input_value()
    await page.get_by_label("Note to the hiring manager (optional)").fill("y" * 2_001)
    await page.get_by_role("button", name="Apply", exact=True).click()
    note = page.get_by_label("Note to the hiring manager (optional)")
    await expect(note).to_have_attribute("aria-invalid", "true")
    await expect(page.locator('[data-field-error="note"]')).to_contain_text("2000")
    await expect(note).to_have_value("y" * 2_001)
    # The retry keeps the form's request id, so it cannot make a second application.
    assert await page.locator('input[name="request_id"]').input_value() == request_id
    await note.fill("Shorter now")
    await page.get_by_role("button", name="Apply", exact=True).click()
    await page.wait_for_url("**/applications**")
    await expect(page.locator("p.notice")).to_have_text("Applied")


async def test_employee_requests_an_interest_interview_in_the_browser(
    system: RunningSystem, signed_in_page: PageFactory
) -> None:
    slot = datetime.combine(date.today() + timedelta(days=6), time(9), UTC).isoformat()
    title = unique("Coffee with the Data team")
    posting = await system.postings.post(
        "interest_interview", "mdata", title=title, team="Data platform", interview_slots=[slot]
    )
    page = await signed_in_page("emp2")
    await page.goto(f"/opportunities/{posting.opportunity_id}")
    await expect(page.get_by_role("button", name="Apply", exact=True)).to_have_count(0)
    await page.get_by_label("Message to the host (optional)").fill("What do you build?")
    await page.get_by_label("Preferred slot (optional)").select_option(index=1)
    await page.get_by_role("button", name="Request an interest interview").click()
    await page.wait_for_url("**/applications**")
    row = page.locator("[data-interviews] tr", has_text=title)
    await expect(row).to_contain_text("Requested")
    await row.get_by_role("button", name=f"Cancel the interest interview: {title}").click()
    await expect(page.locator("p.notice")).to_contain_text("cancelled")
    await expect(row).to_contain_text("Cancelled")


async def offer(system: RunningSystem, application_id: str) -> None:
    """The hiring side's moves, made directly: they are the hiring helper's pages."""
    for status in ("shortlisted", "offered"):
        await system.postings.applications.MoveApplication(
            pb.MoveApplicationRequest(application_id=application_id, status=status),
            metadata=as_("mdata", "employee", "manager"),
        )


async def test_api_applicant_accepts_or_declines_an_offer(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    emp1 = await api_as("emp1")
    accepted_gig = await post_gig(system, unique("Offered gig"), share_pct=10)
    declined_gig = await post_gig(system, unique("Declined gig"), share_pct=10)
    first = (await apply_by_api(emp1, accepted_gig.opportunity_id)).json()["application_id"]
    second = (await apply_by_api(emp1, declined_gig.opportunity_id)).json()["application_id"]
    await offer(system, first)
    await offer(system, second)

    offered = (await emp1.get(f"/api/v1/applications/{first}")).json()
    assert offered["status"] == "offered"
    assert offered["moves"] == ["accepted", "declined", "withdrawn"]
    moves = f"/api/v1/applications/{first}/moves"
    accepted = await emp1.post(moves, json={"status": "accepted"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["release_status"] == "requested"  # a gig takes time from the team
    again = await emp1.post(moves, json={"status": "declined"})
    assert again.status_code == 409  # the offer is already accepted

    declined = await emp1.post(f"/api/v1/applications/{second}/moves", json={"status": "declined"})
    assert declined.json()["status"] == "declined"
