"""Between mentorship protobuf messages and the domain."""

from __future__ import annotations

from typing import Any

from trellis.mentorship.v1 import mentorship_pb2 as pb
from trellis_mentorship.app.mentors import MentorView
from trellis_mentorship.app.ports import Versioned
from trellis_mentorship.app.suggestions import Suggestion
from trellis_mentorship.domain.cycle import Cycle
from trellis_mentorship.domain.match import ExplanationRecord, Match
from trellis_mentorship.domain.mentee_request import MenteeRequest, RequestTerms
from trellis_mentorship.domain.mentor_load import ExplicitOffer
from trellis_shared.grpc.messages import as_dict, parse, to_message
from trellis_shared.grpc.tokens import Principal

TERMS_FIELDS = (
    "goals",
    "target_role",
    "prefers_other_department",
    "languages",
    "ranked_mentor_ids",
)


def terms_from(request: pb.SubmitMenteeRequestRequest) -> RequestTerms:
    data = as_dict(request)
    return parse(RequestTerms, {name: data.get(name) for name in TERMS_FIELDS}, "")


def offer_from(request: pb.OfferMentoringRequest) -> ExplicitOffer:
    data = as_dict(request)
    return parse(
        ExplicitOffer,
        {name: data.get(name) for name in ("capacity", "topics", "languages")},
        "",
    )


def offer_message(view: MentorView) -> pb.MentorOffer:
    return pb.MentorOffer(
        employee_id=view.employee_id,
        capacity=view.capacity,
        topics=list(view.topics),
        languages=list(view.languages),
        places_taken=view.places_taken,
        places_free=view.places_free,
        source=view.source,
        holding_match_ids=list(view.holding_match_ids),
        version=view.version,
    )


def request_message(stored: Versioned[MenteeRequest]) -> pb.MenteeRequest:
    request = stored.value
    data: dict[str, Any] = request.model_dump(mode="json", exclude={"terms", "reporting_chain"})
    data.update(request.terms.model_dump(mode="json"))
    data["version"] = stored.version
    return to_message(data, pb.MenteeRequest())


def explanation_message(explanation: ExplanationRecord) -> pb.Explanation:
    return to_message(explanation.model_dump(mode="json"), pb.Explanation())


def match_message(stored: Versioned[Match], viewer: Principal) -> pb.Match:
    """Feedback is personal: each side sees its own; HR sees both."""
    match = stored.value
    hidden: set[str] = set()
    if not viewer.has_role("hr_admin"):
        if viewer.subject != match.mentor_id:
            hidden.add("mentor_feedback")
        if viewer.subject != match.mentee_id:
            hidden.add("mentee_feedback")
    data: dict[str, Any] = match.model_dump(mode="json", exclude=hidden)
    data["version"] = stored.version
    return to_message(data, pb.Match())


def cycle_message(stored: Versioned[Cycle], viewer: Principal) -> pb.Cycle:
    """The report (who was left unmatched and why) is for HR only."""
    # A running cycle's plan (every pair, at 10,000 mentees about a megabyte) is
    # the run's own working state, never part of the answer.
    exclude = {"run_plan"} if viewer.has_role("hr_admin") else {"run_plan", "last_report"}
    data: dict[str, Any] = stored.value.model_dump(mode="json", exclude=exclude)
    data["version"] = stored.version
    return to_message(data, pb.Cycle())


def suggestion_message(suggestion: Suggestion) -> pb.Suggestion:
    mentor = suggestion.mentor
    return pb.Suggestion(
        mentor_id=mentor.employee_id,
        mentor_name=mentor.name,
        mentor_title=mentor.title,
        mentor_department=mentor.department,
        places_free=suggestion.offer.places_free,
        explanation=explanation_message(suggestion.explanation),
    )
