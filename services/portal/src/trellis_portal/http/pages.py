"""Rendering pages: one layout, the signed-in person, their navigation, CSRF.

Page handlers call the same feature functions as the JSON API and hand the
result to a template; a form that fails validation is rendered again with the
input kept and each error beside its field (status 422).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from trellis_portal.features.caller import Caller
from trellis_portal.http.problems import Problem
from trellis_portal.http.state import state_of

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str
    role: str  # shown to people with this role


NAVIGATION = (
    NavItem("/", "Home", "employee"),
    NavItem("/opportunities", "Opportunities", "employee"),
    NavItem("/applications", "My applications", "employee"),
    NavItem("/mentorship", "Mentorship", "employee"),
    NavItem("/bidding", "Stretch bidding", "employee"),
    NavItem("/profile", "My profile", "employee"),
    NavItem("/manage", "Hiring", "employee"),
    NavItem("/team", "My team", "manager"),
    NavItem("/hr", "HR", "hr_admin"),
)


def moment(value: str) -> str:
    """An ISO instant from a service as people read it: "2026-11-22 09:30 UTC"."""
    return f"{value[:16].replace('T', ' ')} UTC" if value else ""


def day(value: str) -> str:
    """The date part of an ISO date or instant."""
    return value[:10]


def build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.globals["navigation"] = NAVIGATION
    # Services send UTC instants as ISO text; every page shows them one way.
    templates.env.filters["moment"] = moment
    templates.env.filters["day"] = day
    return templates


def render(
    request: Request,
    caller: Caller | None,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    title: str = "",
) -> HTMLResponse:
    session = getattr(request.state, "session", None)
    values: dict[str, Any] = {
        "user": caller,
        "csrf_token": session.csrf_token if session is not None else "",
        "path": request.url.path,
        "title": title,
        "errors": {},
        "form": {},
        "notice": request.query_params.get("notice", ""),
    }
    values.update(context or {})
    return state_of(request).templates.TemplateResponse(
        request, template, values, status_code=status
    )


def render_form_error(
    request: Request,
    caller: Caller,
    template: str,
    problem: Problem,
    context: dict[str, Any],
    *,
    title: str = "",
) -> HTMLResponse:
    """The same form again, its input kept, each error beside its field."""
    values = dict(context)
    values["errors"] = problem.field_errors
    values["problem"] = problem
    return render(request, caller, template, values, status=problem.status, title=title)


def redirect(url: str, notice: str = "") -> RedirectResponse:
    """After a successful form post: see-other, so reload does not post again."""
    if notice:
        # The query goes before a #fragment, or the browser drops it.
        path, hash_mark, fragment = url.partition("#")
        separator = "&" if "?" in path else "?"
        url = f"{path}{separator}notice={quote(notice)}{hash_mark}{fragment}"
    return RedirectResponse(url, status_code=303)
