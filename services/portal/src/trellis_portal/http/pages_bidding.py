"""Pages for stretch-assignment bidding: /bidding (people), /hr/rounds (hr_admin),
/team/stretch-releases (managers). They call the same features as the JSON API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from grpc import aio

from trellis_portal.features import bidding, bidding_releases, bidding_rounds
from trellis_portal.features.bidding_forms import (
    BIDS_FIELD,
    bid_violations_for_form,
    bids_from_form,
    points_input,
    rank_input,
    round_violations_for_form,
    terms_from_form,
)
from trellis_portal.features.bidding_models import MODE_EXPLANATIONS, BidEntry, RoundDetail
from trellis_portal.features.caller import Caller
from trellis_portal.http.auth import Actor, Viewer, require_role
from trellis_portal.http.pages import redirect, render, render_form_error
from trellis_portal.http.problems import Problem, problem_from
from trellis_shared.errors import TrellisError

router = APIRouter(include_in_schema=False)
RoundId = Annotated[str, Path(min_length=1, max_length=100)]
ROUND_ACTIONS = {
    "close": (bidding_rounds.close_round, "Closed the round: it takes no more bids"),
    "clear": (bidding_rounds.clear_round, "Cleared the round: awards and results are ready"),
    "cancel": (bidding_rounds.cancel_round, "Cancelled the round"),
}


def _text_form(raw: Any) -> dict[str, str]:
    return {k: v for k, v in raw.items() if isinstance(v, str)}


# --- people: /bidding -------------------------------------------------------


@router.get("/bidding", response_class=HTMLResponse)
async def bidding_home(request: Request, caller: Viewer) -> Response:
    rounds = await bidding.list_rounds(caller)
    catalog = await bidding.list_assignments(caller, include_closed=True)
    titles = {a.assignment_id: a.title for a in catalog}
    return render(
        request,
        caller,
        "bidding/index.html",
        {"rounds": rounds, "titles": titles},
        title="Stretch bidding",
    )


async def _round_page(
    request: Request,
    caller: Caller,
    round_id: str,
    *,
    form: dict[str, str] | None = None,
    problem: Problem | None = None,
) -> Response:
    detail = await bidding.get_round(caller, round_id)
    wallet = await bidding.my_bids(caller, round_id)
    titles = {a.assignment_id: a.title for a in detail.assignments}
    result = None
    if detail.round.status == "cleared":
        result = await bidding.my_result_if_any(caller, round_id)
    context: dict[str, Any] = {
        "detail": detail,
        "wallet": wallet,
        "result": bidding.in_words(result, titles) if result else None,
        "winners": await bidding.winners_i_may_see(caller, detail),
        "titles": titles,
        "points_input": points_input,
        "rank_input": rank_input,
        "bids_field": BIDS_FIELD,
        "form": form if form is not None else _form_of_wallet(wallet.bids),
    }
    title = detail.round.title
    if problem is not None:
        return render_form_error(
            request, caller, "bidding/round.html", problem, context, title=title
        )
    return render(request, caller, "bidding/round.html", context, title=title)


def _form_of_wallet(bids: list[BidEntry]) -> dict[str, str]:
    """My saved bids as the form's values, so changing them starts from what is saved."""
    values: dict[str, str] = {}
    for bid in bids:
        values[points_input(bid.assignment_id)] = str(bid.points)
        values[rank_input(bid.assignment_id)] = str(bid.rank)
    return values


@router.get("/bidding/rounds/{round_id}", response_class=HTMLResponse)
async def bidding_round(request: Request, caller: Viewer, round_id: RoundId) -> Response:
    return await _round_page(request, caller, round_id)


@router.post("/bidding/rounds/{round_id}/bids")
async def place_bids(request: Request, caller: Actor, round_id: RoundId) -> Response:
    form = _text_form(await request.form())
    detail: RoundDetail = await bidding.get_round(caller, round_id)
    sent: list[BidEntry] = []
    try:
        sent = bids_from_form(form, detail.round.assignment_ids)
        wallet = await bidding.place_bids(caller, round_id, sent)
    except (TrellisError, aio.AioRpcError) as error:
        problem = problem_from(error)
        violations = bid_violations_for_form(problem.errors, sent)
        reason = next((v.description for v in violations if v.field == BIDS_FIELD), problem.detail)
        # The refused set changed nothing; the form keeps what was typed.
        shown = Problem(problem.status, f"nothing was saved: {reason}", violations)
        return await _round_page(request, caller, round_id, form=form, problem=shown)
    if not wallet.bids:
        return redirect(f"/bidding/rounds/{round_id}", "Withdrew all your bids")
    return redirect(
        f"/bidding/rounds/{round_id}",
        f"Saved {len(wallet.bids)} bids: {wallet.points_bid} of {wallet.budget} points placed",
    )


