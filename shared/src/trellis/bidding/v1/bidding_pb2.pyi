from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Assignment(_message.Message):
    __slots__ = ("assignment_id", "title", "owner_id", "seats", "share_pct", "starts_on", "ends_on", "skill_ids", "status", "department")
    ASSIGNMENT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    SEATS_FIELD_NUMBER: _ClassVar[int]
    SHARE_PCT_FIELD_NUMBER: _ClassVar[int]
    STARTS_ON_FIELD_NUMBER: _ClassVar[int]
    ENDS_ON_FIELD_NUMBER: _ClassVar[int]
    SKILL_IDS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    assignment_id: str
    title: str
    owner_id: str
    seats: int
    share_pct: int
    starts_on: str
    ends_on: str
    skill_ids: _containers.RepeatedScalarFieldContainer[str]
    status: str
    department: str
    def __init__(self, assignment_id: _Optional[str] = ..., title: _Optional[str] = ..., owner_id: _Optional[str] = ..., seats: _Optional[int] = ..., share_pct: _Optional[int] = ..., starts_on: _Optional[str] = ..., ends_on: _Optional[str] = ..., skill_ids: _Optional[_Iterable[str]] = ..., status: _Optional[str] = ..., department: _Optional[str] = ...) -> None: ...

class ListAssignmentsRequest(_message.Message):
    __slots__ = ("include_closed",)
    INCLUDE_CLOSED_FIELD_NUMBER: _ClassVar[int]
    include_closed: bool
    def __init__(self, include_closed: _Optional[bool] = ...) -> None: ...

class ListAssignmentsReply(_message.Message):
    __slots__ = ("assignments",)
    ASSIGNMENTS_FIELD_NUMBER: _ClassVar[int]
    assignments: _containers.RepeatedCompositeFieldContainer[Assignment]
    def __init__(self, assignments: _Optional[_Iterable[_Union[Assignment, _Mapping]]] = ...) -> None: ...

class Round(_message.Message):
    __slots__ = ("round_id", "title", "assignment_ids", "opens_at", "closes_at", "budget", "mode", "max_awards", "carry_over_cap", "status", "seed", "cleared_at", "bidders", "version")
    ROUND_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    MAX_AWARDS_FIELD_NUMBER: _ClassVar[int]
    CARRY_OVER_CAP_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    CLEARED_AT_FIELD_NUMBER: _ClassVar[int]
    BIDDERS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    round_id: str
    title: str
    assignment_ids: _containers.RepeatedScalarFieldContainer[str]
    opens_at: str
    closes_at: str
    budget: int
    mode: str
    max_awards: int
    carry_over_cap: int
    status: str
    seed: int
    cleared_at: str
    bidders: int
    version: int
    def __init__(self, round_id: _Optional[str] = ..., title: _Optional[str] = ..., assignment_ids: _Optional[_Iterable[str]] = ..., opens_at: _Optional[str] = ..., closes_at: _Optional[str] = ..., budget: _Optional[int] = ..., mode: _Optional[str] = ..., max_awards: _Optional[int] = ..., carry_over_cap: _Optional[int] = ..., status: _Optional[str] = ..., seed: _Optional[int] = ..., cleared_at: _Optional[str] = ..., bidders: _Optional[int] = ..., version: _Optional[int] = ...) -> None: ...

class RoundReply(_message.Message):
    __slots__ = ("round",)
    ROUND_FIELD_NUMBER: _ClassVar[int]
    round: Round
    def __init__(self, round: _Optional[_Union[Round, _Mapping]] = ...) -> None: ...

class OpenRoundRequest(_message.Message):
    __slots__ = ("title", "assignment_ids", "opens_at", "closes_at", "budget", "mode", "max_awards", "carry_over_cap")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENT_IDS_FIELD_NUMBER: _ClassVar[int]
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    MAX_AWARDS_FIELD_NUMBER: _ClassVar[int]
    CARRY_OVER_CAP_FIELD_NUMBER: _ClassVar[int]
    title: str
    assignment_ids: _containers.RepeatedScalarFieldContainer[str]
    opens_at: str
    closes_at: str
    budget: int
    mode: str
    max_awards: int
    carry_over_cap: int
    def __init__(self, title: _Optional[str] = ..., assignment_ids: _Optional[_Iterable[str]] = ..., opens_at: _Optional[str] = ..., closes_at: _Optional[str] = ..., budget: _Optional[int] = ..., mode: _Optional[str] = ..., max_awards: _Optional[int] = ..., carry_over_cap: _Optional[int] = ...) -> None: ...

