"""A bidding round and its lifecycle: scheduled → open → closed → clearing → cleared,
or cancelled. The window opens and closes itself with time (the service's sweep);
hr_admin may close early and clear. Clearing is claimed by one writer at a time
(the `clearing` state, entered by one version-checked write of the round, so
of two replicas that clear at once exactly one wins and the other is refused).

The clearing's result is computed once: the first attempt to record it on the
round (`record_result`, naming the stored chunks of its attempt) fixes it for
good, and everything after reads that. The round turns `cleared` once every
award is announced; wallet results follow, and `results_written` says when all
of them are, so the sweep repairs a cleared round whose results are not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from trellis_bidding.domain.withdrawn_awards import WithdrawnAward
from trellis_shared.contracts.bidding import RoundCleared, RoundClosed, RoundOpened
from trellis_shared.errors import FailedPrecondition
from trellis_shared.events import EventPayload

MAX_ASSIGNMENTS = 500
# A clearing that has not finished after this long is taken to have died with
# its process and may be claimed again (a result it recorded is reused as stored).
STALE_CLEARING = timedelta(minutes=10)
# Bidders named per `round.cleared` part: 5,000 ids of up to 120 characters stay
# well under Kafka's record limit (the outbox refuses larger events).
IDS_PER_CLEARED_EVENT = 5_000


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class RoundStatus(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    CLEARING = "clearing"
    CLEARED = "cleared"
    CANCELLED = "cancelled"


class Mode(StrEnum):
    DEFAULT = "default"
    WELFARE = "welfare"


class RoundTerms(BaseModel):
    """What hr_admin sets when opening a round."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=3, max_length=200)
    assignment_ids: list[str] = Field(min_length=1, max_length=MAX_ASSIGNMENTS)
    opens_at: datetime
    closes_at: datetime
    budget: int = Field(default=100, ge=1, le=100_000)
    mode: Mode = Mode.DEFAULT
    max_awards: int = Field(default=1, ge=1, le=5)
    carry_over_cap: int = Field(default=0, ge=0, le=1_000_000)

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)

    @field_validator("assignment_ids")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("an assignment is listed twice")
        return value

    @model_validator(mode="after")
    def _default_cap(self) -> Self:
        # The window is checked by the use case, which can name the field and
        # knows the time; here only the cap's default (the budget) is filled in.
        if not self.carry_over_cap:
            self.carry_over_cap = self.budget
        return self


class Award(BaseModel):
    model_config = ConfigDict(frozen=True)

    assignment_id: str
    employee_id: str
    points: int


class Round(BaseModel):
    model_config = ConfigDict(extra="ignore")

    round_id: str
    terms: RoundTerms
    status: RoundStatus = RoundStatus.SCHEDULED
    seed: int
    created_by: str
    created_at: datetime
    clearing_started_at: datetime | None = None
    clearing_claim: str = ""  # who holds the clearing (a random id per attempt)
    cleared_at: datetime | None = None
    bidders: int = 0
    bidder_ids: list[str] = []
    awards: list[Award] = []
    awards_recorded: bool = False  # the first clearing to get this far fixes the result
    # Which attempt's stored result counts, and in how many chunks (clearing_record).
    result_attempt: str = ""
    result_chunks: int = 0
    awards_announced: int = 0  # award events written (in announcement documents)
    blocking_pairs: int = 0
    envy: int = 0
    points_spent: int = 0
    results_written: bool = False  # every bidder's result and carried points are written
    # Awards the ledger refused when they were about to be announced (set when
    # the round turns cleared, from the announcement batches that decided them).
    withdrawn_awards: list[WithdrawnAward] = []

    @property
    def standing_awards(self) -> list[Award]:
        """The awards announced: the computed ones less those withdrawn."""
        gone = {(w.assignment_id, w.employee_id) for w in self.withdrawn_awards}
        return [a for a in self.awards if (a.assignment_id, a.employee_id) not in gone]

    def require(self, *allowed: RoundStatus, action: str) -> None:
        if self.status not in allowed:
            names = " or ".join(s.value for s in allowed)
            raise FailedPrecondition(
                f"cannot {action}: the round is {self.status.value} (needs {names})"
            )

    def accepting_bids(self, now: datetime) -> bool:
        return self.status is RoundStatus.OPEN and self.terms.opens_at <= now < self.terms.closes_at


def opened(round_: Round) -> RoundOpened:
    terms = round_.terms
    return RoundOpened(
        round_id=round_.round_id,
        title=terms.title,
        assignment_ids=terms.assignment_ids,
        opens_at=terms.opens_at,
        closes_at=terms.closes_at,
        budget=terms.budget,
        mode=terms.mode.value,
    )


