"""Reserving time when it is promised: rules, and a property test over random
interleavings of reservations, releases and the work events that confirm them,
by different promisers (offers accepted, seats awarded in overlapping rounds,
mentorships) for overlapping periods."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis_profiles.domain.ledger import limit_for
from trellis_profiles.domain.profile import (
    Availability,
    CommitmentState,
    HistoryKind,
    OrgData,
    Profile,
)
from trellis_profiles.domain.reservations import (
    Answer,
    Promise,
    commit,
    release,
    reserve,
    undo,
)
from trellis_profiles.domain.work_history import finish_work, take_on_work
from trellis_shared.contracts.promises import application_promise

pytestmark = pytest.mark.unit
TODAY = date(2027, 1, 1)
HORIZON = 60  # days the generated periods fall in


def person(free: int) -> Profile:
    org = OrgData(name="Ada", email="ada@example.com", manager_id="m1")
    return Profile(employee_id="e1", org=org, availability=Availability(share_free_pct=free))


def gig(key: str, share: int, start: int = 0, end: int = 30) -> Promise:
    return Promise(
        key=key,
        reference=f"ref-{key.replace(':', '-')}",
        kind=HistoryKind.GIG,
        share_pct=share,
        starts_on=TODAY + timedelta(days=start),
        ends_on=TODAY + timedelta(days=end),
    )


class TestReserve:
    def test_two_forty_percent_gigs_do_not_fit_in_fifty_free(self) -> None:
        profile, first = reserve(person(50), gig("application:a", 40), TODAY)
        profile, second = reserve(profile, gig("application:b", 40), TODAY)
        assert first.answer is Answer.RESERVED
        assert second.answer is Answer.NO_TIME
        assert "above the limit of 50%" in second.check.reason
        assert [c.key for c in profile.commitments] == ["application:a"]

    def test_a_re_sent_reservation_answers_the_same_and_changes_nothing(self) -> None:
        profile, _ = reserve(person(50), gig("application:a", 40), TODAY)
        again, answer = reserve(profile, gig("application:a", 40), TODAY)
        assert again == profile
        assert answer.granted
        assert answer.state is CommitmentState.RESERVED

    def test_a_key_with_other_terms_is_refused(self) -> None:
        profile, _ = reserve(person(100), gig("application:a", 40), TODAY)
        same, answer = reserve(profile, gig("application:a", 20), TODAY)
        assert answer.answer is Answer.KEY_REUSED
        assert same == profile

    def test_released_time_is_free_again_and_the_key_is_never_taken_again(self) -> None:
        profile, _ = reserve(person(50), gig("application:a", 40), TODAY)
        profile, freed = release(profile, "application:a", TODAY)
        assert freed
        profile, other = reserve(profile, gig("application:b", 40), TODAY)
        assert other.answer is Answer.RESERVED
        _, late = reserve(profile, gig("application:a", 10), TODAY)
        assert late.answer is Answer.RELEASED

    def test_a_release_that_overtakes_its_reservation_still_wins(self) -> None:
        profile, freed = release(person(50), "application:a", TODAY)
        assert not freed
        profile, late = reserve(profile, gig("application:a", 40), TODAY)
        assert late.answer is Answer.RELEASED
        assert profile.commitments == ()

    def test_an_undone_reservation_may_be_made_again(self) -> None:
        profile, _ = reserve(person(50), gig("application:a", 40), TODAY)
        profile, freed = undo(profile, "application:a")
        assert freed
        assert profile.commitments == ()
        _, again = reserve(profile, gig("application:a", 40), TODAY)
        assert again.answer is Answer.RESERVED

    def test_undo_never_gives_back_recorded_work(self) -> None:
        profile, _ = reserve(person(50), gig("application:a", 40), TODAY)
        committed = commit(profile, gig("application:a", 40), TODAY)
        assert undo(committed, "application:a") == (committed, False)

    def test_the_work_event_turns_the_reservation_into_one_commitment(self) -> None:
        profile, _ = reserve(person(50), gig("application:a", 40), TODAY)
        committed = commit(profile, gig("application:a", 40), TODAY)
        assert [(c.key, c.state) for c in committed.commitments] == [
            ("application:a", CommitmentState.COMMITTED)
        ]
        assert commit(committed, gig("application:a", 40), TODAY) == committed

    def test_a_work_event_after_the_release_takes_no_time(self) -> None:
        profile, _ = reserve(person(50), gig("application:a", 40), TODAY)
        profile, _ = release(profile, "application:a", TODAY)
        assert commit(profile, gig("application:a", 40), TODAY).commitments == ()

    def test_accepted_work_converts_its_reservation_through_take_on_work(self) -> None:
        promise = gig("application:a", 40)
        profile, _ = reserve(person(50), promise, TODAY)
        taken = take_on_work(
            profile,
            kind=HistoryKind.GIG,
            reference=promise.reference,
            title="Gig",
            status="accepted",
            starts_on=promise.starts_on,
            ends_on=promise.ends_on,
            share_pct=40,
            event_id="ev-1",
            promise_key=promise.key,
            today=TODAY,
        )
        assert len(taken.commitments) == 1
        assert taken.commitments[0].state is CommitmentState.COMMITTED
        finished = finish_work(
            taken,
            kind=HistoryKind.GIG,
            reference=promise.reference,
            title="Gig",
            completed_on=TODAY + timedelta(days=5),
            demonstrated={},
            event_id="ev-2",
        )
        assert finished.commitments[0].ends_on == TODAY + timedelta(days=5)

    def test_applying_to_the_same_posting_again_is_a_new_promise(self) -> None:
        """An application keeps its id when the person applies again after a
        withdrawal; the attempt in the key keeps the earlier time from answering
        for the new acceptance."""
        first = replace(gig("", 40), key=application_promise("opp-1:a1"))
        again = replace(gig("", 40), key=application_promise("opp-1:a1", attempt=2))
        profile, _ = reserve(person(50), first, TODAY)
        profile = commit(profile, first, TODAY)
        _, answer = reserve(profile, again, TODAY)
        assert answer.answer is Answer.NO_TIME

    def test_forgotten_releases_are_only_those_whose_period_has_passed(self) -> None:
        profile, _ = reserve(person(50), gig("application:a", 40, 0, 10), TODAY)
        profile, _ = release(profile, "application:a", TODAY)
        later = TODAY + timedelta(days=11)
        profile, _ = release(profile, "application:other", later)
        assert [r.key for r in profile.released] == ["application:other"]


# -- the property ----------------------------------------------------------

KIND_OF_PROMISER = {
    "application": (HistoryKind.GIG, HistoryKind.SECONDMENT),
    "award": (HistoryKind.STRETCH,),
    "mentorship": (HistoryKind.MENTORSHIP,),
}


@st.composite
def promises(draw: st.DrawFn) -> list[Promise]:
    """A handful of promises per promiser; awards come from two overlapping rounds
    that may award the same assignment, so their keys differ only by round."""
    found: list[Promise] = []
    for promiser, kinds in KIND_OF_PROMISER.items():
        for n in range(draw(st.integers(1, 4))):
            start = draw(st.integers(0, HORIZON - 1))
            length = draw(st.integers(0, HORIZON - 1 - start))
            round_id = f"r{n % 2}:" if promiser == "award" else ""
            key = f"{promiser}:{round_id}{n // 2 if promiser == 'award' else n}"
            found.append(
                Promise(
                    key=key,
                    reference=f"{promiser}-{n}",
                    kind=draw(st.sampled_from(kinds)),
                    share_pct=draw(st.sampled_from([5, 10, 20, 25, 40, 50, 60, 100])),
                    starts_on=TODAY + timedelta(days=start),
                    ends_on=TODAY + timedelta(days=start + length),
                )
            )
    return found


@dataclass(frozen=True)
class Step:
    action: str  # reserve | release | undo | commit
    index: int  # which promise
    resend: bool  # the same step is sent twice in a row (a retry)


steps = st.lists(
    st.builds(
        Step,
        action=st.sampled_from(["reserve", "reserve", "release", "undo", "commit"]),
        index=st.integers(0, 11),
        resend=st.booleans(),
    ),
    max_size=40,
)


def daily_totals(profile: Profile) -> dict[date, int]:
    """The reference: every day's promised share, counted day by day."""
    totals: dict[date, int] = {}
    for c in profile.commitments:
        day = c.starts_on
        while day <= c.ends_on:
            totals[day] = totals.get(day, 0) + c.share_pct
            day += timedelta(days=1)
    return totals


