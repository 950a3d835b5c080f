"""Live notifications: events from the services reach the right person's badge
and toasts without a reload, never reach anyone a confidential application is
hidden from, and a poison message does not stop them."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import Page, expect
from portal_fixtures import ApiFactory, PageFactory
from portal_harness import RunningSystem
from profiles_harness import as_

from trellis.mentorship.v1 import mentorship_pb2 as mpb
from trellis.postings.v1 import postings_pb2 as ppb
from trellis_shared.contracts.postings import APPLICATION_TOPIC, ApplicationStatusChanged
from trellis_shared.events.envelope import Envelope, kafka_headers
from trellis_shared.kafka.topics import dead_letter_topic
from trellis_shared.testing.kafka_reader import read_topic
from trellis_shared.testing.waiting import eventually

pytestmark = pytest.mark.e2e

LIVE = 25_000  # ms: an event crosses Kafka, the consumer and the stream poll
Screenshot = Callable[[Page, str], Awaitable[Path]]
MANAGER = ("employee", "manager")


def unique(title: str) -> str:
    return f"{title} {uuid.uuid4().hex[:6]}"


async def post_job(system: RunningSystem, title: str, **details: Any) -> ppb.Opportunity:
    details.setdefault(
        "required_skills",
        [
            ppb.RequiredSkill(skill_id="python", min_level=3),
            ppb.RequiredSkill(skill_id="sql", min_level=2),
        ],
    )
    return await system.postings.post("job", "mdata", title=title, remote=True, **details)


async def apply(system: RunningSystem, opportunity_id: str, *, confidential: bool = False) -> str:
    reply = await system.postings.applications.SubmitApplication(
        ppb.SubmitApplicationRequest(
            opportunity_id=opportunity_id,
            request_id=uuid.uuid4().hex,
            confidential=confidential,
            note="I would love to",
        ),
        metadata=as_("emp1"),
    )
    return str(reply.application.application_id)


async def move(system: RunningSystem, application_id: str, status: str) -> None:
    await system.postings.applications.MoveApplication(
        ppb.MoveApplicationRequest(application_id=application_id, status=status),
        metadata=as_("mdata", *MANAGER),
    )


async def notes_of(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    reply = await api.get("/api/v1/notifications", params={"limit": 200})
    assert reply.status_code == 200, reply.text
    notes: list[dict[str, Any]] = reply.json()["notifications"]
    return notes


async def note_titled(api: httpx.AsyncClient, text: str) -> dict[str, Any]:
    async def found() -> dict[str, Any] | None:
        return next((n for n in await notes_of(api) if text in n["title"]), None)

    note: dict[str, Any] = await eventually(found, timeout_s=LIVE / 1000)
    return note


async def live_page(signed_in_page: PageFactory, employee_id: str, path: str) -> Page:
    """A page whose notification stream is open, marked so a reload would show."""
    page = await signed_in_page(employee_id)
    async with page.expect_response(lambda r: r.url.endswith("/api/v1/notifications/stream")):
        await page.goto(path)
    await page.evaluate("window.__sameDocument = true")
    return page


async def assert_not_reloaded(page: Page) -> None:
    assert await page.evaluate("window.__sameDocument === true")


async def test_a_fitting_opportunity_and_a_status_change_arrive_without_a_reload(
    system: RunningSystem,
    signed_in_page: PageFactory,
    api_as: ApiFactory,
    keep_screenshot: Screenshot,
) -> None:
    emp1 = await api_as("emp1")
    await emp1.post("/api/v1/notifications/read-all")
    page = await live_page(signed_in_page, "emp1", "/notifications")
    badge = page.locator("[data-unread-count]")
    await expect(badge).to_have_text("")

    title = unique("Pipeline engineer")
    posting = await post_job(system, title)
    tip = page.locator(".toast", has_text=f"New job for you: {title}")
    await expect(tip).to_be_visible(timeout=LIVE)
    await expect(tip.get_by_role("link")).to_have_attribute(
        "href", f"/opportunities/{posting.opportunity_id}"
    )
    await expect(badge).to_have_text("1", timeout=LIVE)

    application_id = await apply(system, posting.opportunity_id)
    await move(system, application_id, "shortlisted")
    moved = page.locator(".toast", has_text=f"Your application for {title} is shortlisted")
    await expect(moved).to_be_visible(timeout=LIVE)
    await expect(moved).to_have_attribute("data-notification", "application")
    await expect(badge).to_have_text("2", timeout=LIVE)
    await assert_not_reloaded(page)
    await keep_screenshot(page, "notifications-live-toasts")

    # The hiring manager heard of the application, with the applicant's name.
    mdata = await api_as("mdata")
    heard = await note_titled(mdata, f"New application for {title}")
    assert heard["kind"] == "application"
    assert "Emp1" in heard["body"]


async def test_a_mentorship_request_and_its_answer_reach_each_side_live(
    system: RunningSystem, signed_in_page: PageFactory
) -> None:
    mentor_page = await live_page(signed_in_page, "dsenior", "/")
    mentee_page = await live_page(signed_in_page, "emp1", "/")
    service = system.mentorship.mentorship
    request = await service.SubmitMenteeRequest(
        mpb.SubmitMenteeRequestRequest(goals=[mpb.Goal(skill_id="python", target_level=5)]),
        metadata=as_("emp1"),
    )

    async def asked() -> mpb.MatchReply | None:
        # The mentor's opt-in reaches mentorship through a profile snapshot.
        try:
            return await service.RequestMentor(
                mpb.RequestMentorRequest(
                    request_id=request.request.request_id, mentor_id="dsenior", note="Hi"
                ),
                metadata=as_("emp1"),
            )
        except Exception:
            return None

    match = await eventually(asked, timeout_s=60, every_s=1)
    await expect(
        mentor_page.locator(".toast", has_text="Emp1 asks you to be their mentor")
    ).to_be_visible(timeout=LIVE)

    await service.AcceptMatch(
        mpb.MatchActionRequest(match_id=match.match.match_id), metadata=as_("dsenior")
    )
    await expect(
        mentee_page.locator(".toast", has_text="Dsenior accepted the mentorship")
    ).to_be_visible(timeout=LIVE)
    await assert_not_reloaded(mentee_page)
    await assert_not_reloaded(mentor_page)


async def test_a_confidential_application_never_reaches_the_applicants_manager(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    title = unique("Quiet analytics role")
    posting = await post_job(system, title, required_skills=[])
    application_id = await apply(system, posting.opportunity_id, confidential=True)
    await move(system, application_id, "in_review")
    mdata, emp1, meng = await api_as("mdata"), await api_as("emp1"), await api_as("meng")

    # The positive side first: the same events reached the hiring manager and
    # the applicant, so the manager's notifications are complete for them.
    await note_titled(mdata, f"New application for {title}")
    await note_titled(emp1, f"Your application for {title} is in review")
    about_it = [
        n
        for n in await notes_of(meng)
        if title in n["title"] or title in n["body"] or posting.opportunity_id in n["link"]
    ]
    assert about_it == []
    # Nor anyone else up the chain.
    ceo = await api_as("ceo")
    assert not [n for n in await notes_of(ceo) if title in n["title"]]


async def publish_raw(
    system: RunningSystem, topic: str, body: bytes, headers: dict[str, str]
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=system.profiles.bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            system.portal.settings.topic_prefix + topic,
            body,
            key=b"poison",
            headers=[(k, v.encode()) for k, v in headers.items()],
        )
    finally:
        await producer.stop()


async def test_a_poison_message_is_dead_lettered_and_later_events_still_notify(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    # A well-formed envelope whose data breaks the contract: no retry can fix it.
    poison = Envelope(
        type=ApplicationStatusChanged.event_type,
        version=1,
        source="postings",
        subject="poison",
        data={"application_id": "x", "status": 42},
    )
    await publish_raw(system, APPLICATION_TOPIC, poison.to_bytes(), kafka_headers(poison, {}))
    group = system.portal.settings.portal_consumer_group

    async def parked() -> list[Any]:
        records = await read_topic(
            system.profiles.bootstrap,
            dead_letter_topic(system.portal.settings.topic_prefix + APPLICATION_TOPIC),
            20,
            timeout_s=3,
        )
        return [
            r
            for r in records
            if dict(r.headers).get("trellis_dlt_consumer") == group.encode()
            and r.value == poison.to_bytes()
        ]

    (dead,) = await eventually(parked, timeout_s=60, every_s=1)
    assert dict(dead.headers)["trellis_dlt_reason"] == b"poison"

    # The next events on the same topic still notify — once, however often they come.
    def moved(opportunity_id: str, status: str) -> Envelope:
        return Envelope.wrap(
            ApplicationStatusChanged(
                application_id=f"{opportunity_id}:emp2",
                opportunity_id=opportunity_id,
                kind="gig",
                employee_id="emp2",
                hiring_manager_id="mdata",
                confidential=False,
                previous_status="submitted",
                status=status,
            ),
            source="postings",
            subject=opportunity_id,
        )

    later = moved("opp-gone", "in_review")
    for _ in range(2):  # Kafka delivers at least once
        await system.profiles.publish(APPLICATION_TOPIC, later)
    # A last event after the duplicate: once it is in, both copies were consumed.
    await system.profiles.publish(APPLICATION_TOPIC, moved("opp-last", "shortlisted"))
    emp2 = await api_as("emp2")
    # No such posting: the title falls back to its id rather than holding the notice back.
    await note_titled(emp2, "Your application for opp-last is shortlisted")
    ids = [n["id"] for n in await notes_of(emp2)]
    assert ids.count(f"{later.id}:emp2") == 1


async def test_the_api_shows_only_your_own_and_checks_input(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    title = unique("API check role")
    posting = await post_job(system, title, required_skills=[])
    await apply(system, posting.opportunity_id)
    mdata, emp2 = await api_as("mdata"), await api_as("emp2")
    note = await note_titled(mdata, f"New application for {title}")

    # Someone else's id looks missing.
    other = await emp2.post(f"/api/v1/notifications/{note['id']}/read")
    assert other.status_code == 404
    assert other.headers["content-type"].startswith("application/problem+json")
    assert note["id"] not in [n["id"] for n in await notes_of(emp2)]
    # Without the CSRF header a cookie session cannot change anything.
    no_csrf = httpx.AsyncClient(base_url=system.url, cookies=mdata.cookies)
    async with no_csrf:
        refused = await no_csrf.post(f"/api/v1/notifications/{note['id']}/read")
        assert refused.status_code == 403
        refused_all = await no_csrf.post("/api/v1/notifications/read-all")
        assert refused_all.status_code == 403
    # Bad input names the field.
    for params, field in (({"limit": 0}, "limit"), ({"limit": "many"}, "limit")):
        bad = await mdata.get("/api/v1/notifications", params=params)
        assert bad.status_code == 422
        assert [e["field"] for e in bad.json()["errors"]] == [field]
    too_long = await mdata.post(f"/api/v1/notifications/{'x' * 301}/read")
    assert too_long.status_code == 422
    assert [e["field"] for e in too_long.json()["errors"]] == ["notification_id"]
    # Not signed in: 401.
    async with httpx.AsyncClient(base_url=system.url) as anonymous:
        assert (await anonymous.get("/api/v1/notifications")).status_code == 401

    # Marking read: one, then all.
    before = (await mdata.get("/api/v1/notifications")).json()["unread"]
    assert before >= 1
    read = await mdata.post(f"/api/v1/notifications/{note['id']}/read")
    assert read.status_code == 200
    assert read.json()["read"] is True
    after = (await mdata.get("/api/v1/notifications")).json()
    assert after["unread"] == before - 1
    everything = await mdata.post("/api/v1/notifications/read-all")
    assert everything.json() == {"marked": before - 1, "unread": 0}
    assert all(n["read"] for n in await notes_of(mdata))


async def test_the_stream_starts_with_the_unread_count(
    system: RunningSystem, api_as: ApiFactory
) -> None:
    emp1 = await api_as("emp1")
    unread = (await emp1.get("/api/v1/notifications")).json()["unread"]
    async with emp1.stream("GET", "/api/v1/notifications/stream") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.aiter_lines()
        assert await anext(lines) == "event: unread"
        assert await anext(lines) == f'data: {{"count": {unread}}}'


async def test_the_page_lists_newest_first_and_marks_read_with_forms(
    system: RunningSystem,
    signed_in_page: PageFactory,
    api_as: ApiFactory,
    keep_screenshot: Screenshot,
) -> None:
    first, second = unique("First page role"), unique("Second page role")
    for title in (first, second):
        await apply(system, (await post_job(system, title, required_skills=[])).opportunity_id)
    mdata = await api_as("mdata")
    await note_titled(mdata, second)
    await note_titled(mdata, first)

    page = await signed_in_page("mdata", width=390)
    await page.goto("/notifications")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    items = page.locator("[data-notification-list] > li")
    titles = await items.locator("h2").all_inner_texts()
    assert titles.index(f"New application for {second}") < titles.index(
        f"New application for {first}"
    )
    await keep_screenshot(page, "notifications-page-390")

    newest = items.filter(has_text=second)
    await newest.get_by_role("button", name=re.compile(r"^Mark read")).click()
    await expect(page.locator(".notice")).to_have_text("Marked read.")
    await expect(items.filter(has_text=second).locator(".tag")).to_have_count(0)
    await expect(items.filter(has_text=first).locator(".tag")).to_have_text("Unread")

    await page.get_by_role("button", name="Mark all read").click()
    await expect(page.locator(".notice")).to_contain_text("read.")
    await expect(page.locator("[data-notification-list] .tag")).to_have_count(0)
    await expect(page.get_by_role("button", name="Mark all read")).to_have_count(0)
    await expect(page.locator("[data-unread-count]")).to_have_text("")


async def test_someone_with_no_notifications_sees_what_to_do_next(
    signed_in_page: PageFactory,
) -> None:
    page = await signed_in_page("hr1")
    await page.goto("/notifications")
    await expect(page.locator(".empty")).to_contain_text("No notifications yet")
    await expect(page.get_by_role("link", name="Browse opportunities")).to_be_visible()