class GetRoundRequest(_message.Message):
    __slots__ = ("round_id",)
    ROUND_ID_FIELD_NUMBER: _ClassVar[int]
    round_id: str
    def __init__(self, round_id: _Optional[str] = ...) -> None: ...

class ListRoundsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListRoundsReply(_message.Message):
    __slots__ = ("rounds",)
    ROUNDS_FIELD_NUMBER: _ClassVar[int]
    rounds: _containers.RepeatedCompositeFieldContainer[Round]
    def __init__(self, rounds: _Optional[_Iterable[_Union[Round, _Mapping]]] = ...) -> None: ...

class RoundActionRequest(_message.Message):
    __slots__ = ("round_id",)
    ROUND_ID_FIELD_NUMBER: _ClassVar[int]
    round_id: str
    def __init__(self, round_id: _Optional[str] = ...) -> None: ...

class BidEntry(_message.Message):
    __slots__ = ("assignment_id", "points", "rank")
    ASSIGNMENT_ID_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    assignment_id: str
    points: int
    rank: int
    def __init__(self, assignment_id: _Optional[str] = ..., points: _Optional[int] = ..., rank: _Optional[int] = ...) -> None: ...

class Wallet(_message.Message):
    __slots__ = ("round_id", "employee_id", "budget", "points_bid", "bids", "version", "release_status")
    ROUND_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    POINTS_BID_FIELD_NUMBER: _ClassVar[int]
    BIDS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    RELEASE_STATUS_FIELD_NUMBER: _ClassVar[int]
    round_id: str
    employee_id: str
    budget: int
    points_bid: int
    bids: _containers.RepeatedCompositeFieldContainer[BidEntry]
    version: int
    release_status: str
    def __init__(self, round_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., budget: _Optional[int] = ..., points_bid: _Optional[int] = ..., bids: _Optional[_Iterable[_Union[BidEntry, _Mapping]]] = ..., version: _Optional[int] = ..., release_status: _Optional[str] = ...) -> None: ...

class WalletReply(_message.Message):
    __slots__ = ("wallet",)
    WALLET_FIELD_NUMBER: _ClassVar[int]
    wallet: Wallet
    def __init__(self, wallet: _Optional[_Union[Wallet, _Mapping]] = ...) -> None: ...

