from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RequiredSkill(_message.Message):
    __slots__ = ("skill_id", "min_level", "weight", "must_have")
    SKILL_ID_FIELD_NUMBER: _ClassVar[int]
    MIN_LEVEL_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    MUST_HAVE_FIELD_NUMBER: _ClassVar[int]
    skill_id: str
    min_level: int
    weight: float
    must_have: bool
    def __init__(self, skill_id: _Optional[str] = ..., min_level: _Optional[int] = ..., weight: _Optional[float] = ..., must_have: _Optional[bool] = ...) -> None: ...

class SecondmentTerms(_message.Message):
    __slots__ = ("host_team", "home_team", "return_on", "backfill_note")
    HOST_TEAM_FIELD_NUMBER: _ClassVar[int]
    HOME_TEAM_FIELD_NUMBER: _ClassVar[int]
    RETURN_ON_FIELD_NUMBER: _ClassVar[int]
    BACKFILL_NOTE_FIELD_NUMBER: _ClassVar[int]
    host_team: str
    home_team: str
    return_on: str
    backfill_note: str
    def __init__(self, host_team: _Optional[str] = ..., home_team: _Optional[str] = ..., return_on: _Optional[str] = ..., backfill_note: _Optional[str] = ...) -> None: ...

class OpportunityDetails(_message.Message):
    __slots__ = ("title", "description", "team", "department", "hiring_manager_id", "required_skills", "location", "remote", "share_pct", "starts_on", "ends_on", "seats", "ladder", "level_min", "level_max", "deadline", "secondment", "interview_slots")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    HIRING_MANAGER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_SKILLS_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    REMOTE_FIELD_NUMBER: _ClassVar[int]
    SHARE_PCT_FIELD_NUMBER: _ClassVar[int]
    STARTS_ON_FIELD_NUMBER: _ClassVar[int]
    ENDS_ON_FIELD_NUMBER: _ClassVar[int]
    SEATS_FIELD_NUMBER: _ClassVar[int]
    LADDER_FIELD_NUMBER: _ClassVar[int]
    LEVEL_MIN_FIELD_NUMBER: _ClassVar[int]
    LEVEL_MAX_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    SECONDMENT_FIELD_NUMBER: _ClassVar[int]
    INTERVIEW_SLOTS_FIELD_NUMBER: _ClassVar[int]
    title: str
    description: str
    team: str
    department: str
    hiring_manager_id: str
    required_skills: _containers.RepeatedCompositeFieldContainer[RequiredSkill]
    location: str
    remote: bool
    share_pct: int
    starts_on: str
    ends_on: str
    seats: int
    ladder: str
    level_min: int
    level_max: int
    deadline: str
    secondment: SecondmentTerms
    interview_slots: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, title: _Optional[str] = ..., description: _Optional[str] = ..., team: _Optional[str] = ..., department: _Optional[str] = ..., hiring_manager_id: _Optional[str] = ..., required_skills: _Optional[_Iterable[_Union[RequiredSkill, _Mapping]]] = ..., location: _Optional[str] = ..., remote: _Optional[bool] = ..., share_pct: _Optional[int] = ..., starts_on: _Optional[str] = ..., ends_on: _Optional[str] = ..., seats: _Optional[int] = ..., ladder: _Optional[str] = ..., level_min: _Optional[int] = ..., level_max: _Optional[int] = ..., deadline: _Optional[str] = ..., secondment: _Optional[_Union[SecondmentTerms, _Mapping]] = ..., interview_slots: _Optional[_Iterable[str]] = ...) -> None: ...

