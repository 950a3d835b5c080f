"""The hiring side's JSON API: posting, editing, moving applicants, interest
interviews, releases and the audit log — who may do each, and what bad input
answers (422 problem+json naming the field)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from portal_fixtures import ApiFactory
from portal_harness import RunningSystem
from profiles_harness import as_

from trellis.postings.v1 import postings_pb2 as pb

pytestmark = pytest.mark.e2e

SOON = date.today() + timedelta(days=14)
LATER = SOON + timedelta(days=60)


def job(title: str, **details: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": title,
        "description": "Build data pipelines",
        "team": "Data Platform",
        "department": "Data",
        "required_skills": [
            {"skill_id": "python", "min_level": 3, "must_have": True},
            {"skill_id": "sql", "min_level": 2},
        ],
    }
    body.update(details)
    return body


async def post(
    client: httpx.AsyncClient, kind: str, details: dict[str, Any], *, publish: bool = True
) -> dict[str, Any]:
    reply = await client.post(
        "/api/v1/postings", json={"kind": kind, "details": details, "publish": publish}
    )
    assert reply.status_code == 201, reply.text
    posting: dict[str, Any] = reply.json()
    return posting


async def apply_as(system: RunningSystem, employee_id: str, opportunity_id: str) -> str:
    """Applying is the employee side's part; here it only sets the scene."""
    reply = await system.postings.applications.SubmitApplication(
        pb.SubmitApplicationRequest(
            opportunity_id=opportunity_id, request_id=uuid.uuid4().hex, note="keen"
        ),
        metadata=as_(employee_id, "employee"),
    )
    application_id: str = reply.application.application_id
    return application_id


def fields_of(reply: httpx.Response) -> set[str]:
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"].startswith("application/problem+json")
    return {e["field"] for e in reply.json()["errors"]}


async def test_a_manager_posts_edits_publishes_and_closes(api_as: ApiFactory) -> None:
    mdata = await api_as("mdata")
    draft = await post(mdata, "job", job("Analytics engineer"), publish=False)
    assert draft["status"] == "draft"
    assert draft["hiring_manager_id"] == "mdata"
    mine = (await mdata.get("/api/v1/postings/mine")).json()["postings"]
    assert draft["opportunity_id"] in {p["opportunity_id"] for p in mine}

    edit = {"details": job("Senior analytics engineer"), "expected_version": draft["version"]}
    edited = await mdata.put(f"/api/v1/postings/{draft['opportunity_id']}", json=edit)
    assert edited.status_code == 200, edited.text
    assert edited.json()["title"] == "Senior analytics engineer"
    stale = await mdata.put(f"/api/v1/postings/{draft['opportunity_id']}", json=edit)
    assert stale.status_code == 409

    published = await mdata.post(f"/api/v1/postings/{draft['opportunity_id']}/publish")
    assert published.json()["status"] == "open"
    closed = await mdata.post(
        f"/api/v1/postings/{draft['opportunity_id']}/close", json={"reason": "enough"}
    )
    assert closed.json()["status"] == "closed"
    assert closed.json()["close_reason"] == "enough"


async def test_bad_postings_name_the_field(api_as: ApiFactory) -> None:
    mdata = await api_as("mdata")

    async def refused(kind: str, details: dict[str, Any]) -> set[str]:
        reply = await mdata.post("/api/v1/postings", json={"kind": kind, "details": details})
        return fields_of(reply)

    assert "details.title" in await refused("job", job("x" * 300))
    skills = [{"skill_id": "python", "min_level": 9}]
    assert "details.required_skills.0.min_level" in await refused(
        "job", job("Level nine", required_skills=skills)
    )
    assert "details.level_max" in await refused("job", job("Too senior", level_max=13))
    # The service's own rules come back with the same paths.
    secondment = job("Secondment without terms", starts_on=str(SOON), ends_on=str(LATER))
    assert "details.secondment" in await refused("secondment", secondment)
    unknown = [{"skill_id": "no-such-skill", "min_level": 2}]
    assert "details.required_skills.0.skill_id" in await refused(
        "job", job("Unknown skill", required_skills=unknown)
    )
    assert "kind" in await refused("internship", job("Not a kind"))


async def test_only_managers_post_and_only_for_themselves(api_as: ApiFactory) -> None:
    emp2 = await api_as("emp2")
    meng = await api_as("meng")
    by_employee = await emp2.post("/api/v1/postings", json={"kind": "job", "details": job("Mine")})
    assert by_employee.status_code == 403
    for_someone_else = await meng.post(
        "/api/v1/postings",
        json={"kind": "job", "details": job("For mdata", hiring_manager_id="mdata")},
    )
    assert for_someone_else.status_code == 403


