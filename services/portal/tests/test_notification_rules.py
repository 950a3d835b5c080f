"""Who hears about which event (domain/notifications.py), and the live watch loop."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trellis_portal.adapters.notification_store import StoredNotification
from trellis_portal.domain.notifications import (
    APPLICATION,
    BIDDING,
    INTERVIEW,
    MAX_RECOMMENDED,
    MENTORSHIP,
    RECOMMENDATION,
    RELEASE,
    FitCandidate,
    Known,
    Notice,
    notices_for,
    recommendation_notices,
    wanted,
)
from trellis_portal.features.caller import Caller
from trellis_portal.features.notifications import Update, watch
from trellis_shared.contracts.bidding import AssignmentAwarded, RoundCleared, RoundOpened
from trellis_shared.contracts.mentorship import (
    MatchAccepted,
    MatchDeclined,
    MatchProposed,
    MatchRequested,
    MentorshipActivated,
    MentorshipEnded,
)
from trellis_shared.contracts.postings import (
    ApplicationAccepted,
    ApplicationDisclosed,
    ApplicationStatusChanged,
    ApplicationSubmitted,
    InterestInterviewCompleted,
    InterestInterviewDeclined,
    InterestInterviewRequested,
    InterestInterviewScheduled,
    PostedOpportunity,
    ReleaseApproved,
    ReleaseRequested,
)
from trellis_shared.grpc.tokens import Principal

pytestmark = pytest.mark.unit

KNOWN = Known(opportunity_title="Data gig", names={"emp1": "Emp1", "dsenior": "Dsenior"})
FACTS: dict[str, Any] = {
    "application_id": "opp-1:emp1",
    "opportunity_id": "opp-1",
    "kind": "gig",
    "employee_id": "emp1",
    "hiring_manager_id": "mdata",
}
STATUSES = (
    "submitted",
    "in_review",
    "shortlisted",
    "interviewing",
    "offered",
    "accepted",
    "declined",
    "rejected",
    "withdrawn",
)


def who(notices: list[Notice]) -> list[str]:
    return [n.person for n in notices]


def changed(status: str, previous: str = "submitted", **facts: Any) -> ApplicationStatusChanged:
    return ApplicationStatusChanged(
        **{**FACTS, "confidential": False, **facts}, previous_status=previous, status=status
    )


# --- confidentiality -------------------------------------------------------


def test_a_submitted_application_tells_the_hiring_manager_with_the_title() -> None:
    (notice,) = notices_for(ApplicationSubmitted(**FACTS, confidential=False), KNOWN)
    assert notice.person == "mdata"
    assert notice.kind == APPLICATION
    assert notice.title == "New application for Data gig"
    assert "Emp1" in notice.body


def test_a_confidential_application_tells_nobody_it_is_hidden_from() -> None:
    # Even a hiring manager inside the hidden chain (postings refuses that, but
    # the rule must not depend on it) hears nothing.
    event = ApplicationSubmitted(
        **{**FACTS, "hiring_manager_id": "meng"}, confidential=True, hidden_from=["meng", "ceo"]
    )
    assert notices_for(event, KNOWN) == []


application_events = st.one_of(
    st.builds(
        lambda hidden: ApplicationSubmitted(**FACTS, confidential=True, hidden_from=hidden),
        st.lists(st.sampled_from(["meng", "ceo", "mdata", "emp1"]), unique=True),
    ),
    st.builds(
        lambda hidden, status, previous: changed(
            status, previous, confidential=True, hidden_from=hidden
        ),
        st.lists(st.sampled_from(["meng", "ceo", "mdata", "emp1"]), unique=True),
        st.sampled_from(STATUSES),
        st.sampled_from(STATUSES),
    ),
    st.builds(
        lambda hidden: ApplicationDisclosed(
            **FACTS,
            confidential=True,
            hidden_from=hidden,
            disclosed_to=["meng"],
            disclosure_point="at_offer",
        ),
        st.lists(st.sampled_from(["meng", "ceo", "mdata", "emp1"]), unique=True),
    ),
)


@given(application_events)
def test_no_application_event_ever_notifies_anyone_in_hidden_from(event: Any) -> None:
    notices = notices_for(event, KNOWN)
    assert not set(who(notices)) & set(event.hidden_from)
    # And one notice per person at most: the store's id is (event, person).
    assert len(who(notices)) == len(set(who(notices)))


def test_hiring_side_moves_tell_the_applicant_only() -> None:
    for status in ("in_review", "shortlisted", "interviewing", "offered", "rejected"):
        (notice,) = notices_for(changed(status), KNOWN)
        assert notice.person == "emp1", status
        assert notice.title.startswith("Your application for Data gig"), status
        assert notice.link == "/applications"


def test_applicant_moves_tell_the_hiring_manager() -> None:
    for status in ("withdrawn", "accepted", "declined"):
        (notice,) = notices_for(changed(status, "offered"), KNOWN)
        assert notice.person == "mdata", status
        assert notice.title == f"Emp1's application for Data gig was {status}"


def test_a_disclosure_tells_only_the_applicant() -> None:
    event = ApplicationDisclosed(
        **FACTS, confidential=True, disclosed_to=["meng", "ceo"], disclosure_point="at_offer"
    )
    assert who(notices_for(event, KNOWN)) == ["emp1"]


def test_releases_go_to_the_manager_and_back_to_the_applicant() -> None:
    requested = ReleaseRequested(
        application_id="opp-1:emp1",
        opportunity_id="opp-1",
        employee_id="emp1",
        manager_id="meng",
        share_pct=20,
        due_at=datetime(2027, 1, 8, tzinfo=UTC),
    )
    (ask,) = notices_for(requested, KNOWN)
    assert (ask.person, ask.kind, ask.link) == ("meng", RELEASE, "/team/releases")
    assert ask.title == "Emp1 asks you to release 20% for Data gig"
    approved = ReleaseApproved(
        application_id="opp-1:emp1",
        opportunity_id="opp-1",
        employee_id="emp1",
        manager_id="meng",
        approved_by="auto",
    )
    assert who(notices_for(approved, KNOWN)) == ["emp1"]


def test_acceptance_is_told_once_through_the_status_change() -> None:
    accepted = ApplicationAccepted(
        application_id="opp-1:emp1", opportunity_id="opp-1", kind="gig", employee_id="emp1"
    )
    assert notices_for(accepted, KNOWN) == []


# --- interviews, mentorship, bidding --------------------------------------


def test_interest_interviews_tell_the_other_side() -> None:
    facts = {"opportunity_id": "opp-2", "employee_id": "emp1", "host_id": "mdata"}
    requested = notices_for(InterestInterviewRequested(**facts), KNOWN)
    assert [(n.person, n.kind) for n in requested] == [("mdata", INTERVIEW)]
    slot = datetime(2027, 1, 5, 10, tzinfo=UTC)
    assert who(notices_for(InterestInterviewScheduled(**facts, slot=slot), KNOWN)) == ["emp1"]
    declined = notices_for(InterestInterviewDeclined(**facts, reason="Full"), KNOWN)
    assert [(n.person, n.body) for n in declined] == [("emp1", "Full")]
    assert notices_for(InterestInterviewCompleted(**facts), KNOWN) == []


def test_a_proposed_match_tells_both_and_answers_tell_the_other_side() -> None:
    pair = {"match_id": "m1", "mentor_id": "dsenior", "mentee_id": "emp1"}
    proposed = notices_for(MatchProposed(**pair, cycle_id="c1", score=80, mode="stable"), KNOWN)
    assert sorted(who(proposed)) == ["dsenior", "emp1"]
    assert {n.kind for n in proposed} == {MENTORSHIP}
    assert who(notices_for(MatchRequested(**pair, score=70), KNOWN)) == ["dsenior"]
    (by_mentor,) = notices_for(MatchAccepted(**pair, side="mentor"), KNOWN)
    assert (by_mentor.person, by_mentor.title) == ("emp1", "Dsenior accepted the mentorship")
    assert who(notices_for(MatchAccepted(**pair, side="mentee"), KNOWN)) == ["dsenior"]
    (declined,) = notices_for(MatchDeclined(**pair, side="mentee"), KNOWN)
    assert (declined.person, declined.title) == ("dsenior", "Emp1 declined the mentorship")


def test_an_active_mentorship_tells_both_and_an_ended_one_the_other_side() -> None:
    pair = {"mentor_id": "dsenior", "mentee_id": "emp1"}
    active = MentorshipActivated(
        match_id="m1", **pair, starts_on=date(2027, 1, 1), ends_on=date(2027, 4, 1)
    )
    assert sorted(who(notices_for(active, KNOWN))) == ["dsenior", "emp1"]
    ended = MentorshipEnded(match_id="m1", **pair, ended_on=date(2027, 2, 1), ended_by="emp1")
    assert who(notices_for(ended, KNOWN)) == ["dsenior"]
    by_hr = MentorshipEnded(match_id="m1", **pair, ended_on=date(2027, 2, 1), ended_by="hr1")
    assert sorted(who(notices_for(by_hr, KNOWN))) == ["dsenior", "emp1"]


def test_bidding_tells_the_winner_and_each_named_bidder() -> None:
    award = AssignmentAwarded(
        round_id="r1",
        assignment_id="s1",
        employee_id="emp2",
        title="Kafka upgrade",
        share_pct=10,
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 2, 1),
    )
    (won,) = notices_for(award)
    assert (won.person, won.kind, won.title) == ("emp2", BIDDING, "You won Kafka upgrade")
    untitled = award.model_copy(update={"title": ""})
    assert notices_for(untitled)[0].title == "You won s1"
    named = RoundCleared(
        round_id="r1", mode="m", seed=1, bidders=2, awards=1, employee_ids=["emp1", "emp2"]
    )
    assert who(notices_for(named)) == ["emp1", "emp2"]
    anonymous = RoundCleared(round_id="r1", mode="m", seed=1, bidders=2, awards=1)
    assert notices_for(anonymous) == []
    opened = RoundOpened(
        round_id="r1",
        assignment_ids=["s1"],
        opens_at=datetime(2027, 1, 1, tzinfo=UTC),
        closes_at=datetime(2027, 1, 8, tzinfo=UTC),
        budget=100,
        mode="m",
    )
    assert notices_for(opened) == []


def test_lookups_ask_for_the_title_and_the_names_the_text_uses() -> None:
    submitted = wanted(ApplicationSubmitted(**FACTS, confidential=False))
    assert (submitted.opportunity_id, submitted.people) == ("opp-1", ("emp1",))
    assert wanted(changed("shortlisted")).people == ()
    pair = {"match_id": "m1", "mentor_id": "dsenior", "mentee_id": "emp1"}
    assert wanted(MatchAccepted(**pair, side="mentor")).people == ("dsenior", "emp1")


def test_missing_lookups_fall_back_to_ids() -> None:
    (notice,) = notices_for(ApplicationSubmitted(**FACTS, confidential=False))
    assert notice.title == "New application for opp-1"
    assert "emp1" in notice.body


# --- new-opportunity tips --------------------------------------------------

POSTING = PostedOpportunity(
    opportunity_id="opp-9",
    kind="gig",
    status="open",
    title="Pipeline gig",
    hiring_manager_id="mdata",
)


def test_tips_go_to_strong_matches_best_first_never_the_hiring_manager() -> None:
    candidates = [
        FitCandidate("emp2", 60.0, "worth applying"),
        FitCandidate("emp1", 82.0, "strong match"),
        FitCandidate("mdata", 99.0, "strong match"),
        FitCandidate("dsenior", 90.0, "strong match"),
    ]
    notices = recommendation_notices(POSTING, candidates)
    assert who(notices) == ["dsenior", "emp1"]
    assert {n.kind for n in notices} == {RECOMMENDATION}
    assert notices[1].title == "New gig for you: Pipeline gig"
    assert notices[1].link == "/opportunities/opp-9"


def test_tips_are_capped_and_skip_postings_nobody_applies_to() -> None:
    many = [FitCandidate(f"p{i}", 80.0 + i / 100, "strong match") for i in range(50)]
    assert len(recommendation_notices(POSTING, many)) == MAX_RECOMMENDED
    assert len(recommendation_notices(POSTING, many, limit=3)) == 3
    stretch = POSTING.model_copy(update={"kind": "stretch"})
    assert recommendation_notices(stretch, many) == []
    draft = POSTING.model_copy(update={"status": "draft"})
    assert recommendation_notices(draft, many) == []


# --- the live watch loop (features/notifications.watch) --------------------


class FakeStore:
    def __init__(self) -> None:
        self.notes: list[StoredNotification] = []

    def add(self, note_id: str, person: str, at: datetime, read: bool = False) -> None:
        self.notes.append(
            StoredNotification(note_id, person, "application", note_id, "", "/x", at, None)
            if not read
            else StoredNotification(note_id, person, "application", note_id, "", "/x", at, at)
        )

    async def since(self, person: str, after: datetime) -> list[StoredNotification]:
        found = [n for n in self.notes if n.person == person and n.created_at >= after]
        return sorted(found, key=lambda n: n.created_at)

    async def unread_count(self, person: str) -> int:
        return sum(1 for n in self.notes if n.person == person and n.read_at is None)


class Script:
    """Drives the loop: each sleep runs the next step (or disconnects)."""

    def __init__(self, steps: list[Callable[[], None]]) -> None:
        self.steps = steps
        self.done = False

    async def sleep(self, _: float) -> None:
        if self.steps:
            self.steps.pop(0)()
        else:
            self.done = True

    async def disconnected(self) -> bool:
        return self.done


async def run_watch(store: FakeStore, script: Script, now: datetime) -> list[Update]:
    caller = Caller(Principal("emp1", frozenset({"employee"})), "Emp1", None)  # type: ignore[arg-type]
    updates = watch(
        caller,
        store,  # type: ignore[arg-type]
        poll_s=1.0,
        clock=lambda: now,
        disconnected=script.disconnected,
        sleep=script.sleep,
        heartbeat_s=2.0,
    )
    return [u async for u in updates]


async def test_the_watch_sends_the_count_then_only_news_once_each() -> None:
    now = datetime(2027, 1, 1, 12, tzinfo=UTC)
    store = FakeStore()
    store.add("old", "emp1", now - timedelta(seconds=1))
    store.add("someone-elses", "emp2", now)
    script = Script(
        [
            lambda: store.add("new", "emp1", now + timedelta(milliseconds=5)),
            lambda: None,
            lambda: None,
            lambda: store.add("read-already", "emp1", now, read=True),
        ]
    )
    updates = await run_watch(store, script, now)
    first, news, heartbeat, *rest = updates
    assert (first.unread, first.notifications) == (1, [])
    assert [n.id for n in news.notifications] == ["new"]
    assert news.unread == 2
    assert heartbeat.heartbeat
    # The read one is news (it was created after connect) but the count stays.
    assert [[n.id for n in u.notifications] for u in rest] == [["read-already"]]
    assert all(
        u.heartbeat or "someone-elses" not in [n.id for n in u.notifications] for u in updates
    )


async def test_the_watch_sends_the_count_when_it_drops() -> None:
    now = datetime(2027, 1, 1, 12, tzinfo=UTC)
    store = FakeStore()
    store.add("a", "emp1", now - timedelta(minutes=5))

    def read_all() -> None:
        store.notes = [
            StoredNotification(
                n.notification_id, n.person, n.kind, n.title, n.body, n.link, n.created_at, now
            )
            for n in store.notes
        ]

    updates = await run_watch(store, Script([read_all]), now)
    assert [u.unread for u in updates] == [1, 0]
