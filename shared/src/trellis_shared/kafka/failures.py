"""What a consumer does with a handler's failure: wait it out, park it, or try a little.

- TRANSIENT: a dependency is down or slow (the database, a peer service, the
  broker, a timeout, our own `Unavailable`). The same record will succeed once it
  is back, so it is retried for as long as the outage lasts, and the partition
  waits: nothing after it is processed first.
- POISON: the record itself can never succeed (it fails its contract, or the
  domain refuses it for good). It goes to the dead-letter topic at once.
- UNKNOWN: anything else, most likely a bug. A few attempts, then the
  dead-letter topic, so one surprise does not stop the partition forever.

An unknown exception raised `from` a transient one (explicit chaining) counts as
transient: wrapping a database error in a domain message does not make it heal
any less. Poison must be said at the top: `PoisonMessage`, a validation error, or
a domain refusal (`InvalidArgument`, `FailedPrecondition`).
"""

from __future__ import annotations

from enum import Enum

import grpc
from aiokafka.errors import KafkaConnectionError, KafkaError, KafkaTimeoutError
from pydantic import ValidationError
from pymongo.errors import ConnectionFailure, ExecutionTimeout, PyMongoError, WTimeoutError

from trellis_shared.errors import (
    DependencyUnreachable,
    FailedPrecondition,
    InvalidArgument,
    StaleVersion,
    Unavailable,
)


class PoisonMessage(Exception):
    """Raised by a handler for a message that no retry can fix (dead-letter it now)."""


class Failure(Enum):
    TRANSIENT = "transient"
    POISON = "poison"
    UNKNOWN = "unknown"


# A peer that is down, overloaded, too slow, or lost a race with another writer.
TRANSIENT_STATUS = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.ABORTED,
    }
)
# A peer that refused the request itself: asking again gets the same answer.
POISON_STATUS = frozenset(
    {
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.FAILED_PRECONDITION,
        grpc.StatusCode.OUT_OF_RANGE,
    }
)
_TRANSIENT_TYPES: tuple[type[BaseException], ...] = (
    Unavailable,
    DependencyUnreachable,
    StaleVersion,  # a concurrent write won; the next attempt reloads and wins
    ConnectionFailure,  # AutoReconnect, ServerSelectionTimeoutError, NetworkTimeout
    ExecutionTimeout,
    WTimeoutError,
    TimeoutError,  # asyncio.TimeoutError is the same class
    ConnectionError,
    KafkaConnectionError,
    KafkaTimeoutError,  # other broker errors say so themselves (`retriable`)
)
_POISON_TYPES: tuple[type[BaseException], ...] = (
    PoisonMessage,
    ValidationError,
    InvalidArgument,
    FailedPrecondition,
)


def classify(error: BaseException) -> Failure:
    """The kind of `error`, looking through explicit causes for a transient one."""
    if isinstance(error, _POISON_TYPES) or _status(error) in POISON_STATUS:
        return Failure.POISON
    cause: BaseException | None = error
    while cause is not None:
        if _is_transient(cause):
            return Failure.TRANSIENT
        cause = cause.__cause__
    return Failure.UNKNOWN


def _is_transient(error: BaseException) -> bool:
    if isinstance(error, _TRANSIENT_TYPES) or _status(error) in TRANSIENT_STATUS:
        return True
    if isinstance(error, KafkaError):
        return bool(error.retriable)
    if isinstance(error, PyMongoError):
        return error.has_error_label("RetryableWriteError") or error.has_error_label(
            "TransientTransactionError"
        )
    return False


def _status(error: BaseException) -> grpc.StatusCode | None:
    if isinstance(error, grpc.RpcError):
        code = getattr(error, "code", None)
        if callable(code):
            status = code()
            if isinstance(status, grpc.StatusCode):
                return status
    return None
