"""A profile (or a snapshot of one) as the in-memory people index holds it."""

from __future__ import annotations

from trellis_profiles.domain.people_index import Person
from trellis_profiles.domain.profile import Ladder, Profile, Visibility
from trellis_shared.contracts.profiles import ProfileSnapshot


def person_of(profile: Profile, version: int) -> Person:
    org = profile.org
    return Person(
        employee_id=profile.employee_id,
        version=version,
        manager_id=org.manager_id,
        department=org.department,
        location=org.location,
        ladder=org.ladder,
        visibility=profile.visibility,
        levels={skill_id: entry.level for skill_id, entry in profile.skills.items()},
    )


def person_of_snapshot(snapshot: ProfileSnapshot) -> Person:
    return Person(
        employee_id=snapshot.employee_id,
        version=snapshot.version,
        manager_id=snapshot.manager_id,
        department=snapshot.department,
        location=snapshot.location,
        ladder=Ladder(snapshot.ladder),
        visibility=Visibility(snapshot.visibility),
        levels={skill.skill_id: skill.level for skill in snapshot.skills},
    )
