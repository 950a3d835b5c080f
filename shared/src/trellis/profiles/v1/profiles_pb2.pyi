from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SkillEntry(_message.Message):
    __slots__ = ("skill_id", "level", "source", "assessed_by", "assessed_at", "evidence")
    SKILL_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    ASSESSED_BY_FIELD_NUMBER: _ClassVar[int]
    ASSESSED_AT_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    skill_id: str
    level: int
    source: str
    assessed_by: str
    assessed_at: str
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    def __init__(self, skill_id: _Optional[str] = ..., level: _Optional[int] = ..., source: _Optional[str] = ..., assessed_by: _Optional[str] = ..., assessed_at: _Optional[str] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ...) -> None: ...

class Evidence(_message.Message):
    __slots__ = ("kind", "reference", "title", "at")
    KIND_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    kind: str
    reference: str
    title: str
    at: str
    def __init__(self, kind: _Optional[str] = ..., reference: _Optional[str] = ..., title: _Optional[str] = ..., at: _Optional[str] = ...) -> None: ...

class OrgData(_message.Message):
    __slots__ = ("name", "email", "title", "level", "ladder", "department", "location", "time_zone", "manager_id", "role_started_on")
    NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    LADDER_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    MANAGER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_STARTED_ON_FIELD_NUMBER: _ClassVar[int]
    name: str
    email: str
    title: str
    level: int
    ladder: str
    department: str
    location: str
    time_zone: str
    manager_id: str
    role_started_on: str
    def __init__(self, name: _Optional[str] = ..., email: _Optional[str] = ..., title: _Optional[str] = ..., level: _Optional[int] = ..., ladder: _Optional[str] = ..., department: _Optional[str] = ..., location: _Optional[str] = ..., time_zone: _Optional[str] = ..., manager_id: _Optional[str] = ..., role_started_on: _Optional[str] = ...) -> None: ...

class Aspirations(_message.Message):
    __slots__ = ("target_roles", "skills_to_develop", "interests", "ladder_preference")
    TARGET_ROLES_FIELD_NUMBER: _ClassVar[int]
    SKILLS_TO_DEVELOP_FIELD_NUMBER: _ClassVar[int]
    INTERESTS_FIELD_NUMBER: _ClassVar[int]
    LADDER_PREFERENCE_FIELD_NUMBER: _ClassVar[int]
    target_roles: _containers.RepeatedScalarFieldContainer[str]
    skills_to_develop: _containers.RepeatedScalarFieldContainer[str]
    interests: _containers.RepeatedScalarFieldContainer[str]
    ladder_preference: str
    def __init__(self, target_roles: _Optional[_Iterable[str]] = ..., skills_to_develop: _Optional[_Iterable[str]] = ..., interests: _Optional[_Iterable[str]] = ..., ladder_preference: _Optional[str] = ...) -> None: ...

class Availability(_message.Message):
    __slots__ = ("share_free_pct", "available_from", "available_to")
    SHARE_FREE_PCT_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FROM_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_TO_FIELD_NUMBER: _ClassVar[int]
    share_free_pct: int
    available_from: str
    available_to: str
    def __init__(self, share_free_pct: _Optional[int] = ..., available_from: _Optional[str] = ..., available_to: _Optional[str] = ...) -> None: ...

class Mobility(_message.Message):
    __slots__ = ("open_to_lateral_moves", "open_to_relocation", "open_to_secondment", "open_to_gigs", "wants_mentor", "offers_mentoring", "mentor_capacity", "mentor_topics")
    OPEN_TO_LATERAL_MOVES_FIELD_NUMBER: _ClassVar[int]
    OPEN_TO_RELOCATION_FIELD_NUMBER: _ClassVar[int]
    OPEN_TO_SECONDMENT_FIELD_NUMBER: _ClassVar[int]
    OPEN_TO_GIGS_FIELD_NUMBER: _ClassVar[int]
    WANTS_MENTOR_FIELD_NUMBER: _ClassVar[int]
    OFFERS_MENTORING_FIELD_NUMBER: _ClassVar[int]
    MENTOR_CAPACITY_FIELD_NUMBER: _ClassVar[int]
    MENTOR_TOPICS_FIELD_NUMBER: _ClassVar[int]
    open_to_lateral_moves: bool
    open_to_relocation: bool
    open_to_secondment: bool
    open_to_gigs: bool
    wants_mentor: bool
    offers_mentoring: bool
    mentor_capacity: int
    mentor_topics: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, open_to_lateral_moves: _Optional[bool] = ..., open_to_relocation: _Optional[bool] = ..., open_to_secondment: _Optional[bool] = ..., open_to_gigs: _Optional[bool] = ..., wants_mentor: _Optional[bool] = ..., offers_mentoring: _Optional[bool] = ..., mentor_capacity: _Optional[int] = ..., mentor_topics: _Optional[_Iterable[str]] = ...) -> None: ...

