"""The batched candidate search equals the one-pair-at-a-time definition, exactly."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mentorship_builders import mentee, mentor

from trellis_mentorship.domain.candidate_lists import candidate_lists
from trellis_mentorship.domain.candidate_search import search_candidates
from trellis_mentorship.domain.candidates import (
    MentorIndex,
    candidates_for,
    generate_candidates,
)
from trellis_mentorship.domain.compatibility import MenteeScorer
from trellis_mentorship.domain.facts import Goal, MenteeFacts, MentorFacts
from trellis_mentorship.domain.matching import MatchingInstance, build_instance, prepare_instance
from trellis_mentorship.domain.pair_scores import to_centi
from trellis_mentorship.domain.weights import CompatibilityWeights

pytestmark = pytest.mark.unit

PEOPLE = [f"p{i}" for i in range(12)]
# Different spellings of one skill reach the same mentors but score separately.
SKILLS = ["python", "Python", "sql", "design", "go", "cobol"]
ROLES = ["Staff Engineer", "staff engineer", "Designer", "Sr. Analyst", "Senior Analyst"]
DEPARTMENTS = ["Platform", "platform", "Payments", "Data"]
OFFSETS = [-8.0, -3.5, 0.0, 1.0, 5.5, 9.0, 12.0]
LANGUAGES = ["English", "german", "German", "French"]


@st.composite
def cohorts(draw: st.DrawFn) -> tuple[list[MenteeFacts], list[MentorFacts]]:
    levels = st.integers(1, 12)
    mentors = [
        mentor(
            person,
            skills={s: draw(st.integers(1, 5)) for s in draw(st.sets(st.sampled_from(SKILLS)))},
            topics=tuple(draw(st.sets(st.sampled_from(SKILLS), max_size=2))),
            roles_held=tuple(draw(st.lists(st.sampled_from(ROLES), max_size=2))),
            department=draw(st.sampled_from(DEPARTMENTS)),
            languages=tuple(draw(st.sets(st.sampled_from(LANGUAGES), max_size=2))),
            utc_offset_hours=draw(st.sampled_from(OFFSETS)),
            capacity=draw(st.integers(0, 3)),
            active_mentorships=draw(st.integers(0, 1)),
            level=draw(levels),
        )
        for person in draw(st.lists(st.sampled_from(PEOPLE), unique=True, min_size=1))
    ]
    mentees = [
        mentee(
            person,
            goals=tuple(
                Goal(s, draw(st.integers(1, 5)))
                for s in draw(st.lists(st.sampled_from(SKILLS), max_size=4))
            ),
            target_role=draw(st.none() | st.sampled_from(ROLES)),
            department=draw(st.sampled_from(DEPARTMENTS)),
            languages=tuple(draw(st.sets(st.sampled_from(LANGUAGES), max_size=2))),
            utc_offset_hours=draw(st.sampled_from(OFFSETS)),
            prefers_other_department=draw(st.booleans()),
            reporting_chain=tuple(draw(st.lists(st.sampled_from(PEOPLE), max_size=3))),
            ranked_mentors=tuple(draw(st.lists(st.sampled_from([*PEOPLE, "x"]), max_size=3))),
            level=draw(levels),
        )
        for person in draw(st.lists(st.sampled_from(PEOPLE), unique=True))
    ]
    return mentees, mentors


WEIGHTS = st.builds(
    CompatibilityWeights,
    skills=st.sampled_from([40.0, 33.3, 7.0]),
    target_role=st.sampled_from([20.0, 0.0, 11.1]),
    working_hours=st.sampled_from([10.0, 3.7]),
    shared_language=st.sampled_from([5.0, 0.0, 2.9]),
    skill_headroom_levels=st.integers(0, 2),
)


@settings(max_examples=300, deadline=None)
@given(cohorts(), WEIGHTS, st.integers(1, 6), st.sampled_from([1, 2]))
def test_batched_search_gives_the_scalar_lists(
    cohort: tuple[list[MenteeFacts], list[MentorFacts]],
    weights: CompatibilityWeights,
    k: int,
    batch: int,
) -> None:
    mentees, mentors = cohort
    index = MentorIndex(mentors)
    scalar = [candidates_for(m, index, MenteeScorer(m, weights), k) for m in mentees]
    assert generate_candidates(mentees, index, weights, k) == scalar
    # One or two mentees per batch: batch boundaries must not matter.
    small = search_candidates(mentees, index, weights, k, batch)
    assert candidate_lists(small, mentees, index) == scalar


def test_hundredths_round_like_python_also_next_to_a_half() -> None:
    rng = np.random.default_rng(7)
    halves = (np.arange(0, 20_001) + 0.5) / 200  # x * 100 lands on or next to a half
    values = np.concatenate([halves, np.nextafter(halves, 0), rng.random(10_000) * 100])
    expected = [round(round(float(x), 2) * 100) for x in values]
    assert to_centi(values).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(cohorts(), st.integers(1, 4))
def test_the_instance_from_the_search_is_the_one_from_candidate_lists(
    cohort: tuple[list[MenteeFacts], list[MentorFacts]], k: int
) -> None:
    mentees, mentors = cohort
    index = MentorIndex(mentors)
    direct = prepare_instance(mentees, mentors, k=k)
    listed = build_instance(generate_candidates(mentees, index, k=k), index.free_capacities())
    for field in fields(MatchingInstance):
        mine, theirs = getattr(direct, field.name), getattr(listed, field.name)
        if isinstance(mine, np.ndarray):
            assert mine.dtype == theirs.dtype, field.name
            assert np.array_equal(mine, theirs), field.name
        else:
            assert mine == theirs, field.name


def test_no_mentors_or_no_mentees_give_empty_lists() -> None:
    nobody = MentorIndex([])
    (alone,) = generate_candidates([mentee()], nobody)
    assert alone.candidates == ()
    assert alone.excluded == {}
    assert generate_candidates([], MentorIndex([mentor()])) == []
