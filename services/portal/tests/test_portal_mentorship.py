"""Mentorship in the portal: the mentoring-cycle journey in a real browser, and
the JSON API's rules (who may do what, bad input, a run started twice).

The tests share one system (module scope) and run in file order: the journey
takes the first places of the harness's two mentors (mdata and dsenior, who
offer 2 places each through their profiles, with 20 % free time for the
ledger); later tests free what they take.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from mentorship_harness import HR
from playwright.async_api import Page, expect
from portal_fixtures import ApiFactory, PageFactory
from portal_harness import RunningSystem

from trellis.mentorship.v1 import mentorship_pb2 as pb

pytestmark = pytest.mark.e2e

MENTORS = ("dsenior", "mdata")
EVENTUAL = 20_000  # ms: proposals and profile snapshots travel through Kafka
Screenshot = Callable[[Page, str], Awaitable[Path]]


async def mentors_are_known(system: RunningSystem) -> None:
    """The mentors' profile snapshots reach mentorship through Kafka; wait for
    both offers before a run or a suggestion depends on them."""
    for _ in range(150):
        offers = [
            await system.mentorship.mentorship.GetMentorOffer(
                pb.GetMentorOfferRequest(employee_id=mentor), metadata=HR
            )
            for mentor in MENTORS
        ]
        if all(o.offer.capacity == 2 for o in offers):
            return
        await asyncio.sleep(0.2)
    pytest.fail("mentorship never learned the harness mentors' offers from their profiles")


def field_errors(reply: httpx.Response) -> dict[str, str]:
    assert reply.headers["content-type"].startswith("application/problem+json"), reply.text
    return {e["field"]: e["message"] for e in reply.json()["errors"]}


# ---- the journey ---------------------------------------------------------------------


async def test_mentoring_cycle_journey(
    system: RunningSystem, signed_in_page: PageFactory, keep_screenshot: Screenshot
) -> None:
    await mentors_are_known(system)

    # HR opens a cycle.
    hr = await signed_in_page("hr1")
    await hr.goto("/hr/cycles")
    await expect(hr.get_by_role("heading", level=1)).to_have_text(
        "Mentoring cycles", timeout=EVENTUAL
    )
    await hr.get_by_label("Name").fill("Spring cohort")
    await hr.get_by_role("button", name="Open the cycle").click()
    await expect(hr.get_by_role("heading", level=1)).to_have_text("Spring cohort", timeout=EVENTUAL)
    await expect(hr.locator("[data-cycle-status]")).to_have_text("open", timeout=EVENTUAL)

    # emp1 asks for a mentor in that cycle: sql to level 4.
    emp1 = await signed_in_page("emp1")
    await emp1.goto("/mentorship")
    await expect(
        emp1.get_by_text("No suggestions yet — add skills you want to develop")
    ).to_be_visible(timeout=EVENTUAL)
    await emp1.get_by_label("Join a cycle or ask on demand").select_option(
        label="Cycle: Spring cohort"
    )
    await emp1.get_by_label("Skill 1", exact=True).fill("sql")
    await emp1.get_by_label("Level to reach for skill 1").select_option("4")
    await emp1.get_by_label("I would rather meet someone from another department").check()
    await emp1.get_by_role("button", name="Ask for a mentor").click()
    await expect(emp1.locator(".notice")).to_contain_text("filed into the cycle", timeout=EVENTUAL)
    request_row = emp1.locator("#my-requests tbody tr").first
    await expect(request_row).to_contain_text("Spring cohort", timeout=EVENTUAL)
    await expect(request_row).to_have_attribute("data-status", "waiting", timeout=EVENTUAL)

    # Suggested mentors come with their explanation; emp1's manager never shows up.
    suggested = emp1.locator("[data-suggested-mentor]")
    await expect(suggested.first).to_be_visible(timeout=EVENTUAL)
    ids = {await s.get_attribute("data-suggested-mentor") for s in await suggested.all()}
    assert ids, "at least one mentor is suggested"
    assert ids <= set(MENTORS), ids
    assert "meng" not in ids
    await expect(suggested.first.locator("[data-factor='skills']")).to_have_count(
        1, timeout=EVENTUAL
    )

    # HR runs the cycle in stable mode and reads the report.
    await hr.reload()
    await expect(hr.get_by_label("Stable")).to_be_checked(timeout=EVENTUAL)
    await expect(
        hr.get_by_text("No mentee and mentor who would both rather be together")
    ).to_be_visible(timeout=EVENTUAL)
    await hr.get_by_role("button", name="Run the matching").click()
    await expect(hr.locator(".notice")).to_contain_text(
        "Run 1 (stable) finished: 1 proposed, 0 left unmatched", timeout=EVENTUAL
    )
    await expect(hr.locator("[data-matched-share]")).to_have_text("100%", timeout=EVENTUAL)
    pair = hr.locator("#report tr[data-mentee-id='emp1']")
    await expect(pair).to_contain_text("proposed", timeout=EVENTUAL)
    mentor_id = await pair.get_attribute("data-mentor-id")
    assert mentor_id in MENTORS

    # emp1 sees the proposal and accepts it.
    await emp1.reload()
    proposal = emp1.locator("[data-status='proposed'][data-mentee-id='emp1']")
    await expect(proposal).to_have_attribute("data-mentor-id", mentor_id or "", timeout=EVENTUAL)
    await expect(proposal.get_by_role("heading")).to_contain_text(
        "Proposed mentor", timeout=EVENTUAL
    )
    await proposal.get_by_role("button", name=re.compile(r"^Accept ")).click()
    await expect(emp1.locator(".notice")).to_contain_text(
        "now the other side answers", timeout=EVENTUAL
    )

    # The proposed mentor signs in (on a phone-sized screen: the page must work
    # at 390 px too) and accepts: the mentorship is active.
    mentor = await signed_in_page(mentor_id or "", width=390, height=844)
    await mentor.goto("/mentorship")
    asked = mentor.locator("[data-status='proposed'][data-mentee-id='emp1']")
    await expect(asked.get_by_role("heading")).to_contain_text("Proposed mentee", timeout=EVENTUAL)
    await asked.get_by_role("button", name=re.compile(r"^Accept ")).click()
    await expect(mentor.locator(".notice")).to_contain_text(
        "the mentorship is active", timeout=EVENTUAL
    )
    await expect(mentor.locator("#active [data-mentee-id='emp1']")).to_contain_text(
        "Your mentee", timeout=EVENTUAL
    )
    await expect(mentor.locator("#mentoring")).to_contain_text("1 taken, 1 free", timeout=EVENTUAL)
    await keep_screenshot(mentor, "mentoring-cycle-mentor-390")

    await emp1.goto("/mentorship")
    active = emp1.locator(f"#active [data-mentor-id='{mentor_id}']")
    await expect(active).to_contain_text("Your mentor", timeout=EVENTUAL)
    await expect(active.locator(".tag")).to_have_text("active", timeout=EVENTUAL)
    await expect(emp1.locator("#my-requests tbody tr").first).to_have_attribute(
        "data-status", "matched", timeout=EVENTUAL
    )
    await hr.reload()
    await expect(hr.locator("#report tr[data-mentee-id='emp1']")).to_contain_text(
        "active", timeout=EVENTUAL
    )
    await keep_screenshot(hr, "mentoring-cycle-report")
    await keep_screenshot(emp1, "mentoring-cycle")


# ---- the API ---------------------------------------------------------------------------


async def test_bad_input_answers_422_with_the_field(api_as: ApiFactory) -> None:
    emp1 = await api_as("emp1")
    unknown = await emp1.post(
        "/api/v1/mentorship/requests",
        json={"goals": [{"skill_id": "underwater-basket-weaving", "target_level": 4}]},
    )
    assert unknown.status_code == 422
    assert "goals.0.skill_id" in field_errors(unknown)

    too_high = await emp1.post(
        "/api/v1/mentorship/requests", json={"goals": [{"skill_id": "sql", "target_level": 9}]}
    )
    assert too_high.status_code == 422
    assert "goals.0.target_level" in field_errors(too_high)

    nothing_asked = await emp1.post("/api/v1/mentorship/requests", json={})
    assert nothing_asked.status_code == 422
    assert "goals" in field_errors(nothing_asked)

    greedy = await emp1.put("/api/v1/mentorship/offer", json={"capacity": 999})
    assert greedy.status_code == 422
    assert "capacity" in field_errors(greedy)

    hr = await api_as("hr1")
    nameless = await hr.post("/api/v1/mentorship/cycles", json={"name": ""})
    assert nameless.status_code == 422
    assert "name" in field_errors(nameless)
    no_cycle = await hr.post("/api/v1/mentorship/cycles/cycle-nope/run", json={"mode": "greedy"})
    assert no_cycle.status_code == 422
    assert "mode" in field_errors(no_cycle)
    rating = await emp1.post("/api/v1/mentorship/matches/match-x/complete", json={"rating": 0})
    assert rating.status_code == 422
    assert "rating" in field_errors(rating)


async def test_the_request_form_shows_the_error_beside_the_skill(api_as: ApiFactory) -> None:
    emp2 = await api_as("emp2")
    page = await emp2.get("/mentorship")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    refused = await emp2.post(
        "/mentorship/requests",
        data={
            "csrf_token": token.group(1),
            "cycle_id": "",
            "goal_skill_0": "",
            "goal_skill_1": "no-such-skill",
            "goal_level_1": "3",
        },
    )
    assert refused.status_code == 422
    beside = re.search(r'data-field-error="goal_skill_1">([^<]*)<', refused.text)
    assert beside is not None
    assert "unknown skill" in beside.group(1)
    assert 'value="no-such-skill"' in refused.text  # the input is kept


async def test_only_hr_runs_cycles(api_as: ApiFactory) -> None:
    emp2 = await api_as("emp2")
    hr = await api_as("hr1")
    refused = await emp2.post("/api/v1/mentorship/cycles", json={"name": "My own cohort"})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")

    opened = await hr.post("/api/v1/mentorship/cycles", json={"name": "Autumn cohort"})
    assert opened.status_code == 201
    cycle_id = opened.json()["cycle_id"]
    assert opened.json()["status"] == "open"
    assert (
        await emp2.post(f"/api/v1/mentorship/cycles/{cycle_id}/run", json={})
    ).status_code == 403
    assert (await emp2.get(f"/api/v1/mentorship/cycles/{cycle_id}/report")).status_code == 403
    assert (await emp2.post(f"/api/v1/mentorship/cycles/{cycle_id}/close")).status_code == 403
    assert (await emp2.get("/hr/cycles")).status_code == 403
    # Everyone sees open cycles, to file requests into them.
    listed = [c["cycle_id"] for c in (await emp2.get("/api/v1/mentorship/cycles")).json()]
    assert cycle_id in listed

    document = (await hr.get("/api/openapi.json")).json()
    assert "/api/v1/mentorship/cycles/{cycle_id}/run" in document["paths"]

    closed = await hr.post(f"/api/v1/mentorship/cycles/{cycle_id}/close")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    again = await hr.post(f"/api/v1/mentorship/cycles/{cycle_id}/run", json={"mode": "stable"})
    assert again.status_code == 409
    assert "closed" in again.json()["detail"]


async def test_a_cycle_proposal_is_answered_only_by_its_pair_and_reruns_after_a_decline(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    await mentors_are_known(system)
    hr, emp1, emp2 = await api_as("hr1"), await api_as("emp1"), await api_as("emp2")
    cycle_id = (await hr.post("/api/v1/mentorship/cycles", json={"name": "Rerun cohort"})).json()[
        "cycle_id"
    ]
    filed = await emp1.post(
        "/api/v1/mentorship/requests",
        json={"cycle_id": cycle_id, "goals": [{"skill_id": "python", "target_level": 5}]},
    )
    assert filed.status_code == 201, filed.text
    request_id = filed.json()["request_id"]
    # A stranger cannot touch emp1's request.
    assert (
        await emp2.post(f"/api/v1/mentorship/requests/{request_id}/withdraw")
    ).status_code == 404
    suggestions = await emp2.get(
        "/api/v1/mentorship/suggestions", params={"request_id": request_id}
    )
    assert suggestions.status_code == 404

    run = await hr.post(f"/api/v1/mentorship/cycles/{cycle_id}/run", json={"mode": "optimal"})
    assert run.status_code == 200, run.text
    report = run.json()["last_report"]
    assert (report["mode"], report["requests"], report["proposed"]) == ("optimal", 1, 1)
    detail = (await hr.get(f"/api/v1/mentorship/cycles/{cycle_id}/report")).json()
    first = detail["proposed"][0]
    assert first["mentee_id"] == "emp1"
    assert first["mentor_id"] in MENTORS
    assert first["explanation"]["lines"], "every proposal is explained"

    match_id = first["match_id"]
    for action in ("accept", "decline"):
        stranger = await emp2.post(f"/api/v1/mentorship/matches/{match_id}/{action}")
        assert stranger.status_code == 404, action
    assert (await emp2.get(f"/api/v1/mentorship/matches/{match_id}")).status_code == 404
    mine = await emp1.get("/api/v1/mentorship/matches", params={"status": "proposed"})
    assert [m["match_id"] for m in mine.json()] == [match_id]
    assert mine.json()[0]["awaiting_my_answer"] is True

    declined = await emp1.post(
        f"/api/v1/mentorship/matches/{match_id}/decline", json={"reason": "not now"}
    )
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    # Re-run after the decline: the declined pair is never proposed again.
    rerun = await hr.post(f"/api/v1/mentorship/cycles/{cycle_id}/run", json={"mode": "stable"})
    assert rerun.status_code == 200
    assert rerun.json()["runs"] == 2
    second = (await hr.get(f"/api/v1/mentorship/cycles/{cycle_id}/report")).json()["proposed"]
    other = [m for m in MENTORS if m != first["mentor_id"]]
    assert [m["mentor_id"] for m in second] == other
    # Leave the mentor's place free for the tests after this one.
    released = await emp1.post(f"/api/v1/mentorship/matches/{second[0]['match_id']}/decline")
    assert released.status_code == 200


async def test_direct_request_from_suggestions_to_a_completed_mentorship(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    await mentors_are_known(system)
    emp2, emp1 = await api_as("emp2"), await api_as("emp1")
    filed = await emp2.post(
        "/api/v1/mentorship/requests",
        json={
            "goals": [
                {"skill_id": "python", "target_level": 4},
                {"skill_id": "go", "target_level": 4},
            ],
            "languages": ["English"],
        },
    )
    assert filed.status_code == 201, filed.text
    assert filed.json()["cycle_id"] == ""
    found = (await emp2.get("/api/v1/mentorship/suggestions")).json()
    assert found["request_id"] == filed.json()["request_id"]
    ids = [s["mentor_id"] for s in found["suggestions"]]
    # meng knows go but is emp2's manager: never suggested.
    assert set(ids) == set(MENTORS), ids
    factors = {line["factor"] for line in found["suggestions"][0]["explanation"]["lines"]}
    assert {"skills", "other_department", "seniority", "working_hours"} <= factors

    asked = await emp2.post(
        "/api/v1/mentorship/direct-requests",
        json={"request_id": found["request_id"], "mentor_id": "mdata", "note": "Python, please"},
    )
    assert asked.status_code == 201, asked.text
    match = asked.json()
    assert (match["status"], match["origin"], match["my_side"]) == ("requested", "direct", "mentee")
    match_id = match["match_id"]
    # The mentee does not answer their own request; a stranger cannot see it.
    assert (await emp2.post(f"/api/v1/mentorship/matches/{match_id}/accept")).status_code == 403
    assert (await emp1.post(f"/api/v1/mentorship/matches/{match_id}/accept")).status_code == 404

    mdata = await api_as("mdata")
    waiting = (await mdata.get("/api/v1/mentorship/matches", params={"role": "mentor"})).json()
    assert any(m["match_id"] == match_id and m["awaiting_my_answer"] for m in waiting)
    accepted = await mdata.post(f"/api/v1/mentorship/matches/{match_id}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "active"

    assert (
        await emp1.post(f"/api/v1/mentorship/matches/{match_id}/complete", json={"rating": 5})
    ).status_code == 404
    half = await emp2.post(
        f"/api/v1/mentorship/matches/{match_id}/complete", json={"rating": 5, "comment": "great"}
    )
    assert half.status_code == 200
    assert half.json()["status"] == "active"
    assert half.json()["awaiting_my_feedback"] is False
    twice = await emp2.post(f"/api/v1/mentorship/matches/{match_id}/complete", json={"rating": 4})
    assert twice.status_code == 409
    done = await mdata.post(f"/api/v1/mentorship/matches/{match_id}/complete", json={"rating": 4})
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    # Each side sees only its own feedback.
    assert done.json()["mentee_feedback"] is None
    assert done.json()["mentor_feedback"]["rating"] == 4
    ended = await mdata.post(f"/api/v1/mentorship/matches/{match_id}/end")
    assert ended.status_code == 409


async def test_a_waiting_request_is_withdrawn_once(api_as: ApiFactory) -> None:
    emp2 = await api_as("emp2")
    filed = await emp2.post("/api/v1/mentorship/requests", json={"target_role": "Data Engineer"})
    assert filed.status_code == 201, filed.text
    request_id = filed.json()["request_id"]
    withdrawn = await emp2.post(f"/api/v1/mentorship/requests/{request_id}/withdraw")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    again = await emp2.post(f"/api/v1/mentorship/requests/{request_id}/withdraw")
    assert again.status_code == 409
    listed = {
        r["request_id"]: r["status"] for r in (await emp2.get("/api/v1/mentorship/requests")).json()
    }
    assert listed[request_id] == "withdrawn"


async def test_an_offer_is_set_read_and_withdrawn(api_as: ApiFactory) -> None:
    emp2 = await api_as("emp2")
    assert (await emp2.get("/api/v1/mentorship/offer")).json()["capacity"] == 0
    offered = await emp2.put(
        "/api/v1/mentorship/offer", json={"capacity": 1, "topics": ["go"], "languages": ["English"]}
    )
    assert offered.status_code == 200, offered.text
    read = (await emp2.get("/api/v1/mentorship/offer")).json()
    assert (read["capacity"], read["topics"], read["source"]) == (1, ["go"], "explicit")
    withdrawn = await emp2.put("/api/v1/mentorship/offer", json={"capacity": 0})
    assert withdrawn.json()["capacity"] == 0


async def test_a_cycle_run_twice_at_once_answers_409_for_one(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    """A run holds the cycle in `running`; a second run meanwhile is refused.

    Two posts sent together overlap only if the first is still running when the
    second arrives. The cycle has several waiting requests that nobody can
    mentor (kubernetes 5), so they stay waiting and every run matches and notes
    them all again, which keeps a run long enough; the test still tries a few
    times. No attempt may fail otherwise, and one must show the refusal."""
    hr = await api_as("hr1")
    cycle_id = (await hr.post("/api/v1/mentorship/cycles", json={"name": "Race cohort"})).json()[
        "cycle_id"
    ]
    mentees = ["ceo", "hr1", "meng", "emp2", "mdata", "dsenior", "emp1"]
    for mentee in mentees:
        await system.mentorship.mentorship.SubmitMenteeRequest(
            pb.SubmitMenteeRequestRequest(
                mentee_id=mentee,
                cycle_id=cycle_id,
                goals=[pb.Goal(skill_id="kubernetes", target_level=5)],
            ),
            metadata=HR,
        )
    refused: httpx.Response | None = None
    for _ in range(10):
        replies = await asyncio.gather(
            hr.post(f"/api/v1/mentorship/cycles/{cycle_id}/run", json={"mode": "stable"}),
            hr.post(f"/api/v1/mentorship/cycles/{cycle_id}/run", json={"mode": "optimal"}),
        )
        statuses = sorted(r.status_code for r in replies)
        assert statuses in ([200, 200], [200, 409]), [r.text for r in replies]
        if statuses == [200, 409]:
            refused = replies[0] if replies[0].status_code == 409 else replies[1]
            break
    assert refused is not None, "the two runs never overlapped in ten attempts"
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "running" in refused.json()["detail"]
    report = (await hr.get(f"/api/v1/mentorship/cycles/{cycle_id}/report")).json()
    assert report["cycle"]["status"] == "open"


async def test_the_page_forms_take_a_direct_request_to_completion(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    """The /mentorship forms (no JavaScript): ask, request a suggested mentor,
    the mentor accepts, both complete with feedback."""
    await mentors_are_known(system)
    emp2, mdata = await api_as("emp2"), await api_as("mdata")
    filed = await emp2.post(
        "/mentorship/requests",
        data={"cycle_id": "", "goal_skill_0": "sql", "goal_level_0": "3"},
    )
    assert filed.status_code == 303, filed.text
    assert "notice=" in filed.headers["location"]
    page = (await emp2.get("/mentorship")).text
    request_id = re.search(r'name="request_id" value="([^"]+)"', page)
    assert request_id is not None, "the suggestions offer a direct request"
    assert 'data-suggested-mentor="mdata"' in page

    asked = await emp2.post(
        "/mentorship/direct-requests",
        data={"request_id": request_id.group(1), "mentor_id": "mdata", "note": "SQL basics"},
    )
    assert asked.status_code == 303, asked.text
    match_id = re.search(
        r'data-match-id="([^"]+)"[^>]*data-mentee-id="emp2"[^>]*data-status="requested"',
        (await mdata.get("/mentorship")).text,
    )
    assert match_id is not None, "the mentor sees the request waiting for an answer"
    accepted = await mdata.post(f"/mentorship/matches/{match_id.group(1)}/accept")
    assert accepted.status_code == 303
    assert "active" in accepted.headers["location"]

    no_rating = await emp2.post(f"/mentorship/matches/{match_id.group(1)}/complete", data={})
    assert no_rating.status_code == 422
    assert re.search(r"<li>rating: [^<]*greater than or equal to 1", no_rating.text)
    for side in (emp2, mdata):
        done = await side.post(
            f"/mentorship/matches/{match_id.group(1)}/complete",
            data={"rating": "4", "comment": "useful"},
        )
        assert done.status_code == 303, done.text
    assert "completed" in done.headers["location"]
    history = (await emp2.get("/mentorship")).text
    assert f'data-match-id="{match_id.group(1)}" data-status="completed"' in history
