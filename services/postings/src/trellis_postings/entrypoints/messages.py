"""Between postings protobuf messages and the domain."""

from __future__ import annotations

from typing import Any

from trellis.postings.v1 import postings_pb2 as pb
from trellis_postings.app.applications import Seen
from trellis_postings.app.ports import Stored
from trellis_postings.domain.confidentiality import Disclosure
from trellis_postings.domain.fit.explanation import MatchExplanation
from trellis_postings.domain.interviews import InterviewRequest
from trellis_postings.domain.opportunity import Details, Opportunity
from trellis_postings.domain.views import application_view, opportunity_view
from trellis_shared.grpc.messages import as_dict, parse, to_message

# Proto3 numbers have no "unset": 0 means "not given" for these, so the
# domain default applies.
ZERO_MEANS_DEFAULT = ("share_pct", "seats", "level_min", "level_max", "weight")


def details_from(message: pb.OpportunityDetails, field: str = "details") -> Details:
    data = as_dict(message)
    for name in ZERO_MEANS_DEFAULT:
        if not data.get(name):
            data.pop(name, None)
    for skill in data.get("required_skills") or []:
        if not skill.get("weight"):
            skill.pop("weight", None)
    if not message.HasField("secondment"):
        data.pop("secondment", None)
    return parse(Details, data, field)


def opportunity_message(stored: Stored, application_count: int | None = None) -> pb.Opportunity:
    data = opportunity_view(
        stored.opportunity, stored.version, visible_applications=application_count
    )
    return to_message(data, pb.Opportunity())


def match_message(explanation: MatchExplanation) -> pb.MatchExplanation:
    return pb.MatchExplanation(
        score=explanation.score,
        verdict=explanation.verdict,
        skills=[
            pb.SkillContribution(
                skill_id=s.skill_id,
                required_level=s.required_level,
                employee_level=s.employee_level,
                weight=s.weight,
                must_have=s.must_have,
                points=s.points,
                max_points=s.max_points,
                met=s.met,
            )
            for s in explanation.skills
        ],
        missing_must_haves=list(explanation.missing_must_haves),
        stretch_skills=list(explanation.stretch_skills),
        components=[
            pb.FitComponent(name=c.name, points=c.points, max_points=c.max_points, reason=c.reason)
            for c in explanation.components
        ],
        lines=explanation.lines(),
        config_version=explanation.config_version,
    )


def application_message(seen: Seen, match: MatchExplanation | None = None) -> pb.Application:
    data = application_view(seen.opportunity, seen.application, hiring_side=seen.hiring_side)
    message = to_message(data, pb.Application())
    if match is not None:
        message.match.CopyFrom(match_message(match))
    return message


def interview_message(opportunity: Opportunity, entry: InterviewRequest) -> pb.InterviewRequest:
    data: dict[str, Any] = entry.model_dump(mode="json")
    data.update(
        opportunity_id=opportunity.opportunity_id,
        opportunity_title=opportunity.details.title,
        team=opportunity.details.team,
        host_id=opportunity.details.hiring_manager_id,
    )
    return to_message(data, pb.InterviewRequest())


def disclosure_message(opportunity_id: str, entry: Disclosure) -> pb.Disclosure:
    data: dict[str, Any] = entry.model_dump(mode="json")
    data["opportunity_id"] = opportunity_id
    return to_message(data, pb.Disclosure())
