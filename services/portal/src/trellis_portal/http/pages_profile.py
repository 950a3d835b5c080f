"""Pages for profiles: /profile (mine), /team (managers), /hr (hr_admin) with the import.

Each section of /profile is its own form; a refused change renders the page
again with the submitted values of that section kept and each error beside
its input, the other sections as stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from trellis_portal.features import profile as profiles
from trellis_portal.features import profile_forms as forms
from trellis_portal.features.caller import Caller
from trellis_portal.features.profile_import import MAX_FILE_BYTES, start_import
from trellis_portal.http.api_profile import import_jobs, progress_of
from trellis_portal.http.auth import Actor, Viewer, require_role
from trellis_portal.http.pages import redirect, render
from trellis_portal.http.problems import Problem, problem_from
from trellis_portal.http.state import state_of
from trellis_shared.errors import FieldViolation

router = APIRouter(include_in_schema=False)
PROFILE = "profile/index.html"
SECTIONS = ("skills", "add", "aspirations", "preferences")
LADDERS = (
    ("", "No preference"),
    ("individual_contributor", "Individual contributor: grow as a specialist"),
    ("manager", "Manager: lead people"),
)


def _form_of(raw: Any) -> dict[str, str]:
    return {key: value for key, value in raw.multi_items() if isinstance(value, str)}


def _seen(request: Request) -> int:
    """The version a save just wrote (see `_saved`), so the page never shows an
    older one, whichever profiles replica answers."""
    raw = request.query_params.get("seen", "")
    return int(raw) if raw.isdigit() else 0


def _saved(view: profiles.ProfileView, notice: str) -> Response:
    return redirect(f"/profile?seen={view.version}", notice)


async def _profile_page(
    request: Request,
    caller: Caller,
    *,
    failed: str = "",
    problem: Problem | None = None,
    submitted: dict[str, str] | None = None,
) -> HTMLResponse:
    view = await profiles.get_profile(caller, caller.employee_id, _seen(request))
    values: dict[str, dict[str, str]] = {
        "aspirations": forms.aspirations_form(view),
        "preferences": forms.preferences_form(view),
        "add": {"level": "3"},
        "skills": {},
    }
    if failed and submitted is not None:
        values[failed] = submitted
    errors: dict[str, dict[str, str]] = {section: {} for section in SECTIONS}
    if failed and problem is not None:
        errors[failed] = problem.field_errors
    return render(
        request,
        caller,
        PROFILE,
        {
            "profile": view,
            "values": values,
            "section_errors": errors,
            "failed": failed,
            "problem": problem,
            "levels": profiles.LEVEL_MEANINGS,
            "visibilities": profiles.VISIBILITY_MEANINGS,
            "mobility_flags": forms.MOBILITY_FLAGS,
            "ladders": LADDERS,
        },
        status=problem.status if problem is not None else 200,
        title="My profile",
    )


@router.get("/profile", response_class=HTMLResponse)
async def profile_page(request: Request, caller: Viewer) -> Response:
    return await _profile_page(request, caller)


@router.post("/profile/skills")
async def save_levels(request: Request, caller: Actor) -> Response:
    """The skills table: a new level per skill, and the ones ticked for removal."""
    raw = await request.form()
    form = _form_of(raw)
    removed = [value for value in raw.getlist("remove") if isinstance(value, str)]
    try:
        current = await profiles.get_profile(caller, caller.employee_id)
        changed = []
        for skill in current.skills:
            name = f"level-{skill.skill_id}"
            if skill.skill_id in removed or name not in form:
                continue
            level = forms.level_from(form, name)
            if level != skill.level:
                changed.append(profiles.SkillChoice(skill_id=skill.skill_id, level=level))
        if not changed and not removed:
            return redirect("/profile", "Nothing to change in your skills")
        saved = await profiles.update_skills(
            caller,
            caller.employee_id,
            changed,
            removed,
            forms.whole_number(form, "expected_version"),
        )
    except Exception as error:
        return await _profile_page(
            request, caller, failed="skills", problem=problem_from(error), submitted=form
        )
    return _saved(saved, "Your skills are saved")


@router.post("/profile/skills/add")
async def add_skill(request: Request, caller: Actor) -> Response:
    form = _form_of(await request.form())
    try:
        typed = form.get("skill", "").strip()
        if not typed:
            raise Problem(422, "name a skill", [FieldViolation("skill", "name a skill")])
        found = await forms.skill_ids(caller, typed, "skill")
        level = forms.level_from(form, "level")
        saved = await profiles.update_skills(
            caller,
            caller.employee_id,
            [profiles.SkillChoice(skill_id=skill_id, level=level) for skill_id in found],
            [],
        )
    except Exception as error:
        return await _profile_page(
            request, caller, failed="add", problem=problem_from(error), submitted=form
        )
    return _saved(saved, f"Added {', '.join(found)} at level {level}")


@router.post("/profile/aspirations")
async def save_aspirations(request: Request, caller: Actor) -> Response:
    form = _form_of(await request.form())
    try:
        wanted = await forms.aspirations_from(caller, form)
        saved = await profiles.set_aspirations(
            caller, caller.employee_id, wanted, forms.whole_number(form, "expected_version")
        )
    except Exception as error:
        return await _profile_page(
            request, caller, failed="aspirations", problem=problem_from(error), submitted=form
        )
    return _saved(saved, "Your aspirations are saved")


@router.post("/profile/preferences")
async def save_preferences(request: Request, caller: Actor) -> Response:
    form = _form_of(await request.form())
    try:
        availability, mobility, visibility = await forms.preferences_from(caller, form)
        saved = await profiles.set_preferences(
            caller,
            caller.employee_id,
            availability,
            mobility,
            visibility,
            forms.whole_number(form, "expected_version"),
        )
    except Exception as error:
        return await _profile_page(
            request, caller, failed="preferences", problem=problem_from(error), submitted=form
        )
    return _saved(saved, "Your availability and visibility are saved")


# --- /team: managers ---------------------------------------------------------


@router.get("/team", response_class=HTMLResponse)
async def team_page(request: Request, caller: Viewer) -> Response:
    require_role(caller, "manager")
    reports = await profiles.direct_reports(caller)
    return render(request, caller, "team/index.html", {"reports": reports}, title="My team")


async def _skills_page(
    request: Request, caller: Caller, problem: Problem | None = None
) -> HTMLResponse:
    reports = await profiles.direct_reports(caller)
    return render(
        request,
        caller,
        "team/skills.html",
        {"reports": reports, "levels": profiles.LEVEL_MEANINGS, "problem": problem},
        status=problem.status if problem is not None else 200,
        title="Endorse skills",
    )


@router.get("/team/skills", response_class=HTMLResponse)
async def team_skills(request: Request, caller: Viewer) -> Response:
    require_role(caller, "manager")
    return await _skills_page(request, caller)


@router.post("/team/skills")
async def endorse_skill(request: Request, caller: Actor) -> Response:
    form = _form_of(await request.form())
    employee_id = form.get("employee_id", "")
    skill_id = form.get("skill_id", "")
    try:
        level = forms.level_from(form, "level")
        view = await profiles.endorse_skill(caller, employee_id, skill_id, level)
    except Exception as error:
        return await _skills_page(request, caller, problem_from(error))
    name = next((s.name for s in view.skills if s.skill_id == skill_id), skill_id)
    return redirect("/team/skills", f"Endorsed {name} at level {level} for {view.name}")


# --- /hr: hr_admin -------------------------------------------------------------


@router.get("/hr", response_class=HTMLResponse)
async def hr_page(request: Request, caller: Viewer) -> Response:
    require_role(caller, "hr_admin")
    return render(request, caller, "hr/index.html", title="HR")


@router.get("/hr/import", response_class=HTMLResponse)
async def import_page(request: Request, caller: Viewer) -> Response:
    require_role(caller, "hr_admin")
    return render(request, caller, "hr/import.html", {"max_mb": MAX_FILE_BYTES // 1_000_000})


@router.post("/hr/import")
async def upload_import(
    request: Request, caller: Actor, file: Annotated[UploadFile, File()]
) -> Response:
    require_role(caller, "hr_admin")
    try:
        data = await file.read(MAX_FILE_BYTES + 1)
        job = await start_import(
            caller, import_jobs(request), file.filename or "", data, state_of(request).clock
        )
    except Exception as error:
        problem = problem_from(error)
        return render(
            request,
            caller,
            "hr/import.html",
            {
                "max_mb": MAX_FILE_BYTES // 1_000_000,
                "problem": problem,
                "errors": problem.field_errors,
            },
            status=problem.status,
            title="Import the organisation",
        )
    return redirect(f"/hr/import/{job.job_id}", f"Importing {job.file_name or 'the file'}")


@router.get("/hr/import/{job_id}", response_class=HTMLResponse)
async def import_job_page(request: Request, caller: Viewer, job_id: str) -> Response:
    require_role(caller, "hr_admin")
    job = await import_jobs(request).find(job_id)
    if job is None:
        raise Problem(404, "no such import (jobs are forgotten when the portal restarts)")
    return render(
        request,
        caller,
        "hr/import_job.html",
        {"job": progress_of(job)},
        title="Import progress",
    )
