from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MentorOffer(_message.Message):
    __slots__ = ("employee_id", "capacity", "topics", "languages", "places_taken", "places_free", "source", "holding_match_ids", "version")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    PLACES_TAKEN_FIELD_NUMBER: _ClassVar[int]
    PLACES_FREE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    HOLDING_MATCH_IDS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    capacity: int
    topics: _containers.RepeatedScalarFieldContainer[str]
    languages: _containers.RepeatedScalarFieldContainer[str]
    places_taken: int
    places_free: int
    source: str
    holding_match_ids: _containers.RepeatedScalarFieldContainer[str]
    version: int
    def __init__(self, employee_id: _Optional[str] = ..., capacity: _Optional[int] = ..., topics: _Optional[_Iterable[str]] = ..., languages: _Optional[_Iterable[str]] = ..., places_taken: _Optional[int] = ..., places_free: _Optional[int] = ..., source: _Optional[str] = ..., holding_match_ids: _Optional[_Iterable[str]] = ..., version: _Optional[int] = ...) -> None: ...

class OfferMentoringRequest(_message.Message):
    __slots__ = ("employee_id", "capacity", "topics", "languages")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    capacity: int
    topics: _containers.RepeatedScalarFieldContainer[str]
    languages: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, employee_id: _Optional[str] = ..., capacity: _Optional[int] = ..., topics: _Optional[_Iterable[str]] = ..., languages: _Optional[_Iterable[str]] = ...) -> None: ...

class GetMentorOfferRequest(_message.Message):
    __slots__ = ("employee_id",)
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    def __init__(self, employee_id: _Optional[str] = ...) -> None: ...

class MentorOfferReply(_message.Message):
    __slots__ = ("offer",)
    OFFER_FIELD_NUMBER: _ClassVar[int]
    offer: MentorOffer
    def __init__(self, offer: _Optional[_Union[MentorOffer, _Mapping]] = ...) -> None: ...

class Goal(_message.Message):
    __slots__ = ("skill_id", "target_level")
    SKILL_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_LEVEL_FIELD_NUMBER: _ClassVar[int]
    skill_id: str
    target_level: int
    def __init__(self, skill_id: _Optional[str] = ..., target_level: _Optional[int] = ...) -> None: ...

