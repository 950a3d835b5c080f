"""From per-mentee list positions (what the algorithms produce) to a `MatchResult`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
    positions: Sequence[int],
    blocking_pairs: int,
) -> MatchResult:
    """`positions[e]` is the index in mentee e's preference list it got, or UNMATCHED."""
    pairs: list[MatchedPair] = []
    unmatched: list[UnmatchedMentee] = []
    mentee_ids, mentor_ids = instance.mentee_ids, instance.mentor_ids
    preferences, scores = instance.preferences, instance.scores
    with collector_paused():  # one object per mentee, none of them in a cycle
        for e, position in enumerate(positions):
            if position == UNMATCHED:
                unmatched.append(why_unmatched(instance, e, mode))
            else:
                mentor = mentor_ids[preferences[e][position]]
                pairs.append(MatchedPair(mentee_ids[e], mentor, scores[e][position]))
        return MatchResult(mode, tuple(pairs), tuple(unmatched), blocking_pairs)


def why_unmatched(instance: MatchingInstance, e: int, mode: MatchMode) -> UnmatchedMentee:
    mentee_id = instance.mentee_ids[e]
    candidates = len(instance.preferences[e])
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
