"""Use cases and the import, through the in-memory repository."""

import json
from datetime import date
from pathlib import Path

import pytest
from profiles_fakes import FakeProfiles

from trellis_profiles.adapters.taxonomy_files import load_default_taxonomy
from trellis_profiles.app.org_import import (
    IMPORTER,
    ImportReport,
    ImportRow,
    apply_rows,
    check_rows,
    import_organisation,
    read_records,
)
from trellis_profiles.app.synthetic_org import generate_organisation
from trellis_profiles.app.use_cases import Profiles
from trellis_profiles.app.work_events import handle_work_event
from trellis_profiles.domain.profile import (
    REMEMBERED_EVENTS,
    Availability,
    Mobility,
    OrgData,
    Visibility,
)
from trellis_shared.contracts.common import SkillLevel
from trellis_shared.contracts.mentorship import MentorshipActivated, MentorshipCompleted
from trellis_shared.contracts.postings import ApplicationAccepted, WorkCompleted
from trellis_shared.contracts.profiles import ProfileSnapshot
from trellis_shared.errors import InvalidArgument
from trellis_shared.grpc.tokens import Principal

pytestmark = pytest.mark.unit
TAXONOMY = load_default_taxonomy()
HR = Principal("hr", frozenset({"hr_admin"}))

CSV = (Path(__file__).parent / "fixtures" / "org_sample.csv").read_text()


def test_rows_are_checked_and_every_rejection_is_reported() -> None:
    rows, rejected = check_rows(read_records(CSV, "csv"), TAXONOMY)
    assert [r.employee_id for r in rows] == ["ceo", "m1", "e1"]  # managers first
    reasons = {(r.line, r.employee_id): r.reason for r in rejected}
    assert reasons[(5, "e1")] == "duplicate of line 4"
    assert "email" in reasons[(6, "e2")]
    assert "unknown skill 'basket weaving'" in reasons[(7, "e3")]
    assert "reporting cycle" in reasons[(8, "x1")]
    assert "reporting cycle" in reasons[(9, "x2")]
    assert rows[2].skills == {"kubernetes": 2}
    assert rows[1].skills == {"python": 4, "sql": 5}


async def test_import_is_idempotent() -> None:
    profiles = Profiles(FakeProfiles(), TAXONOMY)
    first = await import_organisation(profiles, TAXONOMY, CSV, "csv")
    assert (first.rows, first.created_or_changed, first.unchanged) == (8, 3, 0)
    assert len(first.rejected) == 5
    again = await import_organisation(profiles, TAXONOMY, CSV, "csv")
    assert (again.created_or_changed, again.unchanged) == (0, 3)


async def test_a_repeated_employee_id_in_one_call_is_rejected_not_applied() -> None:
    # ImportProfiles hands its rows to apply_rows unchecked for repeats.
    fake = FakeProfiles()
    profiles = Profiles(fake, TAXONOMY)
    rows = [
        ImportRow(2, "d1", OrgData(name="First", email="first@example.com"), {"python": 3}),
        ImportRow(3, "d2", OrgData(name="Other", email="other@example.com"), {}),
        ImportRow(4, "d1", OrgData(name="Second", email="second@example.com"), {}),
    ]
    report = await apply_rows(profiles, IMPORTER, rows, ImportReport(rows=3))
    assert (report.created_or_changed, report.unchanged) == (2, 0)
    assert [(r.line, r.employee_id, r.reason) for r in report.rejected] == [
        (4, "d1", "duplicate of line 2")
    ]
    kept = await fake.get("d1")
    assert kept is not None
    assert kept.profile.org.name == "First"


