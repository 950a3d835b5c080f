"""Bidding rounds for hr_admin: open, close early, clear, cancel, and the report.

The bidding service decides who may do what (only hr_admin runs rounds); the
portal only hides what a person cannot use.
"""

from __future__ import annotations

import grpc
from grpc import aio

from trellis.bidding.v1 import bidding_pb2 as pb
from trellis_portal.features.bidding import get_round, list_assignments
from trellis_portal.features.bidding_models import (
    AssignmentAwards,
    AwardLine,
    Round,
    RoundReport,
    RoundTerms,
    from_message,
)
from trellis_portal.features.caller import Caller


async def open_round(caller: Caller, terms: RoundTerms) -> Round:
    reply = await caller.call(
        caller.backends.bidding,
        caller.backends.rounds().OpenRound,
        pb.OpenRoundRequest(
            title=terms.title,
            assignment_ids=terms.assignment_ids,
            opens_at=terms.opens_at,
            closes_at=terms.closes_at,
            budget=terms.budget,
            mode=terms.mode,
            max_awards=terms.max_awards,
            carry_over_cap=terms.carry_over_cap,
        ),
    )
    return from_message(reply.round, Round)


async def close_round(caller: Caller, round_id: str) -> Round:
    reply = await caller.call(
        caller.backends.bidding,
        caller.backends.rounds().CloseRound,
        pb.RoundActionRequest(round_id=round_id),
    )
    return from_message(reply.round, Round)


async def clear_round(caller: Caller, round_id: str) -> Round:
    """Clear now (an open round is closed first, by the service).

    A closed round also clears itself at the service's next sweep; when that
    sweep wins the race, what was asked for has happened, so the cleared round
    is the answer rather than a conflict."""
    try:
        reply = await caller.call(
            caller.backends.bidding,
            caller.backends.rounds().ClearRound,
            pb.RoundActionRequest(round_id=round_id),
        )
    except aio.AioRpcError as error:
        if error.code() != grpc.StatusCode.FAILED_PRECONDITION:
            raise
        current = (await get_round(caller, round_id)).round
        if current.status != "cleared":
            raise
        return current
    return from_message(reply.round, Round)


async def cancel_round(caller: Caller, round_id: str) -> Round:
    reply = await caller.call(
        caller.backends.bidding,
        caller.backends.rounds().CancelRound,
        pb.RoundActionRequest(round_id=round_id),
    )
    return from_message(reply.round, Round)


async def round_report(caller: Caller, round_id: str) -> RoundReport:
    """The service's report, with the awards grouped per assignment and its seats."""
    reply = await caller.call(
        caller.backends.bidding,
        caller.backends.rounds().GetRoundReport,
        pb.GetRoundRequest(round_id=round_id),
    )
    report = from_message(reply.report, RoundReport)
    catalog = {a.assignment_id: a for a in await list_assignments(caller, include_closed=True)}
    per_assignment = []
    for assignment_id in report.round.assignment_ids:
        entry = catalog.get(assignment_id)
        awarded: list[AwardLine] = [
            line for line in report.awards_list if line.assignment_id == assignment_id
        ]
        per_assignment.append(
            AssignmentAwards(
                assignment_id=assignment_id,
                title=entry.title if entry else assignment_id,
                seats=entry.seats if entry else len(awarded),
                awarded=awarded,
            )
        )
    report.per_assignment = per_assignment
    return report