async def test_strangers_cannot_manage_a_posting_or_its_applicants(
    api_as: ApiFactory, system: RunningSystem
) -> None:
    mdata = await api_as("mdata")
    emp2 = await api_as("emp2")
    posting = await post(mdata, "job", job("Data engineer"))
    opportunity_id = posting["opportunity_id"]
    application_id = await apply_as(system, "emp1", opportunity_id)

    edit = {"details": job("Taken over"), "expected_version": 0}
    assert (await emp2.put(f"/api/v1/postings/{opportunity_id}", json=edit)).status_code == 403
    for action in ("publish", "close", "cancel"):
        reply = await emp2.post(f"/api/v1/postings/{opportunity_id}/{action}")
        assert reply.status_code == 403, action
    assert (await emp2.get(f"/api/v1/postings/{opportunity_id}/applications")).status_code in (
        403,
        404,
    )
    move = await emp2.post(
        f"/api/v1/applications/{application_id}/hiring-moves", json={"status": "shortlisted"}
    )
    assert move.status_code in (403, 404)
    note = await emp2.post(f"/api/v1/applications/{application_id}/notes", json={"text": "hm"})
    assert note.status_code in (403, 404)
    candidates = await emp2.get(f"/api/v1/postings/{opportunity_id}/candidates")
    assert candidates.status_code in (403, 404)
    # A draft of someone else does not exist for a stranger.
    draft = await post(mdata, "job", job("Quiet draft"), publish=False)
    assert (await emp2.get(f"/api/v1/postings/{draft['opportunity_id']}")).status_code == 404
    mine = (await emp2.get("/api/v1/postings/mine")).json()["postings"]
    assert mine == []


