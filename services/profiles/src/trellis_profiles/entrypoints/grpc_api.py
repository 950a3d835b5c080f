"""gRPC servicers of the profiles service: thin translation onto the use cases."""

from __future__ import annotations

from datetime import date
from typing import Any

from grpc import aio
from pydantic import TypeAdapter

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis.profiles.v1 import profiles_pb2_grpc as rpc
from trellis_profiles.app.org_import import ImportReport, ImportRow, Rejection, apply_rows
from trellis_profiles.app.ports import SearchCriteria
from trellis_profiles.app.use_cases import Profiles
from trellis_profiles.domain import access
from trellis_profiles.domain.profile import (
    Aspirations,
    Availability,
    HistoryKind,
    Ladder,
    Mobility,
    OrgData,
    Visibility,
)
from trellis_profiles.domain.reservations import Answer, Promise
from trellis_profiles.domain.taxonomy import Taxonomy
from trellis_profiles.entrypoints.messages import profile_message, skill_message
from trellis_shared.errors import FieldViolation, InvalidArgument
from trellis_shared.grpc.messages import as_dict, parse, require_text
from trellis_shared.grpc.tokens import current_principal

Context = aio.ServicerContext[Any, Any]
MAX_TEXTS = 200
MAX_IMPORT_BATCH = 500
DEFAULT_PAGE_SIZE = 20

SERVICE_NAMES = [
    pb.DESCRIPTOR.services_by_name[name].full_name
    for name in ("ProfileService", "OrgChartService", "TaxonomyService", "LedgerService")
]


def _reply(profile_and_version: tuple[Any, int]) -> pb.ProfileReply:
    profile, version = profile_and_version
    return pb.ProfileReply(profile=profile_message(profile, version))


