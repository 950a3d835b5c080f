"""From per-mentee list positions (what the algorithms produce) to a `MatchResult`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from trellis_mentorship.domain.exclusions import Exclusion
from trellis_mentorship.domain.matching.instance import MatchingInstance, collector_paused
from trellis_mentorship.domain.matching.result import (
    MatchedPair,
    MatchMode,
    MatchResult,
    UnmatchedMentee,
    UnmatchedReason,
)

UNMATCHED = -1

_EXCLUDED_AS = {
    Exclusion.IN_REPORTING_CHAIN: "in the reporting chain",
    Exclusion.NO_FREE_CAPACITY: "without free capacity",
    Exclusion.SELF: "the mentee themself",
}


def result_from_positions(
    instance: MatchingInstance,
    mode: MatchMode,
    positions: Sequence[int] | NDArray[np.int64],
    blocking_pairs: int,
) -> MatchResult:
    """`positions[e]` is the index in mentee e's preference list it got, or UNMATCHED."""
    place = np.asarray(positions, dtype=np.int64)
    matched = place != UNMATCHED
    (mentees,) = np.nonzero(matched)
    edges = instance.edge_start[mentees] + place[mentees]
    mentee_ids, mentor_ids = instance.mentee_ids, instance.mentor_ids
    candidates = np.diff(instance.edge_start)
    (left_out,) = np.nonzero(~matched)
    with collector_paused():  # one object per mentee, none of them in a cycle
        pairs = tuple(
            MatchedPair(mentee_ids[e], mentor_ids[j], score)
            for e, j, score in zip(
                mentees.tolist(),
                instance.edge_mentor[edges].tolist(),
                instance.edge_score[edges].tolist(),
                strict=True,
            )
        )
        unmatched = tuple(
            why_unmatched(instance, e, count, mode)
            for e, count in zip(left_out.tolist(), candidates[left_out].tolist(), strict=True)
        )
        return MatchResult(mode, pairs, unmatched, blocking_pairs)


def why_unmatched(
    instance: MatchingInstance, e: int, candidates: int, mode: MatchMode
) -> UnmatchedMentee:
    mentee_id = instance.mentee_ids[e]
    if candidates and mode is MatchMode.STABLE:
        # Stability: every candidate mentor is full with mentees it ranks higher.
        return UnmatchedMentee(
            mentee_id,
            UnmatchedReason.MENTORS_PREFER_OTHERS,
            f"all {candidates} candidate mentors are full with mentees they prefer",
        )
    if candidates:
        return UnmatchedMentee(
            mentee_id,
            UnmatchedReason.PLACES_WENT_TO_HIGHER_TOTAL,
            f"all {candidates} candidate mentors are full with pairs "
            "that add more to the total score",
        )
    excluded = instance.exclusions[e]
    if any(excluded.values()):
        return UnmatchedMentee(
            mentee_id, UnmatchedReason.ONLY_EXCLUDED, describe_exclusions(excluded)
        )
    return UnmatchedMentee(
        mentee_id,
        UnmatchedReason.NO_CANDIDATES,
        "no eligible candidate: no mentor has the goal skills, offers them as topics "
        "or has held the target role",
    )


def describe_exclusions(excluded: Mapping[Exclusion, int]) -> str:
    kinds = [
        f"{_EXCLUDED_AS[reason]} ({count})"
        for reason, count in sorted(excluded.items())
        if count > 0
    ]
    return "excluded: the only candidates were " + " or ".join(kinds)
