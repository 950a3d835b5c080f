"""Mentoring cycles for HR: open one, run it (stable or optimal), read the
report, run it again after declines, close it.

The mentorship service allows these to hr_admin only (ListCycles to everyone,
without the report) and refuses a second run while one is going on.
"""

from __future__ import annotations

from trellis.mentorship.v1 import mentorship_pb2 as pb
from trellis_portal.features.caller import Caller
from trellis_portal.features.mentorship import matches_as_views
from trellis_portal.features.mentorship_models import (
    Cycle,
    CycleDetail,
    CycleInput,
    Mode,
    cycle_from,
)

# Pairs listed on a report page; the figures cover the whole run either way.
MAX_PAIRS_SHOWN = 50

MODE_EXPLANATIONS: dict[str, str] = {
    "stable": "No mentee and mentor who would both rather be together than with "
    "whom they got; among such matchings, the best for every mentee.",
    "optimal": "The highest total fit over the whole cohort, even if some pairs "
    "would rather swap (the report counts these blocking pairs).",
}


async def list_cycles(caller: Caller) -> list[Cycle]:
    reply = await caller.call(
        caller.backends.mentorship, caller.backends.matching().ListCycles, pb.ListCyclesRequest()
    )
    # Newest first: the cycle HR is working on is usually the last opened.
    return sorted((cycle_from(c) for c in reply.cycles), key=lambda c: c.opened_at)[::-1]


RUN_DEADLINE_S = 120.0


async def open_cycle(caller: Caller, cycle: CycleInput) -> Cycle:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.matching().OpenCycle,
        pb.OpenCycleRequest(name=cycle.name.strip(), duration_weeks=cycle.duration_weeks),
    )
    return cycle_from(reply.cycle)


async def run_cycle(caller: Caller, cycle_id: str, mode: Mode) -> Cycle:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.matching().RunCycle,
        pb.RunCycleRequest(cycle_id=cycle_id, mode=mode),
        # A company-sized cohort takes longer than the usual deadline; past this
        # the page shows the run as going on (the service finishes it anyway).
        timeout_s=RUN_DEADLINE_S,
    )
    return cycle_from(reply.cycle)


async def cycle_report(caller: Caller, cycle_id: str) -> Cycle:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.matching().GetCycleReport,
        pb.CycleActionRequest(cycle_id=cycle_id),
    )
    return cycle_from(reply.cycle)


async def close_cycle(caller: Caller, cycle_id: str) -> Cycle:
    reply = await caller.call(
        caller.backends.mentorship,
        caller.backends.matching().CloseCycle,
        pb.CycleActionRequest(cycle_id=cycle_id),
    )
    return cycle_from(reply.cycle)


async def cycle_detail(caller: Caller, cycle_id: str) -> CycleDetail:
    """The report with the pairs its last run proposed and where each stands now."""
    cycle = await cycle_report(caller, cycle_id)
    found: list[pb.Match] = []
    if cycle.last_report is not None:
        for match_id in cycle.last_report.proposed_match_ids[:MAX_PAIRS_SHOWN]:
            reply = await caller.call(
                caller.backends.mentorship,
                caller.backends.mentoring().GetMatch,
                pb.MatchActionRequest(match_id=match_id),
            )
            found.append(reply.match)
    return CycleDetail(cycle=cycle, proposed=await matches_as_views(caller, found))