class MenteeRequest(_message.Message):
    __slots__ = ("request_id", "mentee_id", "cycle_id", "goals", "target_role", "prefers_other_department", "languages", "ranked_mentor_ids", "status", "match_id", "declined_mentor_ids", "unmatched_reason", "created_at", "version")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MENTEE_ID_FIELD_NUMBER: _ClassVar[int]
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    GOALS_FIELD_NUMBER: _ClassVar[int]
    TARGET_ROLE_FIELD_NUMBER: _ClassVar[int]
    PREFERS_OTHER_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    RANKED_MENTOR_IDS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    DECLINED_MENTOR_IDS_FIELD_NUMBER: _ClassVar[int]
    UNMATCHED_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    mentee_id: str
    cycle_id: str
    goals: _containers.RepeatedCompositeFieldContainer[Goal]
    target_role: str
    prefers_other_department: bool
    languages: _containers.RepeatedScalarFieldContainer[str]
    ranked_mentor_ids: _containers.RepeatedScalarFieldContainer[str]
    status: str
    match_id: str
    declined_mentor_ids: _containers.RepeatedScalarFieldContainer[str]
    unmatched_reason: str
    created_at: str
    version: int
    def __init__(self, request_id: _Optional[str] = ..., mentee_id: _Optional[str] = ..., cycle_id: _Optional[str] = ..., goals: _Optional[_Iterable[_Union[Goal, _Mapping]]] = ..., target_role: _Optional[str] = ..., prefers_other_department: _Optional[bool] = ..., languages: _Optional[_Iterable[str]] = ..., ranked_mentor_ids: _Optional[_Iterable[str]] = ..., status: _Optional[str] = ..., match_id: _Optional[str] = ..., declined_mentor_ids: _Optional[_Iterable[str]] = ..., unmatched_reason: _Optional[str] = ..., created_at: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class SubmitMenteeRequestRequest(_message.Message):
    __slots__ = ("mentee_id", "cycle_id", "goals", "target_role", "prefers_other_department", "languages", "ranked_mentor_ids")
    MENTEE_ID_FIELD_NUMBER: _ClassVar[int]
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    GOALS_FIELD_NUMBER: _ClassVar[int]
    TARGET_ROLE_FIELD_NUMBER: _ClassVar[int]
    PREFERS_OTHER_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    RANKED_MENTOR_IDS_FIELD_NUMBER: _ClassVar[int]
    mentee_id: str
    cycle_id: str
    goals: _containers.RepeatedCompositeFieldContainer[Goal]
    target_role: str
    prefers_other_department: bool
    languages: _containers.RepeatedScalarFieldContainer[str]
    ranked_mentor_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, mentee_id: _Optional[str] = ..., cycle_id: _Optional[str] = ..., goals: _Optional[_Iterable[_Union[Goal, _Mapping]]] = ..., target_role: _Optional[str] = ..., prefers_other_department: _Optional[bool] = ..., languages: _Optional[_Iterable[str]] = ..., ranked_mentor_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class MenteeRequestActionRequest(_message.Message):
    __slots__ = ("request_id",)
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class MenteeRequestReply(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: MenteeRequest
    def __init__(self, request: _Optional[_Union[MenteeRequest, _Mapping]] = ...) -> None: ...

class ListMyMenteeRequestsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class MenteeRequestsReply(_message.Message):
    __slots__ = ("requests",)
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    requests: _containers.RepeatedCompositeFieldContainer[MenteeRequest]
    def __init__(self, requests: _Optional[_Iterable[_Union[MenteeRequest, _Mapping]]] = ...) -> None: ...

class FactorLine(_message.Message):
    __slots__ = ("factor", "points", "max_points", "text")
    FACTOR_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    MAX_POINTS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    factor: str
    points: float
    max_points: float
    text: str
    def __init__(self, factor: _Optional[str] = ..., points: _Optional[float] = ..., max_points: _Optional[float] = ..., text: _Optional[str] = ...) -> None: ...

class Explanation(_message.Message):
    __slots__ = ("score", "weights_version", "lines")
    SCORE_FIELD_NUMBER: _ClassVar[int]
    WEIGHTS_VERSION_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    score: float
    weights_version: str
    lines: _containers.RepeatedCompositeFieldContainer[FactorLine]
    def __init__(self, score: _Optional[float] = ..., weights_version: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[FactorLine, _Mapping]]] = ...) -> None: ...

class Suggestion(_message.Message):
    __slots__ = ("mentor_id", "mentor_name", "mentor_title", "mentor_department", "places_free", "explanation")
    MENTOR_ID_FIELD_NUMBER: _ClassVar[int]
    MENTOR_NAME_FIELD_NUMBER: _ClassVar[int]
    MENTOR_TITLE_FIELD_NUMBER: _ClassVar[int]
    MENTOR_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    PLACES_FREE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    mentor_id: str
    mentor_name: str
    mentor_title: str
    mentor_department: str
    places_free: int
    explanation: Explanation
    def __init__(self, mentor_id: _Optional[str] = ..., mentor_name: _Optional[str] = ..., mentor_title: _Optional[str] = ..., mentor_department: _Optional[str] = ..., places_free: _Optional[int] = ..., explanation: _Optional[_Union[Explanation, _Mapping]] = ...) -> None: ...

