"""Optimal mode: the highest total score the capacities allow, solved exactly.

Maximum-weight b-matching on the candidate graph, reduced to a rectangular
assignment problem that SciPy's sparse Jonker-Volgenant solver (LAPJVsp)
solves exactly:

- each mentor with c free places becomes c identical slots (no more than it
  has candidates: extra slots could never be filled);
- every row gets its own "left empty" column worth 0 — a mentee who stays
  unmatched, or a slot nobody fills — so a full assignment always exists and
  leaving someone out is a choice the optimisation makes, not a failure;
- cost = (highest score + 1) - score: positive, because the solver reads a
  stored zero as a missing edge. Every row is assigned exactly once, so the
  constant cancels and the minimum cost is the maximum total score.

The rows are whichever side is smaller, slots or mentees: the solver's work
grows with the number of rows it has to augment, and a cohort usually has
fewer mentor places than mentees (measured: 3.5x faster for 10,000 mentees
and 2,400 places, still 2x with 10,000 of each). The graph stays sparse:
edges x capacity entries.

The total is optimal; which of several equally good matchings comes back is
up to the solver, except that a mentee left out while a candidate mentor still
has a place (possible only for a pair scoring 0) is given that place.
Preferences and explicit rankings play no part here, which is why the result
reports its blocking pairs.
"""

from __future__ import annotations

import dataclasses
from itertools import chain
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from trellis_mentorship.domain.matching.assembly import UNMATCHED, result_from_positions
from trellis_mentorship.domain.matching.blocking import count_blocking_pairs
from trellis_mentorship.domain.matching.instance import MatchingInstance
from trellis_mentorship.domain.matching.result import MatchMode, MatchResult

IntArray = NDArray[np.int64]


class Edges(NamedTuple):
    mentee: IntArray
    mentor: IntArray
    cost: NDArray[np.float64]  # ceiling - score, always >= 1
    ceiling: float  # the cost of leaving a row unassigned


class Slots(NamedTuple):
    per_mentor: IntArray
    owner: IntArray  # mentor of each slot, slots of one mentor adjacent


def candidate_edges(instance: MatchingInstance) -> Edges:
    n = len(instance.mentee_ids)
    lengths = np.fromiter(map(len, instance.preferences), dtype=np.int64, count=n)
    count = int(lengths.sum())
    mentee = np.repeat(np.arange(n, dtype=np.int64), lengths)
    mentor = np.fromiter(chain.from_iterable(instance.preferences), np.int64, count)
    score = np.fromiter(chain.from_iterable(instance.scores), np.float64, count)
    # Above every score and positive, even if a caller passed negative scores.
    ceiling = max(float(score.max()), 0.0) + 1.0
    return Edges(mentee, mentor, ceiling - score, ceiling)


def mentor_slots(instance: MatchingInstance, edges: Edges) -> Slots:
    degree = np.bincount(edges.mentor, minlength=len(instance.mentor_ids))
    per_mentor = np.minimum(np.asarray(instance.capacities, dtype=np.int64), degree)
    owner = np.repeat(np.arange(len(per_mentor), dtype=np.int64), per_mentor)
    return Slots(per_mentor, owner)


def offsets_within_groups(sizes: IntArray) -> IntArray:
    """0, 1, ..., size-1 for each group, concatenated."""
    total = int(sizes.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)


def solve_assignment(
    rows: IntArray,
    columns: IntArray,
    costs: NDArray[np.float64],
    shape: tuple[int, int],
    empty_cost: float,
) -> tuple[IntArray, IntArray]:
    """Add a "left empty" column per row (see the module doc) and solve.

    Returns the (row, column) pairs that are real edges.
    """
    row_count, column_count = shape
    graph = csr_array(
        (
            np.concatenate([costs, np.full(row_count, empty_cost)]),
            (
                np.concatenate([rows, np.arange(row_count)]),
                np.concatenate([columns, column_count + np.arange(row_count)]),
            ),
        ),
        shape=(row_count, column_count + row_count),
    )
    matched_rows, matched_columns = min_weight_full_bipartite_matching(graph)
    real = matched_columns < column_count
    return matched_rows[real].astype(np.int64), matched_columns[real].astype(np.int64)


