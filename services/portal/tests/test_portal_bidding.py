"""Stretch-assignment bidding in the portal: the journey in a real browser, and the
JSON API's authorization and validation, against the real bidding service."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect
from portal_fixtures import ApiFactory, PageFactory
from portal_harness import RunningSystem

from trellis.postings.v1 import postings_pb2 as ppb
from trellis_portal.features.bidding_forms import bid_violations_for_form, bids_from_form
from trellis_shared.errors import FieldViolation, InvalidArgument
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.e2e

WAIT_MS = 20_000  # events travel through Kafka on a busy 2-core machine
Screenshot = Callable[[Page, str], Awaitable[Path]]


async def stretch(system: RunningSystem, title: str, *, seats: int = 1, share_pct: int = 5) -> str:
    """A published stretch posting by mdata, once the bidding catalog knows it."""
    starts = date.today() + timedelta(days=30)
    posted = await system.postings.post(
        "stretch",
        "mdata",
        title=title,
        description=f"{title}: a stretch assignment next to your job",
        team="Data platform",
        department="Data",
        required_skills=[ppb.RequiredSkill(skill_id="python", min_level=3, must_have=True)],
        location="Berlin",
        remote=True,
        share_pct=share_pct,
        starts_on=starts.isoformat(),
        ends_on=(starts + timedelta(days=60)).isoformat(),
        seats=seats,
        deadline=(datetime.now(UTC) + timedelta(days=10)).isoformat(),
    )

    async def in_catalog() -> bool:
        return system.bidding.app.catalog.get(posted.opportunity_id) is not None

    await eventually(in_catalog, timeout_s=30)
    return posted.opportunity_id


async def known_bidders(system: RunningSystem, *people: str) -> None:
    """Bidding learns people (free time, manager) from profile snapshots."""

    async def all_known() -> bool:
        return all(system.bidding.app.bidders.get(p) is not None for p in people)

    await eventually(all_known, timeout_s=30)


def closes_in(hours: int = 2) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


async def open_round(hr: httpx.AsyncClient, assignment_ids: list[str], **terms: Any) -> str:
    body = {"title": "API round", "assignment_ids": assignment_ids, "closes_at": closes_in()}
    body.update(terms)
    opened = await hr.post("/api/v1/bidding/rounds", json=body)
    assert opened.status_code == 201, opened.text
    assert opened.json()["status"] == "open"
    round_id: str = opened.json()["round_id"]
    return round_id


def fields_of(reply: httpx.Response) -> dict[str, str]:
    assert reply.headers["content-type"].startswith("application/problem+json"), reply.text
    return {e["field"]: e["message"] for e in reply.json()["errors"]}


# --- the journey -------------------------------------------------------------


async def test_bidding_round_journey(
    system: RunningSystem, signed_in_page: PageFactory, keep_screenshot: Screenshot
) -> None:
    await stretch(system, "Lead the data catalogue")
    await stretch(system, "Run the SQL guild")
    await known_bidders(system, "emp1")

    # hr1 opens a round over both assignments with a budget of 100.
    hr = await signed_in_page("hr1")
    await hr.goto("/hr/rounds")
    await hr.get_by_label("Title").fill("Winter stretch round")
    await hr.get_by_label("Lead the data catalogue").check()
    await hr.get_by_label("Run the SQL guild").check()
    await hr.get_by_label("Budget (points per person)").fill("100")
    await hr.get_by_role("button", name="Open the round").click()
    await expect(hr.get_by_role("heading", level=1)).to_have_text("Winter stretch round")
    await expect(hr.locator("[data-round-status]")).to_have_text("open")
    round_url = hr.url

    # emp1 bids within the budget and sees the bar.
    emp = await signed_in_page("emp1")
    await emp.goto("/bidding")
    card = emp.get_by_role("listitem").filter(has_text="Winter stretch round").first
    await expect(card).to_contain_text("Lead the data catalogue")
    await emp.get_by_role("link", name="Bid in Winter stretch round").click()
    await expect(emp.get_by_role("img", name="0 of 100 points placed")).to_be_visible()
    await emp.get_by_label("Points for Lead the data catalogue").fill("30")
    await emp.get_by_label("Points for Run the SQL guild").fill("10")
    await emp.get_by_role("button", name="Save my bids").click()
    await expect(emp.get_by_role("status").filter(has_text="Saved 2 bids")).to_be_visible()
    await expect(emp.get_by_role("img", name="40 of 100 points placed")).to_be_visible()
    await expect(emp.get_by_text("40 of 100 points placed, 60 left.")).to_be_visible()

    # A set over the budget is refused inline; the typed input stays, nothing is lost.
    await emp.get_by_label("Points for Lead the data catalogue").fill("80")
    await emp.get_by_label("Points for Run the SQL guild").fill("40")
    # The page adds up the typed points as you go (the service still decides).
    await expect(emp.locator("[data-bid-total]")).to_have_text(
        "This set: 120 of 100 points, 20 over the budget"
    )
    await emp.get_by_role("button", name="Save my bids").click()
    await expect(emp.get_by_role("alert")).to_contain_text("over the budget of 100")
    await expect(emp.locator('[data-field-error="bids"]')).to_contain_text("120 points")
    await expect(emp.get_by_label("Points for Lead the data catalogue")).to_have_value("80")
    await expect(emp.get_by_label("Points for Run the SQL guild")).to_have_value("40")
    await expect(emp.get_by_role("img", name="40 of 100 points placed")).to_be_visible()
    await keep_screenshot(emp, "bidding-round-refused")
    bid_page = emp.url.removesuffix("/bids")  # the refused post's address
    await emp.goto(bid_page)  # coming back shows what is saved
    await expect(emp.get_by_label("Points for Lead the data catalogue")).to_have_value("30")
    await expect(emp.get_by_label("Points for Run the SQL guild")).to_have_value("10")

    # hr1 closes and clears the round and reads the report.
    await hr.goto(round_url)
    await hr.get_by_role("button", name="Close and clear now").click()
    await expect(hr.locator("[data-round-status]")).to_have_text("cleared", timeout=WAIT_MS)
    report = hr.locator("[data-report]")
    await expect(report.get_by_role("heading", name="Report")).to_be_visible()
    await expect(report).to_contain_text("emp1 (30 points)")
    await expect(report.get_by_role("row", name=re.compile("^Run the SQL guild"))).to_contain_text(
        "nobody"
    )
    await keep_screenshot(hr, "bidding-round-report")

    # emp1 sees the result and why.
    await emp.goto(bid_page)
    result = emp.locator("[data-result]")
    await expect(result).to_contain_text("You won: Lead the data catalogue")
    await expect(
        result.get_by_role("row", name=re.compile("^Lead the data catalogue"))
    ).to_contain_text("won")
    sql_row = result.get_by_role("row", name=re.compile("^Run the SQL guild"))
    await expect(sql_row).to_contain_text("not won")
    # A loss is explained in words, with titles rather than ids.
    await expect(sql_row.locator("td").nth(4)).to_contain_text("Lead the data catalogue")
    await expect(result).to_contain_text("Points returned")
    await expect(result.locator("dd").nth(0)).to_have_text("30")
    await expect(result.locator("dd").nth(1)).to_have_text("70")
    await keep_screenshot(emp, "bidding-round")


async def test_the_pages_work_at_phone_width_and_refuse_people_without_the_role(
    system: RunningSystem, signed_in_page: PageFactory, api_as: ApiFactory
) -> None:
    assignment = await stretch(system, "Draw the architecture map")
    round_id = await open_round(await api_as("hr1"), [assignment], title="Phone round")
    page = await signed_in_page("emp2", width=390, height=800)
    for url in ("/bidding", f"/bidding/rounds/{round_id}"):
        await page.goto(url)
        await expect(page.get_by_role("heading", level=1)).to_be_visible()
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"no sideways scrolling on a phone: {url}"
    await expect(page.get_by_label("Points for Draw the architecture map")).to_be_visible()
    # Without the role the pages say no (and the navigation does not offer them).
    await expect(page.get_by_role("link", name="HR")).to_have_count(0)
    refused = await page.goto("/hr/rounds")
    assert refused is not None
    assert refused.status == 403
    refused = await page.goto("/team/stretch-releases")
    assert refused is not None
    assert refused.status == 403


# --- the API: whose bids ------------------------------------------------------


async def test_bids_are_always_the_signed_in_persons_own(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    planning = await stretch(system, "Plan the offsite")
    hr, emp1, emp2 = await api_as("hr1"), await api_as("emp1"), await api_as("emp2")
    round_id = await open_round(hr, [planning])
    mine = f"/api/v1/bidding/rounds/{round_id}/my-bids"
    placed = await emp1.put(
        mine, json={"bids": [{"assignment_id": planning, "points": 30, "rank": 1}]}
    )
    assert placed.status_code == 200, placed.text
    assert placed.json()["employee_id"] == "emp1"
    wallet = placed.json()
    assert wallet["points_left"] == wallet["budget"] - 30  # budgets carry points over

    # emp2 only ever reads their own (empty) wallet, whatever they name.
    for url in (mine, f"{mine}?employee_id=emp1", f"{mine}?bidder=emp1"):
        seen = await emp2.get(url)
        assert seen.status_code == 200
        assert seen.json()["employee_id"] == "emp2"
        assert seen.json()["bids"] == []
    assert (await emp2.get(f"{mine}/emp1")).status_code in (404, 405)

    # Naming another bidder in the body is refused, not ignored.
    spoofed = await emp2.put(
        mine,
        json={"employee_id": "emp1", "bids": [{"assignment_id": planning, "points": 1, "rank": 1}]},
    )
    assert spoofed.status_code == 422
    assert "employee_id" in fields_of(spoofed)
    spoofed = await emp2.put(
        mine,
        json={"bids": [{"assignment_id": planning, "points": 1, "rank": 1, "employee_id": "emp1"}]},
    )
    assert spoofed.status_code == 422
    assert "bids.0.employee_id" in fields_of(spoofed)
    # emp2's own bid goes to emp2's wallet; emp1's stays as it was.
    own = await emp2.put(mine, json={"bids": [{"assignment_id": planning, "points": 5, "rank": 1}]})
    assert own.status_code == 200, own.text
    assert own.json()["employee_id"] == "emp2"
    after = (await emp1.get(mine)).json()
    assert after["bids"] == [{"assignment_id": planning, "points": 30, "rank": 1}]

    # A change without the CSRF header is refused.
    token = emp1.headers.pop("X-CSRF-Token")
    try:
        refused = await emp1.put(mine, json={"bids": []})
    finally:
        emp1.headers["X-CSRF-Token"] = token
    assert refused.status_code == 403
    assert (await emp1.get(mine)).json()["points_bid"] == 30

    # Results are sealed the same way: before clearing nobody has one.
    early = await emp1.get(f"/api/v1/bidding/rounds/{round_id}/my-result")
    assert early.status_code == 409
    assert (await hr.post(f"/api/v1/bidding/rounds/{round_id}/clear")).status_code == 200
    result = (await emp1.get(f"/api/v1/bidding/rounds/{round_id}/my-result")).json()
    assert result["employee_id"] == "emp1"
    assert result["awarded"] == [planning]  # 30 points beat emp2's 5
    other = (await emp2.get(f"/api/v1/bidding/rounds/{round_id}/my-result")).json()
    assert other["employee_id"] == "emp2"
    assert other["awarded"] == []
    assert other["outcomes"][0]["reason"]


# --- the API: who runs rounds ------------------------------------------------


async def test_only_hr_runs_rounds_and_reads_reports(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    catalogue = await stretch(system, "Tidy the catalogue")
    hr, emp1, mdata = await api_as("hr1"), await api_as("emp1"), await api_as("mdata")
    terms = {"title": "Not yours", "assignment_ids": [catalogue], "closes_at": closes_in()}
    for person in (emp1, mdata):
        refused = await person.post("/api/v1/bidding/rounds", json=terms)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
    round_id = await open_round(hr, [catalogue])
    for action in ("close", "clear", "cancel"):
        refused = await emp1.post(f"/api/v1/bidding/rounds/{round_id}/{action}")
        assert refused.status_code == 403, (action, refused.text)
    assert (await emp1.get(f"/api/v1/bidding/rounds/{round_id}/report")).status_code == 403
    detail = (await emp1.get(f"/api/v1/bidding/rounds/{round_id}")).json()
    assert detail["round"]["status"] == "open"  # nothing above changed the round
    assert [a["assignment_id"] for a in detail["assignments"]] == [catalogue]

    placed = await emp1.put(
        f"/api/v1/bidding/rounds/{round_id}/my-bids",
        json={"bids": [{"assignment_id": catalogue, "points": 25, "rank": 1}]},
    )
    assert placed.status_code == 200, placed.text
    closed = await hr.post(f"/api/v1/bidding/rounds/{round_id}/close")
    assert closed.status_code == 200
    assert closed.json()["status"] in ("closed", "clearing", "cleared")  # the sweep may clear
    cleared = await hr.post(f"/api/v1/bidding/rounds/{round_id}/clear")
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["status"] == "cleared"
    report = (await hr.get(f"/api/v1/bidding/rounds/{round_id}/report")).json()
    assert report["awards"] == 1
    assert report["awards_list"] == [
        {"assignment_id": catalogue, "employee_id": "emp1", "points": 25}
    ]
    assert report["per_assignment"][0]["seats_empty"] == 0
    assert report["envy"] == 0
    # Winners: the assignment's owner (mdata) sees them, another employee does not.
    winners = f"/api/v1/bidding/rounds/{round_id}/assignments/{catalogue}/winners"
    assert (await mdata.get(winners)).json()["winners"] == [{"employee_id": "emp1", "points": 25}]
    assert (await emp1.get(winners)).status_code == 403
    # A cleared round cannot be cancelled.
    assert (await hr.post(f"/api/v1/bidding/rounds/{round_id}/cancel")).status_code == 409
    listed = (await emp1.get("/api/v1/bidding/rounds")).json()["rounds"]
    assert round_id in [r["round_id"] for r in listed]
    document = (await emp1.get("/api/openapi.json")).json()
    assert "/api/v1/bidding/rounds/{round_id}/my-bids" in document["paths"]
    assert "/api/v1/bidding/rounds/{round_id}/report" in document["paths"]


# --- the API: bad input ---------------------------------------------------------


async def test_bad_bids_are_refused_with_field_details(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    first = await stretch(system, "Write the style guide")
    second = await stretch(system, "Mentor the interns")
    hr, emp1 = await api_as("hr1"), await api_as("emp1")
    round_id = await open_round(hr, [first, second])
    mine = f"/api/v1/bidding/rounds/{round_id}/my-bids"
    kept = await emp1.put(mine, json={"bids": [{"assignment_id": first, "points": 40, "rank": 1}]})
    assert kept.status_code == 200
    budget = kept.json()["budget"]  # 100 plus what earlier rounds carried over

    negative = await emp1.put(
        mine, json={"bids": [{"assignment_id": first, "points": -3, "rank": 1}]}
    )
    assert negative.status_code == 422
    assert "bids.0.points" in fields_of(negative)
    too_many = [{"assignment_id": f"opp-{i}", "points": 1, "rank": i + 1} for i in range(51)]
    refused = await emp1.put(mine, json={"bids": too_many})
    assert refused.status_code == 422
    assert "bids" in fields_of(refused)
    no_rank = await emp1.put(
        mine, json={"bids": [{"assignment_id": first, "points": 3, "rank": 0}]}
    )
    assert "bids.0.rank" in fields_of(no_rank)
    # The service's own rules come back with its field names.
    elsewhere = await emp1.put(
        mine,
        json={
            "bids": [
                {"assignment_id": first, "points": 10, "rank": 1},
                {"assignment_id": "opp-not-in-round", "points": 10, "rank": 1},
            ]
        },
    )
    assert elsewhere.status_code == 422
    fields = fields_of(elsewhere)
    assert "bids.1.assignment_id" in fields
    assert "bids.1.rank" in fields

    over = await emp1.put(
        mine,
        json={
            "bids": [
                {"assignment_id": first, "points": budget - 10, "rank": 1},
                {"assignment_id": second, "points": 20, "rank": 2},
            ]
        },
    )
    assert over.status_code in (409, 422)
    assert f"over the budget of {budget}" in fields_of(over)["bids"]
    # Every refused set left the saved one alone.
    assert (await emp1.get(mine)).json()["bids"] == [
        {"assignment_id": first, "points": 40, "rank": 1}
    ]

    unknown = await emp1.get("/api/v1/bidding/rounds/round-nope/my-bids")
    assert unknown.status_code == 404


async def test_bad_round_terms_are_refused_with_field_details(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    assignment = await stretch(system, "Run the hack week")
    hr = await api_as("hr1")
    rounds = "/api/v1/bidding/rounds"
    missing = await hr.post(rounds, json={"title": "No end", "assignment_ids": [assignment]})
    assert missing.status_code == 422
    assert "closes_at" in fields_of(missing)
    bad = await hr.post(
        rounds,
        json={
            "title": "Bad",
            "assignment_ids": [],
            "closes_at": closes_in(),
            "budget": 0,
            "mode": "lottery",
            "max_awards": 9,
        },
    )
    assert bad.status_code == 422
    assert {"assignment_ids", "budget", "mode", "max_awards"} <= set(fields_of(bad))
    # The service's checks: unknown assignments and a window already over.
    refused = await hr.post(
        rounds,
        json={
            "title": "Past",
            "assignment_ids": [assignment, "opp-nope"],
            "closes_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        },
    )
    assert refused.status_code == 422
    assert {"assignment_ids.1", "closes_at"} <= set(fields_of(refused))
    too_long = "x" * 101
    assert (await hr.post(f"{rounds}/{too_long}/clear")).status_code == 422


async def test_the_open_round_form_keeps_input_and_shows_errors(
    system: RunningSystem, signed_in_page: PageFactory, keep_screenshot: Screenshot
) -> None:
    await stretch(system, "Shadow the architects")
    page = await signed_in_page("hr1")
    await page.goto("/hr/rounds")
    await page.get_by_label("Title").fill("Spring round")
    await page.get_by_label("Budget (points per person)").fill("0")
    await page.get_by_role("button", name="Open the round").click()  # no assignment chosen
    await expect(page.locator('[data-field-error="assignment_ids"]')).not_to_be_empty()
    await expect(page.locator('[data-field-error="budget"]')).not_to_be_empty()
    await expect(page.get_by_label("Title")).to_have_value("Spring round")
    await expect(page.get_by_text("Deferred acceptance:")).to_be_visible()
    await expect(page.get_by_text("Maximum total points:")).to_be_visible()
    await keep_screenshot(page, "bidding-open-round-errors")


# --- the API and page: manager releases ---------------------------------------


async def test_managers_release_their_reports_time_and_only_theirs(
    system: RunningSystem, api_as: ApiFactory, signed_in_page: PageFactory
) -> None:
    assignment = await stretch(system, "Review the incident process")
    await known_bidders(system, "emp1", "emp2")
    hr, emp1, emp2 = await api_as("hr1"), await api_as("emp1"), await api_as("emp2")
    meng, mdata = await api_as("meng"), await api_as("mdata")
    round_id = await open_round(hr, [assignment], title="Release round")
    for person in (emp1, emp2):
        placed = await person.put(
            f"/api/v1/bidding/rounds/{round_id}/my-bids",
            json={"bids": [{"assignment_id": assignment, "points": 10, "rank": 1}]},
        )
        assert placed.status_code == 200, placed.text

    listed = (await meng.get("/api/v1/bidding/releases")).json()["requests"]
    here = {r["employee_id"]: r for r in listed if r["round_id"] == round_id}
    assert set(here) == {"emp1", "emp2"}
    assert here["emp1"]["status"] == "requested"
    assert "bids" not in here["emp1"]
    assert "points" not in str(here["emp1"])
    assert [
        r
        for r in (await mdata.get("/api/v1/bidding/releases")).json()["requests"]
        if r["round_id"] == round_id
    ] == []

    approve = f"/api/v1/bidding/releases/{round_id}/emp1/approve"
    for stranger in (emp2, mdata):
        refused = await stranger.post(approve)
        assert refused.status_code in (403, 404), refused.text
    assert (
        await meng.post(f"/api/v1/bidding/releases/{round_id}/{'x' * 65}/approve")
    ).status_code == 422
    approved = await meng.post(approve)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == "meng"

    # The same through the page: meng releases emp2.
    page = await signed_in_page("meng")
    await page.goto("/team/stretch-releases")
    row = page.get_by_role("row").filter(has_text="Release round").filter(has_text="emp2")
    await row.get_by_role("button", name="Release emp2 now").click()
    await expect(page.get_by_role("status").filter(has_text="Released emp2")).to_be_visible()
    wallet = (await emp2.get(f"/api/v1/bidding/rounds/{round_id}/my-bids")).json()
    assert wallet["release_status"] == "approved"


# --- the bid form's reading, without services -----------------------------------


def test_the_bid_form_ranks_unranked_bids_by_points_around_given_preferences() -> None:
    form = {
        "points-a": "10",
        "points-b": "50",
        "rank-b": "",
        "points-c": "30",
        "rank-c": "1",
        "points-d": "0",
        "rank-d": "4",
        "points-e": "",
    }
    bids = bids_from_form(form, ["a", "b", "c", "d", "e"])
    assert [(b.assignment_id, b.points, b.rank) for b in bids] == [
        ("a", 10, 3),
        ("b", 50, 2),
        ("c", 30, 1),
    ]
    with pytest.raises(InvalidArgument) as caught:
        bids_from_form({"points-a": "ten", "points-b": "5", "rank-b": "x"}, ["a", "b"])
    assert [v.field for v in caught.value.violations] == ["points-a", "rank-b"]


def test_service_violations_are_put_beside_the_inputs_they_are_about() -> None:
    sent = bids_from_form({"points-a": "-3", "points-b": "60"}, ["a", "b"])
    renamed = bid_violations_for_form(
        [
            FieldViolation("bids.0.points", "points must be at least 1, got -3"),
            FieldViolation("bids.1.rank", "rank taken"),
            FieldViolation("bids", "bids total 60 points, over the budget of 50"),
        ],
        sent,
    )
    assert [(v.field, v.description) for v in renamed] == [
        ("points-a", "points must be at least 1, got -3"),
        ("rank-b", "rank taken"),
        ("bids", "bids total 60 points, over the budget of 50"),
    ]
