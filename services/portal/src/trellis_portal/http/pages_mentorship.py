"""Pages for mentorship: /mentorship for everyone (mentee and mentor), and
/hr/cycles for HR (open, run, report, close). They call the same features as
/api/v1/mentorship; every form posts, then redirects with a notice, or shows
the page again with each error beside its field.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from grpc import aio

from trellis_portal.features import mentorship as feature
from trellis_portal.features import mentorship_cycles as cycles
from trellis_portal.features.caller import Caller
from trellis_portal.features.mentorship_forms import (
    GOAL_ROWS,
    LEVELS,
    feedback_from_form,
    offer_from_form,
    request_form_errors,
    request_from_form,
)
from trellis_portal.features.mentorship_models import CycleInput, DirectRequestInput, Mode
from trellis_portal.http.auth import Actor, Viewer, require_role
from trellis_portal.http.pages import redirect, render
from trellis_portal.http.problems import Problem, problem_from
from trellis_shared.errors import TrellisError

router = APIRouter(include_in_schema=False)
# What a form shows beside its fields or above it; anything else is a real fault.
FAILURES = (Problem, aio.AioRpcError, TrellisError)

HOME = "/mentorship"
CYCLES = "/hr/cycles"


async def _form(request: Request) -> dict[str, str]:
    data = await request.form()
    return {key: value for key, value in data.items() if isinstance(value, str)}


# ---- /mentorship --------------------------------------------------------------


async def _mentorship_page(
    request: Request,
    caller: Caller,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    problem: Problem | None = None,
    offer_form: dict[str, str] | None = None,
) -> HTMLResponse:
    page = await feature.overview(caller)
    if form is None:
        newest = page.open_cycles[-1].cycle_id if page.open_cycles else ""
        form = {"cycle_id": newest}
    offer = page.offer
    context: dict[str, Any] = {
        "page": page,
        "form": form,
        "errors": errors or {},
        "problem": problem,
        "offer_form": offer_form
        or {
            "capacity": str(offer.capacity),
            "topics": ", ".join(offer.topics),
            "offer_languages": ", ".join(offer.languages),
        },
        "goal_rows": range(GOAL_ROWS),
        "levels": LEVELS,
        "cycle_options": [("", "On demand: no cycle, I pick or ask a mentor myself")]
        + [(c.cycle_id, f"Cycle: {c.name}") for c in page.open_cycles],
    }
    status = problem.status if problem is not None else 200
    return render(
        request, caller, "mentorship/index.html", context, status=status, title="Mentorship"
    )


@router.get(HOME, response_class=HTMLResponse)
async def mentorship_page(request: Request, caller: Viewer) -> Response:
    return await _mentorship_page(request, caller)


@router.post(f"{HOME}/requests")
async def submit_request(request: Request, caller: Actor) -> Response:
    form = await _form(request)
    rows: list[int] = []
    try:
        terms, rows = request_from_form(form)
        filed = await feature.submit_request(caller, terms)
    except FAILURES as error:  # shown on the form
        problem = problem_from(error)
        errors = request_form_errors(problem.errors, rows)
        return await _mentorship_page(request, caller, form=form, errors=errors, problem=problem)
    where = "into the cycle" if filed.cycle_id else "on demand"
    return redirect(HOME, f"Your request is filed {where}.")


async def _act(
    request: Request, caller: Caller, notice: str, action: Awaitable[object]
) -> Response:
    """Run one button's action; a refusal shows on the page with its reason."""
    try:
        await action
    except FAILURES as error:  # shown on the page
        problem = problem_from(error)
        return await _mentorship_page(request, caller, problem=problem)
    return redirect(HOME, notice)


@router.post(f"{HOME}/requests/{{request_id}}/withdraw")
async def withdraw_request(request: Request, caller: Actor, request_id: str) -> Response:
    return await _act(
        request, caller, "Request withdrawn.", feature.withdraw_request(caller, request_id)
    )


@router.post(f"{HOME}/direct-requests")
async def request_mentor(request: Request, caller: Actor) -> Response:
    form = await _form(request)
    try:
        ask = DirectRequestInput(
            request_id=form.get("request_id", ""),
            mentor_id=form.get("mentor_id", ""),
            note=form.get("note", ""),
        )
        match = await feature.request_mentor(caller, ask)
    except FAILURES as error:  # shown on the page
        return await _mentorship_page(request, caller, problem=problem_from(error))
    return redirect(HOME, f"You asked {match.mentor_name} to mentor you; they will answer.")


@router.post(f"{HOME}/matches/{{match_id}}/accept")
async def accept_match(request: Request, caller: Actor, match_id: str) -> Response:
    try:
        match = await feature.accept_match(caller, match_id)
    except FAILURES as error:  # shown on the page
        return await _mentorship_page(request, caller, problem=problem_from(error))
    if match.status == "active":
        return redirect(HOME, "Accepted: the mentorship is active.")
    return redirect(HOME, "Accepted: now the other side answers.")


@router.post(f"{HOME}/matches/{{match_id}}/decline")
async def decline_match(request: Request, caller: Actor, match_id: str) -> Response:
    form = await _form(request)
    return await _act(
        request,
        caller,
        "Declined.",
        feature.decline_match(caller, match_id, form.get("reason", "")[:1000]),
    )


