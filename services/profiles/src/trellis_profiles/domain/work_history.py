"""What finished and promised work does to a profile: history, ledger, evidence.

Each function takes the typed facts of one event and returns the new profile;
the caller checks and records the event id in the same write. That record is
a window (the latest ids), so each function is also idempotent by itself: work
that is already finished is never started or finished again, however late an
old event comes back (a replay from the dead-letter topic, an offset reset).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time

from trellis_profiles.domain.ledger import end_commitment
from trellis_profiles.domain.profile import (
    MAX_HISTORY,
    Commitment,
    Evidence,
    HistoryEntry,
    HistoryKind,
    Profile,
)
from trellis_profiles.domain.reservations import Promise, commit
from trellis_profiles.domain.skills import add_work_evidence

FINISHED = "completed"


def _with_history(profile: Profile, entry: HistoryEntry) -> tuple[HistoryEntry, ...]:
    others = [h for h in profile.history if (h.kind, h.reference) != (entry.kind, entry.reference)]
    return (*others, entry)[-MAX_HISTORY:]


def _with_commitment(profile: Profile, commitment: Commitment) -> tuple[Commitment, ...]:
    others = [c for c in profile.commitments if c.reference != commitment.reference]
    return (*others, commitment)[-MAX_HISTORY:]


def _finished(profile: Profile, kind: HistoryKind, reference: str) -> bool:
    return any(
        (h.kind, h.reference, h.status) == (kind, reference, FINISHED) for h in profile.history
    )


def take_on_work(
    profile: Profile,
    *,
    kind: HistoryKind,
    reference: str,
    title: str,
    status: str,
    starts_on: date | None,
    ends_on: date | None,
    share_pct: int,
    event_id: str,
    promise_key: str = "",
    today: date | None = None,
) -> Profile:
    """Accepted or awarded work: a history line and, if it takes time, a commitment.

    `promise_key` names the reservation the promiser made for this work: the
    commitment replaces it (see reservations.commit), so the time counts once.
    """
    if _finished(profile, kind, reference):
        return profile  # a start that comes back after the end changes nothing
    update: dict[str, object] = {
        "history": _with_history(
            profile,
            HistoryEntry(
                kind=kind,
                reference=reference,
                title=title,
                started_on=starts_on,
                ended_on=ends_on,
                status=status,
                source_event_id=event_id,
            ),
        )
    }
    taken = profile.model_copy(update=update)
    if not (starts_on and ends_on and share_pct > 0):
        return taken
    if promise_key:
        promise = Promise(promise_key, reference, kind, share_pct, starts_on, ends_on)
        return commit(taken, promise, today or starts_on)
    return taken.model_copy(
        update={
            "commitments": _with_commitment(
                profile,
                Commitment(
                    reference=reference,
                    kind=kind,
                    share_pct=share_pct,
                    starts_on=starts_on,
                    ends_on=max(starts_on, ends_on),
                ),
            )
        }
    )


def finish_work(
    profile: Profile,
    *,
    kind: HistoryKind,
    reference: str,
    title: str,
    completed_on: date,
    demonstrated: Mapping[str, int],
    event_id: str,
) -> Profile:
    """Finished work: the history line closes, the time is freed, skills gain evidence."""
    if _finished(profile, kind, reference):
        return profile  # finished once: no second evidence, no second end
    earlier = next((h for h in profile.history if (h.kind, h.reference) == (kind, reference)), None)
    entry = HistoryEntry(
        kind=kind,
        reference=reference,
        title=title or (earlier.title if earlier else ""),
        started_on=earlier.started_on if earlier else None,
        ended_on=completed_on,
        status=FINISHED,
        source_event_id=event_id,
    )
    finished = profile.model_copy(
        update={
            "history": _with_history(profile, entry),
            "commitments": end_commitment(profile.commitments, reference, completed_on),
        }
    )
    evidence = Evidence(
        kind=kind.value,
        reference=reference,
        title=entry.title,
        at=datetime.combine(completed_on, time(), tzinfo=UTC),
    )
    return add_work_evidence(finished, demonstrated, evidence)
