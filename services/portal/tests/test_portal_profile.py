"""Profiles in the portal: my profile, endorsements by the manager, HR's import.

Journeys run in a real browser like a person would; the JSON API is checked
for who may do what and for bad input. All tests share one running system
(module scope), so each uses people and skills the others leave alone:
emp1's Python/Terraform and visibility (browser), emp1's SQL (endorsement),
emp2's aspirations (browser) and visibility (API), dsenior's aspirations (API),
new people with their own ids (imports).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Locator, Page, expect
from portal_fixtures import ApiFactory, PageFactory
from portal_harness import RunningSystem
from profiles_harness import HR

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis_portal.adapters.import_jobs import MongoImportJobs
from trellis_portal.features.profile_import import BATCH, batches

pytestmark = pytest.mark.e2e
Screenshot = Callable[[Page, str], Awaitable[Path]]
SLOW = 20_000  # ms: the machine is shared; Kafka-driven updates take their time


def fields_of(reply: httpx.Response) -> list[str]:
    assert reply.headers["content-type"].startswith("application/problem+json"), reply.text
    return [error["field"] for error in reply.json()["errors"]]


async def finished_import(client: httpx.AsyncClient, job_id: str) -> dict[str, Any]:
    """Polls the job until it says it has finished (bounded, so a hang fails)."""
    for _ in range(300):
        progress = (await client.get(f"/api/v1/imports/{job_id}")).json()
        if progress["finished"]:
            return dict(progress)
        await asyncio.sleep(0.2)
    raise AssertionError(f"the import {job_id} did not finish: {progress}")


# --- in the browser ----------------------------------------------------------


def nav(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


async def test_employee_adds_a_skill_changes_a_level_and_the_visibility(
    signed_in_page: PageFactory, system: RunningSystem
) -> None:
    page = await signed_in_page("emp1")
    await nav(page, "My profile").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("My profile")

    # The autocomplete offers taxonomy skills while typing.
    skill = page.get_by_label("Skill", exact=True)
    await skill.press_sequentially("terra", delay=50)
    await expect(page.locator("datalist option[value='terraform']")).to_have_count(1)
    await skill.fill("terraform")
    await page.get_by_label("Level", exact=True).select_option("3")
    await page.get_by_role("button", name="Add skill").click()
    await expect(page.locator(".notice")).to_contain_text("Added terraform at level 3")

    await page.get_by_label("Level of Python").select_option("5")
    await page.get_by_role("button", name="Save skill levels").click()
    await expect(page.locator(".notice")).to_contain_text("Your skills are saved")

    await page.get_by_label("Managers", exact=True).check()
    await page.get_by_role("button", name="Save availability and visibility").click()
    await expect(page.locator(".notice")).to_contain_text("visibility are saved")

    await page.reload()
    await expect(page.locator("tr[data-skill='terraform']")).to_contain_text("Terraform")
    await expect(page.get_by_label("Level of Terraform")).to_have_value("3")
    await expect(page.get_by_label("Level of Python")).to_have_value("5")
    await expect(page.get_by_label("Managers", exact=True)).to_be_checked()
    # Saved in profiles itself, not only shown.
    stored = await system.profiles.profiles.GetProfile(
        pb.GetProfileRequest(employee_id="emp1"), metadata=HR
    )
    assert stored.profile.visibility == "managers"
    assert {s.skill_id: s.level for s in stored.profile.skills}["terraform"] == 3


async def test_a_refused_change_shows_its_error_beside_the_field(
    signed_in_page: PageFactory,
) -> None:
    page = await signed_in_page("emp1")
    await page.goto("/profile")
    await page.get_by_label("Skill", exact=True).fill("underwater basket weaving")
    await page.get_by_role("button", name="Add skill").click()
    await expect(page.locator("#f-skill-error")).to_contain_text("not in the skills taxonomy")
    await expect(page.get_by_label("Skill", exact=True)).to_have_value("underwater basket weaving")


async def test_the_manager_endorses_a_skill_and_the_employee_sees_it(
    signed_in_page: PageFactory, keep_screenshot: Screenshot
) -> None:
    manager = await signed_in_page("meng")
    await nav(manager, "My team").click()
    await expect(manager.locator("tr[data-report='emp1']")).to_be_visible()
    await manager.get_by_role("link", name="Endorse skills").click()
    await manager.get_by_label("Level to endorse for Emp1's SQL").select_option("4")
    await manager.get_by_role("button", name="Endorse Emp1's SQL").click()
    await expect(manager.locator(".notice")).to_contain_text("Endorsed SQL at level 4 for Emp1")
    await keep_screenshot(manager, "team-skills")

    employee = await signed_in_page("emp1")
    await employee.goto("/profile")
    sql = employee.locator("tr[data-skill='sql']")
    await expect(sql).to_contain_text("endorsed by the manager")
    await expect(sql).to_contain_text("by meng")
    await expect(employee.get_by_label("Level of SQL")).to_have_value("4")
    await keep_screenshot(employee, "profile")


@pytest.fixture
async def jobs_in_mongo(system: RunningSystem) -> AsyncIterator[MongoImportJobs]:
    """Import progress in the portal's own database, as bootstrap would wire it for
    several replicas (without it the portal keeps jobs in memory)."""
    portal = system.portal
    jobs = MongoImportJobs(portal.mongo[portal.settings.portal_database]["import_jobs"])
    await jobs.ensure_indexes()
    before = portal.state.extras.get("import_jobs")
    portal.state.extras["import_jobs"] = jobs
    yield jobs
    if before is None:
        portal.state.extras.pop("import_jobs", None)
    else:
        portal.state.extras["import_jobs"] = before


async def test_hr_imports_an_organisation_file_and_sees_the_rejected_row(
    signed_in_page: PageFactory,
    keep_screenshot: Screenshot,
    system: RunningSystem,
    jobs_in_mongo: MongoImportJobs,
) -> None:
    people = [
        {"employee_id": "imp-lead", "name": "Ima Lead", "email": "lead@example.com",
         "level": 7, "ladder": "manager", "department": "Design", "manager_id": "ceo",
         "skills": "Figma:4; UX research:3"},
        {"employee_id": "imp-bad", "name": "Bad Row", "email": "bad@example.com",
         "level": 40, "manager_id": "imp-lead"},
        {"employee_id": "imp-dev", "name": "Ima Dev", "email": "dev@example.com",
         "level": 3, "manager_id": "imp-lead", "skills": [{"skill": "python", "level": 2}]},
    ]  # fmt: skip
    page = await signed_in_page("hr1")
    await nav(page, "HR").click()
    await page.get_by_role("link", name="Import the organisation").click()
    await page.get_by_label("Organisation file").set_input_files(
        {"name": "org.json", "mimeType": "application/json", "buffer": json.dumps(people).encode()}
    )
    await page.get_by_role("button", name="Import").click()
    await expect(page.locator("[data-import-finished]")).to_contain_text(
        "Finished: 2 created or changed", timeout=SLOW
    )
    rejected = page.locator("tr[data-rejected-line='2']")
    await expect(rejected).to_contain_text("imp-bad")
    await expect(rejected).to_contain_text("level")
    await keep_screenshot(page, "hr-import")

    imported = await system.profiles.profiles.GetProfile(
        pb.GetProfileRequest(employee_id="imp-dev"), metadata=HR
    )
    assert imported.profile.org.manager_id == "imp-lead"
    assert [(s.skill_id, s.level) for s in imported.profile.skills] == [("python", 2)]
    # The progress the page showed was read back from the portal's database.
    job_id = page.url.split("?", 1)[0].rsplit("/", 1)[-1]
    stored = await jobs_in_mongo.find(job_id)
    assert stored is not None
    assert (stored.finished, stored.done, stored.total) == (True, 3, 3)
    assert [(r.line, r.employee_id) for r in stored.rejections] == [(2, "imp-bad")]


async def test_an_employee_states_aspirations_with_skill_names(
    signed_in_page: PageFactory,
) -> None:
    page = await signed_in_page("emp2")
    await page.goto("/profile")
    await page.get_by_label("Roles I am aiming for").fill("Staff Engineer")
    await page.get_by_label("Skills I want to develop").fill("k8s, Python")
    await page.get_by_label("Career ladder I prefer").select_option("manager")
    await page.get_by_role("button", name="Save aspirations").click()
    await expect(page.locator(".notice")).to_contain_text("Your aspirations are saved")
    await page.reload()
    # Names and aliases are stored as taxonomy ids.
    await expect(page.get_by_label("Skills I want to develop")).to_have_value("kubernetes, python")
    await expect(page.get_by_label("Roles I am aiming for")).to_have_value("Staff Engineer")
    await expect(page.get_by_label("Career ladder I prefer")).to_have_value("manager")


async def test_the_profile_page_fits_a_phone(
    signed_in_page: PageFactory, keep_screenshot: Screenshot
) -> None:
    page = await signed_in_page("emp2", width=390, height=844)
    await page.goto("/profile")
    await expect(page.get_by_role("button", name="Add skill")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px screen"
    await keep_screenshot(page, "profile-390")


# --- the JSON API ------------------------------------------------------------


async def test_skill_search_answers_the_autocomplete(api_as: ApiFactory) -> None:
    client = await api_as("emp2")
    found = (await client.get("/api/v1/skills", params={"q": "k8s"})).json()["skills"]
    assert found[0] == {
        "skill_id": "kubernetes",
        "name": "Kubernetes",
        "category": found[0]["category"],
    }
    too_long = await client.get("/api/v1/skills", params={"q": "x" * 101})
    assert too_long.status_code == 422
    assert fields_of(too_long) == ["q"]


async def test_my_profile_and_who_may_read_someone_else(api_as: ApiFactory) -> None:
    emp2 = await api_as("emp2")
    mine = (await emp2.get("/api/v1/profile")).json()
    assert mine["employee_id"] == "emp2"
    assert {s["skill_id"]: s["level"] for s in mine["skills"]} == {"python": 2, "go": 3}
    hidden = await emp2.put(
        "/api/v1/profile/preferences",
        json={"availability": {"share_free_pct": 30}, "visibility": "hidden"},
    )
    assert hidden.status_code == 200, hidden.text
    assert hidden.json()["visibility"] == "hidden"

    colleague = await api_as("emp1")
    assert (await colleague.get("/api/v1/profiles/emp2")).status_code == 404
    manager = await api_as("meng")
    seen = await manager.get("/api/v1/profiles/emp2")
    assert seen.status_code == 200
    assert seen.json()["availability"]["share_free_pct"] == 30


async def test_nobody_changes_someone_elses_profile(api_as: ApiFactory) -> None:
    emp2 = await api_as("emp2")
    skills = await emp2.put(
        "/api/v1/profiles/emp1/skills", json={"set": [{"skill_id": "python", "level": 1}]}
    )
    assert skills.status_code == 403
    preferences = await emp2.put("/api/v1/profiles/emp1/preferences", json={"visibility": "hidden"})
    assert preferences.status_code == 403
    aspirations = await emp2.put("/api/v1/profiles/emp1/aspirations", json={"interests": ["x"]})
    assert aspirations.status_code == 403


async def test_only_the_direct_manager_endorses(api_as: ApiFactory) -> None:
    body = {"skill_id": "python", "level": 3}
    colleague = await api_as("emp2")
    refused = await colleague.post("/api/v1/profiles/emp1/endorsements", json=body)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    skip_level = await api_as("ceo")
    assert (
        await skip_level.post("/api/v1/profiles/emp1/endorsements", json=body)
    ).status_code == 403
    manager = await api_as("meng")
    bad_level = await manager.post(
        "/api/v1/profiles/emp1/endorsements", json={"skill_id": "python", "level": 0}
    )
    assert bad_level.status_code == 422
    assert fields_of(bad_level) == ["level"]


async def test_bad_skill_changes_are_422_with_the_field(api_as: ApiFactory) -> None:
    client = await api_as("emp2")
    too_high = await client.put(
        "/api/v1/profile/skills", json={"set": [{"skill_id": "python", "level": 9}]}
    )
    assert too_high.status_code == 422
    assert fields_of(too_high) == ["set.0.level"]
    unknown = await client.put(
        "/api/v1/profile/skills", json={"set": [{"skill_id": "no-such-skill", "level": 3}]}
    )
    assert unknown.status_code == 422
    assert fields_of(unknown) == ["skills"]
    assert "no-such-skill" in unknown.json()["errors"][0]["message"]


async def test_aspirations_through_the_api(api_as: ApiFactory) -> None:
    client = await api_as("dsenior")
    saved = await client.put(
        "/api/v1/profile/aspirations",
        json={"target_roles": ["Data Lead"], "skills_to_develop": ["kubernetes"]},
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["aspirations"]["skills_to_develop"] == ["kubernetes"]
    bad = await client.put("/api/v1/profile/aspirations", json={"ladder_preference": "astronaut"})
    assert bad.status_code == 422
    assert fields_of(bad) == ["aspirations.ladder_preference"]
    too_many = await client.put("/api/v1/profile/aspirations", json={"interests": ["x"] * 21})
    assert too_many.status_code == 422
    assert fields_of(too_many) == ["interests"]


async def test_profile_endpoints_are_documented(system: RunningSystem) -> None:
    async with httpx.AsyncClient(base_url=system.url) as client:
        paths = (await client.get("/api/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/skills",
        "/api/v1/profile",
        "/api/v1/profiles/{employee_id}",
        "/api/v1/profile/skills",
        "/api/v1/profile/aspirations",
        "/api/v1/profile/preferences",
        "/api/v1/profiles/{employee_id}/endorsements",
        "/api/v1/imports",
        "/api/v1/imports/{job_id}",
    ):
        assert path in paths, path


async def test_bad_preferences_are_422_with_the_field(api_as: ApiFactory) -> None:
    client = await api_as("emp2")
    reply = await client.put(
        "/api/v1/profile/preferences",
        json={"availability": {"share_free_pct": 150}, "visibility": "friends"},
    )
    assert reply.status_code == 422
    assert sorted(fields_of(reply)) == ["availability.share_free_pct", "visibility"]
    stale = await client.put(
        "/api/v1/profile/preferences", json={"visibility": "hidden", "expected_version": 1}
    )
    assert stale.status_code == 409


async def test_only_hr_imports(api_as: ApiFactory) -> None:
    employee = await api_as("emp1")
    upload = {"file": ("org.csv", b"employee_id,name,email\nx1,X,x@example.com\n", "text/csv")}
    assert (await employee.post("/api/v1/imports", files=upload)).status_code == 403
    assert (await employee.get("/api/v1/imports/anything")).status_code == 403
    assert (await employee.get("/hr/import")).status_code == 403
    assert (await employee.get("/hr")).status_code == 403


async def test_hr_imports_csv_through_the_api(api_as: ApiFactory, system: RunningSystem) -> None:
    hr = await api_as("hr1")
    csv_file = (
        "employee_id,name,email,level,manager_id,skills\n"
        "csv-dev,Cee Dev,cdev@example.com,3,csv-lead,Python:3; k8s:2\n"
        "csv-lead,Cee Lead,clead@example.com,6,ceo,\n"
        "csv-odd,Odd,odd@example.com,3,csv-lead,Underwater basket weaving:2\n"
        "csv-dev,Cee Again,again@example.com,4,csv-lead,\n"
        "csv-typo,Typo,typo@example.com,senior,csv-lead,\n"
    )
    started = await hr.post("/api/v1/imports", files={"file": ("org.csv", csv_file, "text/csv")})
    assert started.status_code == 202, started.text
    progress = await finished_import(hr, started.json()["job_id"])
    assert progress["total"] == 5
    assert progress["done"] == 5
    assert progress["created_or_changed"] == 2
    # The people's rules are the service's, worded by it; the portal only says
    # what it could not read.
    assert progress["rejections"] == [
        {"line": 4, "employee_id": "csv-odd",
         "reason": "unknown skill ids: Underwater basket weaving"
                   " [skills: unknown skill id 'Underwater basket weaving']"},
        {"line": 5, "employee_id": "csv-dev", "reason": "duplicate of line 2"},
        {"line": 6, "employee_id": "csv-typo", "reason": "level 'senior' is not a whole number"},
    ]  # fmt: skip
    first = await system.profiles.profiles.GetProfile(
        pb.GetProfileRequest(employee_id="csv-dev"), metadata=HR
    )
    assert first.profile.org.name == "Cee Dev"  # the repeat on line 5 was not applied
    assert {(s.skill_id, s.level) for s in first.profile.skills} == {
        ("python", 3),
        ("kubernetes", 2),
    }
    again = await hr.post("/api/v1/imports", files={"file": ("org.csv", csv_file, "text/csv")})
    assert (await finished_import(hr, again.json()["job_id"]))["unchanged"] == 2

    broken = await hr.post(
        "/api/v1/imports", files={"file": ("org.json", b"[{", "application/json")}
    )
    assert broken.status_code == 422
    assert fields_of(broken) == ["file"]
    assert (await hr.get("/api/v1/imports/no-such-job")).status_code == 404


def test_rows_of_one_person_are_sent_in_the_same_batch() -> None:
    # The service can only see a repeated id among the rows of one call.
    people = [pb.ImportedPerson(line=n + 2, employee_id=f"b{n}") for n in range(120)]
    people[110] = pb.ImportedPerson(line=112, employee_id="b3")
    people[111] = pb.ImportedPerson(line=113)  # no id: each such row stands alone
    people[112] = pb.ImportedPerson(line=114)
    calls = batches(people)
    assert [len(call) for call in calls] == [BATCH, BATCH, 20]
    assert [p.line for p in calls[0] if p.employee_id == "b3"] == [5, 112]
    assert sorted(p.line for call in calls for p in call) == list(range(2, 122))


async def test_the_import_pages_work_without_javascript(api_as: ApiFactory) -> None:
    hr = await api_as("hr1")
    csrf = hr.headers.pop("X-CSRF-Token")  # a plain form carries it as a field
    people = [{"employee_id": "nojs-1", "name": "No Script", "email": "nojs@example.com"}]
    posted = await hr.post(
        "/hr/import",
        data={"csrf_token": csrf},
        files={"file": ("people.json", json.dumps(people), "application/json")},
    )
    assert posted.status_code == 303, posted.text
    page_url = posted.headers["location"].split("?", 1)[0]
    first = (await hr.get(page_url)).text
    assert "Refresh to see the progress" in first or "data-import-finished" in first
    for _ in range(300):  # what a person pressing the refresh link would see
        page = await hr.get(page_url)
        if "data-import-finished" in page.text:
            break
        await asyncio.sleep(0.2)
    assert "Finished: 1 created or changed" in page.text
    assert "Every row was imported." in page.text

    refused = await hr.post(
        "/hr/import",
        data={"csrf_token": csrf},
        files={"file": ("people.csv", "name\nNobody\n", "text/csv")},
    )
    assert refused.status_code == 422
    assert "the CSV lacks the columns email, employee_id" in refused.text


async def test_non_managers_have_no_team_page(api_as: ApiFactory) -> None:
    employee = await api_as("emp1")
    assert (await employee.get("/team")).status_code == 403
    manager = await api_as("meng")
    team = await manager.get("/api/v1/team")
    assert [r["employee_id"] for r in team.json()] == ["emp1", "emp2"]
    assert re.search(r'href="/team/releases"', (await manager.get("/team")).text)


async def test_a_saved_form_shows_the_version_it_wrote(api_as: ApiFactory) -> None:
    # The redirect names the version written, so whichever profiles replica
    # renders the page next reads at least that version (read-your-writes).
    client = await api_as("emp2")
    csrf = client.headers.pop("X-CSRF-Token")  # a plain form carries it as a field
    before = (await client.get("/api/v1/profile")).json()["version"]
    posted = await client.post(
        "/profile/aspirations",
        data={"csrf_token": csrf, "interests": "sailing"},
    )
    assert posted.status_code == 303, posted.text
    location = posted.headers["location"]
    assert location.startswith(f"/profile?seen={before + 1}&notice="), location
    page = await client.get(location)
    assert page.status_code == 200
    assert "sailing" in page.text
