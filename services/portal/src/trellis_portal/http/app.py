"""The FastAPI application: routers, error handling, static files, OpenAPI.

The OpenAPI document is served at /api/openapi.json (a stable path for
clients), the interactive reference at /api/docs. Every error of an /api/
path is problem+json; a page shows the same problem as a page.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from grpc import aio
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException

from trellis_portal.http import routes
from trellis_portal.http.auth import NotSignedIn
from trellis_portal.http.pages import STATIC_DIR, render
from trellis_portal.http.problems import PROBLEM_JSON, Problem, problem_from
from trellis_portal.http.state import PortalState
from trellis_shared.errors import TrellisError

API_DESCRIPTION = """The HTTP API of Trellis, the internal talent marketplace.

Sign in with a session cookie (browsers; state-changing calls need the
`X-CSRF-Token` header) or with `Authorization: Bearer <token>` from the
organisation's OpenID Connect issuer. Errors are `application/problem+json`
with an `errors` list of `{field, message}`.
"""


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem_response(request: Request, problem: Problem) -> Response:
    if is_api(request):
        return JSONResponse(problem.body(), status_code=problem.status, media_type=PROBLEM_JSON)
    return render(
        request,
        getattr(request.state, "caller", None),
        "error.html",
        {"problem": problem},
        status=problem.status,
        title=problem.title,
    )


def create_app(state: PortalState) -> FastAPI:
    app = FastAPI(
        title="Trellis API",
        version="1",
        description=API_DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.portal = state

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _: Exception) -> Response:
        if is_api(request):
            return problem_response(request, Problem(401, "sign in first"))
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?next={target}", status_code=303)

    @app.exception_handler(Problem)
    async def problem(request: Request, error: Exception) -> Response:
        return problem_response(request, problem_from(error))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: Exception) -> Response:
        return problem_response(request, problem_from(error))

    @app.exception_handler(TrellisError)
    async def trellis_error(request: Request, error: Exception) -> Response:
        return problem_response(request, problem_from(error))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        return problem_response(request, Problem(error.status_code, str(error.detail)))

    @app.exception_handler(aio.AioRpcError)
    async def service_error(request: Request, error: Exception) -> Response:
        # Its own handler: Starlette logs a traceback for anything that only
        # the catch-all below handles, and a refusal from a service is no crash.
        return problem_response(request, problem_from(error))

    @app.exception_handler(Exception)
    async def anything(request: Request, error: Exception) -> Response:
        # gRPC errors from services land here too (AioRpcError is no HTTPException).
        return problem_response(request, problem_from(error))

    # One trace from the browser's request through every gRPC call it causes
    # (the service clients carry the context on) into the services' spans.
    app.add_middleware(OpenTelemetryMiddleware, exclude_spans=["receive", "send"])
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for router in routes.ROUTERS:
        app.include_router(router)
    return app
