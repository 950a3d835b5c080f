"""Managers: which direct reports take part in a bidding round, and releasing their time.

Managers see that a report takes part, never their bids; an unanswered request
approves itself after the waiting period (ADR 0006: managers approve, never veto).
"""

from __future__ import annotations

from trellis.bidding.v1 import bidding_pb2 as pb
from trellis_portal.features.bidding_models import ReleaseRequest, from_message
from trellis_portal.features.caller import Caller


async def list_releases(caller: Caller) -> list[ReleaseRequest]:
    """Waiting requests first, then the ones already approved."""
    reply = await caller.call(
        caller.backends.bidding,
        caller.backends.bids().ListReleaseRequests,
        pb.ListReleaseRequestsRequest(),
    )
    found = [from_message(r, ReleaseRequest) for r in reply.requests]
    found.sort(key=lambda r: (r.status != "requested", r.due_at, r.employee_id))
    return found


async def approve_release(caller: Caller, round_id: str, employee_id: str) -> ReleaseRequest:
    reply = await caller.call(
        caller.backends.bidding,
        caller.backends.bids().ApproveRelease,
        pb.ApproveReleaseRequest(round_id=round_id, employee_id=employee_id),
    )
    return from_message(reply, ReleaseRequest)
