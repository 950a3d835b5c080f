"""Oversight around postings: release approvals for a manager's reports and the
confidentiality audit log for HR.

A release is approve-only: the manager may release the time early, silence
releases it on its due date, and nobody can veto (ADR 0006).
"""

from __future__ import annotations

from trellis.postings.v1 import postings_pb2 as pb
from trellis_portal.features.caller import Caller
from trellis_portal.features.hiring_applicants import applicant_views
from trellis_portal.features.hiring_models import (
    ApplicantView,
    DisclosureView,
    disclosure_view,
)


async def release_requests(caller: Caller) -> list[ApplicantView]:
    """Accepted gigs and secondments waiting on the caller as the applicant's manager."""
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.applications().ListReleaseRequests,
        pb.ListReleaseRequestsRequest(),
    )
    views = await applicant_views(caller, list(reply.applications))
    return sorted(views, key=lambda v: v.release.due_at if v.release else "")


async def approve_release(caller: Caller, application_id: str) -> ApplicantView:
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.applications().ApproveRelease,
        pb.ApproveReleaseRequest(application_id=application_id),
    )
    return (await applicant_views(caller, [reply.application]))[0]


async def disclosures(caller: Caller) -> list[DisclosureView]:
    """Every disclosure of a confidential application, newest first (hr_admin)."""
    reply = await caller.call(
        caller.backends.postings,
        caller.backends.applications().ListDisclosures,
        pb.ListDisclosuresRequest(),
    )
    return sorted((disclosure_view(d) for d in reply.disclosures), key=lambda d: d.at, reverse=True)
