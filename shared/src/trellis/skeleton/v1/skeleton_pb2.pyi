from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class IncrementRequest(_message.Message):
    __slots__ = ("tally_id", "amount", "expected_version")
    TALLY_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    tally_id: str
    amount: int
    expected_version: int
    def __init__(self, tally_id: _Optional[str] = ..., amount: _Optional[int] = ..., expected_version: _Optional[int] = ...) -> None: ...

class GetTallyRequest(_message.Message):
    __slots__ = ("tally_id",)
    TALLY_ID_FIELD_NUMBER: _ClassVar[int]
    tally_id: str
    def __init__(self, tally_id: _Optional[str] = ...) -> None: ...

class Tally(_message.Message):
    __slots__ = ("tally_id", "total", "version")
    TALLY_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    tally_id: str
    total: int
    version: int
    def __init__(self, tally_id: _Optional[str] = ..., total: _Optional[int] = ..., version: _Optional[int] = ...) -> None: ...