# --- hr_admin: /hr/rounds ---------------------------------------------------


async def _rounds_page(
    request: Request,
    caller: Caller,
    *,
    form: dict[str, Any] | None = None,
    problem: Problem | None = None,
) -> Response:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    context: dict[str, Any] = {
        "rounds": await bidding.list_rounds(caller),
        "catalog": await bidding.list_assignments(caller),
        "modes": MODE_EXPLANATIONS,
        "form": form
        if form is not None
        else {
            "budget": "100",
            "max_awards": "1",
            "mode": "default",
            "closes_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
            "assignment_ids": [],
        },
    }
    if problem is not None:
        return render_form_error(
            request, caller, "hr/rounds.html", problem, context, title="Bidding rounds"
        )
    return render(request, caller, "hr/rounds.html", context, title="Bidding rounds")


@router.get("/hr/rounds", response_class=HTMLResponse)
async def hr_rounds(request: Request, caller: Viewer) -> Response:
    require_role(caller, "hr_admin")
    return await _rounds_page(request, caller)


@router.post("/hr/rounds")
async def hr_open_round(request: Request, caller: Actor) -> Response:
    require_role(caller, "hr_admin")
    raw = await request.form()
    form: dict[str, Any] = _text_form(raw)
    chosen = [v for v in raw.getlist("assignment_ids") if isinstance(v, str)]
    form["assignment_ids"] = chosen
    try:
        terms = terms_from_form(form, chosen)
        opened = await bidding_rounds.open_round(caller, terms)
    except (TrellisError, aio.AioRpcError) as error:
        problem = problem_from(error)
        shown = Problem(problem.status, problem.detail, round_violations_for_form(problem.errors))
        return await _rounds_page(request, caller, form=form, problem=shown)
    return redirect(f"/hr/rounds/{opened.round_id}", f"Opened the round {opened.title}")


@router.get("/hr/rounds/{round_id}", response_class=HTMLResponse)
async def hr_round(request: Request, caller: Viewer, round_id: RoundId) -> Response:
    require_role(caller, "hr_admin")
    detail = await bidding.get_round(caller, round_id)
    report = None
    if detail.round.status == "cleared":
        report = await bidding_rounds.round_report(caller, round_id)
    return render(
        request,
        caller,
        "hr/rounds_detail.html",
        {"detail": detail, "report": report},
        title=detail.round.title,
    )


@router.post("/hr/rounds/{round_id}/{action}")
async def hr_round_action(
    caller: Actor, round_id: RoundId, action: Annotated[str, Path(pattern="^(close|clear|cancel)$")]
) -> Response:
    require_role(caller, "hr_admin")
    act, done = ROUND_ACTIONS[action]
    await act(caller, round_id)  # a refusal (e.g. already cleared) shows as an error page
    return redirect(f"/hr/rounds/{round_id}", done)


# --- managers: /team/stretch-releases ---------------------------------------


@router.get("/team/stretch-releases", response_class=HTMLResponse)
async def stretch_releases(request: Request, caller: Viewer) -> Response:
    require_role(caller, "manager", "hr_admin")
    requests = await bidding_releases.list_releases(caller)
    return render(
        request,
        caller,
        "team/stretch-releases.html",
        {"requests": requests},
        title="Stretch bidding releases",
    )


@router.post("/team/stretch-releases/approve")
async def approve_stretch_release(
    caller: Actor,
    round_id: Annotated[str, Form(min_length=1, max_length=100)],
    employee_id: Annotated[str, Form(min_length=1, max_length=64)],
) -> Response:
    require_role(caller, "manager", "hr_admin")
    approved = await bidding_releases.approve_release(caller, round_id, employee_id)
    return redirect(
        "/team/stretch-releases",
        f"Released {approved.employee_id}'s time for {approved.round_title or approved.round_id}",
    )