async def test_synthetic_organisation_imports_cleanly() -> None:
    people = generate_organisation(400, TAXONOMY, seed=3)
    assert len({p["employee_id"] for p in people}) == 400
    managers = {p["manager_id"] for p in people if p["manager_id"]}
    assert managers <= {p["employee_id"] for p in people}
    assert sum(p["ladder"] == "manager" for p in people) < 150
    fake = FakeProfiles()
    report = await import_organisation(
        Profiles(fake, TAXONOMY), TAXONOMY, json.dumps({"people": people}), "json"
    )
    assert report.rejected == []
    assert report.created_or_changed == 400
    engineers = [p for p in people if p["department"] == "Engineering"]
    categories = {
        TAXONOMY.get(s["skill"]).category  # type: ignore[union-attr]
        for p in engineers
        for s in p["skills"]
    }
    assert "Software Engineering" in categories or "Cloud & Infrastructure" in categories


def test_generation_is_deterministic_per_seed() -> None:
    assert generate_organisation(50, TAXONOMY, 1) == generate_organisation(50, TAXONOMY, 1)
    assert generate_organisation(50, TAXONOMY, 1) != generate_organisation(50, TAXONOMY, 2)


async def test_every_change_raises_a_snapshot_with_the_new_version() -> None:
    fake = FakeProfiles()
    profiles = Profiles(fake, TAXONOMY)
    await profiles.upsert_org(HR, "e1", OrgData(name="Ed", email="ed@example.com"))
    await profiles.update_skills(Principal("e1", frozenset({"employee"})), "e1", {"python": 3}, [])
    await profiles.update_skills(
        Principal("e1", frozenset({"employee"})), "e1", {"python": 3}, []
    )  # no change: no write, no event
    versions = [e.version for e in fake.events if isinstance(e, ProfileSnapshot)]
    assert versions == [1, 2]


async def test_a_version_the_caller_has_seen_is_never_answered_stale() -> None:
    # Two replicas on one database; the snapshot of A's save has not reached B yet.
    database = FakeProfiles()
    writer, reader = Profiles(database, TAXONOMY), Profiles(database, TAXONOMY)
    ed = Principal("e1", frozenset({"employee"}))
    await writer.upsert_org(HR, "e1", OrgData(name="Ed", email="ed@example.com"))
    assert (await reader.get(ed, "e1"))[1] == 1  # now in B's recent profiles
    _, written = await writer.update_skills(ed, "e1", {"python": 3}, [])
    assert written == 2
    assert (await reader.get(ed, "e1"))[1] == 1  # B cannot know yet
    seen, version = await reader.get(ed, "e1", min_version=written)
    assert version == 2
    assert list(seen.skills) == ["python"]


async def test_mentorship_events_reach_both_profiles_once() -> None:
    fake = FakeProfiles()
    profiles = Profiles(fake, TAXONOMY)
    for who in ("mentor", "mentee"):
        await profiles.upsert_org(HR, who, OrgData(name=who, email=f"{who}@example.com"))
    started = MentorshipActivated(
        match_id="m1",
        mentor_id="mentor",
        mentee_id="mentee",
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 6, 30),
    )
    for _ in range(2):
        await handle_work_event(profiles, "ev-1", started)
    finished = MentorshipCompleted(
        match_id="m1", mentor_id="mentor", mentee_id="mentee", completed_on=date(2027, 4, 30)
    )
    await handle_work_event(profiles, "ev-2", finished)
    mentor = fake.rows["mentor"]
    assert mentor.version == 3
    assert [(h.reference, h.status) for h in mentor.profile.history] == [("m1", "completed")]
    assert mentor.profile.commitments[0].ends_on == date(2027, 4, 30)
    assert fake.rows["mentee"].profile.commitments == ()


