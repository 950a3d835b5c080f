"""Reserving time at the moment it is promised, and giving it back when unused.

Profiles owns the sum of everyone's promised time. A service that promises
someone's time (postings when an offer is accepted, bidding when it awards a
seat, mentorship when a mentor accepts) reserves it here first, under a key
that names the promise. A reservation counts in the ledger at once, so a second
promise made a moment later is checked against the first; the work's own event
later turns the reservation into a commitment (the same entry: it never counts
twice); a promise that is not kept is released.

Every function is pure and idempotent by key: the caller writes the returned
profile with one version-checked update, and sending the same operation again
returns the same answer and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from trellis_profiles.domain.ledger import LedgerCheck, check_commitment
from trellis_profiles.domain.profile import (
    MAX_HISTORY,
    MAX_RELEASED,
    Commitment,
    CommitmentState,
    HistoryKind,
    Profile,
    ReleasedPromise,
)


@dataclass(frozen=True)
class Promise:
    """What a promiser asks for: a share of time for a period, under a key."""

    key: str
    reference: str  # what the time goes to (posting, assignment, mentorship)
    kind: HistoryKind
    share_pct: int
    starts_on: date
    ends_on: date

    def as_commitment(self, state: CommitmentState) -> Commitment:
        return Commitment(
            reference=self.reference,
            kind=self.kind,
            share_pct=self.share_pct,
            starts_on=self.starts_on,
            ends_on=max(self.starts_on, self.ends_on),
            key=self.key,
            state=state,
        )


class Answer(StrEnum):
    RESERVED = "reserved"  # taken now
    HELD = "held"  # already reserved or committed under this key: a re-send
    NO_TIME = "no_time"  # it would take the peak above the limit: nothing taken
    RELEASED = "released"  # this promise was given back earlier: never taken again
    KEY_REUSED = "key_reused"  # the key already names a different promise


@dataclass(frozen=True)
class Reservation:
    answer: Answer
    check: LedgerCheck  # the ledger at the busiest day, with the reason in words
    state: CommitmentState | None = None  # of the entry under the key, when granted

    @property
    def granted(self) -> bool:
        return self.answer in (Answer.RESERVED, Answer.HELD)


def held_under(profile: Profile, key: str) -> Commitment | None:
    return next((c for c in profile.commitments if c.key == key), None)


def was_released(profile: Profile, key: str) -> bool:
    return any(r.key == key for r in profile.released)


def reserve(profile: Profile, promise: Promise, today: date) -> tuple[Profile, Reservation]:
    """Take the promised time if it fits on every day of its period."""
    held = held_under(profile, promise.key)
    check = check_commitment(
        [c for c in profile.commitments if c.key != promise.key],
        profile.availability,
        promise.kind,
        promise.share_pct,
        promise.starts_on,
        promise.ends_on,
    )
    if held is not None:
        if held.state is CommitmentState.RESERVED and not _same_terms(held, promise):
            return profile, Reservation(Answer.KEY_REUSED, _refusal(check, _reused(promise)))
        return profile, Reservation(Answer.HELD, check, held.state)
    if was_released(profile, promise.key):
        return profile, Reservation(Answer.RELEASED, _refusal(check, _given_back(promise)))
    if not check.fits:
        return profile, Reservation(Answer.NO_TIME, check)
    reserved = promise.as_commitment(CommitmentState.RESERVED)
    changed = profile.model_copy(
        update={"commitments": _bounded((*profile.commitments, reserved), today)}
    )
    return changed, Reservation(Answer.RESERVED, check, CommitmentState.RESERVED)


def release(profile: Profile, key: str, today: date) -> tuple[Profile, bool]:
    """Give back the time held under `key` for good; True when some was freed.

    A key that holds nothing is remembered too: a reservation that was still
    on its way when its promise was withdrawn must not take the time after.
    """
    held = held_under(profile, key)
    if held is None and was_released(profile, key):
        return profile, False
    kept = tuple(c for c in profile.commitments if c.key != key)
    given_back = ReleasedPromise(key=key, until=held.ends_on if held else None)
    changed = profile.model_copy(
        update={
            "commitments": kept,
            "released": _bounded_released((*profile.released, given_back), today),
        }
    )
    return changed, held is not None


def undo(profile: Profile, key: str) -> tuple[Profile, bool]:
    """The promise was not made after all (the acceptance it was for failed), but
    may be made later under the same key: free a reservation, remember nothing.
    Time whose work is already recorded stays: only a release gives that back."""
    held = held_under(profile, key)
    if held is None or held.state is not CommitmentState.RESERVED:
        return profile, False
    kept = tuple(c for c in profile.commitments if c.key != key)
    return profile.model_copy(update={"commitments": kept}), True


def commit(profile: Profile, promise: Promise, today: date) -> Profile:
    """The work's own event arrived: the reservation under its key becomes the
    commitment (one entry, counted once). A promise given back stays given back.
    A promise nobody reserved (made before reservations existed) is recorded as
    it comes: the work is already agreed, and refusing it here would lose it."""
    if was_released(profile, promise.key):
        return profile
    others = (c for c in profile.commitments if c.key != promise.key)
    committed = promise.as_commitment(CommitmentState.COMMITTED)
    return profile.model_copy(update={"commitments": _bounded((*others, committed), today)})


def _same_terms(held: Commitment, promise: Promise) -> bool:
    return (held.kind, held.share_pct, held.starts_on, held.ends_on) == (
        promise.kind,
        promise.share_pct,
        promise.starts_on,
        max(promise.starts_on, promise.ends_on),
    )


def _refusal(check: LedgerCheck, reason: str) -> LedgerCheck:
    return LedgerCheck(False, check.peak_committed_pct, check.limit_pct, check.busiest_day, reason)


def _reused(promise: Promise) -> str:
    return f"{promise.key} already holds a different share or period"


def _given_back(promise: Promise) -> str:
    return f"{promise.key} was released; a released promise is never reserved again"


def _bounded(commitments: tuple[Commitment, ...], today: date) -> tuple[Commitment, ...]:
    """At most MAX_HISTORY entries: those that ended before today go first, as
    they no longer count towards any day a new promise can ask for."""
    excess = len(commitments) - MAX_HISTORY
    if excess <= 0:
        return commitments
    kept = list(commitments)
    for ended in [c for c in commitments if c.ends_on < today][:excess]:
        kept.remove(ended)
    return tuple(kept[-MAX_HISTORY:])


def _bounded_released(
    released: tuple[ReleasedPromise, ...], today: date
) -> tuple[ReleasedPromise, ...]:
    """Promises whose period has passed are forgotten (taking that time again
    can no longer overcommit anyone); of the rest, the newest MAX_RELEASED."""
    current = tuple(r for r in released if r.until is None or r.until >= today)
    return current[-MAX_RELEASED:]
