"""The matching problem in integer form: who may be matched with whom, and who prefers whom.

Mentees and mentors become positions 0..n-1 and 0..m-1 so that the algorithms
index lists instead of hashing ids. An edge (mentee, mentor) exists exactly when
the mentor is on the mentee's candidate list; the mentor then ranks that mentee
too (hospital-residents requires both sides to find the pair acceptable).

Preferences are strict:
- a mentee prefers the mentors they ranked themselves, in their order, then the
  other candidates by score, highest first, ties by mentor id;
- a mentor prefers mentees by score, highest first, ties by mentee id.

Each edge also carries the mentee's position on that mentor's list
(`edge_rank`), so deferred acceptance compares two proposers with two lookups.

The instance is stored flat: one array entry per edge, grouped by mentee in
preference order (`edge_*`, mentee e's from `edge_start[e]`), and the mentors'
lists grouped by mentor (`mentor_start`, `mentor_mentee`). The algorithms read
those arrays; the per-mentee Python lists (`preferences`, `scores`, ...) are
built only when something asks for them, since making 400,000 lists costs
more at company scale than matching does.

Building sorts every edge twice (once per side); numpy's lexsort does that for
300,000 edges several times faster than sorting tuples in Python.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from trellis_mentorship.domain.candidates import CandidateList
from trellis_mentorship.domain.exclusions import Exclusion


@dataclass(frozen=True, eq=False)
class MatchingInstance:
    """Read-only once built (the arrays too, by convention)."""

    mentee_ids: tuple[str, ...]
    mentor_ids: tuple[str, ...]
    capacities: tuple[int, ...]
    edge_start: NDArray[np.int64]  # mentee e's edges: edge_start[e] .. edge_start[e + 1] - 1
    edge_mentor: NDArray[np.int64]  # in the mentee's preference order
    edge_score: NDArray[np.float64]
    edge_rank: NDArray[np.int64]  # the mentee's place on that mentor's list
    mentor_start: NDArray[np.int64]  # mentor j's list: mentor_start[j] .. mentor_start[j + 1] - 1
    mentor_mentee: NDArray[np.int64]  # best first
    exclusions: Sequence[Mapping[Exclusion, int]]

    @property
    def edge_count(self) -> int:
        return len(self.edge_mentor)

    @cached_property
    def preferences(self) -> list[list[int]]:
        return split(self.edge_mentor, np.diff(self.edge_start))

    @cached_property
    def scores(self) -> list[list[float]]:
        return split(self.edge_score, np.diff(self.edge_start))

    @cached_property
    def mentor_preferences(self) -> list[list[int]]:
        return split(self.mentor_mentee, np.diff(self.mentor_start))

    def mentee_positions(self) -> dict[str, int]:
        return {mentee_id: e for e, mentee_id in enumerate(self.mentee_ids)}

    def mentor_positions(self) -> dict[str, int]:
        return {mentor_id: j for j, mentor_id in enumerate(self.mentor_ids)}


IntArray = NDArray[np.int64]
UNRANKED = np.iinfo(np.int64).max  # sorts after every position in a mentee's own ranking


class FlatEdges:
    """The candidate graph as parallel arrays, one entry per (mentee, mentor) edge."""

    __slots__ = ("mentee", "mentor", "ranked", "score")

    def __init__(self, mentee: ArrayLike, mentor: ArrayLike, ranked: ArrayLike, score: ArrayLike):
        self.mentee = np.asarray(mentee, dtype=np.int64)
        self.mentor = np.asarray(mentor, dtype=np.int64)
        self.ranked = np.asarray(ranked, dtype=np.int64)
        self.score = np.asarray(score, dtype=np.float64)


def build_instance(
    candidate_lists: Sequence[CandidateList],
    capacities: Mapping[str, int],
) -> MatchingInstance:
    """Index the candidate graph. `capacities` are free places per mentor id.

    Mentors without a free place are left out; a candidate naming one of them is
    dropped and counted as excluded for lack of capacity, so the unmatched reason
    stays truthful even when capacities changed after candidate generation.
    """
    mentor_ids = mentors_with_places(capacities)
    mentee_ids = tuple(candidate_list.mentee_id for candidate_list in candidate_lists)
    if len(set(mentee_ids)) != len(mentee_ids):
        raise ValueError("a mentee appears in more than one candidate list")
    edges, exclusions = flatten(candidate_lists, capacities, mentor_ids)
    check_edges(edges, mentee_ids, mentor_ids)
    return index_edges(edges, mentee_ids, mentor_ids, capacities, exclusions)


def mentors_with_places(capacities: Mapping[str, int]) -> tuple[str, ...]:
    return tuple(mentor_id for mentor_id, free in capacities.items() if free > 0)


def index_edges(
    edges: FlatEdges,
    mentee_ids: tuple[str, ...],
    mentor_ids: tuple[str, ...],
    capacities: Mapping[str, int],
    exclusions: Sequence[Mapping[Exclusion, int]],
) -> MatchingInstance:
    """The instance for checked edges; mentors are positions in `mentor_ids`."""
    n, m = len(mentee_ids), len(mentor_ids)
    # Ties are broken by id, so sort keys use each id's place in the sorted ids.
    mentor_name_order = name_order(mentor_ids)
    mentee_name_order = name_order(mentee_ids)
    negated_score = -edges.score
    by_mentee = lexsort_unless_sorted(
        (mentor_name_order[edges.mentor], negated_score, edges.ranked, edges.mentee)
    )
    by_mentor = mentor_order(edges, mentee_name_order)
    out_degree = np.bincount(edges.mentee, minlength=n)
    in_degree = np.bincount(edges.mentor, minlength=m)

    rank = np.empty(len(by_mentor), dtype=np.int64)
    first_of_mentor = np.cumsum(in_degree) - in_degree
    rank[by_mentor] = np.arange(len(by_mentor)) - first_of_mentor[edges.mentor[by_mentor]]

    return MatchingInstance(
        mentee_ids=mentee_ids,
        mentor_ids=mentor_ids,
        capacities=tuple(capacities[mentor_id] for mentor_id in mentor_ids),
        edge_start=starts(out_degree),
        edge_mentor=edges.mentor[by_mentee],
        edge_score=edges.score[by_mentee],
        edge_rank=rank[by_mentee],
        mentor_start=starts(in_degree),
        mentor_mentee=edges.mentee[by_mentor],
        exclusions=exclusions,
    )


def starts(lengths: IntArray) -> IntArray:
    """Where each group starts, plus the end."""
    bounds = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    return bounds


def flatten(
    candidate_lists: Sequence[CandidateList],
    capacities: Mapping[str, int],
    mentor_ids: tuple[str, ...],
) -> tuple[FlatEdges, list[Mapping[Exclusion, int]]]:
    mentor_position = {mentor_id: j for j, mentor_id in enumerate(mentor_ids)}
    mentees: list[int] = []
    mentors: list[int] = []
    ranked: list[int] = []
    scores: list[float] = []
    exclusions: list[Mapping[Exclusion, int]] = []
    for e, candidate_list in enumerate(candidate_lists):
        own_rank = {m: r for r, m in enumerate(dict.fromkeys(candidate_list.ranking))}
        full = 0
        for candidate in candidate_list.candidates:
            j = mentor_position.get(candidate.mentor_id)
            if j is None:
                if candidate.mentor_id not in capacities:
                    raise ValueError(f"mentor {candidate.mentor_id} has no capacity entry")
                full += 1
                continue
            mentees.append(e)
            mentors.append(j)
            ranked.append(own_rank.get(candidate.mentor_id, UNRANKED))
            scores.append(candidate.score)
        exclusions.append(with_full_mentors(candidate_list.excluded, full))
    return FlatEdges(mentees, mentors, ranked, scores), exclusions


def check_edges(edges: FlatEdges, mentee_ids: tuple[str, ...], mentor_ids: tuple[str, ...]) -> None:
    if not np.isfinite(edges.score).all():
        bad = int(np.flatnonzero(~np.isfinite(edges.score))[0])
        raise ValueError(f"mentee {mentee_ids[edges.mentee[bad]]}: score is not a number")
    pair_order = np.lexsort((edges.mentor, edges.mentee))
    mentee, mentor = edges.mentee[pair_order], edges.mentor[pair_order]
    repeated = np.flatnonzero((mentee[1:] == mentee[:-1]) & (mentor[1:] == mentor[:-1]))
    if len(repeated):
        at = int(repeated[0])
        raise ValueError(
            f"mentee {mentee_ids[mentee[at]]}: mentor {mentor_ids[mentor[at]]} listed twice"
        )


def mentor_order(edges: FlatEdges, mentee_name_order: IntArray) -> IntArray:
    """Edges by mentor, score descending, mentee id: `np.lexsort` of those keys.

    One argsort of a combined integer key is several times faster than
    lexsort's three passes over 2 million edges. Scores become integer levels:
    their hundredths when they have at most two decimals (the usual case,
    checked exactly), their places among the distinct scores otherwise.
    """
    if not len(edges.score):
        return np.zeros(0, dtype=np.int64)
    centi = np.rint(edges.score * 100)
    if np.array_equal(centi / 100, edges.score):
        level = (centi - centi.min()).astype(np.int64)
    else:
        level = np.unique(edges.score, return_inverse=True)[1].reshape(-1).astype(np.int64)
    levels = int(level.max()) + 1
    people = len(mentee_name_order)
    if (int(edges.mentor.max()) + 1) * levels * people >= 2**62:  # would overflow
        return np.lexsort((mentee_name_order[edges.mentee], -edges.score, edges.mentor))
    # Unique keys (one edge per pair), so the sort need not be stable.
    key = (edges.mentor * levels + (levels - 1 - level)) * people
    key += mentee_name_order[edges.mentee]
    order: IntArray = np.argsort(key)
    return order


def lexsort_unless_sorted(keys: tuple[NDArray[np.int64] | NDArray[np.float64], ...]) -> IntArray:
    """`np.lexsort(keys)` (last key first), without sorting rows that are already in order.

    The batched candidate search emits its edges in exactly this order, and
    checking that takes a few linear passes where sorting 2 million edges by
    four keys takes about a second.
    """
    count = len(keys[0])
    undecided = np.ones(max(0, count - 1), dtype=np.bool_)
    for key in reversed(keys):
        before, after = key[:-1], key[1:]
        if (undecided & (before > after)).any():
            return np.lexsort(keys)
        undecided &= before == after
    # Rows in order (equal neighbours too: the sort is stable).
    return np.arange(count, dtype=np.int64)


def name_order(ids: tuple[str, ...]) -> NDArray[np.int64]:
    """Each id's position among the ids sorted as strings."""
    order = np.empty(len(ids), dtype=np.int64)
    order[sorted(range(len(ids)), key=ids.__getitem__)] = np.arange(len(ids))
    return order