class PlaceBidsRequest(_message.Message):
    __slots__ = ("round_id", "bids", "expected_version")
    ROUND_ID_FIELD_NUMBER: _ClassVar[int]
    BIDS_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    round_id: str
    bids: _containers.RepeatedCompositeFieldContainer[BidEntry]
    expected_version: int
    def __init__(self, round_id: _Optional[str] = ..., bids: _Optional[_Iterable[_Union[BidEntry, _Mapping]]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class GetMyBidsRequest(_message.Message):
    __slots__ = ("round_id",)
    ROUND_ID_FIELD_NUMBER: _ClassVar[int]
    round_id: str
    def __init__(self, round_id: _Optional[str] = ...) -> None: ...

class AssignmentOutcome(_message.Message):
    __slots__ = ("assignment_id", "points", "rank", "won", "cutoff", "reason")
    ASSIGNMENT_ID_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    WON_FIELD_NUMBER: _ClassVar[int]
    CUTOFF_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    assignment_id: str
    points: int
    rank: int
    won: bool
    cutoff: str
    reason: str
    def __init__(self, assignment_id: _Optional[str] = ..., points: _Optional[int] = ..., rank: _Optional[int] = ..., won: _Optional[bool] = ..., cutoff: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class BidderResult(_message.Message):
    __slots__ = ("round_id", "employee_id", "awarded", "points_spent", "points_returned", "next_round_budget", "outcomes")
    ROUND_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    AWARDED_FIELD_NUMBER: _ClassVar[int]
    POINTS_SPENT_FIELD_NUMBER: _ClassVar[int]
    POINTS_RETURNED_FIELD_NUMBER: _ClassVar[int]
    NEXT_ROUND_BUDGET_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    round_id: str
    employee_id: str
    awarded: _containers.RepeatedScalarFieldContainer[str]
    points_spent: int
    points_returned: int
    next_round_budget: int
    outcomes: _containers.RepeatedCompositeFieldContainer[AssignmentOutcome]
    def __init__(self, round_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., awarded: _Optional[_Iterable[str]] = ..., points_spent: _Optional[int] = ..., points_returned: _Optional[int] = ..., next_round_budget: _Optional[int] = ..., outcomes: _Optional[_Iterable[_Union[AssignmentOutcome, _Mapping]]] = ...) -> None: ...

class BidderResultReply(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: BidderResult
    def __init__(self, result: _Optional[_Union[BidderResult, _Mapping]] = ...) -> None: ...

class ListWinnersRequest(_message.Message):
    __slots__ = ("round_id", "assignment_id")
    ROUND_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENT_ID_FIELD_NUMBER: _ClassVar[int]
    round_id: str
    assignment_id: str
    def __init__(self, round_id: _Optional[str] = ..., assignment_id: _Optional[str] = ...) -> None: ...

class Winner(_message.Message):
    __slots__ = ("employee_id", "points")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    points: int
    def __init__(self, employee_id: _Optional[str] = ..., points: _Optional[int] = ...) -> None: ...

class ListWinnersReply(_message.Message):
    __slots__ = ("winners",)
    WINNERS_FIELD_NUMBER: _ClassVar[int]
    winners: _containers.RepeatedCompositeFieldContainer[Winner]
    def __init__(self, winners: _Optional[_Iterable[_Union[Winner, _Mapping]]] = ...) -> None: ...

class RoundReport(_message.Message):
    __slots__ = ("round", "bidders", "awards", "seats", "seats_filled", "points_spent", "blocking_pairs", "envy", "awards_list")
    ROUND_FIELD_NUMBER: _ClassVar[int]
    BIDDERS_FIELD_NUMBER: _ClassVar[int]
    AWARDS_FIELD_NUMBER: _ClassVar[int]
    SEATS_FIELD_NUMBER: _ClassVar[int]
    SEATS_FILLED_FIELD_NUMBER: _ClassVar[int]
    POINTS_SPENT_FIELD_NUMBER: _ClassVar[int]
    BLOCKING_PAIRS_FIELD_NUMBER: _ClassVar[int]
    ENVY_FIELD_NUMBER: _ClassVar[int]
    AWARDS_LIST_FIELD_NUMBER: _ClassVar[int]
    round: Round
    bidders: int
    awards: int
    seats: int
    seats_filled: int
    points_spent: int
    blocking_pairs: int
    envy: int
    awards_list: _containers.RepeatedCompositeFieldContainer[AwardLine]
    def __init__(self, round: _Optional[_Union[Round, _Mapping]] = ..., bidders: _Optional[int] = ..., awards: _Optional[int] = ..., seats: _Optional[int] = ..., seats_filled: _Optional[int] = ..., points_spent: _Optional[int] = ..., blocking_pairs: _Optional[int] = ..., envy: _Optional[int] = ..., awards_list: _Optional[_Iterable[_Union[AwardLine, _Mapping]]] = ...) -> None: ...

class AwardLine(_message.Message):
    __slots__ = ("assignment_id", "employee_id", "points")
    ASSIGNMENT_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    assignment_id: str
    employee_id: str
    points: int
    def __init__(self, assignment_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., points: _Optional[int] = ...) -> None: ...

class RoundReportReply(_message.Message):
    __slots__ = ("report",)
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: RoundReport
    def __init__(self, report: _Optional[_Union[RoundReport, _Mapping]] = ...) -> None: ...

class ReleaseRequest(_message.Message):
    __slots__ = ("round_id", "round_title", "employee_id", "status", "due_at", "decided_by")
    ROUND_ID_FIELD_NUMBER: _ClassVar[int]
    ROUND_TITLE_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    round_id: str
    round_title: str
    employee_id: str
    status: str
    due_at: str
    decided_by: str
    def __init__(self, round_id: _Optional[str] = ..., round_title: _Optional[str] = ..., employee_id: _Optional[str] = ..., status: _Optional[str] = ..., due_at: _Optional[str] = ..., decided_by: _Optional[str] = ...) -> None: ...

class ListReleaseRequestsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListReleaseRequestsReply(_message.Message):
    __slots__ = ("requests",)
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    requests: _containers.RepeatedCompositeFieldContainer[ReleaseRequest]
    def __init__(self, requests: _Optional[_Iterable[_Union[ReleaseRequest, _Mapping]]] = ...) -> None: ...

class ApproveReleaseRequest(_message.Message):
    __slots__ = ("round_id", "employee_id")
    ROUND_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    round_id: str
    employee_id: str
    def __init__(self, round_id: _Optional[str] = ..., employee_id: _Optional[str] = ...) -> None: ...
