"""Refresh the README's screenshots from a running demo (`make run` first).

    uv run --frozen python scripts/screenshots.py [--url http://localhost:8000]

Signs in as the demo people the sign-in page offers (by what they are good
for) in Debian's Chromium and saves docs/screenshots/*.png.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM = os.environ.get("TRELLIS_CHROMIUM", "/usr/bin/chromium")


async def personas(page: Page, base: str) -> dict[str, str]:
    """Employee id by role in the demo: hr, hiring, employee, manager."""
    await page.goto(f"{base}/signin")
    found: dict[str, str] = {}
    for card in await page.locator(".personas .card").all():
        text = await card.inner_text()
        employee_id = await card.locator('input[name="employee_id"]').get_attribute("value")
        if not employee_id:
            continue
        for role, clue in (
            ("hr", "HR:"),
            ("hiring", "hiring manager of"),
            ("employee", "fits “"),
            ("manager", "'s manager"),
        ):
            if clue in text:
                found.setdefault(role, employee_id)
    return found


async def signed_in(browser: Browser, base: str, employee_id: str, width: int = 1280) -> Page:
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    await page.goto(f"{base}/signin")
    await page.get_by_label("Employee id").fill(employee_id)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await page.wait_for_url(re.compile(r"^(?!.*/signin).*$"))
    return page


async def shoot(page: Page, path: str, name: str) -> None:
    await page.goto(path)
    await page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    print(f"saved docs/screenshots/{name}.png ({path})")


async def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        first = await browser.new_page()
        people = await personas(first, base)
        await first.screenshot(path=str(OUT / "signin.png"), full_page=True)
        print(f"saved docs/screenshots/signin.png; demo people: {people}")
        employee = await signed_in(browser, base, people["employee"])
        await shoot(employee, f"{base}/opportunities", "recommended")
        link = employee.locator("main a[href^='/opportunities/']").first
        href = await link.get_attribute("href")
        if href:
            await shoot(employee, f"{base}{href}", "opportunity")
        await shoot(employee, f"{base}/bidding", "bidding")
        await shoot(employee, f"{base}/mentorship", "mentorship")
        phone = await signed_in(browser, base, people["employee"], width=390)
        await shoot(phone, f"{base}/opportunities", "recommended-phone")
        hiring = await signed_in(browser, base, people["hiring"])
        await shoot(hiring, f"{base}/manage", "hiring")
        hr = await signed_in(browser, base, people["hr"])
        await shoot(hr, f"{base}/hr", "hr")
        await shoot(hr, f"{base}/hr/cycles", "hr-cycles")
        await browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://localhost:8000")
    asyncio.run(main(parser.parse_args().url.rstrip("/")))
