"""Error kinds that every layer may raise and every entrypoint knows how to map.

Application code raises these; the gRPC layer turns them into status codes and
the HTTP layer into problem+json, so a use case never imports grpc.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


class TrellisError(Exception):
    """Base of the errors a caller can act on."""


class InvalidArgument(TrellisError):
    def __init__(self, message: str, violations: list[FieldViolation] | None = None) -> None:
        super().__init__(message)
        self.violations: list[FieldViolation] = violations or []


class NotFound(TrellisError):
    pass


class PermissionDenied(TrellisError):
    pass


class Unauthenticated(TrellisError):
    pass


class FailedPrecondition(TrellisError):
    """The request is sound but the state refuses it; `violations` may say which
    field ran into which rule (e.g. share_pct: over the free time)."""

    def __init__(self, message: str, violations: list[FieldViolation] | None = None) -> None:
        super().__init__(message)
        self.violations: list[FieldViolation] = violations or []


class StaleVersion(TrellisError):
    """The caller wrote against a version that someone else has since changed."""

    def __init__(self, aggregate_id: str, expected_version: int) -> None:
        super().__init__(
            f"{aggregate_id} is no longer at version {expected_version}; reload and retry"
        )
        self.aggregate_id = aggregate_id
        self.expected_version = expected_version


class Unavailable(TrellisError):
    pass


@dataclass(frozen=True)
class DependencyUnreachable(TrellisError):
    """A process cannot reach Kafka or the database it was configured with."""

    what: str
    address: str
    variable: str
    detail: str = field(default="")

    def __str__(self) -> str:
        hint = f" ({self.detail})" if self.detail else ""
        return (
            f"cannot reach {self.what} at {self.address}{hint}; "
            f"start it with `make up` or set {self.variable} to a reachable address"
        )
