from datetime import UTC, datetime, timedelta

import grpc
import jwt
import pytest
from pydantic import BaseModel, Field, ValidationError

from trellis_shared.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    StaleVersion,
    Unauthenticated,
)
from trellis_shared.grpc.status import field_violations_from_trailers, status_for, trailing_details
from trellis_shared.grpc.tokens import AUDIENCE, ISSUER, Principal, TokenCodec

pytestmark = pytest.mark.unit

SECRET = "a-test-secret-that-is-long-enough-for-hs256"


def test_issued_token_verifies_to_the_same_principal() -> None:
    codec = TokenCodec(SECRET)
    alice = Principal("emp-1", frozenset({"employee", "manager"}))
    assert codec.verify(codec.issue(alice)) == alice


def test_token_signed_with_another_key_is_rejected() -> None:
    token = TokenCodec("another-secret-that-is-long-enough-for-hs256").issue(
        Principal("x", frozenset())
    )
    with pytest.raises(Unauthenticated, match="invalid token"):
        TokenCodec(SECRET).verify(token)


def test_expired_token_is_rejected() -> None:
    codec = TokenCodec(SECRET, ttl=timedelta(minutes=1))
    token = codec.issue(Principal("x", frozenset()), now=datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(Unauthenticated, match="expired"):
        codec.verify(token)


def test_unknown_roles_are_rejected() -> None:
    now = datetime.now(UTC)
    token = jwt.encode(
        {
            "sub": "x",
            "roles": ["emperor"],
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(minutes=1)).timestamp()),
        },
        SECRET,
        algorithm="HS256",
    )
    with pytest.raises(Unauthenticated, match="unknown roles"):
        TokenCodec(SECRET).verify(token)


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError, match="32"):
        TokenCodec("short")


def test_require_role() -> None:
    hr = Principal("h", frozenset({"hr_admin"}))
    hr.require_role("hr_admin", "service")
    with pytest.raises(PermissionDenied):
        hr.require_role("manager")


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (NotFound("x"), grpc.StatusCode.NOT_FOUND),
        (PermissionDenied("x"), grpc.StatusCode.PERMISSION_DENIED),
        (FailedPrecondition("x"), grpc.StatusCode.FAILED_PRECONDITION),
        (StaleVersion("a", 3), grpc.StatusCode.ABORTED),
        (Unauthenticated("x"), grpc.StatusCode.UNAUTHENTICATED),
        (RuntimeError("x"), grpc.StatusCode.INTERNAL),
    ],
)
def test_errors_map_to_status_codes(error: Exception, code: grpc.StatusCode) -> None:
    assert status_for(error)[0] == code


class Form(BaseModel):
    name: str = Field(min_length=1)
    share: int = Field(ge=0, le=100)


def test_validation_errors_become_invalid_argument_with_field_details() -> None:
    with pytest.raises(ValidationError) as caught:
        Form(name="", share=120)
    code, message, violations = status_for(caught.value)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in violations} == {"name", "share"}
    trailers = trailing_details(code, message, violations)
    assert field_violations_from_trailers(trailers) == violations


def test_invalid_argument_keeps_its_own_violations() -> None:
    error = InvalidArgument("bad", [FieldViolation("amount", "must be positive")])
    code, _, violations = status_for(error)
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert violations == [FieldViolation("amount", "must be positive")]
