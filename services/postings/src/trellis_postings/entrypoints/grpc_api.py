"""gRPC servicers of the postings service: thin translation onto the use cases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from grpc import aio
from pydantic import TypeAdapter

from trellis.postings.v1 import postings_pb2 as pb
from trellis.postings.v1 import postings_pb2_grpc as rpc
from trellis_postings.app.applications import Applications
from trellis_postings.app.interviews import Interviews
from trellis_postings.app.opportunities import Opportunities
from trellis_postings.app.ports import SearchCriteria, Stored
from trellis_postings.app.recommendations import Recommendations
from trellis_postings.domain.applications import AppStatus
from trellis_postings.domain.opportunity import MAX_NOTE, Kind
from trellis_postings.entrypoints.messages import (
    application_message,
    details_from,
    disclosure_message,
    interview_message,
    match_message,
    opportunity_message,
)
from trellis_shared.errors import FieldViolation, InvalidArgument
from trellis_shared.grpc.messages import require_text
from trellis_shared.grpc.tokens import current_principal

Context = aio.ServicerContext[Any, Any]
MAX_WORDS = 10
MAX_FILTER_ITEMS = 50
MAX_FIT_PAIRS = 10_000

SERVICE_NAMES = [
    pb.DESCRIPTOR.services_by_name[name].full_name
    for name in (
        "OpportunityService",
        "ApplicationService",
        "InterviewService",
        "RecommendationService",
    )
]


def _choice(enum: type[Any], value: str, field: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise InvalidArgument(
            f"bad {field}", [FieldViolation(field, f"must be one of: {allowed}")]
        ) from None


def _choices(enum: type[Any], values: Any, field: str) -> frozenset[Any]:
    if len(values) > MAX_FILTER_ITEMS:
        raise InvalidArgument(
            f"too many {field}", [FieldViolation(field, f"at most {MAX_FILTER_ITEMS}")]
        )
    return frozenset(_choice(enum, v, f"{field}.{i}") for i, v in enumerate(values))


def _optional_date(value: str, field: str) -> date | None:
    if not value:
        return None
    try:
        return TypeAdapter(date).validate_python(value)
    except ValueError:
        raise InvalidArgument(
            f"bad {field}", [FieldViolation(field, "must be a date YYYY-MM-DD")]
        ) from None


def _instant(value: str, field: str) -> datetime:
    try:
        moment = TypeAdapter(datetime).validate_python(require_text(value, field, 64))
    except ValueError:
        raise InvalidArgument(
            f"bad {field}", [FieldViolation(field, "must be an RFC 3339 timestamp")]
        ) from None
    return moment


def _text(value: str, field: str, max_length: int = MAX_NOTE) -> str:
    if len(value) > max_length:
        raise InvalidArgument(
            f"{field} too long", [FieldViolation(field, f"at most {max_length} characters")]
        )
    return value.strip()


class OpportunityServicer(rpc.OpportunityServiceServicer):
    def __init__(self, opportunities: Opportunities, applications: Applications) -> None:
        self._opportunities = opportunities
        self._applications = applications

    async def _reply(self, stored: Stored) -> pb.OpportunityReply:
        count = await self._applications.visible_count(current_principal(), stored.opportunity)
        return pb.OpportunityReply(opportunity=opportunity_message(stored, count))

    async def CreateOpportunity(
        self, request: pb.CreateOpportunityRequest, context: Context
    ) -> pb.OpportunityReply:
        viewer = current_principal()
        kind = _choice(Kind, request.kind, "kind")
        details = details_from(request.details)
        stored = await self._opportunities.create(viewer, kind, details, publish=request.publish)
        return await self._reply(stored)

    async def UpdateOpportunity(
        self, request: pb.UpdateOpportunityRequest, context: Context
    ) -> pb.OpportunityReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        details = details_from(request.details)
        stored = await self._opportunities.edit(
            current_principal(), opportunity_id, details, request.expected_version
        )
        return await self._reply(stored)

    async def PublishOpportunity(
        self, request: pb.OpportunityActionRequest, context: Context
    ) -> pb.OpportunityReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        return await self._reply(
            await self._opportunities.publish(current_principal(), opportunity_id)
        )

    async def CloseOpportunity(
        self, request: pb.OpportunityActionRequest, context: Context
    ) -> pb.OpportunityReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        reason = _text(request.reason, "reason", 500)
        return await self._reply(
            await self._opportunities.close(current_principal(), opportunity_id, reason)
        )

    async def CancelOpportunity(
        self, request: pb.OpportunityActionRequest, context: Context
    ) -> pb.OpportunityReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        reason = _text(request.reason, "reason", 500)
        return await self._reply(
            await self._opportunities.cancel(current_principal(), opportunity_id, reason)
        )

    async def GetOpportunity(
        self, request: pb.GetOpportunityRequest, context: Context
    ) -> pb.OpportunityReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        return await self._reply(await self._opportunities.get(current_principal(), opportunity_id))

    async def SearchOpportunities(
        self, request: pb.SearchOpportunitiesRequest, context: Context
    ) -> pb.SearchOpportunitiesReply:
        words = tuple(_text(request.text, "text", 200).split())
        if len(words) > MAX_WORDS:
            raise InvalidArgument(
                "too many words", [FieldViolation("text", f"at most {MAX_WORDS}")]
            )
        statuses = frozenset(request.statuses) or frozenset({"open"})
        allowed = {"draft", "open", "closed", "filled", "cancelled"}
        for index, status in enumerate(request.statuses):
            if status not in allowed:
                raise InvalidArgument(
                    "bad statuses",
                    [
                        FieldViolation(
                            f"statuses.{index}", f"must be one of: {', '.join(sorted(allowed))}"
                        )
                    ],
                )
        if not 0 <= request.max_share_pct <= 100:
            raise InvalidArgument(
                "bad max_share_pct", [FieldViolation("max_share_pct", "must be 0..100")]
            )
        criteria = SearchCriteria(
            kinds=_choices(Kind, request.kinds, "kinds"),
            skills=frozenset(request.skill_ids[:MAX_FILTER_ITEMS]),
            department=_text(request.department, "department", 120),
            location=_text(request.location, "location", 120),
            max_share_pct=request.max_share_pct or 100,
            starts_after=_optional_date(request.starts_after, "starts_after"),
            ends_before=_optional_date(request.ends_before, "ends_before"),
            words=words,
            statuses=statuses,
        )
        page = await self._opportunities.search(
            current_principal(), criteria, request.page_token, request.page_size
        )
        viewer = current_principal()
        return pb.SearchOpportunitiesReply(
            opportunities=[
                opportunity_message(
                    s, await self._applications.visible_count(viewer, s.opportunity)
                )
                for s in page.items
            ],
            next_page_token=page.next_page_token,
        )

    async def HoldSeat(self, request: pb.HoldSeatRequest, context: Context) -> pb.HoldSeatReply:
        stored = await self._opportunities.hold_award_seat(
            current_principal(),
            require_text(request.opportunity_id, "opportunity_id"),
            require_text(request.holder, "holder"),
            require_text(request.employee_id, "employee_id"),
        )
        return pb.HoldSeatReply(seats_free=stored.opportunity.seats_free)

    async def ReleaseSeat(
        self, request: pb.ReleaseSeatRequest, context: Context
    ) -> pb.HoldSeatReply:
        stored = await self._opportunities.release_award_seat(
            current_principal(),
            require_text(request.opportunity_id, "opportunity_id"),
            require_text(request.holder, "holder"),
        )
        return pb.HoldSeatReply(seats_free=stored.opportunity.seats_free)


class ApplicationServicer(rpc.ApplicationServiceServicer):
    def __init__(self, applications: Applications, recommendations: Recommendations) -> None:
        self._applications = applications
        self._recommendations = recommendations

    async def SubmitApplication(
        self, request: pb.SubmitApplicationRequest, context: Context
    ) -> pb.ApplicationReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        request_id = require_text(request.request_id, "request_id", 120)
        seen = await self._applications.submit(
            current_principal(),
            opportunity_id,
            request_id=request_id,
            note=_text(request.note, "note"),
            confidential=request.confidential,
        )
        return pb.ApplicationReply(application=application_message(seen))

    async def GetApplication(
        self, request: pb.GetApplicationRequest, context: Context
    ) -> pb.ApplicationReply:
        application_id = require_text(request.application_id, "application_id", 200)
        seen = await self._applications.get(current_principal(), application_id)
        return pb.ApplicationReply(application=application_message(seen))

    async def MoveApplication(
        self, request: pb.MoveApplicationRequest, context: Context
    ) -> pb.ApplicationReply:
        application_id = require_text(request.application_id, "application_id", 200)
        target = _choice(AppStatus, request.status, "status")
        seen = await self._applications.move(
            current_principal(), application_id, target, _text(request.note, "note")
        )
        return pb.ApplicationReply(application=application_message(seen))

    async def AddApplicationNote(
        self, request: pb.AddApplicationNoteRequest, context: Context
    ) -> pb.ApplicationReply:
        application_id = require_text(request.application_id, "application_id", 200)
        text = require_text(request.text, "text", MAX_NOTE)
        seen = await self._applications.add_note(current_principal(), application_id, text)
        return pb.ApplicationReply(application=application_message(seen))

    async def ListMyApplications(
        self, request: pb.ListMyApplicationsRequest, context: Context
    ) -> pb.ApplicationsReply:
        found = await self._applications.mine(current_principal())
        found.sort(key=lambda s: s.application.updated_at, reverse=True)
        return pb.ApplicationsReply(applications=[application_message(s) for s in found])

    async def ListApplications(
        self, request: pb.ListApplicationsRequest, context: Context
    ) -> pb.ApplicationsReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        found = await self._applications.for_opportunity(current_principal(), opportunity_id)
        scored = [
            (s, await self._recommendations.explain(s.opportunity, s.application.employee_id))
            for s in found
        ]
        scored.sort(key=lambda item: -(item[1].score if item[1] else -1))
        return pb.ApplicationsReply(
            applications=[application_message(s, match) for s, match in scored]
        )

    async def ListReleaseRequests(
        self, request: pb.ListReleaseRequestsRequest, context: Context
    ) -> pb.ApplicationsReply:
        found = await self._applications.releases_waiting(current_principal())
        return pb.ApplicationsReply(applications=[application_message(s) for s in found])

    async def ApproveRelease(
        self, request: pb.ApproveReleaseRequest, context: Context
    ) -> pb.ApplicationReply:
        application_id = require_text(request.application_id, "application_id", 200)
        seen = await self._applications.approve_release(current_principal(), application_id)
        return pb.ApplicationReply(application=application_message(seen))

    async def ListDisclosures(
        self, request: pb.ListDisclosuresRequest, context: Context
    ) -> pb.ListDisclosuresReply:
        entries = await self._applications.audit_log(current_principal())
        return pb.ListDisclosuresReply(disclosures=[disclosure_message(o, d) for o, d in entries])


class InterviewServicer(rpc.InterviewServiceServicer):
    def __init__(self, interviews: Interviews, opportunities: Opportunities) -> None:
        self._interviews = interviews
        self._opportunities = opportunities

    @staticmethod
    def _reply(stored: Stored, employee_id: str) -> pb.InterviewReply:
        entry = stored.opportunity.interview_requests[employee_id]
        return pb.InterviewReply(interview=interview_message(stored.opportunity, entry))

    async def RequestInterview(
        self, request: pb.RequestInterviewRequest, context: Context
    ) -> pb.InterviewReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        viewer = current_principal()
        stored = await self._interviews.request(viewer, opportunity_id, _text(request.note, "note"))
        return self._reply(stored, viewer.subject)

    async def ScheduleInterview(
        self, request: pb.ScheduleInterviewRequest, context: Context
    ) -> pb.InterviewReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        employee_id = require_text(request.employee_id, "employee_id")
        slot = _instant(request.slot, "slot")
        stored = await self._interviews.schedule(
            current_principal(), opportunity_id, employee_id, slot
        )
        return self._reply(stored, employee_id)

    async def DeclineInterview(
        self, request: pb.DeclineInterviewRequest, context: Context
    ) -> pb.InterviewReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        employee_id = require_text(request.employee_id, "employee_id")
        stored = await self._interviews.decline(
            current_principal(), opportunity_id, employee_id, _text(request.reason, "reason", 500)
        )
        return self._reply(stored, employee_id)

    async def CompleteInterview(
        self, request: pb.InterviewActionRequest, context: Context
    ) -> pb.InterviewReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        viewer = current_principal()
        employee_id = request.employee_id.strip() or viewer.subject
        stored = await self._interviews.complete(viewer, opportunity_id, employee_id)
        return self._reply(stored, employee_id)

    async def CancelInterview(
        self, request: pb.InterviewActionRequest, context: Context
    ) -> pb.InterviewReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        viewer = current_principal()
        stored = await self._interviews.cancel(viewer, opportunity_id)
        return self._reply(stored, viewer.subject)

    async def ListMyInterviews(
        self, request: pb.ListMyInterviewsRequest, context: Context
    ) -> pb.InterviewsReply:
        viewer = current_principal()
        found = await self._interviews.mine(viewer)
        return pb.InterviewsReply(
            interviews=[
                interview_message(s.opportunity, s.opportunity.interview_requests[viewer.subject])
                for s in found
            ]
        )

    async def ListInterviewRequests(
        self, request: pb.ListInterviewRequestsRequest, context: Context
    ) -> pb.InterviewsReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        stored = await self._interviews.hosted(current_principal(), opportunity_id)
        return pb.InterviewsReply(
            interviews=[
                interview_message(stored.opportunity, entry)
                for entry in stored.opportunity.interview_requests.values()
            ]
        )


class RecommendationServicer(rpc.RecommendationServiceServicer):
    def __init__(self, recommendations: Recommendations, opportunities: Opportunities) -> None:
        self._recommendations = recommendations
        self._opportunities = opportunities

    async def RecommendOpportunities(
        self, request: pb.RecommendOpportunitiesRequest, context: Context
    ) -> pb.RecommendOpportunitiesReply:
        viewer = current_principal()
        employee_id = request.employee_id.strip() or viewer.subject
        found = await self._recommendations.for_employee(
            viewer,
            employee_id,
            limit=request.limit,
            kinds=_choices(Kind, request.kinds, "kinds"),
        )
        return pb.RecommendOpportunitiesReply(
            recommendations=[
                pb.Recommendation(
                    opportunity=opportunity_message(stored), match=match_message(explanation)
                )
                for stored, explanation in found
            ]
        )

    async def FindCandidates(
        self, request: pb.FindCandidatesRequest, context: Context
    ) -> pb.FindCandidatesReply:
        opportunity_id = require_text(request.opportunity_id, "opportunity_id")
        found = await self._recommendations.candidates(
            current_principal(), opportunity_id, request.limit
        )
        return pb.FindCandidatesReply(
            candidates=[
                pb.Candidate(
                    employee_id=c.person.facts.employee_id,
                    name=c.person.name,
                    title=c.person.title,
                    department=c.person.facts.department,
                    match=match_message(c.explanation),
                )
                for c in found
            ]
        )

    async def ScoreFits(self, request: pb.ScoreFitsRequest, context: Context) -> pb.ScoreFitsReply:
        if len(request.pairs) > MAX_FIT_PAIRS:
            raise InvalidArgument(
                "too many pairs", [FieldViolation("pairs", f"at most {MAX_FIT_PAIRS:,}")]
            )
        pairs = [
            (
                require_text(p.opportunity_id, f"pairs.{i}.opportunity_id"),
                require_text(p.employee_id, f"pairs.{i}.employee_id"),
            )
            for i, p in enumerate(request.pairs)
        ]
        scored, missing = await self._recommendations.score_pairs(current_principal(), pairs)
        return pb.ScoreFitsReply(
            fits=[
                pb.ScoredFit(
                    opportunity_id=m.opportunity_id,
                    employee_id=m.employee_id,
                    score=m.score,
                    verdict=m.verdict,
                    config_version=m.config_version,
                )
                for m in scored
            ],
            missing=[pb.FitPair(opportunity_id=o, employee_id=e) for o, e in missing],
        )


def register_all(
    server: aio.Server,
    opportunities: Opportunities,
    applications: Applications,
    interviews: Interviews,
    recommendations: Recommendations,
) -> None:
    rpc.add_OpportunityServiceServicer_to_server(
        OpportunityServicer(opportunities, applications), server
    )
    rpc.add_ApplicationServiceServicer_to_server(
        ApplicationServicer(applications, recommendations), server
    )
    rpc.add_InterviewServiceServicer_to_server(InterviewServicer(interviews, opportunities), server)
    rpc.add_RecommendationServiceServicer_to_server(
        RecommendationServicer(recommendations, opportunities), server
    )
