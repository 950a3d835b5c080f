"""Map Trellis errors and validation failures to gRPC status codes.

INVALID_ARGUMENT carries a google.rpc.BadRequest with one field violation per
bad field, in the standard `grpc-status-details-bin` trailer, so any gRPC
client can show the user which field is wrong.
"""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from pydantic import ValidationError

from trellis_shared.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    StaleVersion,
    TrellisError,
    Unauthenticated,
    Unavailable,
)

STATUS_DETAILS_KEY = "grpc-status-details-bin"

_CODES: list[tuple[type[TrellisError], grpc.StatusCode]] = [
    (InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT),
    (NotFound, grpc.StatusCode.NOT_FOUND),
    (PermissionDenied, grpc.StatusCode.PERMISSION_DENIED),
    (Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    (FailedPrecondition, grpc.StatusCode.FAILED_PRECONDITION),
    (StaleVersion, grpc.StatusCode.ABORTED),
    (Unavailable, grpc.StatusCode.UNAVAILABLE),
]


def violations_from_validation(error: ValidationError) -> list[FieldViolation]:
    return [
        FieldViolation(
            field=".".join(str(part) for part in item["loc"]) or "(request)",
            description=item["msg"],
        )
        for item in error.errors()
    ]


def status_for(error: Exception) -> tuple[grpc.StatusCode, str, list[FieldViolation]]:
    """The status code, message and field violations for an error, if it is ours."""
    if isinstance(error, ValidationError):
        return (
            grpc.StatusCode.INVALID_ARGUMENT,
            "invalid request",
            violations_from_validation(error),
        )
    for kind, code in _CODES:
        if isinstance(error, kind):
            violations = (
                error.violations if isinstance(error, InvalidArgument | FailedPrecondition) else []
            )
            return code, str(error), violations
    return grpc.StatusCode.INTERNAL, "internal error", []


def trailing_details(
    code: grpc.StatusCode, message: str, violations: list[FieldViolation]
) -> tuple[tuple[str, bytes], ...]:
    if not violations:
        return ()
    bad_request = error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
            for v in violations
        ]
    )
    detail = any_pb2.Any()
    detail.Pack(bad_request)
    status = status_pb2.Status(code=code.value[0], message=message, details=[detail])
    return ((STATUS_DETAILS_KEY, status.SerializeToString()),)


def field_violations_from_trailers(
    trailing_metadata: tuple[tuple[str, str | bytes], ...] | None,
) -> list[FieldViolation]:
    """Client side: read the field violations back out of an error's trailers."""
    for key, value in trailing_metadata or ():
        if key == STATUS_DETAILS_KEY and isinstance(value, bytes):
            status = status_pb2.Status.FromString(value)
            violations: list[FieldViolation] = []
            for detail in status.details:
                bad_request = error_details_pb2.BadRequest()
                if detail.Unpack(bad_request):
                    violations.extend(
                        FieldViolation(v.field, v.description) for v in bad_request.field_violations
                    )
            return violations
    return []
