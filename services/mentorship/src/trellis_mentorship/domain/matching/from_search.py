"""The instance straight from the batched candidate search, without candidate objects.

At company scale (100,000 mentees, 2 million edges) making and then
flattening one `Candidate` per edge would cost more than the matching itself.
The result is the instance `build_instance(generate_candidates(...))` gives;
tests compare the two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from trellis_mentorship.domain.candidate_lists import eligible_ranking
from trellis_mentorship.domain.candidate_search import EXCLUSION_ORDER, CandidateArrays
from trellis_mentorship.domain.exclusions import Exclusion
from trellis_mentorship.domain.facts import MenteeFacts
from trellis_mentorship.domain.matching.instance import (
    UNRANKED,
    FlatEdges,
    MatchingInstance,
    index_edges,
    mentors_with_places,
)
from trellis_mentorship.domain.mentor_index import MentorIndex
from trellis_mentorship.domain.pair_scores import CENTI

IntArray = NDArray[np.int64]
_NONE_EXCLUDED: Mapping[Exclusion, int] = MappingProxyType({})


def instance_from_search(
    found: CandidateArrays, mentees: Sequence[MenteeFacts], index: MentorIndex
) -> MatchingInstance:
    capacities = index.free_capacities()
    has_place = np.fromiter((free > 0 for free in capacities.values()), np.bool_, len(capacities))
    # Candidates always have a free place (the search excludes the others).
    place_of = np.cumsum(has_place) - 1
    ranked = own_ranks(found, mentees, index)
    order = own_choices_first(found.mentee, ranked)
    return index_edges(
        FlatEdges(
            found.mentee[order],
            place_of[found.mentor[order]],
            ranked[order],
            found.centi[order] / CENTI,
        ),
        tuple(mentee.employee_id for mentee in mentees),
        mentors_with_places(capacities),
        capacities,
        exclusion_maps(found),
    )


def own_choices_first(mentee: IntArray, ranked: IntArray) -> IntArray:
    """Edges in the instance's preference order: the search's order (score, then
    id) with each mentee's own choices moved to the front, in their ranking's order.

    Then `index_edges` finds them sorted and skips its sort. A stable sort of
    nearly sorted keys (Timsort) is a few linear passes.
    """
    own = ranked != UNRANKED
    if not own.any():
        return np.arange(len(mentee), dtype=np.int64)
    longest = int(ranked[own].max()) + 1
    key = mentee * (longest + 1) + np.where(own, ranked, longest)
    return np.argsort(key, kind="stable")


def own_ranks(
    found: CandidateArrays, mentees: Sequence[MenteeFacts], index: MentorIndex
) -> IntArray:
    """Each edge's place in its mentee's own ranking, UNRANKED for the rest."""
    ranked = np.full(len(found.mentee), UNRANKED, dtype=np.int64)
    ids = [mentor.employee_id for mentor in index.mentors]
    (at,) = np.nonzero(found.ranked)
    by_mentee: dict[int, list[int]] = {}
    for i, e in zip(at.tolist(), found.mentee[at].tolist(), strict=True):
        by_mentee.setdefault(e, []).append(i)
    for e, edges in by_mentee.items():
        mentor_of = {ids[j]: i for i, j in zip(edges, found.mentor[edges].tolist(), strict=True)}
        for place, mentor_id in enumerate(eligible_ranking(mentees[e], set(mentor_of))):
            ranked[mentor_of[mentor_id]] = place
    return ranked


def exclusion_maps(found: CandidateArrays) -> list[Mapping[Exclusion, int]]:
    maps = [_NONE_EXCLUDED] * len(found.excluded)
    (rows,) = np.nonzero(found.excluded.any(axis=1))
    # Few distinct counts recur across 100,000 mentees: one read-only map each.
    shared: dict[tuple[int, ...], Mapping[Exclusion, int]] = {}
    for e, counts in zip(rows.tolist(), map(tuple, found.excluded[rows].tolist()), strict=True):
        found_map = shared.get(counts)
        if found_map is None:
            found_map = shared[counts] = MappingProxyType(
                {reason: n for reason, n in zip(EXCLUSION_ORDER, counts, strict=True) if n}
            )
        maps[e] = found_map
    return maps
