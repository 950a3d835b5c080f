"""Stable mode: mentee-proposing deferred acceptance with mentor capacities.

This is the hospital-residents algorithm (Gale-Shapley, Roth): free mentees
propose down their lists; a mentor holds the best proposals up to its capacity
and rejects the rest. The result is stable — no mentee and mentor both prefer
each other to what they got — and, among all stable matchings, the best one
for every mentee (and no mentee gains by misreporting preferences).

Speed matters (10,000 mentees in well under a second): each mentor keeps the
ranks of the mentees it holds in a heap with the worst on top, stored negated
as plain ints, so a proposal costs two list lookups and at most one heap
operation, with no allocation per proposal.
"""

from __future__ import annotations

from heapq import heappush, heapreplace

from trellis_mentorship.domain.matching.assembly import UNMATCHED, result_from_positions
from trellis_mentorship.domain.matching.instance import MatchingInstance, collector_paused
from trellis_mentorship.domain.matching.result import MatchMode, MatchResult


def deferred_acceptance(instance: MatchingInstance) -> list[int]:
    """Position in each mentee's list of the mentor it ends up with, or UNMATCHED."""
    preferences = instance.preferences
    rank_at_mentor = instance.rank_at_mentor
    mentor_preferences = instance.mentor_preferences
    capacities = instance.capacities
    held: list[list[int]] = [[] for _ in capacities]  # negated ranks: worst held on top
    next_choice = [0] * len(preferences)
    # A full mentor's worst held rank (no rank reaches len(preferences) while it has room):
    # one comparison rejects a proposal, at company scale most of them.
    cutoff = [len(preferences)] * len(capacities)
    # Popped from the end: start with mentee 0 only so that runs read naturally in a debugger.
    free = list(range(len(preferences) - 1, -1, -1))
    pop_free, push_free = free.pop, free.append

    while free:
        e = pop_free()
        mentors = preferences[e]
        ranks = rank_at_mentor[e]
        i = next_choice[e]
        length = len(mentors)
        while i < length:
            j = mentors[i]
            rank = ranks[i]
            i += 1
            if rank >= cutoff[j]:
                continue  # full, with mentees it ranks higher: most proposals end here
            holding = held[j]
            if len(holding) < capacities[j]:
                heappush(holding, -rank)
                if len(holding) == capacities[j]:
                    cutoff[j] = -holding[0]
                break
            # The mentor trades its worst held mentee for this better one.
            worst_rank = -heapreplace(holding, -rank)
            cutoff[j] = -holding[0]
            push_free(mentor_preferences[j][worst_rank])
            break
        next_choice[e] = i

    positions = [UNMATCHED] * len(preferences)
    for j, holding in enumerate(held):
        ranked = mentor_preferences[j]
        for negated_rank in holding:
            e = ranked[-negated_rank]
            # The last proposal a held mentee made was the accepted one.
            positions[e] = next_choice[e] - 1
    return positions


def match_stable(instance: MatchingInstance) -> MatchResult:
    # Deferred acceptance leaves no blocking pair; tests check that independently.
    with collector_paused():  # its lists and results hold no cycles
        return result_from_positions(
            instance, MatchMode.STABLE, deferred_acceptance(instance), blocking_pairs=0
        )