def fits_by_counting(profile: Profile, promise: Promise) -> bool:
    totals = daily_totals(profile)
    limit = limit_for(promise.kind, profile.availability)
    day = promise.starts_on
    while day <= promise.ends_on:
        if totals.get(day, 0) + promise.share_pct > limit:
            return False
        day += timedelta(days=1)
    return True


@given(free=st.sampled_from([0, 20, 40, 50, 80, 100]), made=promises(), plan=steps)
@settings(max_examples=400, deadline=None)
def test_the_peak_never_exceeds_the_limit_whatever_the_interleaving(
    free: int, made: list[Promise], plan: list[Step]
) -> None:
    profile = person(free)
    granted_order: list[str] = []  # keys in the order their time was taken
    given_back: set[str] = set()
    for step in plan:
        promise = made[step.index % len(made)]
        before = profile
        if step.action == "reserve":
            expected_fit = fits_by_counting(before, promise)
            profile, answer = reserve(profile, promise, TODAY)
            if answer.answer is Answer.RESERVED:
                assert expected_fit, "granted although counting says it does not fit"
                granted_order.append(promise.key)
            if answer.answer is Answer.NO_TIME:
                assert not expected_fit, "refused although counting says it fits"
            if promise.key in given_back:
                assert answer.answer is Answer.RELEASED
            if step.resend:
                again, repeated = reserve(profile, promise, TODAY)
                assert again == profile
                assert repeated.granted == answer.granted
        elif step.action == "release":
            profile, _ = release(profile, promise.key, TODAY)
            given_back.add(promise.key)
            if step.resend:
                assert release(profile, promise.key, TODAY) == (profile, False)
        elif step.action == "undo":
            profile, _ = undo(profile, promise.key)
            if step.resend:
                assert undo(profile, promise.key) == (profile, False)
        else:
            # The work's event: sent by a promiser only after its reservation was
            # granted, but it may land after a release.
            if promise.key not in granted_order:
                continue
            profile = commit(profile, promise, TODAY)
            if step.resend:
                assert commit(profile, promise, TODAY) == profile
        assert_ledger_holds(profile, granted_order, given_back)


def assert_ledger_holds(profile: Profile, granted_order: list[str], given_back: set[str]) -> None:
    keys = [c.key for c in profile.commitments]
    assert len(keys) == len(set(keys)), "a promise counts twice"
    assert not set(keys) & given_back, "released time still counts"
    assert set(keys) <= set(granted_order), "time counted that was never granted"
    totals = daily_totals(profile)
    assert max(totals.values(), default=0) <= 100
    # Each day's total stays within the limit of the last promise granted on it:
    # when that one was checked, everything still counted on the day was there.
    by_key = {c.key: c for c in profile.commitments}
    for day, total in totals.items():
        covering = [
            k
            for k in granted_order
            if k in by_key and by_key[k].starts_on <= day <= by_key[k].ends_on
        ]
        last = by_key[covering[-1]]
        assert total <= limit_for(last.kind, profile.availability), (
            f"{total}% promised on {day}, above the limit"
        )
    if all(c.kind not in (HistoryKind.SECONDMENT, HistoryKind.ROLE) for c in by_key.values()):
        assert max(totals.values(), default=0) <= profile.availability.share_free_pct