async def test_old_work_events_replayed_long_after_change_nothing() -> None:
    # Far more events than the profile remembers ids of came in between: the
    # replay is recognised by the work it names, not by a recent id.
    fake = FakeProfiles()
    profiles = Profiles(fake, TAXONOMY)
    await profiles.upsert_org(HR, "e1", OrgData(name="Ed", email="ed@example.com"))
    accepted = ApplicationAccepted(
        application_id="opp-1:a1", opportunity_id="opp-1", kind="gig", employee_id="e1",
        title="Data gig", share_pct=40, starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31),
    )  # fmt: skip
    completed = WorkCompleted(
        opportunity_id="opp-1", kind="gig", employee_id="e1", title="Data gig",
        completed_on=date(2027, 3, 1), skills_demonstrated=[SkillLevel(skill_id="sql", level=4)],
    )  # fmt: skip
    await handle_work_event(profiles, "ev-accepted", accepted)
    await handle_work_event(profiles, "ev-completed", completed)
    for n in range(REMEMBERED_EVENTS + 5):
        await profiles.apply_event("e1", f"ev-other-{n}", lambda p: p)
    before = fake.rows["e1"]
    assert not before.profile.has_applied("ev-accepted")  # out of the window of ids

    await handle_work_event(profiles, "ev-accepted", accepted)
    await handle_work_event(profiles, "ev-completed", completed)

    after = fake.rows["e1"].profile
    assert [(h.reference, h.status) for h in after.history] == [("opp-1", "completed")]
    assert after.commitments == before.profile.commitments
    assert after.commitments[0].ends_on == date(2027, 3, 1)
    assert len(after.skills["sql"].evidence) == 1


async def test_unknown_skills_in_a_search_are_named() -> None:
    profiles = Profiles(FakeProfiles(), TAXONOMY)
    from trellis_profiles.app.ports import SearchCriteria

    with pytest.raises(InvalidArgument) as caught:
        await profiles.search(HR, SearchCriteria(min_levels={"python": 3, "nope": 2}), 10, "")
    assert [v.description for v in caught.value.violations] == ["unknown skill id 'nope'"]


async def test_importing_someone_another_replica_just_created_doubles_nothing() -> None:
    # Two replicas on one database; the second has not yet followed the first's snapshot,
    # so its people index does not know d1: the bulk insert finds d1 and changes it instead.
    fake = FakeProfiles()
    first, second = Profiles(fake, TAXONOMY), Profiles(fake, TAXONOMY)
    row = ImportRow(2, "d1", OrgData(name="First", email="first@example.com"), {"python": 3})
    await apply_rows(first, IMPORTER, [row], ImportReport(rows=1))
    assert "d1" not in second.people

    again = await apply_rows(second, IMPORTER, [row], ImportReport(rows=1))
    assert (again.created_or_changed, again.unchanged) == (0, 1)
    assert fake.rows["d1"].version == 1
    assert "d1" in second.people  # what it read, it now knows

    renamed = ImportRow(2, "d1", OrgData(name="Renamed", email="first@example.com"), {"python": 3})
    third = Profiles(fake, TAXONOMY)
    changed = await apply_rows(third, IMPORTER, [renamed], ImportReport(rows=1))
    assert (changed.created_or_changed, changed.unchanged) == (1, 0)
    assert fake.rows["d1"].version == 2
    assert fake.rows["d1"].profile.org.name == "Renamed"


async def test_a_batch_read_follows_the_same_rules_as_single_reads() -> None:
    fake = FakeProfiles()
    profiles = Profiles(fake, TAXONOMY)
    for employee_id, manager_id in (("mgr", ""), ("alice", "mgr"), ("bob", "mgr")):
        org = OrgData(name=employee_id, email=f"{employee_id}@example.com", manager_id=manager_id)
        await profiles.upsert_org(HR, employee_id, org)
    await profiles.set_preferences(
        Principal("bob", frozenset({"employee"})),
        "bob",
        Availability(share_free_pct=40),
        Mobility(),
        Visibility.HIDDEN,
    )
    colleague = Principal("carol", frozenset({"employee"}))
    seen = await profiles.get_many(colleague, ["bob", "nobody", "alice", "alice"])
    assert [p.employee_id for p, _ in seen] == ["alice"]  # hidden and unknown left out
    manager = Principal("mgr", frozenset({"employee", "manager"}))
    seen = await profiles.get_many(manager, ["bob", "alice"])
    assert [(p.employee_id, p.availability.share_free_pct) for p, _ in seen] == [
        ("bob", 40),
        ("alice", 0),
    ]
