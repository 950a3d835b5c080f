"""Translate a profile into the events other services read (the published contract)."""

from __future__ import annotations

from trellis_profiles.domain.profile import Profile
from trellis_shared.contracts.profiles import ProfileSnapshot


def snapshot_of(profile: Profile, version: int) -> ProfileSnapshot:
    org = profile.org
    return ProfileSnapshot.model_validate(
        {
            "employee_id": profile.employee_id,
            "version": version,
            **org.model_dump(mode="json", exclude={"role_started_on"}),
            "visibility": profile.visibility.value,
            "skills": [
                {"skill_id": s.skill_id, "level": s.level, "source": s.source.value}
                for s in profile.skills.values()
            ],
            "aspirations": profile.aspirations.model_dump(mode="json"),
            "availability": profile.availability.model_dump(mode="json"),
            "mobility": profile.mobility.model_dump(mode="json"),
            "history": [
                h.model_dump(mode="json", exclude={"source_event_id"}) for h in profile.history
            ],
            "commitments": [c.model_dump(mode="json") for c in profile.commitments],
        }
    )