async def test_the_hiring_side_ranks_moves_and_notes_applicants(
    api_as: ApiFactory, system: RunningSystem
) -> None:
    mdata = await api_as("mdata")
    posting = await post(mdata, "job", job("Pipeline engineer"))
    opportunity_id = posting["opportunity_id"]
    strong = await apply_as(system, "emp1", opportunity_id)
    weak = await apply_as(system, "emp2", opportunity_id)

    listed = (await mdata.get(f"/api/v1/postings/{opportunity_id}/applications")).json()
    order = [a["application_id"] for a in listed["applications"]]
    assert order == [strong, weak], "python 4 and sql 3 fit better than python 2"
    best = listed["applications"][0]
    assert best["name"] == "Emp1"
    assert best["match"]["lines"], "each score comes with its explanation"
    assert best["next_moves"] == ["in_review", "shortlisted", "interviewing", "rejected"]
    assert (await mdata.get("/api/v1/postings/mine")).json()["postings"][0][
        "application_count"
    ] == 2

    moved = await mdata.post(
        f"/api/v1/applications/{strong}/hiring-moves",
        json={"status": "shortlisted", "note": "strong python"},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "shortlisted"
    assert "offered" in moved.json()["next_moves"]
    noted = await mdata.post(f"/api/v1/applications/{strong}/notes", json={"text": "call Tue"})
    assert [n["text"] for n in noted.json()["manager_notes"]] == ["strong python", "call Tue"]

    backwards = await mdata.post(
        f"/api/v1/applications/{strong}/hiring-moves", json={"status": "in_review"}
    )
    assert backwards.status_code == 409
    not_ours = await mdata.post(
        f"/api/v1/applications/{weak}/hiring-moves", json={"status": "accepted"}
    )
    assert fields_of(not_ours) == {"status"}
    empty = await mdata.post(f"/api/v1/applications/{weak}/notes", json={"text": ""})
    assert fields_of(empty) == {"text"}

    candidates = (await mdata.get(f"/api/v1/postings/{opportunity_id}/candidates")).json()
    assert candidates["candidates"], "people with python are found"
    assert all(c["match"]["lines"] for c in candidates["candidates"])
    assert fields_of(await mdata.get(f"/api/v1/postings/{opportunity_id}/candidates?limit=0")) == {
        "limit"
    }


async def test_interest_interviews_are_scheduled_at_an_offered_slot(
    api_as: ApiFactory, system: RunningSystem
) -> None:
    mdata = await api_as("mdata")
    emp1 = await api_as("emp1")
    first = (datetime.now(UTC) + timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    second = first + timedelta(hours=2)
    details = {
        "title": "Coffee with the data team",
        "team": "Data Platform",
        "interview_slots": [first.isoformat(), second.isoformat()],
    }
    posting = await post(mdata, "interest_interview", details)
    opportunity_id = posting["opportunity_id"]
    await system.postings.interviews.RequestInterview(
        pb.RequestInterviewRequest(opportunity_id=opportunity_id, note="curious"),
        metadata=as_("emp2", "employee"),
    )
    base = f"/api/v1/postings/{opportunity_id}/interview-requests"
    listed = (await mdata.get(base)).json()
    assert [i["employee_id"] for i in listed["interviews"]] == ["emp2"]
    assert len(listed["slots"]) == 2

    off_slot = await mdata.post(
        f"{base}/emp2/schedule", json={"slot": (first + timedelta(minutes=5)).isoformat()}
    )
    assert "slot" in fields_of(off_slot)
    assert fields_of(await mdata.post(f"{base}/emp2/schedule", json={})) == {"slot"}
    stranger = await emp1.post(f"{base}/emp2/schedule", json={"slot": first.isoformat()})
    assert stranger.status_code in (403, 404)
    assert (await emp1.get(base)).status_code in (403, 404)

    scheduled = await mdata.post(f"{base}/emp2/schedule", json={"slot": second.isoformat()})
    assert scheduled.status_code == 200, scheduled.text
    entry = scheduled.json()["interviews"][0]
    assert entry["status"] == "scheduled"
    assert datetime.fromisoformat(entry["slot"]) == second
    assert scheduled.json()["taken_slots"] == [entry["slot"]]
    completed = await mdata.post(f"{base}/emp2/complete")
    assert completed.json()["interviews"][0]["status"] == "completed"
    again = await mdata.post(f"{base}/emp2/decline", json={"reason": "late"})
    assert again.status_code == 409


async def test_releases_wait_on_the_manager_only(api_as: ApiFactory, system: RunningSystem) -> None:
    mdata = await api_as("mdata")
    meng = await api_as("meng")
    emp2 = await api_as("emp2")
    gig = job("Dashboard gig", share_pct=20, starts_on=str(SOON), ends_on=str(LATER))
    posting = await post(mdata, "gig", gig)
    application_id = await apply_as(system, "emp1", posting["opportunity_id"])
    for status in ("shortlisted", "offered"):
        moved = await mdata.post(
            f"/api/v1/applications/{application_id}/hiring-moves", json={"status": status}
        )
        assert moved.status_code == 200, moved.text
    await system.postings.applications.MoveApplication(
        pb.MoveApplicationRequest(application_id=application_id, status="accepted"),
        metadata=as_("emp1", "employee"),
    )

    waiting = (await meng.get("/api/v1/releases")).json()["releases"]
    assert [r["application_id"] for r in waiting] == [application_id]
    assert waiting[0]["release"]["status"] == "requested"
    assert waiting[0]["release"]["due_at"], "silence approves at a known time"
    assert (await emp2.get("/api/v1/releases")).json()["releases"] == []
    assert (await emp2.post(f"/api/v1/releases/{application_id}/approve")).status_code in (
        403,
        404,
    )

    approved = await meng.post(f"/api/v1/releases/{application_id}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["release"]["status"] == "approved"
    assert approved.json()["release"]["decided_by"] == "meng"
    assert (await meng.get("/api/v1/releases")).json()["releases"] == []


async def test_only_hr_reads_the_audit_log(api_as: ApiFactory, system: RunningSystem) -> None:
    mdata = await api_as("mdata")
    hr = await api_as("hr1")
    posting = await post(mdata, "job", job("Quiet move"))
    submitted = await system.postings.applications.SubmitApplication(
        pb.SubmitApplicationRequest(
            opportunity_id=posting["opportunity_id"], request_id="quiet-1", confidential=True
        ),
        metadata=as_("emp2", "employee"),
    )
    application_id = submitted.application.application_id
    for status in ("shortlisted", "offered"):
        await mdata.post(
            f"/api/v1/applications/{application_id}/hiring-moves", json={"status": status}
        )

    for person in ("emp2", "mdata", "meng"):
        refused = await (await api_as(person)).get("/api/v1/audit/disclosures")
        assert refused.status_code == 403, person
    log = (await hr.get("/api/v1/audit/disclosures")).json()["disclosures"]
    entry = next(d for d in log if d["application_id"] == application_id)
    assert entry["employee_id"] == "emp2"
    assert entry["stage"] == "offered"
    assert "meng" in entry["disclosed_to"]
    assert entry["triggered_by"] == "mdata"


def error_beside(page: httpx.Response, name: str) -> str:
    found = re.search(rf'data-field-error="{name}">([^<]*)<', page.text)
    assert found is not None, f"no error slot for {name}"
    return found.group(1)


async def test_the_posting_form_shows_each_error_beside_its_input(api_as: ApiFactory) -> None:
    mdata = await api_as("mdata")
    form = {
        "kind": "secondment",
        "title": "x" * 300,
        "starts_on": str(SOON),
        "ends_on": str(LATER),
        "skill_id_0": "python",
        "min_level_0": "9",
        "skill_id_1": "no-such-skill",
        "min_level_1": "2",
        "publish": "1",
    }
    refused = await mdata.post("/manage/new", data=form)
    assert refused.status_code == 422
    assert "at most 200 characters" in error_beside(refused, "title")
    assert error_beside(refused, "min_level_0")
    assert f'value="{"x" * 300}"' in refused.text, "the input is kept"

    form.update(title="Secondment without terms", min_level_0="3")
    from_service = await mdata.post("/manage/new", data=form)
    assert from_service.status_code == 422
    assert "host and home team" in error_beside(from_service, "secondment")
    assert "unknown skill" in error_beside(from_service, "skill_id_1")


async def test_hiring_pages_refuse_strangers(api_as: ApiFactory, system: RunningSystem) -> None:
    mdata = await api_as("mdata")
    emp2 = await api_as("emp2")
    posting = await post(mdata, "job", job("Page-guarded job"))
    opportunity_id = posting["opportunity_id"]
    application_id = await apply_as(system, "emp1", opportunity_id)

    assert (await emp2.get("/hr/audit")).status_code == 403
    assert (await emp2.get(f"/manage/{opportunity_id}/edit")).status_code == 403
    stranger_view = await emp2.get(f"/manage/{opportunity_id}")
    assert stranger_view.status_code == 200
    assert application_id not in stranger_view.text
    moved = await emp2.post(
        f"/manage/{opportunity_id}/applications/{application_id}/move",
        data={"status": "shortlisted"},
    )
    assert moved.status_code in (403, 404)
    closed = await emp2.post(f"/manage/{opportunity_id}/close")
    assert closed.status_code == 403
    approve = await emp2.post(f"/team/releases/{application_id}/approve")
    assert approve.status_code in (403, 404)
    assert (await mdata.get(f"/manage/{opportunity_id}")).text.count(application_id) > 0


async def test_editing_through_the_form_checks_the_version(api_as: ApiFactory) -> None:
    mdata = await api_as("mdata")
    posting = await post(mdata, "job", job("Editable job"), publish=False)
    opportunity_id = posting["opportunity_id"]
    form_page = await mdata.get(f"/manage/{opportunity_id}/edit")
    assert form_page.status_code == 200
    assert 'value="Editable job"' in form_page.text
    assert 'name="skill_id_0" type="text" value="python"' in form_page.text
    version = re.search(r'name="expected_version" value="(\d+)"', form_page.text)
    assert version is not None

    fields = {
        "title": "Edited job",
        "skill_id_0": "python",
        "min_level_0": "4",
        "must_have_0": "on",
        "expected_version": version.group(1),
    }
    saved = await mdata.post(f"/manage/{opportunity_id}/edit", data=fields)
    assert saved.status_code == 303
    stored = (await mdata.get(f"/api/v1/postings/{opportunity_id}")).json()
    assert stored["title"] == "Edited job"
    assert stored["skills"] == [
        {"skill_id": "python", "name": "Python", "min_level": 4, "must_have": True, "weight": 1.0}
    ]
    stale = await mdata.post(f"/manage/{opportunity_id}/edit", data=fields)
    assert stale.status_code == 409
    assert 'value="Edited job"' in stale.text, "the input is kept"

    published = await mdata.post(f"/manage/{opportunity_id}/publish")
    assert published.status_code == 303
    listing = await mdata.get("/manage")
    assert f'data-posting="{opportunity_id}"' in listing.text


async def test_candidate_search_page_ranks_with_explanations(api_as: ApiFactory) -> None:
    mdata = await api_as("mdata")
    posting = await post(mdata, "job", job("Job with candidates"))
    page = await mdata.get("/manage/candidates", params={"posting": posting["opportunity_id"]})
    assert page.status_code == 200
    found = re.findall(r'data-candidate="([^"]+)"', page.text)
    assert "emp1" in found
    assert "Why this score" in page.text
    emp2 = await api_as("emp2")
    nothing = await emp2.get("/manage/candidates", params={"posting": posting["opportunity_id"]})
    assert nothing.status_code == 200
    assert "data-candidate=" not in nothing.text, "only one's own postings are offered"
