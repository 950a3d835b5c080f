"""Optimal mode: the total score of an exact dense solver, capacities, blocking pairs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mentorship_builders import candidate_graphs, candidate_scores
from scipy.optimize import linear_sum_assignment

from trellis_mentorship.domain.candidates import Candidate, CandidateList
from trellis_mentorship.domain.matching import (
    MatchMode,
    UnmatchedReason,
    build_instance,
    count_blocking_pairs,
    find_blocking_pairs,
    match_optimal,
    match_stable,
    run_matching,
)
from trellis_mentorship.domain.matching.cost_scaling import max_value_b_matching

pytestmark = pytest.mark.unit

Graph = tuple[list[CandidateList], dict[str, int]]


def best_total_by_dense_assignment(lists: list[CandidateList], caps: dict[str, int]) -> float:
    """Exact reference: one column per mentor place, one "unmatched" column per mentee."""
    places = [m for m, free in caps.items() for _ in range(free)]
    n = len(lists)
    forbidden = 1e9  # never chosen while the mentee's own unmatched column is open
    cost = np.full((n, len(places) + n), forbidden)
    for e, candidate_list in enumerate(lists):
        scores = {c.mentor_id: c.score for c in candidate_list.candidates}
        for column, mentor_id in enumerate(places):
            if mentor_id in scores:
                cost[e, column] = -scores[mentor_id]
        cost[e, len(places) + e] = 0.0
    rows, columns = linear_sum_assignment(cost)
    assert (cost[rows, columns] < forbidden).all()
    return float(-cost[rows, columns].sum())


@settings(max_examples=300, deadline=None)
@given(candidate_graphs(max_mentees=9, max_mentors=5, max_capacity=3))
def test_optimal_total_equals_the_exact_dense_solver(graph: Graph) -> None:
    lists, capacities = graph
    instance = build_instance(lists, capacities)
    result = match_optimal(instance)
    assert result.total_score == pytest.approx(best_total_by_dense_assignment(lists, capacities))

    scores = candidate_scores(lists)
    load: dict[str, int] = {}
    for pair in result.pairs:
        assert scores[(pair.mentee_id, pair.mentor_id)] == pair.score
        load[pair.mentor_id] = load.get(pair.mentor_id, 0) + 1
    assert all(load[m] <= capacities[m] for m in load)
    assert len(result.pairs) + len(result.unmatched) == len(lists)
    assert result.blocking_pairs == count_blocking_pairs(instance, result)


@settings(max_examples=100, deadline=None)
@given(candidate_graphs())
def test_optimal_total_is_never_below_the_stable_total(graph: Graph) -> None:
    instance = build_instance(*graph)
    assert match_optimal(instance).total_score >= match_stable(instance).total_score - 1e-9


def swap_example() -> list[CandidateList]:
    return [
        CandidateList("x", (Candidate("a", 90.0), Candidate("b", 80.0))),
        CandidateList("y", (Candidate("a", 85.0), Candidate("b", 10.0))),
    ]


def test_optimal_gives_up_stability_for_a_higher_total() -> None:
    instance = build_instance(swap_example(), {"a": 1, "b": 1})
    stable = run_matching(instance, MatchMode.STABLE)
    optimal = run_matching(instance, MatchMode.OPTIMAL)
    assert {(p.mentee_id, p.mentor_id) for p in stable.pairs} == {("x", "a"), ("y", "b")}
    assert {(p.mentee_id, p.mentor_id) for p in optimal.pairs} == {("x", "b"), ("y", "a")}
    assert (stable.total_score, optimal.total_score) == (100.0, 165.0)
    # x and a both prefer each other to what optimal mode gave them.
    assert find_blocking_pairs(instance, optimal) == [("x", "a")]
    assert optimal.blocking_pairs == 1
    assert optimal.mode is MatchMode.OPTIMAL


def test_optimal_leaves_out_the_mentee_whose_place_adds_least() -> None:
    lists = [
        CandidateList("x", (Candidate("a", 90.0),)),
        CandidateList("y", (Candidate("a", 40.0),)),
    ]
    result = match_optimal(build_instance(lists, {"a": 1}))
    (unmatched,) = result.unmatched
    assert unmatched.mentee_id == "y"
    assert unmatched.reason is UnmatchedReason.PLACES_WENT_TO_HIGHER_TOTAL


def test_more_places_than_mentees_still_matches_everyone() -> None:
    lists = [
        CandidateList(f"e{i}", (Candidate("a", 50.0 + i), Candidate("b", 10.0))) for i in range(3)
    ]
    result = match_optimal(build_instance(lists, {"a": 5, "b": 5}))
    assert {p.mentor_id for p in result.pairs} == {"a"}
    assert result.total_score == pytest.approx(153.0)


def test_a_free_place_goes_to_a_mentee_even_when_the_pair_scores_zero() -> None:
    lists = [
        CandidateList("x", (Candidate("a", 0.0),)),
        CandidateList("y", (Candidate("b", 0.0), Candidate("a", 0.0))),
    ]
    result = match_optimal(build_instance(lists, {"a": 1, "b": 1}))
    assert result.total_score == 0.0
    assert len(result.pairs) == 2


@settings(max_examples=100, deadline=None)
@given(candidate_graphs())
def test_no_mentee_is_left_out_while_a_candidate_mentor_has_a_place(graph: Graph) -> None:
    lists, capacities = graph
    result = match_optimal(build_instance(lists, capacities))
    load: dict[str, int] = {}
    for pair in result.pairs:
        load[pair.mentor_id] = load.get(pair.mentor_id, 0) + 1
    matched = {pair.mentee_id for pair in result.pairs}
    for candidate_list in lists:
        if candidate_list.mentee_id not in matched:
            for candidate in candidate_list.candidates:
                assert load.get(candidate.mentor_id, 0) >= capacities[candidate.mentor_id]


@settings(max_examples=100, deadline=None)
@given(
    candidate_graphs(max_mentees=8, max_mentors=4, max_capacity=3),
    st.lists(st.floats(min_value=-5.0, max_value=100.0), min_size=40, max_size=40),
)
def test_scores_finer_than_hundredths_and_negative_ones_still_give_the_best_total(
    graph: Graph, fine_scores: list[float]
) -> None:
    lists, capacities = graph
    scores = iter(fine_scores * 2)
    fine = [
        CandidateList(
            c_list.mentee_id, tuple(Candidate(c.mentor_id, next(scores)) for c in c_list.candidates)
        )
        for c_list in lists
    ]
    result = match_optimal(build_instance(fine, capacities))
    assert result.total_score == pytest.approx(
        best_total_by_dense_assignment(fine, capacities), abs=1e-4
    )


def dense_best_total(
    mentee: np.ndarray, mentor: np.ndarray, value: np.ndarray, capacity: np.ndarray, n: int
) -> int:
    places = np.repeat(np.arange(len(capacity)), capacity)
    cost = np.zeros((n, len(places) + n))
    cost[:, : len(places)] = 1e9
    for e, j, v in zip(mentee, mentor, value, strict=True):
        cost[e, : len(places)][places == j] = -v
    rows, columns = linear_sum_assignment(cost)
    return int(-cost[rows, columns].sum())


@pytest.mark.parametrize("seed", range(12))
def test_the_flow_solver_equals_the_dense_solver_on_crowded_instances(seed: int) -> None:
    """Many more mentees than places, so units go to the sink and come back (every arc kind)."""
    rng = np.random.default_rng(seed)
    n, m = 60, 12
    pairs = {
        (int(e), int(j))
        for e, j in zip(rng.integers(0, n, 300), rng.integers(0, m, 300), strict=True)
    }
    mentee, mentor = (np.array(side, dtype=np.int64) for side in zip(*sorted(pairs), strict=True))
    value = rng.integers(-50, 10_000, len(mentee))
    capacity = rng.integers(0, 4, m)
    chosen = max_value_b_matching(mentee, mentor, value, capacity, n)
    assert (np.bincount(mentor[chosen], minlength=m) <= capacity).all()
    assert len(np.unique(mentee[chosen])) == int(chosen.sum())
    assert int(value[chosen].sum()) == dense_best_total(mentee, mentor, value, capacity, n)