def advance_with_time(round_: Round, now: datetime, bidders: int) -> list[EventPayload]:
    """Open at `opens_at`, close at `closes_at` (what the sweep applies)."""
    events: list[EventPayload] = []
    if round_.status is RoundStatus.SCHEDULED and round_.terms.opens_at <= now:
        round_.status = RoundStatus.OPEN
        events.append(opened(round_))
    if round_.status is RoundStatus.OPEN and round_.terms.closes_at <= now:
        events += close(round_, bidders)
    return events


def close(round_: Round, bidders: int) -> list[EventPayload]:
    round_.require(RoundStatus.OPEN, action="close the round")
    round_.status = RoundStatus.CLOSED
    round_.bidders = bidders
    return [RoundClosed(round_id=round_.round_id, bidders=bidders)]


def clearing_is_stale(round_: Round, now: datetime) -> bool:
    return (
        round_.status is RoundStatus.CLEARING
        and round_.clearing_started_at is not None
        and now - round_.clearing_started_at > STALE_CLEARING
    )


def claim_clearing(round_: Round, now: datetime, claim: str = "") -> None:
    stale = clearing_is_stale(round_, now)
    if round_.status is RoundStatus.CLEARING and not stale:
        raise FailedPrecondition("the round is already being cleared")
    if not stale:
        round_.require(RoundStatus.CLOSED, action="clear the round")
    round_.status = RoundStatus.CLEARING
    round_.clearing_started_at = now
    round_.clearing_claim = claim


def give_up_clearing(round_: Round, claim: str) -> None:
    """Back to `closed` when the holder failed before recording awards (e.g. postings
    did not answer), so the next sweep retries at once rather than after the claim
    goes stale. A claim taken over meanwhile is left alone."""
    if (
        round_.status is RoundStatus.CLEARING
        and round_.clearing_claim == claim
        and not round_.awards_recorded
    ):
        round_.status = RoundStatus.CLOSED
        round_.clearing_started_at = None
        round_.clearing_claim = ""


def record_result(
    round_: Round,
    *,
    attempt: str,
    chunks: int,
    awards: list[Award],
    bidder_ids: list[str],
    blocking_pairs: int,
    envy: int,
) -> bool:
    """Fix the round's result to the chunks `attempt` stored, unless an earlier
    attempt did already (its result may be announced: it stands). True if fixed now."""
    round_.require(RoundStatus.CLEARING, action="record the clearing result")
    if round_.awards_recorded:
        return False
    round_.awards_recorded = True
    round_.result_attempt = attempt
    round_.result_chunks = chunks
    round_.awards = awards
    round_.bidders = len(bidder_ids)
    round_.bidder_ids = bidder_ids
    round_.points_spent = sum(a.points for a in awards)
    round_.blocking_pairs = blocking_pairs
    round_.envy = envy
    return True


def finish_clearing(
    round_: Round, now: datetime, withdrawn: list[WithdrawnAward] | None = None
) -> list[EventPayload]:
    """Every award announced or withdrawn: the round is cleared (once). Wallet
    results are written after this, from the stored result less the withdrawn
    awards, and repaired by the sweep until complete."""
    if round_.status is RoundStatus.CLEARED:
        return []  # finished by a clearing that took over a stale claim
    round_.require(RoundStatus.CLEARING, action="finish clearing")
    if not round_.awards_recorded:
        raise FailedPrecondition("cannot finish clearing before its result is recorded")
    round_.status = RoundStatus.CLEARED
    round_.cleared_at = now
    round_.withdrawn_awards = list(withdrawn or [])
    round_.points_spent -= sum(w.points for w in round_.withdrawn_awards)
    round_.awards_announced = len(round_.standing_awards)
    ids = round_.bidder_ids
    step = IDS_PER_CLEARED_EVENT
    chunks = [ids[start : start + step] for start in range(0, len(ids), step)]
    return [
        RoundCleared(
            round_id=round_.round_id,
            mode=round_.terms.mode.value,
            seed=round_.seed,
            bidders=round_.bidders,
            awards=len(round_.standing_awards),
            employee_ids=chunk,
            part=part,
            parts=len(chunks) or 1,
        )
        for part, chunk in enumerate(chunks or [[]], start=1)
    ]


def results_complete(round_: Round) -> list[EventPayload]:
    """Every chunk of wallet results is written (idempotent)."""
    round_.require(RoundStatus.CLEARED, action="mark results written")
    round_.results_written = True
    return []


def results_pending(round_: Round) -> bool:
    return round_.status is RoundStatus.CLEARED and not round_.results_written


def cancel(round_: Round) -> list[EventPayload]:
    round_.require(RoundStatus.SCHEDULED, RoundStatus.OPEN, RoundStatus.CLOSED, action="cancel")
    round_.status = RoundStatus.CANCELLED
    return []
