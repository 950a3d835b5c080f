"""A cycle (cohort): requests are collected, the cycle is run, pairs are proposed.

    open ──run──▶ running ──▶ open (with a report) ──close──▶ closed

`running` is what makes a second concurrent run fail: it is entered by a
version-checked write, so of two runs started together (on any replicas) only
one gets it. The run holds a claim (a random id) under a lease (a time until
which it is taken to be alive): only the claim's holder records the plan,
finishes or gives up the run. A claim whose lease has passed belongs to a
process that died; any replica may take it over, and completes the stored plan
(or, when the run died before storing one, matches again: nothing was proposed
yet). A cycle can be run again: each run matches only the requests still
waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from trellis_mentorship.domain.cycle_plan import (
    PLACE_TAKEN_MEANWHILE,
    RunPlan,
    UnmatchedEntry,
)
from trellis_mentorship.domain.matching import MatchMode
from trellis_shared.contracts.mentorship import CycleClosed, CycleOpened, CycleRun
from trellis_shared.errors import FailedPrecondition
from trellis_shared.events import EventPayload

__all__ = ["PLACE_TAKEN_MEANWHILE", "UnmatchedEntry"]


class CycleStatus(StrEnum):
    OPEN = "open"
    RUNNING = "running"
    CLOSED = "closed"


class CycleReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run: int
    mode: MatchMode
    ran_at: datetime
    requests: int
    proposed: int
    matched_share: float
    mean_score: float | None = None
    min_score: float | None = None
    blocking_pairs: int = 0
    unmatched: list[UnmatchedEntry] = []
    proposed_match_ids: list[str] = []


class ProposedPair(BaseModel):
    """A pair from the engine that got its place and a match document."""

    model_config = ConfigDict(frozen=True)

    match_id: str
    score: float


def build_report(
    plan: RunPlan,
    proposed: Sequence[ProposedPair],
    unmatched: Sequence[UnmatchedEntry],
    ran_at: datetime,
) -> CycleReport:
    """The figures over what was actually proposed: a pair whose place went to a
    direct acceptance between matching and proposing counts as unmatched."""
    requests = plan.requests
    scores = [pair.score for pair in proposed]
    return CycleReport(
        run=plan.run,
        mode=plan.mode,
        ran_at=ran_at,
        requests=requests,
        proposed=len(proposed),
        matched_share=len(proposed) / requests if requests else 0.0,
        mean_score=round(sum(scores) / len(scores), 2) if scores else None,
        min_score=min(scores) if scores else None,
        blocking_pairs=plan.blocking_pairs,
        unmatched=list(unmatched),
        proposed_match_ids=[pair.match_id for pair in proposed],
    )


class Cycle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cycle_id: str
    name: str = Field(min_length=1, max_length=120)
    status: CycleStatus = CycleStatus.OPEN
    opened_by: str
    opened_at: datetime
    duration_weeks: int = Field(default=12, ge=1, le=52)
    runs: int = 0
    last_report: CycleReport | None = None
    run_claim: str = ""  # the running run's id
    run_started_at: datetime | None = None
    # Until when the claim's holder is taken to be alive; past it, anyone may take over.
    run_lease_until: datetime | None = None
    run_mode: MatchMode | None = None
    run_plan: RunPlan | None = None  # stored before the run's first proposal

    def opened(self) -> list[EventPayload]:
        return [CycleOpened(cycle_id=self.cycle_id, name=self.name, opened_by=self.opened_by)]

    def require_status(self, *allowed: CycleStatus, action: str) -> None:
        if self.status not in allowed:
            raise FailedPrecondition(f"cannot {action}: the cycle is {self.status.value}")

    def run_is_stale(self, now: datetime) -> bool:
        """Running under a lease that has passed: its process is taken to be dead.

        A running cycle without a lease (stored before leases existed) is stale too:
        nothing would ever finish it otherwise."""
        return self.status is CycleStatus.RUNNING and (
            self.run_lease_until is None or now >= self.run_lease_until
        )

    def start_run(
        self, now: datetime, claim: str, lease_until: datetime, mode: MatchMode
    ) -> list[EventPayload]:
        """Claim the cycle for a run; a stale run is taken over (keeping its mode
        and plan, so what it began is completed rather than matched afresh)."""
        if self.run_is_stale(now):
            return self.take_over_run(now, claim, lease_until)
        self.require_status(CycleStatus.OPEN, action="run it")
        self.status = CycleStatus.RUNNING
        self.run_mode = mode
        self.run_plan = None
        self._hold(now, claim, lease_until)
        return []

    def take_over_run(self, now: datetime, claim: str, lease_until: datetime) -> list[EventPayload]:
        if not self.run_is_stale(now):
            raise FailedPrecondition(
                f"cannot take over the run: the cycle is {self.status.value} and not stale"
            )
        self._hold(now, claim, lease_until)
        return []

    def _hold(self, now: datetime, claim: str, lease_until: datetime) -> None:
        self.run_claim = claim
        self.run_started_at = now
        self.run_lease_until = lease_until

    def _require_claim(self, claim: str, action: str) -> None:
        self.require_status(CycleStatus.RUNNING, action=action)
        if claim != self.run_claim:
            raise FailedPrecondition(f"cannot {action}: another run took over this cycle")

    def record_plan(self, claim: str, plan: RunPlan, lease_until: datetime) -> list[EventPayload]:
        """Store the run's matching (the lease is renewed: matching may have taken a while)."""
        self._require_claim(claim, action="record a plan")
        if self.run_plan is None:
            self.run_plan = plan
        self.run_lease_until = lease_until
        return []

    def finish_run(self, report: CycleReport, claim: str) -> list[EventPayload]:
        self._require_claim(claim, action="finish a run")
        self.status = CycleStatus.OPEN
        self._clear_run()
        self.runs = report.run
        self.last_report = report
        return [
            CycleRun(
                cycle_id=self.cycle_id,
                run=report.run,
                mode=report.mode.value,
                requests=report.requests,
                proposed=report.proposed,
                matched_share=report.matched_share,
                mean_score=report.mean_score,
                min_score=report.min_score,
                blocking_pairs=report.blocking_pairs,
            )
        ]

    def give_up_run(self, claim: str, now: datetime) -> list[EventPayload]:
        """The holder failed (and is alive to say so). Before a plan nothing was
        proposed, so the cycle is open again; with a plan, proposals may be half
        written, so the lease ends now and the next run or repair sweep completes it."""
        if self.status is not CycleStatus.RUNNING or claim != self.run_claim:
            return []
        if self.run_plan is None:
            self.status = CycleStatus.OPEN
            self._clear_run()
        else:
            self.run_lease_until = now
        return []

    def _clear_run(self) -> None:
        self.run_claim = ""
        self.run_started_at = None
        self.run_lease_until = None
        self.run_mode = None
        self.run_plan = None

    def close(self) -> list[EventPayload]:
        self.require_status(CycleStatus.OPEN, action="close it")
        self.status = CycleStatus.CLOSED
        return [CycleClosed(cycle_id=self.cycle_id)]
