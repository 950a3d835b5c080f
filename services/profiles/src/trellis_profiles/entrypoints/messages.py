"""Between profiles protobuf messages and domain models (generic helpers in shared).

`profile_message` builds the reply field by field: it runs on every read, and
going through a JSON dump and `json_format.ParseDict` cost about a millisecond
per profile, more than the database lookup. Dates and times are written exactly
as pydantic's JSON mode writes them (a unit test compares the two ways).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic_core import to_jsonable_python

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis_profiles.domain.profile import (
    Commitment,
    HistoryEntry,
    OrgData,
    Profile,
    SkillEntry,
)
from trellis_profiles.domain.taxonomy import Skill


def _when(value: date | datetime | None) -> str:
    return "" if value is None else str(to_jsonable_python(value))


def _org(org: OrgData) -> pb.OrgData:
    return pb.OrgData(
        name=org.name,
        email=org.email,
        title=org.title,
        level=org.level,
        ladder=org.ladder.value,
        department=org.department,
        location=org.location,
        time_zone=org.time_zone,
        manager_id=org.manager_id,
        role_started_on=_when(org.role_started_on),
    )


def _skill(entry: SkillEntry) -> pb.SkillEntry:
    return pb.SkillEntry(
        skill_id=entry.skill_id,
        level=entry.level,
        source=entry.source.value,
        assessed_by=entry.assessed_by,
        assessed_at=_when(entry.assessed_at),
        evidence=[
            pb.Evidence(kind=e.kind, reference=e.reference, title=e.title, at=_when(e.at))
            for e in entry.evidence
        ],
    )


def _history(entry: HistoryEntry) -> pb.HistoryEntry:
    return pb.HistoryEntry(
        kind=entry.kind.value,
        reference=entry.reference,
        title=entry.title,
        started_on=_when(entry.started_on),
        ended_on=_when(entry.ended_on),
        status=entry.status,
    )


def _commitment(entry: Commitment) -> pb.Commitment:
    return pb.Commitment(
        reference=entry.reference,
        kind=entry.kind.value,
        share_pct=entry.share_pct,
        starts_on=_when(entry.starts_on),
        ends_on=_when(entry.ends_on),
        key=entry.key,
        state=entry.state.value,
    )


def profile_message(profile: Profile, version: int) -> pb.Profile:
    aspirations = profile.aspirations
    availability = profile.availability
    mobility = profile.mobility
    return pb.Profile(
        employee_id=profile.employee_id,
        org=_org(profile.org),
        skills=[_skill(entry) for entry in profile.skills.values()],
        aspirations=pb.Aspirations(
            target_roles=aspirations.target_roles,
            skills_to_develop=aspirations.skills_to_develop,
            interests=aspirations.interests,
            ladder_preference=(
                aspirations.ladder_preference.value if aspirations.ladder_preference else ""
            ),
        ),
        availability=pb.Availability(
            share_free_pct=availability.share_free_pct,
            available_from=_when(availability.available_from),
            available_to=_when(availability.available_to),
        ),
        mobility=pb.Mobility(
            open_to_lateral_moves=mobility.open_to_lateral_moves,
            open_to_relocation=mobility.open_to_relocation,
            open_to_secondment=mobility.open_to_secondment,
            open_to_gigs=mobility.open_to_gigs,
            wants_mentor=mobility.wants_mentor,
            offers_mentoring=mobility.offers_mentoring,
            mentor_capacity=mobility.mentor_capacity,
            mentor_topics=mobility.mentor_topics,
        ),
        visibility=profile.visibility.value,
        history=[_history(entry) for entry in profile.history],
        commitments=[_commitment(entry) for entry in profile.commitments],
        version=version,
    )


def skill_message(skill: Skill) -> pb.Skill:
    return pb.Skill(
        id=skill.id, name=skill.name, category=skill.category, aliases=list(skill.aliases)
    )