def split(flat: NDArray[Any], lengths: IntArray) -> list[list[Any]]:
    """Consecutive pieces of `flat` of the given lengths, as Python lists.

    Pieces of one length come out of a single two-dimensional `tolist`, which
    makes the lists in C: at company scale (100,000 mentees, 20 candidates
    each) slicing one flat list per mentee cost several times more.
    """
    pieces: list[list[Any]] = [[]] * len(lengths)  # placeholders, all replaced
    first = np.cumsum(lengths) - lengths
    with collector_paused():
        for length in np.unique(lengths).tolist():
            (rows,) = np.nonzero(lengths == length)
            if length == 0:
                block: list[list[Any]] = [[] for _ in range(len(rows))]
            else:
                block = flat[first[rows, None] + np.arange(length)].tolist()
            for e, piece in zip(rows.tolist(), block, strict=True):
                pieces[e] = piece
    return pieces


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while building many lists that hold no cycles.

    Each few hundred new containers trigger a collection, and the older
    generations hold every object of the run (at company scale millions:
    the facts, the lists themselves), so building the instance's 400,000
    lists spent most of its time in collections that free nothing.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def with_full_mentors(excluded: Mapping[Exclusion, int], full: int) -> Mapping[Exclusion, int]:
    if not full:
        return excluded
    counts = dict(excluded)
    counts[Exclusion.NO_FREE_CAPACITY] = counts.get(Exclusion.NO_FREE_CAPACITY, 0) + full
    return counts
