"""Errors as RFC 9457 problem+json for the API, and as inline messages for forms.

Service errors arrive as gRPC status codes (field violations in the rich
status details); portal-side validation arrives as pydantic errors. Both end as
the same problem shape, so a client handles one format.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import grpc
from fastapi.exceptions import RequestValidationError
from grpc import aio

from trellis_shared.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    TrellisError,
    Unauthenticated,
    Unavailable,
)
from trellis_shared.grpc.status import field_violations_from_trailers
from trellis_shared.telemetry import trace_id_hex

log = logging.getLogger("trellis_portal")
PROBLEM_JSON = "application/problem+json"

_HTTP_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: 422,
    grpc.StatusCode.OUT_OF_RANGE: 422,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
}
_TITLES = {
    400: "Bad request",
    401: "Sign-in required",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict with the current state",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal error",
    503: "A service is unavailable",
    504: "A service took too long",
}
_OWN_ERRORS: list[tuple[type[TrellisError], int]] = [
    (InvalidArgument, 422),
    (NotFound, 404),
    (PermissionDenied, 403),
    (Unauthenticated, 401),
    (FailedPrecondition, 409),
    (Unavailable, 503),
]


@dataclass
class Problem(Exception):
    """An HTTP problem: raise it from any handler, or build it from another error."""

    status: int
    detail: str
    errors: list[FieldViolation] = field(default_factory=list)

    @property
    def title(self) -> str:
        return _TITLES.get(self.status, "Error")

    @property
    def field_errors(self) -> dict[str, str]:
        """Field → first message, for forms (the last path part names the input)."""
        messages: dict[str, str] = {}
        for violation in self.errors:
            messages.setdefault(violation.field, violation.description)
            messages.setdefault(violation.field.rsplit(".", 1)[-1], violation.description)
        return messages

    def body(self) -> dict[str, object]:
        return {
            "type": f"https://trellis.dev/problems/{self.status}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "errors": [{"field": v.field, "message": v.description} for v in self.errors],
            "trace_id": trace_id_hex(),
        }


def problem_from(error: Exception) -> Problem:
    if isinstance(error, Problem):
        return error
    if isinstance(error, aio.AioRpcError):
        status = _HTTP_STATUS.get(error.code(), 500)
        violations = field_violations_from_trailers(error.trailing_metadata())  # type: ignore[arg-type]
        detail = error.details() or error.code().name
        if status == 500:
            log.error("service call failed: %s %s", error.code().name, detail)
            detail = "a service failed; the error is logged with this trace id"
        return Problem(status, detail, violations)
    if isinstance(error, RequestValidationError):
        return Problem(422, "the request has invalid fields", _violations(error))
    for kind, status in _OWN_ERRORS:
        if isinstance(error, kind):
            violations = error.violations if isinstance(error, InvalidArgument) else []
            return Problem(status, str(error), violations)
    log.exception("unexpected error", exc_info=error)
    return Problem(500, "unexpected error; it is logged with this trace id")


def _violations(error: RequestValidationError) -> list[FieldViolation]:
    found = []
    for item in error.errors():
        # FastAPI prefixes the location with where it came from ("body", "query").
        parts = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path")]
        found.append(FieldViolation(".".join(parts) or "(request)", str(item.get("msg", ""))))
    return found
