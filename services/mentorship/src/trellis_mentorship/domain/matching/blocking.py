"""Blocking pairs: how far a matching is from stable, checked from the ids alone.

A mentee e and a mentor j block a matching when the pair is acceptable (j is on
e's list), e is unmatched or prefers j to its mentor, and j has a free place or
prefers e to one of the mentees it holds. This checker shares no code with
the algorithms: it rebuilds the mentors' rankings from their lists and also
rejects results that are not matchings of the instance at all.
"""

from __future__ import annotations

from trellis_mentorship.domain.matching.instance import MatchingInstance
from trellis_mentorship.domain.matching.result import MatchResult


def find_blocking_pairs(instance: MatchingInstance, result: MatchResult) -> list[tuple[str, str]]:
    mentee_position = instance.mentee_positions()
    mentor_position = instance.mentor_positions()
    mentor_of: dict[int, int] = {}
    held: list[list[int]] = [[] for _ in instance.mentor_ids]
    for pair in result.pairs:
        e = mentee_position[pair.mentee_id]
        j = mentor_position[pair.mentor_id]
        if e in mentor_of:
            raise ValueError(f"mentee {pair.mentee_id} is matched twice")
        if j not in instance.preferences[e]:
            raise ValueError(f"{pair.mentee_id}-{pair.mentor_id} is not a candidate pair")
        mentor_of[e] = j
        held[j].append(e)
    for j, mentees in enumerate(held):
        if len(mentees) > instance.capacities[j]:
            raise ValueError(f"mentor {instance.mentor_ids[j]} is over capacity")

    rank = [{e: r for r, e in enumerate(ranked)} for ranked in instance.mentor_preferences]
    worst_held = [max((rank[j][e] for e in mentees), default=-1) for j, mentees in enumerate(held)]
    blocking: list[tuple[str, str]] = []
    for e, mentors in enumerate(instance.preferences):
        current = mentor_of.get(e)
        for j in mentors:
            if j == current:
                break  # the rest are mentors e likes less than its own
            has_room = len(held[j]) < instance.capacities[j]
            if has_room or rank[j][e] < worst_held[j]:
                blocking.append((instance.mentee_ids[e], instance.mentor_ids[j]))
    return blocking


def count_blocking_pairs(instance: MatchingInstance, result: MatchResult) -> int:
    return len(find_blocking_pairs(instance, result))
