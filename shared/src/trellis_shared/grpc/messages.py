"""Between protobuf messages and pydantic models, the same way in every service.

Requests go through MessageToDict into pydantic models, so every bound and rule
of the domain checks gRPC input too, and a failure names the field by its path
in the request ("org.email", "set.2.level"). Replies go the other way through
ParseDict, so a reply message mirrors the model's field names.
"""

from __future__ import annotations

from typing import Any, TypeVar

from google.protobuf import json_format
from google.protobuf.message import Message
from pydantic import BaseModel, ValidationError

from trellis_shared.errors import FieldViolation, InvalidArgument
from trellis_shared.grpc.status import violations_from_validation

Model = TypeVar("Model", bound=BaseModel)
Reply = TypeVar("Reply", bound=Message)


def as_dict(message: Message) -> dict[str, Any]:
    raw = json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    cleaned: dict[str, Any] = _blanks_to_none(raw)
    return cleaned


def _blanks_to_none(value: Any) -> Any:
    """Proto3 strings have no 'unset'; an empty optional date or choice means none."""
    if isinstance(value, dict):
        return {k: _blanks_to_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blanks_to_none(v) for v in value]
    return None if value == "" else value


def parse(model: type[Model], data: Any, field: str) -> Model:
    """Validate `data` as `model`; errors carry the request path under `field`."""
    try:
        return model.model_validate(_drop_none(data) if isinstance(data, dict) else data)
    except ValidationError as error:
        violations = [
            FieldViolation(f"{field}.{v.field}" if field else v.field, v.description)
            for v in violations_from_validation(error)
        ]
        raise InvalidArgument(f"invalid {field or 'request'}", violations) from None


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    # None means "not given": let the model's default apply.
    return {
        k: (_drop_none(v) if isinstance(v, dict) else v) for k, v in data.items() if v is not None
    }


def require_text(value: str, field: str, max_length: int = 120) -> str:
    value = value.strip()
    if not value:
        raise InvalidArgument(f"{field} is required", [FieldViolation(field, "must not be empty")])
    if len(value) > max_length:
        raise InvalidArgument(
            f"{field} too long", [FieldViolation(field, f"at most {max_length} characters")]
        )
    return value


def without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_none(v) for v in value]
    return value


def to_message(data: dict[str, Any], reply: Reply) -> Reply:
    """Fill `reply` from a JSON-mode dump; fields the message lacks are ignored."""
    return json_format.ParseDict(without_none(data), reply, ignore_unknown_fields=True)