class Opportunity(_message.Message):
    __slots__ = ("opportunity_id", "kind", "status", "details", "created_by", "created_at", "published_at", "closed_at", "close_reason", "version", "seats_filled", "application_count")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSE_REASON_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SEATS_FILLED_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_COUNT_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    kind: str
    status: str
    details: OpportunityDetails
    created_by: str
    created_at: str
    published_at: str
    closed_at: str
    close_reason: str
    version: int
    seats_filled: int
    application_count: int
    def __init__(self, opportunity_id: _Optional[str] = ..., kind: _Optional[str] = ..., status: _Optional[str] = ..., details: _Optional[_Union[OpportunityDetails, _Mapping]] = ..., created_by: _Optional[str] = ..., created_at: _Optional[str] = ..., published_at: _Optional[str] = ..., closed_at: _Optional[str] = ..., close_reason: _Optional[str] = ..., version: _Optional[int] = ..., seats_filled: _Optional[int] = ..., application_count: _Optional[int] = ...) -> None: ...

class OpportunityReply(_message.Message):
    __slots__ = ("opportunity",)
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    opportunity: Opportunity
    def __init__(self, opportunity: _Optional[_Union[Opportunity, _Mapping]] = ...) -> None: ...

class CreateOpportunityRequest(_message.Message):
    __slots__ = ("kind", "details", "publish")
    KIND_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_FIELD_NUMBER: _ClassVar[int]
    kind: str
    details: OpportunityDetails
    publish: bool
    def __init__(self, kind: _Optional[str] = ..., details: _Optional[_Union[OpportunityDetails, _Mapping]] = ..., publish: _Optional[bool] = ...) -> None: ...

