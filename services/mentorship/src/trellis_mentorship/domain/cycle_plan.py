"""A cycle run's plan: the matching, computed once and stored before any proposal.

A run writes many documents one after the other, and its process can die
anywhere in between. Whoever completes the run afterwards must propose exactly
the pairs the first process was proposing, under the same match ids: a fresh
matching would see some mentees already claimed and some places already held,
and come out different, so pairs could be proposed twice or never. The plan is
that fixed list; each planned pair's match id is what makes its proposal
idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pydantic import BaseModel, ConfigDict

from trellis_mentorship.domain.matching import MatchMode, MatchResult

PLACE_TAKEN_MEANWHILE = "place_taken_meanwhile"


class UnmatchedEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    mentee_id: str
    request_id: str
    reason: str
    text: str


class PlannedPair(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    match_id: str
    mentee_id: str
    mentor_id: str
    request_id: str
    score: float


class RunPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run: int
    mode: MatchMode
    requests: int
    blocking_pairs: int
    pairs: list[PlannedPair]
    unmatched: list[UnmatchedEntry]


def plan_run(
    run: int,
    result: MatchResult,
    request_ids: Mapping[str, str],
    new_match_id: Callable[[], str],
) -> RunPlan:
    """The engine's result with a match id fixed for every pair.

    `request_ids` maps each matched mentee to the request the run answers."""
    return RunPlan(
        run=run,
        mode=result.mode,
        requests=result.mentee_count,
        blocking_pairs=result.blocking_pairs,
        pairs=[
            PlannedPair(
                match_id=new_match_id(),
                mentee_id=pair.mentee_id,
                mentor_id=pair.mentor_id,
                request_id=request_ids[pair.mentee_id],
                score=pair.score,
            )
            for pair in result.pairs
        ],
        unmatched=[
            UnmatchedEntry(
                mentee_id=u.mentee_id,
                request_id=request_ids[u.mentee_id],
                reason=u.reason.value,
                text=u.text,
            )
            for u in result.unmatched
        ],
    )


def place_taken_meanwhile(pair: PlannedPair) -> UnmatchedEntry:
    """A planned pair that could not be proposed: the place or the request moved on."""
    return UnmatchedEntry(
        mentee_id=pair.mentee_id,
        request_id=pair.request_id,
        reason=PLACE_TAKEN_MEANWHILE,
        text=f"{pair.mentor_id}'s last place was taken while the cycle ran; run it again",
    )
