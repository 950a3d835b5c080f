"""Applying, the applicant's own moves, and interest-interview requests.

The postings service enforces who may do what (only the applicant withdraws,
accepts or declines; a confidential application stays hidden from the
management chain); the portal only offers the moves that make sense.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from trellis.postings.v1 import postings_pb2 as pb
from trellis_portal.features.caller import Caller
from trellis_portal.features.opportunities_views import (
    ApplicationView,
    InterviewView,
    application_view,
    interview_view,
)
from trellis_shared.errors import FieldViolation, InvalidArgument

# The service keeps notes up to this length (postings MAX_NOTE).
MAX_NOTE = 2_000
# Room for the "Preferred slot" line that is added to an interview request's note.
MAX_INTERVIEW_MESSAGE = 1_800


class ApplyInput(BaseModel):
    note: str = Field(default="", max_length=MAX_NOTE, description="to the hiring manager")
    confidential: bool = Field(
        default=False,
        description="hidden from the applicant's management chain until the disclosure point",
    )
    request_id: str = Field(
        min_length=8,
        max_length=120,
        description="made once per form or attempt: sending it again returns the same application",
    )


ApplicantMove = Literal["withdrawn", "accepted", "declined"]


class MoveInput(BaseModel):
    status: ApplicantMove = Field(description="withdrawn, or accepted / declined for an offer")


class InterviewRequestInput(BaseModel):
    note: str = Field(default="", max_length=MAX_INTERVIEW_MESSAGE)
    preferred_slot: str = Field(
        default="", max_length=40, description="one of the posting's interview_slots, optional"
    )


class Applications(BaseModel):
    applications: list[ApplicationView]


class Interviews(BaseModel):
    interviews: list[InterviewView]


async def apply(caller: Caller, opportunity_id: str, form: ApplyInput) -> ApplicationView:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.applications().SubmitApplication,
        pb.SubmitApplicationRequest(
            opportunity_id=opportunity_id,
            request_id=form.request_id,
            note=form.note.strip(),
            confidential=form.confidential,
        ),
    )
    return application_view(reply.application)


async def application(caller: Caller, application_id: str) -> ApplicationView:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.applications().GetApplication,
        pb.GetApplicationRequest(application_id=application_id),
    )
    return application_view(reply.application)


async def my_applications(caller: Caller) -> Applications:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.applications().ListMyApplications,
        pb.ListMyApplicationsRequest(),
    )
    return Applications(applications=[application_view(a) for a in reply.applications])


async def move(caller: Caller, application_id: str, form: MoveInput) -> ApplicationView:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.applications().MoveApplication,
        pb.MoveApplicationRequest(application_id=application_id, status=form.status),
    )
    return application_view(reply.application)


async def request_interview(
    caller: Caller, opportunity_id: str, form: InterviewRequestInput
) -> InterviewView:
    note = form.note.strip()
    slot = form.preferred_slot.strip()
    if slot:
        # The service has no field for a wish, so the host reads it in the message.
        offered = await caller.call(
            caller.backends.postings,
            caller.backends.opportunities().GetOpportunity,
            pb.GetOpportunityRequest(opportunity_id=opportunity_id),
        )
        if slot not in offered.opportunity.details.interview_slots:
            raise InvalidArgument(
                "no such slot",
                [FieldViolation("preferred_slot", "choose one of the offered slots")],
            )
        note = f"{note}\n\nPreferred slot: {slot}".strip()
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.interviews().RequestInterview,
        pb.RequestInterviewRequest(opportunity_id=opportunity_id, note=note),
    )
    return interview_view(reply.interview)


async def my_interviews(caller: Caller) -> Interviews:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.interviews().ListMyInterviews,
        pb.ListMyInterviewsRequest(),
    )
    return Interviews(interviews=[interview_view(i) for i in reply.interviews])


async def cancel_interview(caller: Caller, interview_id: str) -> InterviewView:
    """Interest-interview requests are named by their posting (one per person)."""
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.interviews().CancelInterview,
        pb.InterviewActionRequest(opportunity_id=interview_id),
    )
    return interview_view(reply.interview)
