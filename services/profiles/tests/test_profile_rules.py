"""Domain rules of profiles: ledger, access, org chart, skills and work history."""

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from trellis_profiles.domain import access
from trellis_profiles.domain.ledger import check_commitment, peak_commitment
from trellis_profiles.domain.org_chart import manager_cycle_is_refused
from trellis_profiles.domain.profile import (
    Availability,
    Commitment,
    Evidence,
    HistoryKind,
    OrgData,
    Profile,
    SkillSource,
    Visibility,
)
from trellis_profiles.domain.skills import add_work_evidence, endorse_skill, set_own_skills
from trellis_profiles.domain.work_history import finish_work, take_on_work
from trellis_shared.errors import InvalidArgument, PermissionDenied
from trellis_shared.grpc.tokens import Principal

pytestmark = pytest.mark.unit
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def person(employee_id: str = "e1", manager_id: str = "m1", **changes: object) -> Profile:
    org = OrgData(name="Ada", email="ada@example.com", manager_id=manager_id)
    return Profile(employee_id=employee_id, org=org).model_copy(update=changes)


def commitment(ref: str, share: int, start: date, end: date) -> Commitment:
    return Commitment(
        reference=ref, kind=HistoryKind.GIG, share_pct=share, starts_on=start, ends_on=end
    )


class TestLedger:
    def test_peak_is_the_busiest_day_inside_the_period(self) -> None:
        promised = [
            commitment("a", 20, date(2026, 1, 1), date(2026, 3, 31)),
            commitment("b", 30, date(2026, 3, 1), date(2026, 6, 30)),
            commitment("c", 40, date(2027, 1, 1), date(2027, 2, 1)),
        ]
        assert peak_commitment(promised, date(2026, 2, 1), date(2026, 12, 31)) == (
            50,
            date(2026, 3, 1),
        )
        assert peak_commitment(promised, date(2026, 7, 1), date(2026, 12, 31)) == (0, None)

    def test_a_gig_must_fit_in_the_declared_free_share(self) -> None:
        free = Availability(share_free_pct=40)
        promised = [commitment("a", 20, date(2026, 1, 1), date(2026, 12, 31))]
        fits = check_commitment(
            promised, free, HistoryKind.GIG, 20, date(2026, 5, 1), date(2026, 6, 1)
        )
        assert fits.fits
        too_much = check_commitment(
            promised, free, HistoryKind.GIG, 30, date(2026, 5, 1), date(2026, 6, 1)
        )
        assert not too_much.fits
        assert "50%" in too_much.reason
        assert too_much.limit_pct == 40

    def test_a_secondment_may_use_the_whole_week(self) -> None:
        check = check_commitment(
            [],
            Availability(share_free_pct=0),
            HistoryKind.SECONDMENT,
            100,
            date(2026, 1, 1),
            date(2026, 6, 30),
        )
        assert check.fits

    def test_commitments_after_each_other_do_not_add_up(self) -> None:
        promised = [
            commitment("a", 50, date(2026, 1, 1), date(2026, 1, 31)),
            commitment("b", 50, date(2026, 2, 1), date(2026, 2, 28)),
        ]
        assert peak_commitment(promised, date(2026, 1, 1), date(2026, 2, 28))[0] == 50


class TestAccess:
    def test_the_chain_reads_everything_others_only_what_visibility_allows(self) -> None:
        hidden = person(visibility=Visibility.HIDDEN)
        colleague = Principal("e2", frozenset({"employee"}))
        boss = Principal("m2", frozenset({"employee", "manager"}))
        assert access.read_access(colleague, hidden, ["m1", "m2"]) is access.Access.NONE
        assert access.read_access(boss, hidden, ["m1", "m2"]) is access.Access.FULL
        managers_only = person(visibility=Visibility.MANAGERS)
        other_manager = Principal("x", frozenset({"manager"}))
        assert access.read_access(other_manager, managers_only, []) is access.Access.LIMITED
        assert access.read_access(colleague, managers_only, []) is access.Access.NONE

    def test_limited_view_hides_availability_and_commitments(self) -> None:
        busy = person(
            availability=Availability(share_free_pct=30),
            commitments=(commitment("a", 10, date(2026, 1, 1), date(2026, 2, 1)),),
        )
        seen = access.as_seen_by(access.Access.LIMITED, busy)
        assert seen.availability.share_free_pct == 0
        assert seen.commitments == ()

    def test_only_the_direct_manager_endorses(self) -> None:
        access.may_endorse(Principal("m1", frozenset({"manager"})), person())
        with pytest.raises(PermissionDenied):
            access.may_endorse(Principal("m9", frozenset({"manager"})), person())

    def test_nobody_edits_someone_elses_profile_but_hr(self) -> None:
        with pytest.raises(PermissionDenied):
            access.may_edit_own_data(Principal("e2", frozenset({"employee"})), "e1")
        access.may_edit_own_data(Principal("h", frozenset({"hr_admin"})), "e1")


