"""Pages for the hiring side of postings (see features/hiring*):

- /manage: my postings and "post an opportunity" (one form per kind);
- /manage/{id}: the posting, applicants ranked with their explanation, notes,
  pipeline moves and interest-interview requests; /manage/{id}/edit;
- /manage/candidates: ranked candidate search for one of my postings;
- /team/releases: release approvals for a manager's direct reports;
- /hr/audit: the confidentiality audit log (hr_admin).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from grpc import aio

from trellis_portal.features import hiring, hiring_applicants, hiring_oversight
from trellis_portal.features.caller import Caller
from trellis_portal.features.hiring_forms import (
    KIND_PARTS,
    SKILL_ROWS,
    SLOT_ROWS,
    form_from_posting,
    input_errors,
    kinds,
    posting_from_form,
)
from trellis_portal.features.hiring_models import (
    MOVE_LABELS,
    MoveInput,
    PostingEdit,
    PostingView,
    offered_slots,
)
from trellis_portal.features.postings_views import KIND_LABELS
from trellis_portal.http.auth import Actor, Viewer, require_role
from trellis_portal.http.pages import redirect, render, render_form_error
from trellis_portal.http.problems import Problem, problem_from
from trellis_shared.errors import TrellisError

router = APIRouter(include_in_schema=False)
FORM_TEMPLATE = "manage/form.html"
Text = Annotated[str, Form(max_length=2000)]
FAILURES = (Problem, aio.AioRpcError, TrellisError)


def _form_context(caller: Caller, kind: str, form: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "kind_label": KIND_LABELS.get(kind, kind),
        "parts": KIND_PARTS.get(kind, frozenset()),
        "kinds": kinds(),
        "skill_rows": range(SKILL_ROWS),
        "slot_rows": range(SLOT_ROWS),
        "is_hr": caller.has_role("hr_admin"),
        "form": form,
        **more,
    }


# ---- my postings and the posting form ---------------------------------------


@router.get("/manage", response_class=HTMLResponse)
async def manage(request: Request, caller: Viewer) -> Response:
    postings = await hiring.my_postings(caller)
    return render(
        request,
        caller,
        "manage/index.html",
        {"postings": postings, "kinds": kinds(), "may_post": _may_post(caller)},
        title="Hiring",
    )


def _may_post(caller: Caller) -> bool:
    return caller.has_role("manager") or caller.has_role("hr_admin")


@router.get("/manage/new", response_class=HTMLResponse)
async def new_posting(request: Request, caller: Viewer, kind: str = "job") -> Response:
    if kind not in KIND_LABELS:
        raise Problem(404, f"there is no kind of posting called {kind!r}")
    context = _form_context(caller, kind, {"seats": 1, "share_pct": 100})
    return render(request, caller, FORM_TEMPLATE, context, title="Post an opportunity")


@router.post("/manage/new", response_class=HTMLResponse)
async def create_posting(request: Request, caller: Actor) -> Response:
    form = dict((await request.form()).items())
    kind = str(form.get("kind", ""))
    if kind not in KIND_LABELS:
        raise Problem(422, "choose the kind of posting", [])
    try:
        posting = await hiring.create_posting(caller, posting_from_form(form, kind))
    except FAILURES as failure:
        return render_form_error(
            request,
            caller,
            FORM_TEMPLATE,
            input_errors(problem_from(failure)),
            _form_context(caller, kind, form),
            title="Post an opportunity",
        )
    done = "Published" if posting.status == "open" else "Saved as a draft"
    return redirect(f"/manage/{posting.opportunity_id}", f"{done}: {posting.title}")


# ---- candidates (before /manage/{id}, which would take "candidates" as an id) --


@router.get("/manage/candidates", response_class=HTMLResponse)
async def candidates(request: Request, caller: Viewer, posting: str = "") -> Response:
    mine = [p for p in await hiring.my_postings(caller) if p.kind != "interest_interview"]
    chosen = next((p for p in mine if p.opportunity_id == posting), None)
    if chosen is None and len(mine) == 1:
        chosen = mine[0]
    found = await hiring_applicants.find_candidates(caller, chosen.opportunity_id) if chosen else []
    return render(
        request,
        caller,
        "manage/candidates.html",
        {"postings": mine, "chosen": chosen, "candidates": found},
        title="Find candidates",
    )


# ---- one posting ------------------------------------------------------------


@router.get("/manage/{opportunity_id}", response_class=HTMLResponse)
async def posting_page(request: Request, caller: Viewer, opportunity_id: str) -> Response:
    posting = await hiring.get_posting(caller, opportunity_id)
    manages = hiring.may_manage(caller, posting)
    applicants = []
    interviews = None
    if manages:
        if posting.kind == "interest_interview":
            slots = offered_slots(posting)
            interviews = await hiring_applicants.interview_requests(caller, opportunity_id, slots)
        elif posting.kind != "stretch":
            applicants = await hiring_applicants.list_applicants(caller, opportunity_id)
    return render(
        request,
        caller,
        "manage/posting.html",
        {
            "posting": posting,
            "manages": manages,
            "applicants": applicants,
            "interviews": interviews,
            "move_labels": MOVE_LABELS,
        },
        title=posting.title,
    )


@router.get("/manage/{opportunity_id}/edit", response_class=HTMLResponse)
async def edit_posting(request: Request, caller: Viewer, opportunity_id: str) -> Response:
    posting = await hiring.get_posting(caller, opportunity_id)
    if not hiring.may_manage(caller, posting):
        raise Problem(403, "only the posting's hiring manager or HR may edit it")
    context = _form_context(caller, posting.kind, form_from_posting(posting), posting=posting)
    return render(request, caller, FORM_TEMPLATE, context, title=f"Edit {posting.title}")


@router.post("/manage/{opportunity_id}/edit", response_class=HTMLResponse)
async def save_posting(request: Request, caller: Actor, opportunity_id: str) -> Response:
    posting = await hiring.get_posting(caller, opportunity_id)
    form = dict((await request.form()).items())
    try:
        parsed = posting_from_form(form, posting.kind)
        version = int(str(form.get("expected_version", "0")) or 0)
        await hiring.update_posting(
            caller, opportunity_id, PostingEdit(details=parsed.details, expected_version=version)
        )
    except (*FAILURES, ValueError) as failure:
        return render_form_error(
            request,
            caller,
            FORM_TEMPLATE,
            input_errors(_as_problem(failure)),
            _form_context(caller, posting.kind, form, posting=posting),
            title=f"Edit {posting.title}",
        )
    return redirect(f"/manage/{opportunity_id}", "Saved your changes")


def _as_problem(failure: Exception) -> Problem:
    if isinstance(failure, ValueError) and not isinstance(failure, TrellisError):
        return Problem(422, "the form is stale; reload it", [])
    return problem_from(failure)


async def _act(caller: Caller, opportunity_id: str, action: str, reason: str) -> PostingView:
    if action == "publish":
        return await hiring.publish_posting(caller, opportunity_id)
    if action == "close":
        return await hiring.close_posting(caller, opportunity_id, reason)
    return await hiring.cancel_posting(caller, opportunity_id, reason)


@router.post("/manage/{opportunity_id}/{action}")
async def posting_action(
    caller: Actor, opportunity_id: str, action: str, reason: Text = ""
) -> Response:
    if action not in ("publish", "close", "cancel"):
        raise Problem(404, "no such action")
    posting = await _act(caller, opportunity_id, action, reason)
    done = {"publish": "Published", "close": "Closed", "cancel": "Cancelled"}[action]
    target = "/manage" if action == "cancel" else f"/manage/{opportunity_id}"
    return redirect(target, f"{done}: {posting.title}")


# ---- applicants -------------------------------------------------------------


@router.post("/manage/{opportunity_id}/applications/{application_id}/move")
async def move_applicant(
    caller: Actor, opportunity_id: str, application_id: str, status: Text, note: Text = ""
) -> Response:
    try:
        move = MoveInput.model_validate({"status": status, "note": note})
    except ValueError:
        raise Problem(422, f"{status!r} is not a move the hiring side makes") from None
    moved = await hiring_applicants.move_applicant(caller, application_id, move)
    return redirect(
        f"/manage/{opportunity_id}#app-{application_id}",
        f"{moved.name}: {moved.status.replace('_', ' ')}",
    )


@router.post("/manage/{opportunity_id}/applications/{application_id}/note")
async def note_applicant(
    caller: Actor, opportunity_id: str, application_id: str, text: Text
) -> Response:
    if not text.strip():
        raise Problem(422, "write the note first", [])
    noted = await hiring_applicants.add_note(caller, application_id, text.strip())
    return redirect(
        f"/manage/{opportunity_id}#app-{application_id}",
        f"Note added for {noted.name}",
    )


# ---- interest interviews ----------------------------------------------------


@router.post("/manage/{opportunity_id}/interviews/{employee_id}/{action}")
async def interview_action(
    caller: Actor,
    opportunity_id: str,
    employee_id: str,
    action: str,
    slot: Text = "",
    reason: Text = "",
) -> Response:
    if action == "schedule":
        if not slot:
            raise Problem(422, "choose a slot", [])
        await hiring_applicants.schedule_interview(caller, opportunity_id, employee_id, slot)
        notice = f"Scheduled {employee_id} at {slot.replace('T', ' ').replace('Z', ' UTC')}"
    elif action == "decline":
        await hiring_applicants.decline_interview(caller, opportunity_id, employee_id, reason)
        notice = f"Declined the request of {employee_id}"
    elif action == "complete":
        await hiring_applicants.complete_interview(caller, opportunity_id, employee_id)
        notice = f"Marked the interview with {employee_id} as held"
    else:
        raise Problem(404, "no such action")
    return redirect(f"/manage/{opportunity_id}#interviews", notice)


# ---- releases and audit -----------------------------------------------------


@router.get("/team/releases", response_class=HTMLResponse)
async def releases(request: Request, caller: Viewer) -> Response:
    waiting = await hiring_oversight.release_requests(caller)
    return render(
        request, caller, "team/releases.html", {"releases": waiting}, title="Release approvals"
    )


@router.post("/team/releases/{application_id}/approve")
async def approve_release(caller: Actor, application_id: str) -> Response:
    approved = await hiring_oversight.approve_release(caller, application_id)
    return redirect("/team/releases", f"Released {approved.name} for {approved.opportunity_title}")


@router.get("/hr/audit", response_class=HTMLResponse)
async def audit(request: Request, caller: Viewer) -> Response:
    require_role(caller, "hr_admin")
    entries = await hiring_oversight.disclosures(caller)
    return render(request, caller, "hr/audit.html", {"disclosures": entries}, title="Audit log")
