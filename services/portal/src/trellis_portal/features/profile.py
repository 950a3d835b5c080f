"""Profiles as people see them: read, change own skills/aspirations/preferences, endorse.

Every call goes to the profiles service as the signed-in person; the service
decides who may read or change what (the employee, their chain, hr_admin).
Skill ids are shown with their taxonomy names, looked up in one call.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis_portal.features.caller import Caller

LEVEL_MEANINGS = {
    1: "Aware: knows what it is and when it matters",
    2: "Beginner: does simple tasks with guidance",
    3: "Practitioner: works on their own on usual tasks",
    4: "Advanced: handles hard cases and guides others",
    5: "Expert: sets direction and is sought out by others",
}
SOURCE_MEANINGS = {
    "self": "self-assessed",
    "evidenced_by_work": "shown by finished work",
    "manager_endorsed": "endorsed by the manager",
    "validated": "validated by HR",
}
VISIBILITY_MEANINGS = {
    "everyone": "Everyone: anyone in the company can find you in searches and read your skills.",
    "managers": "Managers: only people who manage a team can find you and read your skills.",
    "hidden": "Hidden: nobody finds you in searches; only the managers above you and HR see you.",
}
MAX_LIST = 20  # the service's bound for lists on a profile


class Evidence(BaseModel):
    kind: str
    reference: str
    title: str
    at: str


class SkillView(BaseModel):
    skill_id: str
    name: str
    level: int
    source: str
    source_label: str
    assessed_by: str
    assessed_at: str
    evidence: list[Evidence]


class Aspirations(BaseModel):
    target_roles: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    skills_to_develop: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    interests: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    ladder_preference: str = Field(
        default="", description="individual_contributor, manager or empty"
    )


class Availability(BaseModel):
    share_free_pct: int = Field(default=0, ge=0, le=100)
    available_from: str = Field(default="", description="YYYY-MM-DD or empty")
    available_to: str = Field(default="", description="YYYY-MM-DD or empty")


class Mobility(BaseModel):
    open_to_lateral_moves: bool = False
    open_to_relocation: bool = False
    open_to_secondment: bool = False
    open_to_gigs: bool = False
    wants_mentor: bool = False
    offers_mentoring: bool = False
    mentor_capacity: int = Field(default=0, ge=0, le=10)
    mentor_topics: list[str] = Field(default_factory=list, max_length=MAX_LIST)


class HistoryEntry(BaseModel):
    kind: str
    reference: str
    title: str
    started_on: str
    ended_on: str
    status: str


class Commitment(BaseModel):
    reference: str
    kind: str
    share_pct: int
    starts_on: str
    ends_on: str


class ProfileView(BaseModel):
    """A profile as the caller may see it (others see no availability or mobility)."""

    employee_id: str
    name: str
    email: str
    title: str
    level: int
    department: str
    location: str
    manager_id: str
    skills: list[SkillView]
    aspirations: Aspirations
    availability: Availability
    mobility: Mobility
    visibility: str
    history: list[HistoryEntry]
    commitments: list[Commitment]
    version: int


class SkillOption(BaseModel):
    skill_id: str
    name: str
    category: str


class SkillChoice(BaseModel):
    skill_id: str = Field(min_length=1, max_length=120)
    level: int = Field(ge=1, le=5, description="1 (aware) to 5 (expert)")


async def skill_names(caller: Caller, skill_ids: list[str]) -> dict[str, str]:
    if not skill_ids:
        return {}
    reply = await caller.call(
        caller.backends.profiles,
        caller.backends.taxonomy().LookupSkills,
        pb.LookupSkillsRequest(skill_ids=list(dict.fromkeys(skill_ids))[:200]),
    )
    return {skill.id: skill.name for skill in reply.skills}


def _view(profile: pb.Profile, names: dict[str, str]) -> ProfileView:
    org = profile.org
    skills = sorted(
        (
            SkillView(
                skill_id=entry.skill_id,
                name=names.get(entry.skill_id, entry.skill_id),
                level=entry.level,
                source=entry.source,
                source_label=SOURCE_MEANINGS.get(entry.source, entry.source),
                assessed_by=entry.assessed_by,
                assessed_at=entry.assessed_at,
                evidence=[
                    Evidence(kind=e.kind, reference=e.reference, title=e.title, at=e.at)
                    for e in entry.evidence
                ],
            )
            for entry in profile.skills
        ),
        key=lambda skill: (-skill.level, skill.name.lower()),
    )
    mobility = profile.mobility
    return ProfileView(
        employee_id=profile.employee_id,
        name=org.name or profile.employee_id,
        email=org.email,
        title=org.title,
        level=org.level,
        department=org.department,
        location=org.location,
        manager_id=org.manager_id,
        skills=skills,
        aspirations=Aspirations(
            target_roles=list(profile.aspirations.target_roles),
            skills_to_develop=list(profile.aspirations.skills_to_develop),
            interests=list(profile.aspirations.interests),
            ladder_preference=profile.aspirations.ladder_preference,
        ),
        availability=Availability(
            share_free_pct=profile.availability.share_free_pct,
            available_from=profile.availability.available_from,
            available_to=profile.availability.available_to,
        ),
        mobility=Mobility(
            open_to_lateral_moves=mobility.open_to_lateral_moves,
            open_to_relocation=mobility.open_to_relocation,
            open_to_secondment=mobility.open_to_secondment,
            open_to_gigs=mobility.open_to_gigs,
            wants_mentor=mobility.wants_mentor,
            offers_mentoring=mobility.offers_mentoring,
            mentor_capacity=mobility.mentor_capacity,
            mentor_topics=list(mobility.mentor_topics),
        ),
        visibility=profile.visibility or "everyone",
        history=[
            HistoryEntry(
                kind=h.kind,
                reference=h.reference,
                title=h.title,
                started_on=h.started_on,
                ended_on=h.ended_on,
                status=h.status,
            )
            for h in profile.history
        ],
        commitments=[
            Commitment(
                reference=c.reference,
                kind=c.kind,
                share_pct=c.share_pct,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
            )
            for c in profile.commitments
        ],
        version=profile.version,
    )


async def _views(caller: Caller, profiles: list[pb.Profile]) -> list[ProfileView]:
    ids = [entry.skill_id for profile in profiles for entry in profile.skills]
    names = await skill_names(caller, ids)
    return [_view(profile, names) for profile in profiles]


async def _one(caller: Caller, reply: pb.ProfileReply) -> ProfileView:
    return (await _views(caller, [reply.profile]))[0]


async def get_profile(caller: Caller, employee_id: str, min_version: int = 0) -> ProfileView:
    """`min_version`: a version this caller has just written, so no replica answers older."""
    reply = await caller.call(
        caller.backends.profiles,
        caller.backends.profile_service().GetProfile,
        pb.GetProfileRequest(employee_id=employee_id, min_version=min_version),
    )
    return await _one(caller, reply)


async def update_skills(
    caller: Caller,
    employee_id: str,
    levels: list[SkillChoice],
    remove: list[str],
    expected_version: int = 0,
) -> ProfileView:
    reply = await caller.call(
        caller.backends.profiles,
        caller.backends.profile_service().UpdateSkills,
        pb.UpdateSkillsRequest(
            employee_id=employee_id,
            set=[pb.SkillLevel(skill_id=s.skill_id, level=s.level) for s in levels],
            remove=remove,
            expected_version=expected_version,
        ),
    )
    return await _one(caller, reply)


async def set_aspirations(
    caller: Caller, employee_id: str, aspirations: Aspirations, expected_version: int = 0
) -> ProfileView:
    reply = await caller.call(
        caller.backends.profiles,
        caller.backends.profile_service().SetAspirations,
        pb.SetAspirationsRequest(
            employee_id=employee_id,
            aspirations=pb.Aspirations(**aspirations.model_dump()),
            expected_version=expected_version,
        ),
    )
    return await _one(caller, reply)


async def set_preferences(
    caller: Caller,
    employee_id: str,
    availability: Availability,
    mobility: Mobility,
    visibility: str,
    expected_version: int = 0,
) -> ProfileView:
    reply = await caller.call(
        caller.backends.profiles,
        caller.backends.profile_service().SetPreferences,
        pb.SetPreferencesRequest(
            employee_id=employee_id,
            availability=pb.Availability(**availability.model_dump()),
            mobility=pb.Mobility(**mobility.model_dump()),
            visibility=visibility,
            expected_version=expected_version,
        ),
    )
    return await _one(caller, reply)


async def endorse_skill(
    caller: Caller, employee_id: str, skill_id: str, level: int, *, validate: bool = False
) -> ProfileView:
    reply = await caller.call(
        caller.backends.profiles,
        caller.backends.profile_service().EndorseSkill,
        pb.EndorseSkillRequest(
            employee_id=employee_id, skill_id=skill_id, level=level, validate=validate
        ),
    )
    return await _one(caller, reply)


async def suggest_skills(caller: Caller, text: str, limit: int = 10) -> list[SkillOption]:
    if not text.strip():
        return []
    reply = await caller.call(
        caller.backends.profiles,
        caller.backends.taxonomy().SuggestSkills,
        pb.SuggestSkillsRequest(prefix=text.strip()[:100], limit=limit),
    )
    return [SkillOption(skill_id=s.id, name=s.name, category=s.category) for s in reply.skills]


async def resolve_skill(caller: Caller, text: str) -> str | None:
    """A typed skill ("k8s", "Kubernetes", "kubernetes") to its taxonomy id, if any."""
    reply = await caller.call(
        caller.backends.profiles,
        caller.backends.taxonomy().ResolveSkills,
        pb.ResolveSkillsRequest(texts=[text]),
    )
    return reply.resolved[0].skill.id if reply.resolved else None


async def direct_reports(caller: Caller) -> list[ProfileView]:
    reply = await caller.call(
        caller.backends.profiles,
        caller.backends.org_chart().ListDirectReports,
        pb.ListDirectReportsRequest(manager_id=caller.employee_id),
    )
    views = await _views(caller, list(reply.profiles))
    return sorted(views, key=lambda view: view.name.lower())