class SuggestMentorsRequest(_message.Message):
    __slots__ = ("request_id", "limit")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    limit: int
    def __init__(self, request_id: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class SuggestMentorsReply(_message.Message):
    __slots__ = ("suggestions",)
    SUGGESTIONS_FIELD_NUMBER: _ClassVar[int]
    suggestions: _containers.RepeatedCompositeFieldContainer[Suggestion]
    def __init__(self, suggestions: _Optional[_Iterable[_Union[Suggestion, _Mapping]]] = ...) -> None: ...

class RequestMentorRequest(_message.Message):
    __slots__ = ("request_id", "mentor_id", "note")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MENTOR_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    mentor_id: str
    note: str
    def __init__(self, request_id: _Optional[str] = ..., mentor_id: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class Feedback(_message.Message):
    __slots__ = ("rating", "comment", "given_at")
    RATING_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    GIVEN_AT_FIELD_NUMBER: _ClassVar[int]
    rating: int
    comment: str
    given_at: str
    def __init__(self, rating: _Optional[int] = ..., comment: _Optional[str] = ..., given_at: _Optional[str] = ...) -> None: ...

class Match(_message.Message):
    __slots__ = ("match_id", "mentor_id", "mentee_id", "request_id", "cycle_id", "origin", "status", "mentor_accepted", "mentee_accepted", "explanation", "topics", "note", "starts_on", "ends_on", "mentor_feedback", "mentee_feedback", "declined_by", "ended_by", "created_at", "version", "decline_reason", "end_reason")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    MENTOR_ID_FIELD_NUMBER: _ClassVar[int]
    MENTEE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MENTOR_ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    MENTEE_ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    STARTS_ON_FIELD_NUMBER: _ClassVar[int]
    ENDS_ON_FIELD_NUMBER: _ClassVar[int]
    MENTOR_FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    MENTEE_FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    DECLINED_BY_FIELD_NUMBER: _ClassVar[int]
    ENDED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DECLINE_REASON_FIELD_NUMBER: _ClassVar[int]
    END_REASON_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    mentor_id: str
    mentee_id: str
    request_id: str
    cycle_id: str
    origin: str
    status: str
    mentor_accepted: bool
    mentee_accepted: bool
    explanation: Explanation
    topics: _containers.RepeatedScalarFieldContainer[str]
    note: str
    starts_on: str
    ends_on: str
    mentor_feedback: Feedback
    mentee_feedback: Feedback
    declined_by: str
    ended_by: str
    created_at: str
    version: int
    decline_reason: str
    end_reason: str
    def __init__(self, match_id: _Optional[str] = ..., mentor_id: _Optional[str] = ..., mentee_id: _Optional[str] = ..., request_id: _Optional[str] = ..., cycle_id: _Optional[str] = ..., origin: _Optional[str] = ..., status: _Optional[str] = ..., mentor_accepted: _Optional[bool] = ..., mentee_accepted: _Optional[bool] = ..., explanation: _Optional[_Union[Explanation, _Mapping]] = ..., topics: _Optional[_Iterable[str]] = ..., note: _Optional[str] = ..., starts_on: _Optional[str] = ..., ends_on: _Optional[str] = ..., mentor_feedback: _Optional[_Union[Feedback, _Mapping]] = ..., mentee_feedback: _Optional[_Union[Feedback, _Mapping]] = ..., declined_by: _Optional[str] = ..., ended_by: _Optional[str] = ..., created_at: _Optional[str] = ..., version: _Optional[int] = ..., decline_reason: _Optional[str] = ..., end_reason: _Optional[str] = ...) -> None: ...

class MatchActionRequest(_message.Message):
    __slots__ = ("match_id", "reason")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    reason: str
    def __init__(self, match_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CompleteMatchRequest(_message.Message):
    __slots__ = ("match_id", "rating", "comment")
    MATCH_ID_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    match_id: str
    rating: int
    comment: str
    def __init__(self, match_id: _Optional[str] = ..., rating: _Optional[int] = ..., comment: _Optional[str] = ...) -> None: ...

class ListMyMatchesRequest(_message.Message):
    __slots__ = ("role",)
    ROLE_FIELD_NUMBER: _ClassVar[int]
    role: str
    def __init__(self, role: _Optional[str] = ...) -> None: ...

class MatchReply(_message.Message):
    __slots__ = ("match",)
    MATCH_FIELD_NUMBER: _ClassVar[int]
    match: Match
    def __init__(self, match: _Optional[_Union[Match, _Mapping]] = ...) -> None: ...

class MatchesReply(_message.Message):
    __slots__ = ("matches",)
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    matches: _containers.RepeatedCompositeFieldContainer[Match]
    def __init__(self, matches: _Optional[_Iterable[_Union[Match, _Mapping]]] = ...) -> None: ...

class UnmatchedEntry(_message.Message):
    __slots__ = ("mentee_id", "request_id", "reason", "text")
    MENTEE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    mentee_id: str
    request_id: str
    reason: str
    text: str
    def __init__(self, mentee_id: _Optional[str] = ..., request_id: _Optional[str] = ..., reason: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class CycleReport(_message.Message):
    __slots__ = ("run", "mode", "ran_at", "requests", "proposed", "matched_share", "mean_score", "min_score", "blocking_pairs", "unmatched", "proposed_match_ids")
    RUN_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    RAN_AT_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    PROPOSED_FIELD_NUMBER: _ClassVar[int]
    MATCHED_SHARE_FIELD_NUMBER: _ClassVar[int]
    MEAN_SCORE_FIELD_NUMBER: _ClassVar[int]
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    BLOCKING_PAIRS_FIELD_NUMBER: _ClassVar[int]
    UNMATCHED_FIELD_NUMBER: _ClassVar[int]
    PROPOSED_MATCH_IDS_FIELD_NUMBER: _ClassVar[int]
    run: int
    mode: str
    ran_at: str
    requests: int
    proposed: int
    matched_share: float
    mean_score: float
    min_score: float
    blocking_pairs: int
    unmatched: _containers.RepeatedCompositeFieldContainer[UnmatchedEntry]
    proposed_match_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, run: _Optional[int] = ..., mode: _Optional[str] = ..., ran_at: _Optional[str] = ..., requests: _Optional[int] = ..., proposed: _Optional[int] = ..., matched_share: _Optional[float] = ..., mean_score: _Optional[float] = ..., min_score: _Optional[float] = ..., blocking_pairs: _Optional[int] = ..., unmatched: _Optional[_Iterable[_Union[UnmatchedEntry, _Mapping]]] = ..., proposed_match_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class Cycle(_message.Message):
    __slots__ = ("cycle_id", "name", "status", "opened_by", "opened_at", "duration_weeks", "runs", "last_report", "version")
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OPENED_BY_FIELD_NUMBER: _ClassVar[int]
    OPENED_AT_FIELD_NUMBER: _ClassVar[int]
    DURATION_WEEKS_FIELD_NUMBER: _ClassVar[int]
    RUNS_FIELD_NUMBER: _ClassVar[int]
    LAST_REPORT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    cycle_id: str
    name: str
    status: str
    opened_by: str
    opened_at: str
    duration_weeks: int
    runs: int
    last_report: CycleReport
    version: int
    def __init__(self, cycle_id: _Optional[str] = ..., name: _Optional[str] = ..., status: _Optional[str] = ..., opened_by: _Optional[str] = ..., opened_at: _Optional[str] = ..., duration_weeks: _Optional[int] = ..., runs: _Optional[int] = ..., last_report: _Optional[_Union[CycleReport, _Mapping]] = ..., version: _Optional[int] = ...) -> None: ...

class OpenCycleRequest(_message.Message):
    __slots__ = ("name", "duration_weeks")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DURATION_WEEKS_FIELD_NUMBER: _ClassVar[int]
    name: str
    duration_weeks: int
    def __init__(self, name: _Optional[str] = ..., duration_weeks: _Optional[int] = ...) -> None: ...

class ListCyclesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RunCycleRequest(_message.Message):
    __slots__ = ("cycle_id", "mode")
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    cycle_id: str
    mode: str
    def __init__(self, cycle_id: _Optional[str] = ..., mode: _Optional[str] = ...) -> None: ...

class CycleActionRequest(_message.Message):
    __slots__ = ("cycle_id",)
    CYCLE_ID_FIELD_NUMBER: _ClassVar[int]
    cycle_id: str
    def __init__(self, cycle_id: _Optional[str] = ...) -> None: ...

class CycleReply(_message.Message):
    __slots__ = ("cycle",)
    CYCLE_FIELD_NUMBER: _ClassVar[int]
    cycle: Cycle
    def __init__(self, cycle: _Optional[_Union[Cycle, _Mapping]] = ...) -> None: ...

class CyclesReply(_message.Message):
    __slots__ = ("cycles",)
    CYCLES_FIELD_NUMBER: _ClassVar[int]
    cycles: _containers.RepeatedCompositeFieldContainer[Cycle]
    def __init__(self, cycles: _Optional[_Iterable[_Union[Cycle, _Mapping]]] = ...) -> None: ...