class UpdateOpportunityRequest(_message.Message):
    __slots__ = ("opportunity_id", "details", "expected_version")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    details: OpportunityDetails
    expected_version: int
    def __init__(self, opportunity_id: _Optional[str] = ..., details: _Optional[_Union[OpportunityDetails, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class OpportunityActionRequest(_message.Message):
    __slots__ = ("opportunity_id", "reason")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    reason: str
    def __init__(self, opportunity_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class GetOpportunityRequest(_message.Message):
    __slots__ = ("opportunity_id",)
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    def __init__(self, opportunity_id: _Optional[str] = ...) -> None: ...

class SearchOpportunitiesRequest(_message.Message):
    __slots__ = ("kinds", "skill_ids", "department", "location", "max_share_pct", "starts_after", "ends_before", "text", "statuses", "page_size", "page_token")
    KINDS_FIELD_NUMBER: _ClassVar[int]
    SKILL_IDS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    MAX_SHARE_PCT_FIELD_NUMBER: _ClassVar[int]
    STARTS_AFTER_FIELD_NUMBER: _ClassVar[int]
    ENDS_BEFORE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    STATUSES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    kinds: _containers.RepeatedScalarFieldContainer[str]
    skill_ids: _containers.RepeatedScalarFieldContainer[str]
    department: str
    location: str
    max_share_pct: int
    starts_after: str
    ends_before: str
    text: str
    statuses: _containers.RepeatedScalarFieldContainer[str]
    page_size: int
    page_token: str
    def __init__(self, kinds: _Optional[_Iterable[str]] = ..., skill_ids: _Optional[_Iterable[str]] = ..., department: _Optional[str] = ..., location: _Optional[str] = ..., max_share_pct: _Optional[int] = ..., starts_after: _Optional[str] = ..., ends_before: _Optional[str] = ..., text: _Optional[str] = ..., statuses: _Optional[_Iterable[str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class SearchOpportunitiesReply(_message.Message):
    __slots__ = ("opportunities", "next_page_token")
    OPPORTUNITIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    opportunities: _containers.RepeatedCompositeFieldContainer[Opportunity]
    next_page_token: str
    def __init__(self, opportunities: _Optional[_Iterable[_Union[Opportunity, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SkillContribution(_message.Message):
    __slots__ = ("skill_id", "required_level", "employee_level", "weight", "must_have", "points", "max_points", "met")
    SKILL_ID_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_LEVEL_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    MUST_HAVE_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    MAX_POINTS_FIELD_NUMBER: _ClassVar[int]
    MET_FIELD_NUMBER: _ClassVar[int]
    skill_id: str
    required_level: int
    employee_level: int
    weight: float
    must_have: bool
    points: float
    max_points: float
    met: bool
    def __init__(self, skill_id: _Optional[str] = ..., required_level: _Optional[int] = ..., employee_level: _Optional[int] = ..., weight: _Optional[float] = ..., must_have: _Optional[bool] = ..., points: _Optional[float] = ..., max_points: _Optional[float] = ..., met: _Optional[bool] = ...) -> None: ...

class FitComponent(_message.Message):
    __slots__ = ("name", "points", "max_points", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    MAX_POINTS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    points: float
    max_points: float
    reason: str
    def __init__(self, name: _Optional[str] = ..., points: _Optional[float] = ..., max_points: _Optional[float] = ..., reason: _Optional[str] = ...) -> None: ...

class MatchExplanation(_message.Message):
    __slots__ = ("score", "verdict", "skills", "missing_must_haves", "stretch_skills", "components", "lines", "config_version")
    SCORE_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    MISSING_MUST_HAVES_FIELD_NUMBER: _ClassVar[int]
    STRETCH_SKILLS_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    CONFIG_VERSION_FIELD_NUMBER: _ClassVar[int]
    score: float
    verdict: str
    skills: _containers.RepeatedCompositeFieldContainer[SkillContribution]
    missing_must_haves: _containers.RepeatedScalarFieldContainer[str]
    stretch_skills: _containers.RepeatedScalarFieldContainer[str]
    components: _containers.RepeatedCompositeFieldContainer[FitComponent]
    lines: _containers.RepeatedScalarFieldContainer[str]
    config_version: str
    def __init__(self, score: _Optional[float] = ..., verdict: _Optional[str] = ..., skills: _Optional[_Iterable[_Union[SkillContribution, _Mapping]]] = ..., missing_must_haves: _Optional[_Iterable[str]] = ..., stretch_skills: _Optional[_Iterable[str]] = ..., components: _Optional[_Iterable[_Union[FitComponent, _Mapping]]] = ..., lines: _Optional[_Iterable[str]] = ..., config_version: _Optional[str] = ...) -> None: ...

class StatusChange(_message.Message):
    __slots__ = ("status", "at", "by")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    status: str
    at: str
    by: str
    def __init__(self, status: _Optional[str] = ..., at: _Optional[str] = ..., by: _Optional[str] = ...) -> None: ...

class ManagerNote(_message.Message):
    __slots__ = ("at", "by", "text")
    AT_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    at: str
    by: str
    text: str
    def __init__(self, at: _Optional[str] = ..., by: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class Release(_message.Message):
    __slots__ = ("manager_id", "status", "requested_at", "due_at", "decided_at", "decided_by")
    MANAGER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    DECIDED_AT_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    manager_id: str
    status: str
    requested_at: str
    due_at: str
    decided_at: str
    decided_by: str
    def __init__(self, manager_id: _Optional[str] = ..., status: _Optional[str] = ..., requested_at: _Optional[str] = ..., due_at: _Optional[str] = ..., decided_at: _Optional[str] = ..., decided_by: _Optional[str] = ...) -> None: ...

class Application(_message.Message):
    __slots__ = ("application_id", "opportunity_id", "opportunity_title", "kind", "employee_id", "attempt", "note", "confidential", "status", "submitted_at", "updated_at", "history", "manager_notes", "disclosed_at", "release", "work_started", "work_ended", "match")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_TITLE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENTIAL_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    MANAGER_NOTES_FIELD_NUMBER: _ClassVar[int]
    DISCLOSED_AT_FIELD_NUMBER: _ClassVar[int]
    RELEASE_FIELD_NUMBER: _ClassVar[int]
    WORK_STARTED_FIELD_NUMBER: _ClassVar[int]
    WORK_ENDED_FIELD_NUMBER: _ClassVar[int]
    MATCH_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    opportunity_id: str
    opportunity_title: str
    kind: str
    employee_id: str
    attempt: int
    note: str
    confidential: bool
    status: str
    submitted_at: str
    updated_at: str
    history: _containers.RepeatedCompositeFieldContainer[StatusChange]
    manager_notes: _containers.RepeatedCompositeFieldContainer[ManagerNote]
    disclosed_at: str
    release: Release
    work_started: bool
    work_ended: bool
    match: MatchExplanation
    def __init__(self, application_id: _Optional[str] = ..., opportunity_id: _Optional[str] = ..., opportunity_title: _Optional[str] = ..., kind: _Optional[str] = ..., employee_id: _Optional[str] = ..., attempt: _Optional[int] = ..., note: _Optional[str] = ..., confidential: _Optional[bool] = ..., status: _Optional[str] = ..., submitted_at: _Optional[str] = ..., updated_at: _Optional[str] = ..., history: _Optional[_Iterable[_Union[StatusChange, _Mapping]]] = ..., manager_notes: _Optional[_Iterable[_Union[ManagerNote, _Mapping]]] = ..., disclosed_at: _Optional[str] = ..., release: _Optional[_Union[Release, _Mapping]] = ..., work_started: _Optional[bool] = ..., work_ended: _Optional[bool] = ..., match: _Optional[_Union[MatchExplanation, _Mapping]] = ...) -> None: ...

class ApplicationReply(_message.Message):
    __slots__ = ("application",)
    APPLICATION_FIELD_NUMBER: _ClassVar[int]
    application: Application
    def __init__(self, application: _Optional[_Union[Application, _Mapping]] = ...) -> None: ...

class ApplicationsReply(_message.Message):
    __slots__ = ("applications",)
    APPLICATIONS_FIELD_NUMBER: _ClassVar[int]
    applications: _containers.RepeatedCompositeFieldContainer[Application]
    def __init__(self, applications: _Optional[_Iterable[_Union[Application, _Mapping]]] = ...) -> None: ...

class SubmitApplicationRequest(_message.Message):
    __slots__ = ("opportunity_id", "request_id", "note", "confidential")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENTIAL_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    request_id: str
    note: str
    confidential: bool
    def __init__(self, opportunity_id: _Optional[str] = ..., request_id: _Optional[str] = ..., note: _Optional[str] = ..., confidential: _Optional[bool] = ...) -> None: ...

class GetApplicationRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class MoveApplicationRequest(_message.Message):
    __slots__ = ("application_id", "status", "note")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    status: str
    note: str
    def __init__(self, application_id: _Optional[str] = ..., status: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class AddApplicationNoteRequest(_message.Message):
    __slots__ = ("application_id", "text")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    text: str
    def __init__(self, application_id: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class ListMyApplicationsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListApplicationsRequest(_message.Message):
    __slots__ = ("opportunity_id",)
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    def __init__(self, opportunity_id: _Optional[str] = ...) -> None: ...

class ListReleaseRequestsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ApproveReleaseRequest(_message.Message):
    __slots__ = ("application_id",)
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    def __init__(self, application_id: _Optional[str] = ...) -> None: ...

class ListDisclosuresRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Disclosure(_message.Message):
    __slots__ = ("application_id", "opportunity_id", "employee_id", "disclosed_to", "point", "stage", "at", "triggered_by")
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    DISCLOSED_TO_FIELD_NUMBER: _ClassVar[int]
    POINT_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    TRIGGERED_BY_FIELD_NUMBER: _ClassVar[int]
    application_id: str
    opportunity_id: str
    employee_id: str
    disclosed_to: _containers.RepeatedScalarFieldContainer[str]
    point: str
    stage: str
    at: str
    triggered_by: str
    def __init__(self, application_id: _Optional[str] = ..., opportunity_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., disclosed_to: _Optional[_Iterable[str]] = ..., point: _Optional[str] = ..., stage: _Optional[str] = ..., at: _Optional[str] = ..., triggered_by: _Optional[str] = ...) -> None: ...

class ListDisclosuresReply(_message.Message):
    __slots__ = ("disclosures",)
    DISCLOSURES_FIELD_NUMBER: _ClassVar[int]
    disclosures: _containers.RepeatedCompositeFieldContainer[Disclosure]
    def __init__(self, disclosures: _Optional[_Iterable[_Union[Disclosure, _Mapping]]] = ...) -> None: ...

class InterviewRequest(_message.Message):
    __slots__ = ("opportunity_id", "opportunity_title", "team", "host_id", "employee_id", "note", "status", "requested_at", "slot", "decline_reason", "updated_at")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_TITLE_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    HOST_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    SLOT_FIELD_NUMBER: _ClassVar[int]
    DECLINE_REASON_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    opportunity_title: str
    team: str
    host_id: str
    employee_id: str
    note: str
    status: str
    requested_at: str
    slot: str
    decline_reason: str
    updated_at: str
    def __init__(self, opportunity_id: _Optional[str] = ..., opportunity_title: _Optional[str] = ..., team: _Optional[str] = ..., host_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., note: _Optional[str] = ..., status: _Optional[str] = ..., requested_at: _Optional[str] = ..., slot: _Optional[str] = ..., decline_reason: _Optional[str] = ..., updated_at: _Optional[str] = ...) -> None: ...

class InterviewReply(_message.Message):
    __slots__ = ("interview",)
    INTERVIEW_FIELD_NUMBER: _ClassVar[int]
    interview: InterviewRequest
    def __init__(self, interview: _Optional[_Union[InterviewRequest, _Mapping]] = ...) -> None: ...

class InterviewsReply(_message.Message):
    __slots__ = ("interviews",)
    INTERVIEWS_FIELD_NUMBER: _ClassVar[int]
    interviews: _containers.RepeatedCompositeFieldContainer[InterviewRequest]
    def __init__(self, interviews: _Optional[_Iterable[_Union[InterviewRequest, _Mapping]]] = ...) -> None: ...

class RequestInterviewRequest(_message.Message):
    __slots__ = ("opportunity_id", "note")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    note: str
    def __init__(self, opportunity_id: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class ScheduleInterviewRequest(_message.Message):
    __slots__ = ("opportunity_id", "employee_id", "slot")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    SLOT_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    employee_id: str
    slot: str
    def __init__(self, opportunity_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., slot: _Optional[str] = ...) -> None: ...

class DeclineInterviewRequest(_message.Message):
    __slots__ = ("opportunity_id", "employee_id", "reason")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    employee_id: str
    reason: str
    def __init__(self, opportunity_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class InterviewActionRequest(_message.Message):
    __slots__ = ("opportunity_id", "employee_id")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    employee_id: str
    def __init__(self, opportunity_id: _Optional[str] = ..., employee_id: _Optional[str] = ...) -> None: ...

class ListMyInterviewsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListInterviewRequestsRequest(_message.Message):
    __slots__ = ("opportunity_id",)
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    def __init__(self, opportunity_id: _Optional[str] = ...) -> None: ...

class RecommendOpportunitiesRequest(_message.Message):
    __slots__ = ("employee_id", "limit", "kinds")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    limit: int
    kinds: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, employee_id: _Optional[str] = ..., limit: _Optional[int] = ..., kinds: _Optional[_Iterable[str]] = ...) -> None: ...

class Recommendation(_message.Message):
    __slots__ = ("opportunity", "match")
    OPPORTUNITY_FIELD_NUMBER: _ClassVar[int]
    MATCH_FIELD_NUMBER: _ClassVar[int]
    opportunity: Opportunity
    match: MatchExplanation
    def __init__(self, opportunity: _Optional[_Union[Opportunity, _Mapping]] = ..., match: _Optional[_Union[MatchExplanation, _Mapping]] = ...) -> None: ...

class RecommendOpportunitiesReply(_message.Message):
    __slots__ = ("recommendations",)
    RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    recommendations: _containers.RepeatedCompositeFieldContainer[Recommendation]
    def __init__(self, recommendations: _Optional[_Iterable[_Union[Recommendation, _Mapping]]] = ...) -> None: ...

class FindCandidatesRequest(_message.Message):
    __slots__ = ("opportunity_id", "limit")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    limit: int
    def __init__(self, opportunity_id: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class Candidate(_message.Message):
    __slots__ = ("employee_id", "name", "title", "department", "match")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    MATCH_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    name: str
    title: str
    department: str
    match: MatchExplanation
    def __init__(self, employee_id: _Optional[str] = ..., name: _Optional[str] = ..., title: _Optional[str] = ..., department: _Optional[str] = ..., match: _Optional[_Union[MatchExplanation, _Mapping]] = ...) -> None: ...

class FindCandidatesReply(_message.Message):
    __slots__ = ("candidates",)
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    candidates: _containers.RepeatedCompositeFieldContainer[Candidate]
    def __init__(self, candidates: _Optional[_Iterable[_Union[Candidate, _Mapping]]] = ...) -> None: ...

class FitPair(_message.Message):
    __slots__ = ("opportunity_id", "employee_id")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    employee_id: str
    def __init__(self, opportunity_id: _Optional[str] = ..., employee_id: _Optional[str] = ...) -> None: ...

class ScoreFitsRequest(_message.Message):
    __slots__ = ("pairs",)
    PAIRS_FIELD_NUMBER: _ClassVar[int]
    pairs: _containers.RepeatedCompositeFieldContainer[FitPair]
    def __init__(self, pairs: _Optional[_Iterable[_Union[FitPair, _Mapping]]] = ...) -> None: ...

class ScoredFit(_message.Message):
    __slots__ = ("opportunity_id", "employee_id", "score", "verdict", "config_version")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    CONFIG_VERSION_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    employee_id: str
    score: float
    verdict: str
    config_version: str
    def __init__(self, opportunity_id: _Optional[str] = ..., employee_id: _Optional[str] = ..., score: _Optional[float] = ..., verdict: _Optional[str] = ..., config_version: _Optional[str] = ...) -> None: ...

class ScoreFitsReply(_message.Message):
    __slots__ = ("fits", "missing")
    FITS_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    fits: _containers.RepeatedCompositeFieldContainer[ScoredFit]
    missing: _containers.RepeatedCompositeFieldContainer[FitPair]
    def __init__(self, fits: _Optional[_Iterable[_Union[ScoredFit, _Mapping]]] = ..., missing: _Optional[_Iterable[_Union[FitPair, _Mapping]]] = ...) -> None: ...

class HoldSeatRequest(_message.Message):
    __slots__ = ("opportunity_id", "holder", "employee_id")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    HOLDER_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    holder: str
    employee_id: str
    def __init__(self, opportunity_id: _Optional[str] = ..., holder: _Optional[str] = ..., employee_id: _Optional[str] = ...) -> None: ...

class ReleaseSeatRequest(_message.Message):
    __slots__ = ("opportunity_id", "holder")
    OPPORTUNITY_ID_FIELD_NUMBER: _ClassVar[int]
    HOLDER_FIELD_NUMBER: _ClassVar[int]
    opportunity_id: str
    holder: str
    def __init__(self, opportunity_id: _Optional[str] = ..., holder: _Optional[str] = ...) -> None: ...

class HoldSeatReply(_message.Message):
    __slots__ = ("seats_free",)
    SEATS_FREE_FIELD_NUMBER: _ClassVar[int]
    seats_free: int
    def __init__(self, seats_free: _Optional[int] = ...) -> None: ...
