"""JSON API for profiles: mine and others' (as the service allows), skills
taxonomy search, endorsements, and HR's organisation imports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from pydantic import BaseModel, Field

from trellis_portal.adapters.import_jobs import ImportJob, ImportJobs, InMemoryImportJobs
from trellis_portal.features import profile as profiles
from trellis_portal.features.profile_import import MAX_FILE_BYTES, start_import
from trellis_portal.http.auth import Actor, Viewer, require_role
from trellis_portal.http.problems import Problem
from trellis_portal.http.state import state_of

router = APIRouter(prefix="/api/v1", tags=["profile"])
EmployeeId = Annotated[str, Field(min_length=1, max_length=120)]
SkillId = Annotated[str, Field(min_length=1, max_length=120)]


class SkillsChange(BaseModel):
    set: list[profiles.SkillChoice] = Field(default_factory=list, max_length=200)
    remove: list[SkillId] = Field(default_factory=list, max_length=200)
    expected_version: int = Field(default=0, ge=0, description="0: no check")


class AspirationsChange(profiles.Aspirations):
    expected_version: int = Field(default=0, ge=0, description="0: no check")


class PreferencesChange(BaseModel):
    availability: profiles.Availability = Field(default_factory=profiles.Availability)
    mobility: profiles.Mobility = Field(default_factory=profiles.Mobility)
    visibility: str = Field(default="everyone", pattern="^(everyone|managers|hidden)$")
    expected_version: int = Field(default=0, ge=0, description="0: no check")


class Endorsement(BaseModel):
    skill_id: SkillId
    level: int = Field(ge=1, le=5, description="1 (aware) to 5 (expert)")
    validate_skill: bool = Field(
        default=False, alias="validate", description="hr_admin: validate instead of endorse"
    )


class SkillSuggestions(BaseModel):
    skills: list[profiles.SkillOption]


class Rejection(BaseModel):
    line: int
    employee_id: str
    reason: str


class ImportProgress(BaseModel):
    job_id: str
    file_name: str
    done: int
    total: int
    finished: bool
    message: str
    updated_at: str = Field(description="when the import last moved (RFC 3339)")
    created_or_changed: int
    unchanged: int
    rejections: list[Rejection]


def import_jobs(request: Request) -> ImportJobs:
    """The job store bootstrap provides (Mongo), else one in this process's memory,
    which is right for a single portal replica only (see adapters/import_jobs)."""
    store: ImportJobs = state_of(request).extras.setdefault("import_jobs", InMemoryImportJobs())
    return store


def progress_of(job: ImportJob) -> ImportProgress:
    return ImportProgress(
        job_id=job.job_id,
        file_name=job.file_name,
        done=job.done,
        total=job.total,
        finished=job.finished,
        message=job.message,
        updated_at=job.updated_at.isoformat(timespec="seconds"),
        created_or_changed=job.created_or_changed,
        unchanged=job.unchanged,
        rejections=[
            Rejection(line=r.line, employee_id=r.employee_id, reason=r.reason)
            for r in job.rejections
        ],
    )


@router.get("/skills")
async def search_skills(
    caller: Viewer,
    q: Annotated[str, Query(max_length=100, description="what was typed so far")] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SkillSuggestions:
    """Taxonomy skills for autocomplete: exact spellings and aliases first."""
    return SkillSuggestions(skills=await profiles.suggest_skills(caller, q, limit))


@router.get("/profile")
async def my_profile(caller: Viewer) -> profiles.ProfileView:
    return await profiles.get_profile(caller, caller.employee_id)


@router.get("/profiles/{employee_id}")
async def a_profile(caller: Viewer, employee_id: str) -> profiles.ProfileView:
    """Someone's profile as you may see it; one you may not see is 404."""
    return await profiles.get_profile(caller, employee_id)


async def _skills(caller: Actor, employee_id: str, body: SkillsChange) -> profiles.ProfileView:
    return await profiles.update_skills(
        caller, employee_id, body.set, body.remove, body.expected_version
    )


@router.put("/profile/skills")
async def change_my_skills(caller: Actor, body: SkillsChange) -> profiles.ProfileView:
    """Set levels (self-assessed) and remove skills."""
    return await _skills(caller, caller.employee_id, body)


@router.put("/profiles/{employee_id}/skills")
async def change_skills(
    caller: Actor, employee_id: str, body: SkillsChange
) -> profiles.ProfileView:
    """The employee or hr_admin."""
    return await _skills(caller, employee_id, body)


@router.put("/profile/aspirations")
async def change_my_aspirations(caller: Actor, body: AspirationsChange) -> profiles.ProfileView:
    return await change_aspirations(caller, caller.employee_id, body)


@router.put("/profiles/{employee_id}/aspirations")
async def change_aspirations(
    caller: Actor, employee_id: str, body: AspirationsChange
) -> profiles.ProfileView:
    wanted = profiles.Aspirations.model_validate(body.model_dump(exclude={"expected_version"}))
    return await profiles.set_aspirations(caller, employee_id, wanted, body.expected_version)


@router.put("/profile/preferences")
async def change_my_preferences(caller: Actor, body: PreferencesChange) -> profiles.ProfileView:
    """Availability, mobility and visibility; a stale expected_version is 409."""
    return await change_preferences(caller, caller.employee_id, body)


@router.put("/profiles/{employee_id}/preferences")
async def change_preferences(
    caller: Actor, employee_id: str, body: PreferencesChange
) -> profiles.ProfileView:
    return await profiles.set_preferences(
        caller,
        employee_id,
        body.availability,
        body.mobility,
        body.visibility,
        body.expected_version,
    )


@router.post("/profiles/{employee_id}/endorsements")
async def endorse(caller: Actor, employee_id: str, body: Endorsement) -> profiles.ProfileView:
    """The direct manager endorses a skill at a level; hr_admin may validate it."""
    return await profiles.endorse_skill(
        caller, employee_id, body.skill_id, body.level, validate=body.validate_skill
    )


@router.get("/team")
async def my_reports(caller: Viewer) -> list[profiles.ProfileView]:
    """My direct reports with their skills."""
    return await profiles.direct_reports(caller)


@router.post("/imports", status_code=202)
async def import_organisation(
    request: Request, caller: Actor, file: Annotated[UploadFile, File()]
) -> ImportProgress:
    """hr_admin: a CSV or JSON organisation file; poll /api/v1/imports/{job_id}."""
    require_role(caller, "hr_admin")
    data = await file.read(MAX_FILE_BYTES + 1)
    job = await start_import(
        caller, import_jobs(request), file.filename or "", data, state_of(request).clock
    )
    return progress_of(job)


@router.get("/imports/{job_id}")
async def import_progress(request: Request, caller: Viewer, job_id: str) -> ImportProgress:
    require_role(caller, "hr_admin")
    job = await import_jobs(request).find(job_id)
    if job is None:
        raise Problem(404, "no such import (jobs are forgotten when the portal restarts)")
    return progress_of(job)