@router.post(f"{HOME}/matches/{{match_id}}/complete")
async def complete_match(request: Request, caller: Actor, match_id: str) -> Response:
    form = await _form(request)
    try:
        match = await feature.complete_match(caller, match_id, feedback_from_form(form))
    except FAILURES as error:  # shown on the page
        return await _mentorship_page(request, caller, problem=problem_from(error))
    if match.status == "completed":
        return redirect(HOME, "Thank you: the mentorship is completed.")
    return redirect(HOME, "Thank you: it completes once the other side gives feedback too.")


@router.post(f"{HOME}/matches/{{match_id}}/end")
async def end_match(request: Request, caller: Actor, match_id: str) -> Response:
    form = await _form(request)
    return await _act(
        request,
        caller,
        "The mentorship has ended.",
        feature.end_match(caller, match_id, form.get("reason", "")[:1000]),
    )


@router.post(f"{HOME}/offer")
async def offer_mentoring(request: Request, caller: Actor) -> Response:
    form = await _form(request)
    try:
        offer = await feature.offer_mentoring(caller, offer_from_form(form))
    except FAILURES as error:  # shown on the form
        problem = problem_from(error)
        errors = {
            ("offer_languages" if v.field.startswith("languages") else v.field.split(".")[0]): (
                v.description
            )
            for v in problem.errors
        }
        return await _mentorship_page(
            request, caller, errors=errors, problem=problem, offer_form=form
        )
    if offer.capacity == 0:
        return redirect(HOME, "You no longer offer to mentor.")
    return redirect(HOME, f"You offer to mentor up to {offer.capacity} people.")


# ---- /hr/cycles ---------------------------------------------------------------------


async def _cycles_page(
    request: Request,
    caller: Caller,
    *,
    form: dict[str, str] | None = None,
    problem: Problem | None = None,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "cycles": await cycles.list_cycles(caller),
        "form": form or {"duration_weeks": "12"},
        "errors": problem.field_errors if problem is not None else {},
        "problem": problem,
    }
    status = problem.status if problem is not None else 200
    return render(
        request, caller, "hr/cycles.html", context, status=status, title="Mentoring cycles"
    )


@router.get(CYCLES, response_class=HTMLResponse)
async def cycles_page(request: Request, caller: Viewer) -> Response:
    require_role(caller, "hr_admin")
    return await _cycles_page(request, caller)


@router.post(CYCLES)
async def open_cycle(request: Request, caller: Actor) -> Response:
    require_role(caller, "hr_admin")
    form = await _form(request)
    weeks = form.get("duration_weeks", "").strip()
    try:
        cycle = await cycles.open_cycle(
            caller,
            CycleInput(
                name=form.get("name", ""), duration_weeks=int(weeks) if weeks.isdigit() else 0
            ),
        )
    except FAILURES as error:  # shown on the form
        return await _cycles_page(request, caller, form=form, problem=problem_from(error))
    return redirect(f"{CYCLES}/{cycle.cycle_id}", f"Cycle “{cycle.name}” is open for requests.")


async def _cycle_page(
    request: Request, caller: Caller, cycle_id: str, problem: Problem | None = None
) -> HTMLResponse:
    detail = await cycles.cycle_detail(caller, cycle_id)
    context: dict[str, Any] = {
        "detail": detail,
        "cycle": detail.cycle,
        "report": detail.cycle.last_report,
        "modes": cycles.MODE_EXPLANATIONS,
        "problem": problem,
    }
    status = problem.status if problem is not None else 200
    return render(
        request, caller, "hr/cycles_detail.html", context, status=status, title=detail.cycle.name
    )


@router.get(f"{CYCLES}/{{cycle_id}}", response_class=HTMLResponse)
async def cycle_page(request: Request, caller: Viewer, cycle_id: str) -> Response:
    require_role(caller, "hr_admin")
    return await _cycle_page(request, caller, cycle_id)


@router.post(f"{CYCLES}/{{cycle_id}}/run")
async def run_cycle(request: Request, caller: Actor, cycle_id: str) -> Response:
    require_role(caller, "hr_admin")
    form = await _form(request)
    mode: Mode = "optimal" if form.get("mode") == "optimal" else "stable"
    try:
        # The run answers when the matching is done; the report page follows.
        cycle = await cycles.run_cycle(caller, cycle_id, mode)
    except FAILURES as error:  # shown on the page
        problem = problem_from(error)
        if problem.status in (503, 504) and await _still_running(caller, cycle_id):
            # A large cohort outlasts the call's deadline; the run goes on in the
            # service, and the cycle page refreshes itself until the report is in.
            return redirect(f"{CYCLES}/{cycle_id}", "The run is still going.")
        return await _cycle_page(request, caller, cycle_id, problem)
    report = cycle.last_report
    proposed = report.proposed if report else 0
    left = len(report.unmatched) if report else 0
    return redirect(
        f"{CYCLES}/{cycle_id}",
        f"Run {cycle.runs} ({mode}) finished: {proposed} proposed, {left} left unmatched.",
    )


async def _still_running(caller: Caller, cycle_id: str) -> bool:
    try:
        return (await cycles.cycle_report(caller, cycle_id)).status == "running"
    except FAILURES:
        return False


@router.post(f"{CYCLES}/{{cycle_id}}/close")
async def close_cycle(request: Request, caller: Actor, cycle_id: str) -> Response:
    require_role(caller, "hr_admin")
    try:
        cycle = await cycles.close_cycle(caller, cycle_id)
    except FAILURES as error:  # shown on the page
        return await _cycle_page(request, caller, cycle_id, problem_from(error))
    return redirect(CYCLES, f"Cycle “{cycle.name}” is closed.")
