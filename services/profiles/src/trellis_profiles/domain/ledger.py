"""The commitment ledger: what share of someone's time is already promised.

A new commitment fits when, on every day of its period, what is already
promised plus the new share stays within the limit. Secondments and job moves
may use the whole week (100 %); gigs, stretch assignments and mentoring must
fit in the share of time the employee has said is free for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from trellis_profiles.domain.profile import Availability, Commitment, HistoryKind

FULL_TIME_KINDS = frozenset({HistoryKind.SECONDMENT, HistoryKind.ROLE})


@dataclass(frozen=True)
class LedgerCheck:
    fits: bool
    peak_committed_pct: int  # already promised at the busiest day of the period
    limit_pct: int
    busiest_day: date | None
    reason: str


def limit_for(kind: HistoryKind, availability: Availability) -> int:
    return 100 if kind in FULL_TIME_KINDS else availability.share_free_pct


def peak_commitment(
    commitments: Iterable[Commitment], starts_on: date, ends_on: date
) -> tuple[int, date | None]:
    """The highest total share promised on any day in [starts_on, ends_on].

    A sweep over the days where commitments start and stop: totals only change
    there, so checking those days is enough.
    """
    overlapping = [c for c in commitments if c.starts_on <= ends_on and c.ends_on >= starts_on]
    if not overlapping:
        return 0, None
    changes: dict[date, int] = {}
    for c in overlapping:
        first = max(c.starts_on, starts_on)
        changes[first] = changes.get(first, 0) + c.share_pct
        after = c.ends_on + timedelta(days=1)
        changes[after] = changes.get(after, 0) - c.share_pct
    running, peak, busiest = 0, 0, None
    for day in sorted(changes):
        running += changes[day]
        if day <= ends_on and running > peak:
            peak, busiest = running, day
    return peak, busiest


def check_commitment(
    commitments: Iterable[Commitment],
    availability: Availability,
    kind: HistoryKind,
    share_pct: int,
    starts_on: date,
    ends_on: date,
) -> LedgerCheck:
    limit = limit_for(kind, availability)
    peak, busiest = peak_commitment(commitments, starts_on, ends_on)
    if peak + share_pct <= limit:
        return LedgerCheck(True, peak, limit, busiest, "fits")
    where = f" on {busiest.isoformat()}" if busiest else ""
    return LedgerCheck(
        False,
        peak,
        limit,
        busiest,
        f"{share_pct}% more would make {peak + share_pct}%{where}, above the limit of "
        f"{limit}% for a {kind.value}",
    )


def end_commitment(
    commitments: Iterable[Commitment], reference: str, ended_on: date
) -> tuple[Commitment, ...]:
    """Work that finished early frees the time after it."""
    kept = []
    for c in commitments:
        if c.reference == reference and c.ends_on > ended_on:
            c = c.model_copy(update={"ends_on": max(ended_on, c.starts_on)})
        kept.append(c)
    return tuple(kept)
