"""A cycle (cohort): requests are collected, the cycle is run, pairs are proposed.

    open ──run──▶ running ──▶ open (with a report) ──close──▶ closed

`running` is what makes a second concurrent run fail: it is entered by a
version-checked write, so of two runs started together (on any replicas) only
one gets it. The run holds a claim (a random id and the time it started): only
its holder finishes or aborts it, and a run that has not finished after
`STALE_RUN` is taken to have died with its process and may be started again. A
cycle can be run again: each run matches only the requests still waiting
(declined proposals free both the mentee and the mentor's place), so a run
taken over after a crash never proposes a mentee twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from trellis_mentorship.domain.matching import MatchMode, MatchResult
from trellis_shared.contracts.mentorship import CycleClosed, CycleOpened, CycleRun
from trellis_shared.errors import FailedPrecondition
from trellis_shared.events import EventPayload

PLACE_TAKEN_MEANWHILE = "place_taken_meanwhile"
# Far above a company-scale run (about a minute), so a live run is never taken over.
STALE_RUN = timedelta(minutes=30)


class CycleStatus(StrEnum):
    OPEN = "open"
    RUNNING = "running"
    CLOSED = "closed"


class UnmatchedEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    mentee_id: str
    request_id: str
    reason: str
    text: str


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
    run: int,
    result: MatchResult,
    proposed: Sequence[ProposedPair],
    unmatched: Sequence[UnmatchedEntry],
    ran_at: datetime,
) -> CycleReport:
    """The figures over what was actually proposed: a pair whose place went to a
    direct acceptance between matching and proposing counts as unmatched."""
    requests = result.mentee_count
    scores = [pair.score for pair in proposed]
    return CycleReport(
        run=run,
        mode=result.mode,
        ran_at=ran_at,
        requests=requests,
        proposed=len(proposed),
        matched_share=len(proposed) / requests if requests else 0.0,
        mean_score=round(sum(scores) / len(scores), 2) if scores else None,
        min_score=min(scores) if scores else None,
        blocking_pairs=result.blocking_pairs,
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

    def opened(self) -> list[EventPayload]:
        return [CycleOpened(cycle_id=self.cycle_id, name=self.name, opened_by=self.opened_by)]

    def require_status(self, *allowed: CycleStatus, action: str) -> None:
        if self.status not in allowed:
            raise FailedPrecondition(f"cannot {action}: the cycle is {self.status.value}")

    def run_is_stale(self, now: datetime) -> bool:
        return (
            self.status is CycleStatus.RUNNING
            and self.run_started_at is not None
            and now - self.run_started_at > STALE_RUN
        )

    def start_run(self, now: datetime | None = None, claim: str = "") -> None:
        if not (now is not None and self.run_is_stale(now)):
            self.require_status(CycleStatus.OPEN, action="run it")
        self.status = CycleStatus.RUNNING
        self.run_claim = claim
        self.run_started_at = now

    def _require_claim(self, claim: str, action: str) -> None:
        self.require_status(CycleStatus.RUNNING, action=action)
        if claim != self.run_claim:
            raise FailedPrecondition(f"cannot {action}: another run took over this cycle")

    def finish_run(self, report: CycleReport, claim: str = "") -> list[EventPayload]:
        self._require_claim(claim, action="finish a run")
        self.status = CycleStatus.OPEN
        self.run_claim = ""
        self.run_started_at = None
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

    def abort_run(self, claim: str = "") -> None:
        if self.status is CycleStatus.RUNNING and claim == self.run_claim:
            self.status = CycleStatus.OPEN
            self.run_claim = ""
            self.run_started_at = None

    def close(self) -> list[EventPayload]:
        self.require_status(CycleStatus.OPEN, action="close it")
        self.status = CycleStatus.CLOSED
        return [CycleClosed(cycle_id=self.cycle_id)]
