"""JSON API for the hiring side of postings (see features/hiring*).

Postings are managed under /api/v1/postings (the employee side reads them under
/api/v1/opportunities); applicants are moved with /hiring-moves, a name the
applicant's own moves do not use. Interest-interview requests have no id of
their own: a posting and the requester name one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from trellis_portal.features import hiring, hiring_applicants, hiring_oversight
from trellis_portal.features.hiring_models import (
    ActionReason,
    ApplicantsList,
    ApplicantView,
    CandidatesList,
    DeclineInput,
    DisclosuresList,
    InterviewsList,
    MoveInput,
    NewPosting,
    NoteInput,
    PostingEdit,
    PostingsList,
    PostingView,
    ReleasesList,
    ScheduleInput,
    offered_slots,
    rfc3339,
)
from trellis_portal.http.auth import Actor, Viewer, require_role

router = APIRouter(prefix="/api/v1", tags=["hiring"])

PostingId = Annotated[str, Path(min_length=1, max_length=120, description="an opportunity id")]
ApplicationId = Annotated[str, Path(min_length=1, max_length=200)]
EmployeeId = Annotated[str, Path(min_length=1, max_length=120, description="the requester")]


# ---- postings ---------------------------------------------------------------


@router.get("/postings/mine")
async def my_postings(caller: Viewer) -> PostingsList:
    """Postings the signed-in person hires for or wrote: drafts, open, closed, filled."""
    return PostingsList(postings=await hiring.my_postings(caller))


@router.post("/postings", status_code=201)
async def create_posting(caller: Actor, posting: NewPosting) -> PostingView:
    """Post an opportunity (the caller is its hiring manager unless HR names one)."""
    return await hiring.create_posting(caller, posting)


@router.get("/postings/{opportunity_id}")
async def get_posting(caller: Viewer, opportunity_id: PostingId) -> PostingView:
    return await hiring.get_posting(caller, opportunity_id)


@router.put("/postings/{opportunity_id}")
async def update_posting(
    caller: Actor, opportunity_id: PostingId, edit: PostingEdit
) -> PostingView:
    """Replace the details; a stale expected_version answers 409."""
    return await hiring.update_posting(caller, opportunity_id, edit)


@router.post("/postings/{opportunity_id}/publish")
async def publish_posting(caller: Actor, opportunity_id: PostingId) -> PostingView:
    return await hiring.publish_posting(caller, opportunity_id)


@router.post("/postings/{opportunity_id}/close")
async def close_posting(
    caller: Actor, opportunity_id: PostingId, body: ActionReason | None = None
) -> PostingView:
    return await hiring.close_posting(caller, opportunity_id, body.reason if body else "")


@router.post("/postings/{opportunity_id}/cancel")
async def cancel_posting(
    caller: Actor, opportunity_id: PostingId, body: ActionReason | None = None
) -> PostingView:
    return await hiring.cancel_posting(caller, opportunity_id, body.reason if body else "")


# ---- applicants and candidates ----------------------------------------------


@router.get("/postings/{opportunity_id}/applications")
async def list_applications(caller: Viewer, opportunity_id: PostingId) -> ApplicantsList:
    """Applicants best match first, each with the explanation of their score."""
    return ApplicantsList(
        applications=await hiring_applicants.list_applicants(caller, opportunity_id)
    )


@router.post("/applications/{application_id}/hiring-moves")
async def move_application(
    caller: Actor, application_id: ApplicationId, move: MoveInput
) -> ApplicantView:
    """Move an applicant along: in_review, shortlisted, interviewing, offered, rejected."""
    return await hiring_applicants.move_applicant(caller, application_id, move)


@router.post("/applications/{application_id}/notes")
async def add_application_note(
    caller: Actor, application_id: ApplicationId, note: NoteInput
) -> ApplicantView:
    """A private note of the hiring side; the applicant never sees it."""
    return await hiring_applicants.add_note(caller, application_id, note.text)


@router.get("/postings/{opportunity_id}/candidates")
async def find_candidates(
    caller: Viewer,
    opportunity_id: PostingId,
    limit: Annotated[int, Query(ge=1, le=100)] = hiring_applicants.CANDIDATE_LIMIT,
) -> CandidatesList:
    """People who fit the posting, best first, within what their profiles let you see."""
    found = await hiring_applicants.find_candidates(caller, opportunity_id, limit)
    return CandidatesList(candidates=found)


# ---- interest interviews ----------------------------------------------------


@router.get("/postings/{opportunity_id}/interview-requests")
async def list_interview_requests(caller: Viewer, opportunity_id: PostingId) -> InterviewsList:
    posting = await hiring.get_posting(caller, opportunity_id)
    slots = offered_slots(posting)
    return await hiring_applicants.interview_requests(caller, opportunity_id, slots)


@router.post("/postings/{opportunity_id}/interview-requests/{employee_id}/schedule")
async def schedule_interview(
    caller: Actor, opportunity_id: PostingId, employee_id: EmployeeId, body: ScheduleInput
) -> InterviewsList:
    """Schedule the request at one of the posting's offered slots."""
    await hiring_applicants.schedule_interview(
        caller, opportunity_id, employee_id, rfc3339(body.slot)
    )
    return await list_interview_requests(caller, opportunity_id)


@router.post("/postings/{opportunity_id}/interview-requests/{employee_id}/decline")
async def decline_interview(
    caller: Actor,
    opportunity_id: PostingId,
    employee_id: EmployeeId,
    body: DeclineInput | None = None,
) -> InterviewsList:
    await hiring_applicants.decline_interview(
        caller, opportunity_id, employee_id, body.reason if body else ""
    )
    return await list_interview_requests(caller, opportunity_id)


@router.post("/postings/{opportunity_id}/interview-requests/{employee_id}/complete")
async def complete_interview(
    caller: Actor, opportunity_id: PostingId, employee_id: EmployeeId
) -> InterviewsList:
    await hiring_applicants.complete_interview(caller, opportunity_id, employee_id)
    return await list_interview_requests(caller, opportunity_id)


# ---- releases and audit -----------------------------------------------------


@router.get("/releases")
async def list_releases(caller: Viewer) -> ReleasesList:
    """Accepted gigs and secondments of your reports waiting for your release.

    Approve-only: each approves itself at `release.due_at` if you do nothing.
    """
    return ReleasesList(releases=await hiring_oversight.release_requests(caller))


@router.post("/releases/{application_id}/approve")
async def approve_release(caller: Actor, application_id: ApplicationId) -> ApplicantView:
    return await hiring_oversight.approve_release(caller, application_id)


@router.get("/audit/disclosures")
async def list_disclosures(caller: Viewer) -> DisclosuresList:
    """The confidentiality audit log: who learned of which application, when (hr_admin)."""
    require_role(caller, "hr_admin")
    return DisclosuresList(disclosures=await hiring_oversight.disclosures(caller))
