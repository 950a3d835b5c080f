"""Postings journeys in a real browser, each person signed in through the form:

- secondment-confidential: a hiring manager posts a secondment, an employee
  applies confidentially, their own manager cannot find it anywhere until the
  offer discloses it (HR sees the disclosure), then releases the time;
- interest-interview: an employee asks for a conversation and the host
  schedules it at one of the offered slots.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, expect
from portal_fixtures import PageFactory

pytestmark = pytest.mark.e2e

Screenshot = Callable[[Page, str], Awaitable[Path]]
EVENTUAL_MS = 20_000  # what arrives through Kafka gets this long
POSTING_URL = re.compile(r"/manage/(opp-[0-9a-f]+)")


async def reload_until_present(page: Page, url: str, locator: Locator) -> None:
    """Pages render on request: reload until what another service sends is there."""
    deadline = datetime.now(UTC) + timedelta(milliseconds=EVENTUAL_MS)
    while datetime.now(UTC) < deadline:
        await page.goto(url)
        if await locator.count():
            return
        await page.wait_for_timeout(500)


def opportunity_id_of(page: Page) -> str:
    found = POSTING_URL.search(page.url)
    assert found is not None, page.url
    return found.group(1)


async def test_secondment_with_a_confidential_application(
    signed_in_page: PageFactory, keep_screenshot: Screenshot
) -> None:
    title = "Secondment to the data platform"
    starts = date.today() + timedelta(days=30)

    # The hiring manager posts a secondment through the form.
    mdata = await signed_in_page("mdata")
    await mdata.goto("/manage")
    await mdata.get_by_role("link", name="Secondment", exact=True).click()
    await expect(mdata.get_by_role("heading", level=1)).to_have_text(
        "Post an opportunity: Secondment"
    )
    await mdata.get_by_label("Title").fill(title)
    await mdata.get_by_label("Description").fill("Three months building pipelines with us.")
    await mdata.get_by_label("Team", exact=True).fill("Data Platform")
    await mdata.get_by_label("Department").fill("Data")
    await mdata.get_by_label("Share of time (%)").fill("40")
    await mdata.get_by_label("Starts on").fill(starts.isoformat())
    await mdata.get_by_label("Ends on").fill((starts + timedelta(days=90)).isoformat())
    await mdata.get_by_label("Host team").fill("Data Platform")
    await mdata.get_by_label("Home team").fill("Engineering")
    await mdata.get_by_label("Returns on").fill((starts + timedelta(days=91)).isoformat())
    await mdata.get_by_label("Backfill").fill("The team shares the on-call rota.")
    await mdata.get_by_label("Skill 1", exact=True).fill("python")
    await mdata.get_by_label("Minimum level for skill 1").select_option("3")
    await mdata.get_by_label("Skill 1 is a must-have").check()
    await mdata.get_by_label("Skill 2", exact=True).fill("sql")
    await mdata.get_by_label("Minimum level for skill 2").select_option("2")
    await mdata.get_by_role("button", name="Publish now").click()
    await expect(mdata.locator(".notice")).to_contain_text(f"Published: {title}")
    opportunity_id = opportunity_id_of(mdata)
    await expect(mdata.locator("[data-posting-status]")).to_have_text("open")

    # The employee finds it recommended, with why, and applies confidentially.
    emp1 = await signed_in_page("emp1")
    card = emp1.locator(f"[data-recommendations] [data-opportunity='{opportunity_id}']")
    await reload_until_present(emp1, "/opportunities", card)
    await expect(card.locator("[data-explanation] li").first).to_be_visible()
    await card.get_by_role("link", name=title).click()
    await emp1.get_by_label("Apply confidentially").check()
    await emp1.get_by_role("button", name="Apply", exact=True).click()
    await expect(emp1.locator(".notice")).to_have_text("Applied confidentially")
    row = emp1.locator("tr[data-application]", has_text=title)
    application_id = await row.get_attribute("data-application")
    assert application_id is not None

    # Their own manager cannot find it anywhere.
    meng = await signed_in_page("meng")
    await meng.goto(f"/manage/{opportunity_id}")
    await expect(meng.get_by_text("Only the posting's hiring manager and HR")).to_be_visible()
    await expect(meng.locator("[data-application]")).to_have_count(0)
    await meng.goto(f"/opportunities/{opportunity_id}")
    await expect(meng.get_by_role("heading", level=1)).to_have_text(title)
    await expect(meng.get_by_text("Emp1")).to_have_count(0)
    await meng.goto("/team/releases")
    await expect(meng.get_by_text("No releases are waiting on you")).to_be_visible()
    direct = await meng.request.get(f"/api/v1/applications/{application_id}")
    assert direct.status == 404
    hiring_view = await meng.request.get(f"/api/v1/postings/{opportunity_id}/applications")
    assert hiring_view.status in (403, 404)

    # The hiring manager sees the applicant ranked with an explanation and moves on.
    await mdata.goto(f"/manage/{opportunity_id}")
    applicant = mdata.locator(f"[data-application='{application_id}']")
    await expect(applicant.get_by_role("heading", name=re.compile("Emp1"))).to_be_visible()
    await expect(applicant.get_by_text("confidential", exact=True)).to_be_visible()
    await applicant.get_by_text("Why this score").click()
    await expect(applicant.locator(".explain li").first).to_be_visible()
    await applicant.get_by_label("Private note with the move (Emp1)").fill("great python")
    await applicant.get_by_role("button", name="Shortlist: Emp1").click()
    await expect(mdata.locator(".notice")).to_have_text("Emp1: shortlisted")
    await expect(applicant.get_by_text("great python")).to_be_visible()
    await applicant.get_by_role("button", name="Make an offer: Emp1").click()
    await expect(mdata.locator(".notice")).to_have_text("Emp1: offered")
    await expect(applicant.locator("[data-application-status]")).to_have_text("offered")

    # The offer disclosed it: HR sees the audit entry.
    hr = await signed_in_page("hr1")
    await hr.goto("/hr/audit")
    entry = hr.locator(f"tr[data-disclosure='{application_id}']")
    await expect(entry).to_contain_text("meng")
    await expect(entry).to_contain_text("offered")
    await expect(entry).to_contain_text("mdata")

    # The employee accepts; the release waits on their manager, who approves it.
    await emp1.goto("/applications")
    await row.get_by_role("button", name=f"Accept the offer: {title}").click()
    await expect(emp1.locator(".notice")).to_have_text("Offer accepted")
    await expect(row).to_contain_text("Waiting for your manager to release your time")
    await meng.goto("/team/releases")
    release = meng.locator(f"tr[data-release='{application_id}']")
    await expect(release).to_contain_text(title)
    await expect(meng.get_by_text("You cannot refuse")).to_be_visible()
    await release.get_by_role("button", name="Approve the release of Emp1").click()
    await expect(meng.locator(".notice")).to_have_text(f"Released Emp1 for {title}")
    await expect(meng.locator("tr[data-release]")).to_have_count(0)
    await emp1.goto("/applications")
    await expect(row).to_contain_text("Time released by your manager")
    await keep_screenshot(meng, "secondment-confidential")


async def test_interest_interview_is_scheduled_at_an_offered_slot(
    signed_in_page: PageFactory, keep_screenshot: Screenshot
) -> None:
    title = "Coffee chats with Data"
    day = (datetime.now(UTC) + timedelta(days=7)).date()
    first, second = f"{day}T10:00", f"{day}T14:30"

    mdata = await signed_in_page("mdata")
    await mdata.goto("/manage/new?kind=interest_interview")
    await mdata.get_by_label("Title").fill(title)
    await mdata.get_by_label("Team", exact=True).fill("Data Platform")
    await mdata.get_by_label("Slot 1", exact=True).fill(first)
    await mdata.get_by_label("Slot 2", exact=True).fill(second)
    await mdata.get_by_role("button", name="Publish now").click()
    await expect(mdata.locator(".notice")).to_contain_text(f"Published: {title}")
    opportunity_id = opportunity_id_of(mdata)
    await expect(mdata.get_by_text("No requests yet")).to_be_visible()

    emp2 = await signed_in_page("emp2")
    await emp2.goto(f"/opportunities/{opportunity_id}")
    await emp2.get_by_label("Message to the host (optional)").fill("How do you run pipelines?")
    await emp2.get_by_role("button", name="Request an interest interview").click()
    await expect(emp2.locator(".notice")).to_have_text("Interest interview requested")
    mine = emp2.locator("[data-interviews] tbody tr", has_text=title)
    await expect(mine).to_contain_text("Requested")

    await mdata.goto(f"/manage/{opportunity_id}")
    request = mdata.locator("[data-interview='emp2']")
    await expect(request.locator("[data-interview-status]")).to_have_text("requested")
    await expect(request).to_contain_text("How do you run pipelines?")
    await request.get_by_label("Slot for Emp2").select_option(label=f"{day} 14:30 UTC")
    await request.get_by_role("button", name="Schedule at this slot").click()
    await expect(mdata.locator(".notice")).to_contain_text(f"Scheduled emp2 at {day} 14:30")
    await expect(request.locator("[data-interview-status]")).to_have_text("scheduled")
    await expect(request.locator("[data-interview-slot]")).to_have_text(f"{day} 14:30 UTC")

    await emp2.goto("/applications")
    await expect(mine).to_contain_text("Scheduled")
    await expect(mine).to_contain_text(f"{day} 14:30 UTC")
    await keep_screenshot(emp2, "interest-interview")


async def test_the_posting_form_fits_a_phone(signed_in_page: PageFactory) -> None:
    mdata = await signed_in_page("mdata", width=390, height=844)
    await mdata.goto("/manage/new?kind=secondment")
    await expect(mdata.get_by_label("Host team")).to_be_visible()
    overflow = await mdata.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 390, "nothing scrolls sideways at 390px"
    # Keyboard only: the first form control is reachable and shows focus.
    await mdata.get_by_label("Title").focus()
    await mdata.keyboard.press("Tab")
    await expect(mdata.get_by_label("Description")).to_be_focused()