class HistoryEntry(_message.Message):
    __slots__ = ("kind", "reference", "title", "started_on", "ended_on", "status")
    KIND_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    STARTED_ON_FIELD_NUMBER: _ClassVar[int]
    ENDED_ON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    kind: str
    reference: str
    title: str
    started_on: str
    ended_on: str
    status: str
    def __init__(self, kind: _Optional[str] = ..., reference: _Optional[str] = ..., title: _Optional[str] = ..., started_on: _Optional[str] = ..., ended_on: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...

class Commitment(_message.Message):
    __slots__ = ("reference", "kind", "share_pct", "starts_on", "ends_on", "key", "state")
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SHARE_PCT_FIELD_NUMBER: _ClassVar[int]
    STARTS_ON_FIELD_NUMBER: _ClassVar[int]
    ENDS_ON_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    reference: str
    kind: str
    share_pct: int
    starts_on: str
    ends_on: str
    key: str
    state: str
    def __init__(self, reference: _Optional[str] = ..., kind: _Optional[str] = ..., share_pct: _Optional[int] = ..., starts_on: _Optional[str] = ..., ends_on: _Optional[str] = ..., key: _Optional[str] = ..., state: _Optional[str] = ...) -> None: ...

class Profile(_message.Message):
    __slots__ = ("employee_id", "org", "skills", "aspirations", "availability", "mobility", "visibility", "history", "commitments", "version")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    ASPIRATIONS_FIELD_NUMBER: _ClassVar[int]
    AVAILABILITY_FIELD_NUMBER: _ClassVar[int]
    MOBILITY_FIELD_NUMBER: _ClassVar[int]
    VISIBILITY_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    COMMITMENTS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    org: OrgData
    skills: _containers.RepeatedCompositeFieldContainer[SkillEntry]
    aspirations: Aspirations
    availability: Availability
    mobility: Mobility
    visibility: str
    history: _containers.RepeatedCompositeFieldContainer[HistoryEntry]
    commitments: _containers.RepeatedCompositeFieldContainer[Commitment]
    version: int
    def __init__(self, employee_id: _Optional[str] = ..., org: _Optional[_Union[OrgData, _Mapping]] = ..., skills: _Optional[_Iterable[_Union[SkillEntry, _Mapping]]] = ..., aspirations: _Optional[_Union[Aspirations, _Mapping]] = ..., availability: _Optional[_Union[Availability, _Mapping]] = ..., mobility: _Optional[_Union[Mobility, _Mapping]] = ..., visibility: _Optional[str] = ..., history: _Optional[_Iterable[_Union[HistoryEntry, _Mapping]]] = ..., commitments: _Optional[_Iterable[_Union[Commitment, _Mapping]]] = ..., version: _Optional[int] = ...) -> None: ...

class ProfileReply(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: Profile
    def __init__(self, profile: _Optional[_Union[Profile, _Mapping]] = ...) -> None: ...

class GetProfileRequest(_message.Message):
    __slots__ = ("employee_id", "min_version")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    MIN_VERSION_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    min_version: int
    def __init__(self, employee_id: _Optional[str] = ..., min_version: _Optional[int] = ...) -> None: ...

class BatchGetProfilesRequest(_message.Message):
    __slots__ = ("employee_ids",)
    EMPLOYEE_IDS_FIELD_NUMBER: _ClassVar[int]
    employee_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, employee_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchGetProfilesReply(_message.Message):
    __slots__ = ("profiles",)
    PROFILES_FIELD_NUMBER: _ClassVar[int]
    profiles: _containers.RepeatedCompositeFieldContainer[Profile]
    def __init__(self, profiles: _Optional[_Iterable[_Union[Profile, _Mapping]]] = ...) -> None: ...

class UpsertProfileRequest(_message.Message):
    __slots__ = ("employee_id", "org", "expected_version")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    org: OrgData
    expected_version: int
    def __init__(self, employee_id: _Optional[str] = ..., org: _Optional[_Union[OrgData, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class SkillLevel(_message.Message):
    __slots__ = ("skill_id", "level")
    SKILL_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    skill_id: str
    level: int
    def __init__(self, skill_id: _Optional[str] = ..., level: _Optional[int] = ...) -> None: ...

class UpdateSkillsRequest(_message.Message):
    __slots__ = ("employee_id", "set", "remove", "expected_version")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    SET_FIELD_NUMBER: _ClassVar[int]
    REMOVE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    set: _containers.RepeatedCompositeFieldContainer[SkillLevel]
    remove: _containers.RepeatedScalarFieldContainer[str]
    expected_version: int
    def __init__(self, employee_id: _Optional[str] = ..., set: _Optional[_Iterable[_Union[SkillLevel, _Mapping]]] = ..., remove: _Optional[_Iterable[str]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class EndorseSkillRequest(_message.Message):
    __slots__ = ("employee_id", "skill_id", "level", "validate")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    SKILL_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    skill_id: str
    level: int
    validate: bool
    def __init__(self, employee_id: _Optional[str] = ..., skill_id: _Optional[str] = ..., level: _Optional[int] = ..., validate: _Optional[bool] = ...) -> None: ...

class SetAspirationsRequest(_message.Message):
    __slots__ = ("employee_id", "aspirations", "expected_version")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    ASPIRATIONS_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    aspirations: Aspirations
    expected_version: int
    def __init__(self, employee_id: _Optional[str] = ..., aspirations: _Optional[_Union[Aspirations, _Mapping]] = ..., expected_version: _Optional[int] = ...) -> None: ...

class SetPreferencesRequest(_message.Message):
    __slots__ = ("employee_id", "availability", "mobility", "visibility", "expected_version")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    AVAILABILITY_FIELD_NUMBER: _ClassVar[int]
    MOBILITY_FIELD_NUMBER: _ClassVar[int]
    VISIBILITY_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    availability: Availability
    mobility: Mobility
    visibility: str
    expected_version: int
    def __init__(self, employee_id: _Optional[str] = ..., availability: _Optional[_Union[Availability, _Mapping]] = ..., mobility: _Optional[_Union[Mobility, _Mapping]] = ..., visibility: _Optional[str] = ..., expected_version: _Optional[int] = ...) -> None: ...

class SkillRequirement(_message.Message):
    __slots__ = ("skill_id", "min_level")
    SKILL_ID_FIELD_NUMBER: _ClassVar[int]
    MIN_LEVEL_FIELD_NUMBER: _ClassVar[int]
    skill_id: str
    min_level: int
    def __init__(self, skill_id: _Optional[str] = ..., min_level: _Optional[int] = ...) -> None: ...

class SearchProfilesRequest(_message.Message):
    __slots__ = ("skills", "department", "location", "ladder", "page_size", "page_token")
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    LADDER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    skills: _containers.RepeatedCompositeFieldContainer[SkillRequirement]
    department: str
    location: str
    ladder: str
    page_size: int
    page_token: str
    def __init__(self, skills: _Optional[_Iterable[_Union[SkillRequirement, _Mapping]]] = ..., department: _Optional[str] = ..., location: _Optional[str] = ..., ladder: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class SearchProfilesReply(_message.Message):
    __slots__ = ("profiles", "next_page_token")
    PROFILES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    profiles: _containers.RepeatedCompositeFieldContainer[Profile]
    next_page_token: str
    def __init__(self, profiles: _Optional[_Iterable[_Union[Profile, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetReportingChainRequest(_message.Message):
    __slots__ = ("employee_id",)
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    def __init__(self, employee_id: _Optional[str] = ...) -> None: ...

class GetReportingChainReply(_message.Message):
    __slots__ = ("manager_ids",)
    MANAGER_IDS_FIELD_NUMBER: _ClassVar[int]
    manager_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, manager_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ListDirectReportsRequest(_message.Message):
    __slots__ = ("manager_id",)
    MANAGER_ID_FIELD_NUMBER: _ClassVar[int]
    manager_id: str
    def __init__(self, manager_id: _Optional[str] = ...) -> None: ...

class ListDirectReportsReply(_message.Message):
    __slots__ = ("profiles",)
    PROFILES_FIELD_NUMBER: _ClassVar[int]
    profiles: _containers.RepeatedCompositeFieldContainer[Profile]
    def __init__(self, profiles: _Optional[_Iterable[_Union[Profile, _Mapping]]] = ...) -> None: ...

class Skill(_message.Message):
    __slots__ = ("id", "name", "category", "aliases")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    ALIASES_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    category: str
    aliases: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., category: _Optional[str] = ..., aliases: _Optional[_Iterable[str]] = ...) -> None: ...

class LookupSkillsRequest(_message.Message):
    __slots__ = ("skill_ids",)
    SKILL_IDS_FIELD_NUMBER: _ClassVar[int]
    skill_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, skill_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class LookupSkillsReply(_message.Message):
    __slots__ = ("skills", "unknown_ids")
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_IDS_FIELD_NUMBER: _ClassVar[int]
    skills: _containers.RepeatedCompositeFieldContainer[Skill]
    unknown_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, skills: _Optional[_Iterable[_Union[Skill, _Mapping]]] = ..., unknown_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ResolveSkillsRequest(_message.Message):
    __slots__ = ("texts",)
    TEXTS_FIELD_NUMBER: _ClassVar[int]
    texts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, texts: _Optional[_Iterable[str]] = ...) -> None: ...

class ResolvedSkill(_message.Message):
    __slots__ = ("text", "skill")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SKILL_FIELD_NUMBER: _ClassVar[int]
    text: str
    skill: Skill
    def __init__(self, text: _Optional[str] = ..., skill: _Optional[_Union[Skill, _Mapping]] = ...) -> None: ...

class ResolveSkillsReply(_message.Message):
    __slots__ = ("resolved", "unknown")
    RESOLVED_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    resolved: _containers.RepeatedCompositeFieldContainer[ResolvedSkill]
    unknown: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, resolved: _Optional[_Iterable[_Union[ResolvedSkill, _Mapping]]] = ..., unknown: _Optional[_Iterable[str]] = ...) -> None: ...

class SuggestSkillsRequest(_message.Message):
    __slots__ = ("prefix", "limit")
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    prefix: str
    limit: int
    def __init__(self, prefix: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class SuggestSkillsReply(_message.Message):
    __slots__ = ("skills",)
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    skills: _containers.RepeatedCompositeFieldContainer[Skill]
    def __init__(self, skills: _Optional[_Iterable[_Union[Skill, _Mapping]]] = ...) -> None: ...

class CheckCommitmentRequest(_message.Message):
    __slots__ = ("employee_id", "kind", "share_pct", "starts_on", "ends_on")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SHARE_PCT_FIELD_NUMBER: _ClassVar[int]
    STARTS_ON_FIELD_NUMBER: _ClassVar[int]
    ENDS_ON_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    kind: str
    share_pct: int
    starts_on: str
    ends_on: str
    def __init__(self, employee_id: _Optional[str] = ..., kind: _Optional[str] = ..., share_pct: _Optional[int] = ..., starts_on: _Optional[str] = ..., ends_on: _Optional[str] = ...) -> None: ...

class CheckCommitmentReply(_message.Message):
    __slots__ = ("fits", "peak_committed_pct", "limit_pct", "busiest_day", "reason")
    FITS_FIELD_NUMBER: _ClassVar[int]
    PEAK_COMMITTED_PCT_FIELD_NUMBER: _ClassVar[int]
    LIMIT_PCT_FIELD_NUMBER: _ClassVar[int]
    BUSIEST_DAY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    fits: bool
    peak_committed_pct: int
    limit_pct: int
    busiest_day: str
    reason: str
    def __init__(self, fits: _Optional[bool] = ..., peak_committed_pct: _Optional[int] = ..., limit_pct: _Optional[int] = ..., busiest_day: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ReserveTimeRequest(_message.Message):
    __slots__ = ("employee_id", "key", "kind", "share_pct", "starts_on", "ends_on", "reference")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SHARE_PCT_FIELD_NUMBER: _ClassVar[int]
    STARTS_ON_FIELD_NUMBER: _ClassVar[int]
    ENDS_ON_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    key: str
    kind: str
    share_pct: int
    starts_on: str
    ends_on: str
    reference: str
    def __init__(self, employee_id: _Optional[str] = ..., key: _Optional[str] = ..., kind: _Optional[str] = ..., share_pct: _Optional[int] = ..., starts_on: _Optional[str] = ..., ends_on: _Optional[str] = ..., reference: _Optional[str] = ...) -> None: ...

class ReserveTimeReply(_message.Message):
    __slots__ = ("state", "repeated", "peak_committed_pct", "limit_pct")
    STATE_FIELD_NUMBER: _ClassVar[int]
    REPEATED_FIELD_NUMBER: _ClassVar[int]
    PEAK_COMMITTED_PCT_FIELD_NUMBER: _ClassVar[int]
    LIMIT_PCT_FIELD_NUMBER: _ClassVar[int]
    state: str
    repeated: bool
    peak_committed_pct: int
    limit_pct: int
    def __init__(self, state: _Optional[str] = ..., repeated: _Optional[bool] = ..., peak_committed_pct: _Optional[int] = ..., limit_pct: _Optional[int] = ...) -> None: ...

class ReleaseTimeRequest(_message.Message):
    __slots__ = ("employee_id", "key", "undo")
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    UNDO_FIELD_NUMBER: _ClassVar[int]
    employee_id: str
    key: str
    undo: bool
    def __init__(self, employee_id: _Optional[str] = ..., key: _Optional[str] = ..., undo: _Optional[bool] = ...) -> None: ...

class ReleaseTimeReply(_message.Message):
    __slots__ = ("freed",)
    FREED_FIELD_NUMBER: _ClassVar[int]
    freed: bool
    def __init__(self, freed: _Optional[bool] = ...) -> None: ...

class ImportedPerson(_message.Message):
    __slots__ = ("line", "employee_id", "org", "skills")
    LINE_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    ORG_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    line: int
    employee_id: str
    org: OrgData
    skills: _containers.RepeatedCompositeFieldContainer[SkillLevel]
    def __init__(self, line: _Optional[int] = ..., employee_id: _Optional[str] = ..., org: _Optional[_Union[OrgData, _Mapping]] = ..., skills: _Optional[_Iterable[_Union[SkillLevel, _Mapping]]] = ...) -> None: ...

class ImportProfilesRequest(_message.Message):
    __slots__ = ("people",)
    PEOPLE_FIELD_NUMBER: _ClassVar[int]
    people: _containers.RepeatedCompositeFieldContainer[ImportedPerson]
    def __init__(self, people: _Optional[_Iterable[_Union[ImportedPerson, _Mapping]]] = ...) -> None: ...

class ImportRejection(_message.Message):
    __slots__ = ("line", "employee_id", "reason")
    LINE_FIELD_NUMBER: _ClassVar[int]
    EMPLOYEE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    line: int
    employee_id: str
    reason: str
    def __init__(self, line: _Optional[int] = ..., employee_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ImportProfilesReply(_message.Message):
    __slots__ = ("created_or_changed", "unchanged", "rejected")
    CREATED_OR_CHANGED_FIELD_NUMBER: _ClassVar[int]
    UNCHANGED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    created_or_changed: int
    unchanged: int
    rejected: _containers.RepeatedCompositeFieldContainer[ImportRejection]
    def __init__(self, created_or_changed: _Optional[int] = ..., unchanged: _Optional[int] = ..., rejected: _Optional[_Iterable[_Union[ImportRejection, _Mapping]]] = ...) -> None: ...