def _choice(enum: type[Any], value: str, field: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise InvalidArgument(
            f"bad {field}", [FieldViolation(field, f"must be one of: {allowed}")]
        ) from None


def _date(value: str, field: str) -> date:
    try:
        return TypeAdapter(date).validate_python(value)
    except ValueError:
        raise InvalidArgument(
            f"bad {field}", [FieldViolation(field, "must be a date YYYY-MM-DD")]
        ) from None


class ProfileServicer(rpc.ProfileServiceServicer):
    def __init__(self, profiles: Profiles) -> None:
        self._profiles = profiles

    async def GetProfile(self, request: pb.GetProfileRequest, context: Context) -> pb.ProfileReply:
        employee_id = require_text(request.employee_id, "employee_id")
        if request.min_version < 0:
            raise InvalidArgument(
                "invalid min_version",
                [FieldViolation("min_version", "must be zero or a version already seen")],
            )
        return _reply(
            await self._profiles.get(current_principal(), employee_id, request.min_version)
        )

    async def BatchGetProfiles(
        self, request: pb.BatchGetProfilesRequest, context: Context
    ) -> pb.BatchGetProfilesReply:
        found = await self._profiles.get_many(current_principal(), list(request.employee_ids))
        return pb.BatchGetProfilesReply(profiles=[profile_message(p, v) for p, v in found])

    async def UpsertProfile(
        self, request: pb.UpsertProfileRequest, context: Context
    ) -> pb.ProfileReply:
        employee_id = require_text(request.employee_id, "employee_id")
        # Refuse the caller before saying anything about their input.
        access.may_edit_org_data(current_principal())
        fields = as_dict(request.org)
        if not request.org.level:
            fields.pop("level", None)  # proto3 0 = not given: the default level applies
        org = parse(OrgData, fields, "org")
        return _reply(
            await self._profiles.upsert_org(
                current_principal(), employee_id, org, request.expected_version
            )
        )

    async def UpdateSkills(
        self, request: pb.UpdateSkillsRequest, context: Context
    ) -> pb.ProfileReply:
        employee_id = require_text(request.employee_id, "employee_id")
        levels: dict[str, int] = {}
        violations = []
        for index, item in enumerate(request.set):
            if not 1 <= item.level <= 5:
                violations.append(
                    FieldViolation(f"set.{index}.level", "proficiency must be between 1 and 5")
                )
            levels[item.skill_id] = item.level
        if violations:
            raise InvalidArgument("invalid skills", violations)
        return _reply(
            await self._profiles.update_skills(
                current_principal(),
                employee_id,
                levels,
                list(request.remove),
                request.expected_version,
            )
        )

    async def EndorseSkill(
        self, request: pb.EndorseSkillRequest, context: Context
    ) -> pb.ProfileReply:
        employee_id = require_text(request.employee_id, "employee_id")
        return _reply(
            await self._profiles.endorse(
                current_principal(),
                employee_id,
                request.skill_id,
                request.level,
                validate=request.validate,
            )
        )

    async def SetAspirations(
        self, request: pb.SetAspirationsRequest, context: Context
    ) -> pb.ProfileReply:
        employee_id = require_text(request.employee_id, "employee_id")
        aspirations = parse(Aspirations, as_dict(request.aspirations), "aspirations")
        return _reply(
            await self._profiles.set_aspirations(
                current_principal(), employee_id, aspirations, request.expected_version
            )
        )

    async def SetPreferences(
        self, request: pb.SetPreferencesRequest, context: Context
    ) -> pb.ProfileReply:
        employee_id = require_text(request.employee_id, "employee_id")
        availability = parse(Availability, as_dict(request.availability), "availability")
        mobility = parse(Mobility, as_dict(request.mobility), "mobility")
        visibility = _choice(Visibility, request.visibility or "everyone", "visibility")
        return _reply(
            await self._profiles.set_preferences(
                current_principal(),
                employee_id,
                availability,
                mobility,
                visibility,
                request.expected_version,
            )
        )

    async def SearchProfiles(
        self, request: pb.SearchProfilesRequest, context: Context
    ) -> pb.SearchProfilesReply:
        criteria = SearchCriteria(
            min_levels={s.skill_id: s.min_level for s in request.skills},
            department=request.department,
            location=request.location,
            ladder=_choice(Ladder, request.ladder, "ladder") if request.ladder else None,
        )
        page = await self._profiles.search(
            current_principal(),
            criteria,
            request.page_size or DEFAULT_PAGE_SIZE,
            request.page_token,
        )
        return pb.SearchProfilesReply(
            profiles=[profile_message(p, v) for p, v in page.profiles],
            next_page_token=page.next_page_token,
        )

    async def ImportProfiles(
        self,
        request: pb.ImportProfilesRequest,
        context: Context,
    ) -> pb.ImportProfilesReply:
        caller = current_principal()
        access.may_edit_org_data(caller)
        if len(request.people) > MAX_IMPORT_BATCH:
            raise InvalidArgument(
                "batch too large",
                [FieldViolation("people", f"at most {MAX_IMPORT_BATCH} people per call")],
            )
        rows, report = [], ImportReport(rows=len(request.people))
        for person in request.people:
            try:
                rows.append(imported_row(person))
            except InvalidArgument as error:
                report.rejected.append(Rejection(person.line, person.employee_id, describe(error)))
        await apply_rows(self._profiles, caller, rows, report)
        return pb.ImportProfilesReply(
            created_or_changed=report.created_or_changed,
            unchanged=report.unchanged,
            rejected=[
                pb.ImportRejection(line=r.line, employee_id=r.employee_id, reason=r.reason)
                for r in report.rejected
            ],
        )


def imported_row(person: pb.ImportedPerson) -> ImportRow:
    employee_id = require_text(person.employee_id, "employee_id")
    fields = as_dict(person.org)
    if not person.org.level:
        fields.pop("level", None)
    org = parse(OrgData, fields, "org")
    levels = {}
    for index, skill in enumerate(person.skills):
        if not 1 <= skill.level <= 5:
            raise InvalidArgument(
                "bad level",
                [FieldViolation(f"skills.{index}.level", "proficiency must be between 1 and 5")],
            )
        levels[skill.skill_id] = skill.level
    return ImportRow(person.line, employee_id, org, levels)


def describe(error: InvalidArgument) -> str:
    details = "; ".join(f"{v.field}: {v.description}" for v in error.violations)
    return f"{error}: {details}" if details else str(error)


class OrgChartServicer(rpc.OrgChartServiceServicer):
    def __init__(self, profiles: Profiles) -> None:
        self._profiles = profiles

    async def GetReportingChain(
        self, request: pb.GetReportingChainRequest, context: Context
    ) -> pb.GetReportingChainReply:
        current_principal()
        employee_id = require_text(request.employee_id, "employee_id")
        # The org chart is public inside the company; unknown ids are NOT_FOUND.
        return pb.GetReportingChainReply(
            manager_ids=await self._profiles.known_reporting_chain(employee_id)
        )

    async def ListDirectReports(
        self, request: pb.ListDirectReportsRequest, context: Context
    ) -> pb.ListDirectReportsReply:
        manager_id = require_text(request.manager_id, "manager_id")
        reports = await self._profiles.direct_reports(current_principal(), manager_id)
        return pb.ListDirectReportsReply(profiles=[profile_message(p, v) for p, v in reports])


class TaxonomyServicer(rpc.TaxonomyServiceServicer):
    def __init__(self, taxonomy: Taxonomy) -> None:
        self._taxonomy = taxonomy

    async def LookupSkills(
        self, request: pb.LookupSkillsRequest, context: Context
    ) -> pb.LookupSkillsReply:
        current_principal()
        ids = _bounded(list(request.skill_ids), "skill_ids")
        skills = [s for s in (self._taxonomy.get(i) for i in ids) if s is not None]
        return pb.LookupSkillsReply(
            skills=[skill_message(s) for s in skills], unknown_ids=self._taxonomy.unknown_ids(ids)
        )

    async def ResolveSkills(
        self, request: pb.ResolveSkillsRequest, context: Context
    ) -> pb.ResolveSkillsReply:
        current_principal()
        resolution = self._taxonomy.resolve_many(_bounded(list(request.texts), "texts"))
        return pb.ResolveSkillsReply(
            resolved=[
                pb.ResolvedSkill(text=text, skill=skill_message(skill))
                for text, skill in resolution.resolved.items()
            ],
            unknown=resolution.unknown,
        )

    async def SuggestSkills(
        self, request: pb.SuggestSkillsRequest, context: Context
    ) -> pb.SuggestSkillsReply:
        current_principal()
        limit = request.limit or 10
        if not 1 <= limit <= 50:
            raise InvalidArgument("bad limit", [FieldViolation("limit", "must be 1..50")])
        prefix = request.prefix.strip()[:100]
        return pb.SuggestSkillsReply(
            skills=[skill_message(s) for s in self._taxonomy.suggest(prefix, limit)]
        )


def _bounded(values: list[str], field: str) -> list[str]:
    if len(values) > MAX_TEXTS:
        raise InvalidArgument(
            f"too many {field}", [FieldViolation(field, f"at most {MAX_TEXTS} per call")]
        )
    return values


class LedgerServicer(rpc.LedgerServiceServicer):
    def __init__(self, profiles: Profiles) -> None:
        self._profiles = profiles

    async def CheckCommitment(
        self, request: pb.CheckCommitmentRequest, context: Context
    ) -> pb.CheckCommitmentReply:
        employee_id = require_text(request.employee_id, "employee_id")
        kind = _choice(HistoryKind, request.kind, "kind")
        check = await self._profiles.check_commitment(
            current_principal(),
            employee_id,
            kind,
            request.share_pct,
            _date(request.starts_on, "starts_on"),
            _date(request.ends_on, "ends_on"),
        )
        return pb.CheckCommitmentReply(
            fits=check.fits,
            peak_committed_pct=check.peak_committed_pct,
            limit_pct=check.limit_pct,
            busiest_day=check.busiest_day.isoformat() if check.busiest_day else "",
            reason=check.reason,
        )

    async def ReserveTime(
        self, request: pb.ReserveTimeRequest, context: Context
    ) -> pb.ReserveTimeReply:
        promise = Promise(
            key=require_text(request.key, "key"),
            reference=require_text(request.reference, "reference"),
            kind=_choice(HistoryKind, request.kind, "kind"),
            share_pct=request.share_pct,
            starts_on=_date(request.starts_on, "starts_on"),
            ends_on=_date(request.ends_on, "ends_on"),
        )
        reservation = await self._profiles.reserve_time(
            current_principal(), require_text(request.employee_id, "employee_id"), promise
        )
        assert reservation.state is not None  # granted: the key holds time
        return pb.ReserveTimeReply(
            state=reservation.state.value,
            repeated=reservation.answer is Answer.HELD,
            peak_committed_pct=reservation.check.peak_committed_pct,
            limit_pct=reservation.check.limit_pct,
        )

    async def ReleaseTime(
        self, request: pb.ReleaseTimeRequest, context: Context
    ) -> pb.ReleaseTimeReply:
        freed = await self._profiles.release_time(
            current_principal(),
            require_text(request.employee_id, "employee_id"),
            require_text(request.key, "key"),
            undo_only=request.undo,
        )
        return pb.ReleaseTimeReply(freed=freed)


def register_all(server: aio.Server, profiles: Profiles, taxonomy: Taxonomy) -> None:
    rpc.add_ProfileServiceServicer_to_server(ProfileServicer(profiles), server)
    rpc.add_OrgChartServiceServicer_to_server(OrgChartServicer(profiles), server)
    rpc.add_TaxonomyServiceServicer_to_server(TaxonomyServicer(taxonomy), server)
    rpc.add_LedgerServiceServicer_to_server(LedgerServicer(profiles), server)
