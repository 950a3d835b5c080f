"""Pages for the employee side of postings: /opportunities (recommended and search),
one posting with its apply or interview form, and /applications (mine).

They call the same features as api_postings. Forms post here and redirect
(see-other) on success; on a problem the same page is rendered again with each
error beside its field and the input kept.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from trellis_portal.features import opportunities, opportunities_applying
from trellis_portal.features.caller import Caller
from trellis_portal.features.opportunities import SearchFilters, SearchPage
from trellis_portal.features.opportunities_applying import (
    ApplyInput,
    InterviewRequestInput,
    MoveInput,
)
from trellis_portal.features.postings_views import KIND_LABELS
from trellis_portal.http.auth import Actor, Viewer
from trellis_portal.http.pages import redirect, render, render_form_error
from trellis_portal.http.problems import Problem, problem_from

router = APIRouter(include_in_schema=False)

Model = TypeVar("Model", bound=BaseModel)
KIND_OPTIONS = [("", "Any kind"), *KIND_LABELS.items()]
MORE_FILTERS = ("department", "location", "max_share_pct", "starts_after", "ends_before")
MOVE_NOTICES = {
    "withdrawn": "Application withdrawn",
    "accepted": "Offer accepted",
    "declined": "Offer declined",
}


def validated(model: type[Model], data: dict[str, Any]) -> Model:
    """Form input checked by the same model as the API, errors named by field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise problem_from(RequestValidationError(error.errors())) from None


def opportunity_url(opportunity_id: str) -> str:
    return f"/opportunities/{quote(opportunity_id, safe='')}"


@router.get("/opportunities", response_class=HTMLResponse)
async def opportunities_page(request: Request, caller: Viewer) -> Response:
    form = {k: v for k, v in request.query_params.items() if k != "notice"}
    context: dict[str, Any] = {"form": form, "kind_options": KIND_OPTIONS}
    try:
        context["recommended"] = (await opportunities.recommended(caller)).recommendations
    except Exception as error:  # the search below still works without recommendations
        context["recommended"] = []
        context["recommended_problem"] = problem_from(error)
    page = SearchPage(opportunities=[], next_page_token="")
    try:
        filters = validated(SearchFilters, form)
        page = await opportunities.search(caller, filters)
    except Exception as error:
        problem = problem_from(error)
        context["errors"] = problem.field_errors
        context["search_problem"] = problem
    context["results"] = page.opportunities
    if page.next_page_token:
        context["next_url"] = "/opportunities?" + urlencode({**form, "page": page.next_page_token})
    context["first_url"] = "/opportunities?" + urlencode(
        {k: v for k, v in form.items() if k != "page"}
    )
    # The less used filters fold away on small screens, but never hide a value or an error.
    context["more_filters_open"] = any(
        form.get(name) or name in context.get("errors", {}) for name in MORE_FILTERS
    )
    context["searched"] = any(v for k, v in form.items() if k != "page")
    context["first_page"] = not form.get("page")
    return render(request, caller, "opportunities/list.html", context, title="Opportunities")


async def _posting_context(caller: Caller, opportunity_id: str) -> dict[str, Any]:
    page = await opportunities.opportunity_page(caller, opportunity_id)
    return {
        "page": page,
        "o": page.opportunity,
        "action": opportunity_url(opportunity_id),
    }


@router.get("/opportunities/{opportunity_id}", response_class=HTMLResponse)
async def opportunity_page(request: Request, caller: Viewer, opportunity_id: str) -> Response:
    context = await _posting_context(caller, opportunity_id)
    # One id per rendered form: a double submit or a retry returns the same application.
    context["form"] = {"request_id": str(uuid.uuid4())}
    return render(request, caller, "opportunities/detail.html", context, title=context["o"].title)


async def _form_of(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


@router.post("/opportunities/{opportunity_id}/apply")
async def apply(request: Request, caller: Actor, opportunity_id: str) -> Response:
    submitted = await _form_of(request)
    try:
        form = validated(
            ApplyInput,
            {
                "note": submitted.get("note", ""),
                "confidential": submitted.get("confidential") == "on",
                "request_id": submitted.get("request_id", ""),
            },
        )
        await opportunities_applying.apply(caller, opportunity_id, form)
    except Exception as error:
        return await _posting_again(request, caller, opportunity_id, problem_from(error), submitted)
    notice = "Applied confidentially" if form.confidential else "Applied"
    return redirect("/applications", notice)


@router.post("/opportunities/{opportunity_id}/interview")
async def request_interview(request: Request, caller: Actor, opportunity_id: str) -> Response:
    submitted = await _form_of(request)
    try:
        form = validated(
            InterviewRequestInput,
            {
                "note": submitted.get("note", ""),
                "preferred_slot": submitted.get("preferred_slot", ""),
            },
        )
        await opportunities_applying.request_interview(caller, opportunity_id, form)
    except Exception as error:
        return await _posting_again(request, caller, opportunity_id, problem_from(error), submitted)
    return redirect("/applications", "Interest interview requested")


async def _posting_again(
    request: Request,
    caller: Caller,
    opportunity_id: str,
    problem: Problem,
    submitted: dict[str, str],
) -> Response:
    if problem.status == 404 and not problem.errors:
        raise problem
    context = await _posting_context(caller, opportunity_id)
    context["form"] = submitted
    return render_form_error(
        request, caller, "opportunities/detail.html", problem, context, title=context["o"].title
    )


MOVE_LABELS = {
    "withdrawn": "Withdraw",
    "accepted": "Accept the offer",
    "declined": "Decline the offer",
}


async def _applications(
    request: Request, caller: Caller, problem: Problem | None = None
) -> Response:
    context = {
        "applications": (await opportunities_applying.my_applications(caller)).applications,
        "interviews": (await opportunities_applying.my_interviews(caller)).interviews,
        "move_labels": MOVE_LABELS,
        "problem": problem,
    }
    return render(
        request,
        caller,
        "applications/list.html",
        context,
        title="My applications",
        status=problem.status if problem else 200,
    )


@router.get("/applications", response_class=HTMLResponse)
async def applications_page(request: Request, caller: Viewer) -> Response:
    return await _applications(request, caller)


@router.post("/applications/{application_id}/move")
async def move(request: Request, caller: Actor, application_id: str) -> Response:
    submitted = await _form_of(request)
    try:
        form = validated(MoveInput, {"status": submitted.get("status", "")})
        await opportunities_applying.move(caller, application_id, form)
    except Exception as error:
        return await _applications(request, caller, problem_from(error))
    return redirect("/applications", MOVE_NOTICES[form.status])


@router.post("/interviews/{interview_id}/cancel")
async def cancel_interview(request: Request, caller: Actor, interview_id: str) -> Response:
    try:
        await opportunities_applying.cancel_interview(caller, interview_id)
    except Exception as error:
        return await _applications(request, caller, problem_from(error))
    return redirect("/applications", "Interest interview request cancelled")