class TestOrgChart:
    def test_a_manager_cycle_is_refused_with_its_path(self) -> None:
        with pytest.raises(InvalidArgument) as caught:
            manager_cycle_is_refused("a", "b", ["c", "a", "top"])
        assert caught.value.violations[0].field == "org.manager_id"
        assert "a -> b -> c -> a" in caught.value.violations[0].description

    def test_self_management_and_normal_chains(self) -> None:
        with pytest.raises(InvalidArgument):
            manager_cycle_is_refused("a", "a", [])
        manager_cycle_is_refused("a", "b", ["c", "d"])
        manager_cycle_is_refused("a", "", [])
        with pytest.raises(ValidationError):
            person(employee_id="a", manager_id="a")


class TestSkills:
    def test_self_assessment_keeps_evidence_and_unchanged_levels_keep_trust(self) -> None:
        endorsed = endorse_skill(person(), "python", 4, SkillSource.MANAGER_ENDORSED, "m1", NOW)
        same = set_own_skills(endorsed, {"python": 4}, (), NOW)
        assert same.skills["python"].source is SkillSource.MANAGER_ENDORSED
        lowered = set_own_skills(endorsed, {"python": 3}, (), NOW)
        assert lowered.skills["python"].source is SkillSource.SELF

    def test_work_evidence_raises_self_assessed_levels_but_not_endorsed_ones(self) -> None:
        base = set_own_skills(person(), {"python": 2, "sql": 2}, (), NOW)
        base = endorse_skill(base, "sql", 2, SkillSource.MANAGER_ENDORSED, "m1", NOW)
        proof = Evidence(kind="gig", reference="g1", title="Data pipeline", at=NOW)
        after = add_work_evidence(base, {"python": 4, "sql": 4, "kubernetes": 3}, proof)
        assert after.skills["python"].level == 4
        assert after.skills["python"].source is SkillSource.EVIDENCED_BY_WORK
        assert after.skills["sql"].level == 2
        assert after.skills["sql"].evidence == (proof,)
        assert after.skills["kubernetes"].source is SkillSource.EVIDENCED_BY_WORK


class TestWorkHistory:
    def test_award_then_completion(self) -> None:
        awarded = take_on_work(
            person(),
            kind=HistoryKind.STRETCH,
            reference="s1",
            title="Lead the migration",
            status="awarded",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 6, 30),
            share_pct=20,
            event_id="ev1",
        )
        assert awarded.commitments[0].share_pct == 20
        done = finish_work(
            awarded,
            kind=HistoryKind.STRETCH,
            reference="s1",
            title="",
            completed_on=date(2026, 3, 31),
            demonstrated={"python": 3},
            event_id="ev2",
        )
        assert len(done.history) == 1
        assert done.history[0].status == "completed"
        assert done.history[0].title == "Lead the migration"
        assert done.commitments[0].ends_on == date(2026, 3, 31)
        assert done.skills["python"].evidence[0].reference == "s1"


def test_bounds_are_enforced() -> None:
    with pytest.raises(ValidationError):
        Availability(share_free_pct=120)
    with pytest.raises(ValidationError):
        Availability(available_from=date(2026, 5, 1), available_to=date(2026, 4, 1))
    with pytest.raises(ValidationError):
        OrgData(name="x" * 500, email="a@b.c")
    with pytest.raises(ValidationError):
        OrgData(name="Ada", email="not-an-email")
