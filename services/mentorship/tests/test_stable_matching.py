"""Stable mode: no blocking pairs, capacities, and the same answer as the `matching` package."""

from __future__ import annotations

import random
import warnings

import pytest
from hypothesis import given, settings
from matching.games import HospitalResident
from mentorship_builders import candidate_graphs, candidate_scores, strict_preferences

from trellis_mentorship.domain.candidates import Candidate, CandidateList
from trellis_mentorship.domain.matching import (
    MatchResult,
    UnmatchedReason,
    build_instance,
    count_blocking_pairs,
    match_stable,
)

pytestmark = pytest.mark.unit

Graph = tuple[list[CandidateList], dict[str, int]]


def pairs_of(result: MatchResult) -> set[tuple[str, str]]:
    return {(pair.mentee_id, pair.mentor_id) for pair in result.pairs}


def assert_is_a_matching_of(
    result: MatchResult, lists: list[CandidateList], caps: dict[str, int]
) -> None:
    scores = candidate_scores(lists)
    load: dict[str, int] = {}
    for pair in result.pairs:
        assert scores[(pair.mentee_id, pair.mentor_id)] == pair.score  # only candidate pairs
        load[pair.mentor_id] = load.get(pair.mentor_id, 0) + 1
    assert all(load[m] <= caps[m] for m in load)
    mentees = [pair.mentee_id for pair in result.pairs] + [u.mentee_id for u in result.unmatched]
    assert sorted(mentees) == sorted(c_list.mentee_id for c_list in lists)


@settings(max_examples=300, deadline=None)
@given(candidate_graphs())
def test_stable_matching_has_no_blocking_pair_and_respects_capacities(graph: Graph) -> None:
    lists, capacities = graph
    instance = build_instance(lists, capacities)
    result = match_stable(instance)
    assert_is_a_matching_of(result, lists, capacities)
    assert count_blocking_pairs(instance, result) == 0
    assert result.blocking_pairs == 0


@settings(max_examples=200, deadline=None)
@given(candidate_graphs(max_mentees=7, max_mentors=4))
def test_stable_matching_equals_the_matching_package_resident_optimal(graph: Graph) -> None:
    lists, capacities = graph
    mentee_prefs, mentor_prefs = strict_preferences(lists, capacities)
    instance = build_instance(lists, capacities)
    # The engine must play the game with exactly these strict lists.
    assert {
        instance.mentee_ids[e]: [instance.mentor_ids[j] for j in mentors]
        for e, mentors in enumerate(instance.preferences)
    } == mentee_prefs
    assert {
        instance.mentor_ids[j]: [instance.mentee_ids[e] for e in mentees]
        for j, mentees in enumerate(instance.mentor_preferences)
    } == {m: prefs for m, prefs in mentor_prefs.items() if capacities[m] > 0}

    expected: set[tuple[str, str]] = set()
    residents = {e: prefs for e, prefs in mentee_prefs.items() if prefs}
    hospitals = {m: prefs for m, prefs in mentor_prefs.items() if prefs}
    if residents:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = HospitalResident.create_from_dictionaries(
                residents, hospitals, {m: capacities[m] for m in hospitals}
            )
            solved = game.solve(optimal="resident")
        expected = {(r.name, h.name) for h, matched in solved.items() for r in matched}
    assert pairs_of(match_stable(instance)) == expected


@settings(max_examples=100, deadline=None)
@given(candidate_graphs())
def test_the_order_mentees_are_listed_in_does_not_change_the_matching(graph: Graph) -> None:
    lists, capacities = graph
    shuffled = lists[:]
    random.Random(len(lists)).shuffle(shuffled)
    first = match_stable(build_instance(lists, capacities))
    second = match_stable(build_instance(shuffled, capacities))
    assert pairs_of(first) == pairs_of(second)


def test_a_mentor_keeps_the_mentees_it_scores_highest() -> None:
    lists = [
        CandidateList("ann", (Candidate("m1", 60.0), Candidate("m2", 50.0))),
        CandidateList("bob", (Candidate("m1", 80.0),)),
        CandidateList("cid", (Candidate("m1", 70.0),)),
    ]
    result = match_stable(build_instance(lists, {"m1": 2, "m2": 1}))
    assert pairs_of(result) == {("bob", "m1"), ("cid", "m1"), ("ann", "m2")}
    assert result.matched_share == 1.0
    assert result.min_score == 50.0
    assert result.mean_score == pytest.approx((80 + 70 + 50) / 3)


def test_a_mentees_own_ranking_comes_before_scores() -> None:
    lists = [CandidateList("ann", (Candidate("m1", 90.0), Candidate("m2", 40.0)), ("m2",))]
    result = match_stable(build_instance(lists, {"m1": 1, "m2": 1}))
    assert pairs_of(result) == {("ann", "m2")}


def test_score_ties_are_broken_by_id_on_both_sides() -> None:
    lists = [
        CandidateList("b", (Candidate("m2", 50.0), Candidate("m1", 50.0))),
        CandidateList("a", (Candidate("m1", 50.0),)),
    ]
    result = match_stable(build_instance(lists, {"m1": 1, "m2": 1}))
    # b prefers m1 (id tie-break); m1 prefers a (id tie-break); so b falls back to m2.
    assert pairs_of(result) == {("a", "m1"), ("b", "m2")}


def test_an_outranked_mentee_is_told_why() -> None:
    lists = [
        CandidateList("ann", (Candidate("m1", 90.0),)),
        CandidateList("bob", (Candidate("m1", 30.0),)),
    ]
    result = match_stable(build_instance(lists, {"m1": 1}))
    (unmatched,) = result.unmatched
    assert unmatched.mentee_id == "bob"
    assert unmatched.reason is UnmatchedReason.MENTORS_PREFER_OTHERS
    assert unmatched.text == "all 1 candidate mentors are full with mentees they prefer"
    assert result.matched_share == 0.5


def test_a_candidate_whose_mentor_filled_up_counts_as_excluded_for_capacity() -> None:
    lists = [CandidateList("ann", (Candidate("m1", 90.0),))]
    result = match_stable(build_instance(lists, {"m1": 0}))
    (unmatched,) = result.unmatched
    assert unmatched.reason is UnmatchedReason.ONLY_EXCLUDED
    assert "without free capacity (1)" in unmatched.text


def test_an_empty_cohort_matches_nobody() -> None:
    result = match_stable(build_instance([], {"m1": 3}))
    assert result.pairs == ()
    assert result.matched_share == 0.0
    assert result.mean_score is None
    assert result.min_score is None