def mentors_by_mentee_rows(instance: MatchingInstance, edges: Edges, slots: Slots) -> IntArray:
    """Rows are mentees; each edge is repeated once per slot of its mentor."""
    first_slot = np.cumsum(slots.per_mentor) - slots.per_mentor
    copies = slots.per_mentor[edges.mentor]
    columns = np.repeat(first_slot[edges.mentor], copies) + offsets_within_groups(copies)
    mentees, slot_columns = solve_assignment(
        np.repeat(edges.mentee, copies),
        columns,
        np.repeat(edges.cost, copies),
        (len(instance.mentee_ids), len(slots.owner)),
        edges.ceiling,
    )
    mentor_of = np.full(len(instance.mentee_ids), UNMATCHED, dtype=np.int64)
    mentor_of[mentees] = slots.owner[slot_columns]
    return mentor_of


def mentors_by_slot_rows(instance: MatchingInstance, edges: Edges, slots: Slots) -> IntArray:
    """Rows are slots; each slot row holds every edge of its mentor."""
    by_mentor = np.argsort(edges.mentor, kind="stable")
    degree = np.bincount(edges.mentor, minlength=len(instance.mentor_ids))
    first_edge = np.cumsum(degree) - degree
    row_sizes = degree[slots.owner]
    edge_index = np.repeat(first_edge[slots.owner], row_sizes) + offsets_within_groups(row_sizes)
    picked = by_mentor[edge_index]
    slot_rows, mentees = solve_assignment(
        np.repeat(np.arange(len(slots.owner), dtype=np.int64), row_sizes),
        edges.mentee[picked],
        edges.cost[picked],
        (len(slots.owner), len(instance.mentee_ids)),
        edges.ceiling,
    )
    mentor_of = np.full(len(instance.mentee_ids), UNMATCHED, dtype=np.int64)
    mentor_of[mentees] = slots.owner[slot_rows]
    return mentor_of


def max_score_positions(instance: MatchingInstance) -> list[int]:
    """Position in each mentee's list of its mentor in a maximum-score matching."""
    positions = [UNMATCHED] * len(instance.mentee_ids)
    if not instance.edge_count:
        return positions
    edges = candidate_edges(instance)
    slots = mentor_slots(instance, edges)
    if len(slots.owner) <= len(instance.mentee_ids):
        mentor_of = mentors_by_slot_rows(instance, edges, slots)
    else:
        mentor_of = mentors_by_mentee_rows(instance, edges, slots)
    for e, mentor in enumerate(mentor_of.tolist()):
        if mentor != UNMATCHED:
            positions[e] = instance.preferences[e].index(mentor)
    fill_free_places_at_no_cost(instance, positions)
    return positions


def fill_free_places_at_no_cost(instance: MatchingInstance, positions: list[int]) -> None:
    """Match leftover mentees to free places whose pair scores 0.

    The solver is indifferent between such a pair and "unmatched" (both add 0),
    but a mentor for someone who asked beats none, and "their candidates were
    full" stays true for everyone still unmatched.
    """
    load = [0] * len(instance.mentor_ids)
    for e, position in enumerate(positions):
        if position != UNMATCHED:
            load[instance.preferences[e][position]] += 1
    for e, position in enumerate(positions):
        if position != UNMATCHED:
            continue
        mentors, scores = instance.preferences[e], instance.scores[e]
        for i, (j, score) in enumerate(zip(mentors, scores, strict=True)):
            if score >= 0.0 and load[j] < instance.capacities[j]:
                positions[e] = i
                load[j] += 1
                break


def match_optimal(instance: MatchingInstance) -> MatchResult:
    result = result_from_positions(
        instance, MatchMode.OPTIMAL, max_score_positions(instance), blocking_pairs=0
    )
    return dataclasses.replace(result, blocking_pairs=count_blocking_pairs(instance, result))
