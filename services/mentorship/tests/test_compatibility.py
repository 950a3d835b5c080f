"""Compatibility score: each factor, each hard exclusion, and the explanation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mentorship_builders import mentee, mentor

from trellis_mentorship.domain.compatibility import (
    Compatibility,
    Excluded,
    Factor,
    MenteeScorer,
    assess_pair,
    seniority_share,
)
from trellis_mentorship.domain.exclusions import Exclusion
from trellis_mentorship.domain.facts import Goal
from trellis_mentorship.domain.role_titles import normalise_role_title
from trellis_mentorship.domain.weights import DEFAULT_WEIGHTS, CompatibilityWeights
from trellis_mentorship.domain.working_hours import shared_working_hours

pytestmark = pytest.mark.unit


def compatible(mentee_facts: object = None, mentor_facts: object = None) -> Compatibility:
    result = assess_pair(mentee_facts or mentee(), mentor_facts or mentor())  # type: ignore[arg-type]
    assert isinstance(result, Compatibility)
    return result


def share(result: Compatibility, factor: Factor) -> float:
    line = result.explanation.line(factor)
    return line.points / line.max_points


# --- skills ------------------------------------------------------------------------


def test_mentor_a_level_above_the_target_earns_all_skill_points() -> None:
    result = compatible(mentee(goals=(Goal("python", 4),)), mentor(skills={"python": 5}))
    assert share(result, Factor.SKILLS) == pytest.approx(1.0)


def test_mentor_at_the_target_earns_part_of_the_skill_points() -> None:
    result = compatible(mentee(goals=(Goal("python", 3),)), mentor(skills={"python": 3}))
    assert share(result, Factor.SKILLS) == pytest.approx(3 / 4)


def test_missing_skill_earns_nothing_and_goals_are_averaged() -> None:
    goals = (Goal("python", 4), Goal("rust", 2))
    result = compatible(mentee(goals=goals), mentor(skills={"python": 5}))
    assert share(result, Factor.SKILLS) == pytest.approx(0.5)
    assert "rust: no recorded level" in result.explanation.line(Factor.SKILLS).text


def test_an_expert_target_is_met_by_an_expert() -> None:
    result = compatible(mentee(goals=(Goal("python", 5),)), mentor(skills={"python": 5}))
    assert share(result, Factor.SKILLS) == pytest.approx(1.0)


def test_goal_levels_outside_one_to_five_are_refused() -> None:
    with pytest.raises(ValueError, match="target level 6"):
        Goal("python", 6)


# --- target role -------------------------------------------------------------------


def test_role_titles_compare_case_punctuation_and_abbreviation_insensitively() -> None:
    assert normalise_role_title("Sr. Software-Engineer") == "senior software engineer"
    assert normalise_role_title("  SENIOR  software engineer ") == "senior software engineer"


def test_a_role_held_earlier_counts_as_held() -> None:
    held = mentor(roles_held=("Director of Engineering", "sr. staff eng"))
    result = compatible(mentee(target_role="Senior Staff Engineer"), held)
    assert share(result, Factor.TARGET_ROLE) == 1.0
    assert "has held" in result.explanation.line(Factor.TARGET_ROLE).text


def test_a_role_never_held_earns_nothing() -> None:
    result = compatible(mentee(target_role="Principal Designer"))
    assert share(result, Factor.TARGET_ROLE) == 0.0


def test_without_a_target_role_the_factor_is_left_out_and_others_scale_up() -> None:
    result = compatible(mentee(target_role=None))
    line = result.explanation.line(Factor.TARGET_ROLE)
    assert (line.points, line.max_points) == (0.0, 0.0)
    assert "not counted" in line.text
    assert sum(x.max_points for x in result.explanation.lines) == pytest.approx(100.0)


# --- department --------------------------------------------------------------------


def test_another_department_earns_the_department_points() -> None:
    result = compatible(mentee(department="Payments"), mentor(department="Platform"))
    assert share(result, Factor.OTHER_DEPARTMENT) == 1.0


def test_same_department_earns_none_whatever_the_spelling() -> None:
    result = compatible(mentee(department="Platform "), mentor(department="platform"))
    assert result.explanation.line(Factor.OTHER_DEPARTMENT).points == 0.0


def test_a_mentee_who_asks_for_another_department_weighs_it_more() -> None:
    weaker = mentor(skills={"python": 2})
    plain = compatible(mentee(prefers_other_department=False), weaker)
    asked = compatible(mentee(prefers_other_department=True), weaker)
    plain_max = plain.explanation.line(Factor.OTHER_DEPARTMENT).max_points
    asked_max = asked.explanation.line(Factor.OTHER_DEPARTMENT).max_points
    assert asked_max > plain_max
    assert asked.score > plain.score  # the mentor is in another department


# --- seniority ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gap", "expected"),
    [(-2, 0.0), (-1, 0.0), (0, 0.2), (1, 0.6), (2, 1.0), (4, 1.0), (5, 0.85), (8, 0.4), (12, 0.4)],
)
def test_seniority_is_best_a_few_levels_above(gap: int, expected: float) -> None:
    assert seniority_share(gap, DEFAULT_WEIGHTS) == pytest.approx(expected)


def test_seniority_line_says_how_far_apart_they_are() -> None:
    result = compatible(mentee(level=4), mentor(level=7))
    assert "3 levels above" in result.explanation.line(Factor.SENIORITY).text
    assert share(result, Factor.SENIORITY) == 1.0


# --- working hours -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "hours"),
    [
        (0, 0, 8),
        (2, 0, 6),
        (0, 2, 6),
        (5.5, 0, 2.5),
        (0, 8, 0),
        (12, -11, 7),  # an hour apart across the date line
        (-8, 9, 1),
        (-8, 8, 0),
    ],
)
def test_working_hours_overlap_on_a_24_hour_circle(a: float, b: float, hours: float) -> None:
    assert shared_working_hours(a, b) == pytest.approx(hours)


def test_working_hours_factor_is_the_overlap_share() -> None:
    result = compatible(mentee(utc_offset_hours=2.0), mentor(utc_offset_hours=0.0))
    assert share(result, Factor.WORKING_HOURS) == pytest.approx(6 / 8)
    assert "6 of 8 working hours" in result.explanation.line(Factor.WORKING_HOURS).text


# --- language ----------------------------------------------------------------------


def test_a_shared_language_earns_its_points_case_insensitively() -> None:
    result = compatible(mentee(languages=("German", "ENGLISH")), mentor(languages=("english",)))
    assert share(result, Factor.SHARED_LANGUAGE) == 1.0


def test_no_shared_language_earns_nothing() -> None:
    result = compatible(mentee(languages=("Japanese",)), mentor(languages=("English",)))
    assert result.explanation.line(Factor.SHARED_LANGUAGE).points == 0.0


def test_languages_count_only_when_the_mentee_names_some() -> None:
    result = compatible(mentee(languages=()))
    assert result.explanation.line(Factor.SHARED_LANGUAGE).max_points == 0.0


# --- exclusions --------------------------------------------------------------------


def test_the_mentees_manager_is_excluded() -> None:
    result = assess_pair(mentee(reporting_chain=("boss", "big-boss")), mentor("boss"))
    assert isinstance(result, Excluded)
    assert result.reason is Exclusion.IN_REPORTING_CHAIN
    assert "reporting chain" in result.text


def test_anyone_higher_in_the_reporting_chain_is_excluded() -> None:
    result = assess_pair(mentee(reporting_chain=("boss", "big-boss")), mentor("big-boss"))
    assert isinstance(result, Excluded)
    assert result.reason is Exclusion.IN_REPORTING_CHAIN


def test_the_mentee_cannot_mentor_themself() -> None:
    result = assess_pair(mentee("same-person"), mentor("same-person"))
    assert isinstance(result, Excluded)
    assert result.reason is Exclusion.SELF


def test_a_mentor_without_free_capacity_is_excluded() -> None:
    result = assess_pair(mentee(), mentor(capacity=2, active_mentorships=2))
    assert isinstance(result, Excluded)
    assert result.reason is Exclusion.NO_FREE_CAPACITY


def test_a_mentor_with_one_free_place_is_not_excluded() -> None:
    result = assess_pair(mentee(), mentor(capacity=2, active_mentorships=1))
    assert isinstance(result, Compatibility)


# --- the explanation and the weights -----------------------------------------------


def test_the_explanation_has_one_line_per_factor_with_text_and_version() -> None:
    result = compatible()
    assert [line.factor for line in result.explanation.lines] == list(Factor)
    assert all(line.text for line in result.explanation.lines)
    assert result.explanation.weights_version == DEFAULT_WEIGHTS.version


def test_a_perfect_mentor_scores_100() -> None:
    result = compatible(
        mentee(goals=(Goal("python", 4),), level=4, utc_offset_hours=1.0),
        mentor(skills={"python": 5}, level=7, utc_offset_hours=1.0),
    )
    assert result.score == 100.0


def test_weights_are_configuration() -> None:
    skills_only = CompatibilityWeights(
        version="skills-heavy",
        skills=90,
        target_role=0,
        other_department=5,
        seniority=5,
        working_hours=0,
        shared_language=0,
    )
    result = assess_pair(mentee(), mentor(), skills_only)
    assert isinstance(result, Compatibility)
    assert result.explanation.weights_version == "skills-heavy"
    assert result.explanation.line(Factor.SKILLS).max_points == pytest.approx(90.0)


def test_negative_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CompatibilityWeights(skills=-1)


levels = st.integers(1, 5)
facts = st.fixed_dictionaries(
    {
        "goal_levels": st.lists(levels, max_size=3),
        "mentor_levels": st.lists(levels, min_size=3, max_size=3),
        "mentee_level": st.integers(1, 12),
        "mentor_level": st.integers(1, 12),
        "offsets": st.tuples(st.floats(-12, 14), st.floats(-12, 14)),
        "target_role": st.sampled_from([None, "Staff Engineer", "Designer"]),
        "languages": st.sampled_from([(), ("english",), ("french",)]),
        "prefers_other": st.booleans(),
        "same_department": st.booleans(),
    }
)


@settings(max_examples=150, deadline=None)
@given(facts)
def test_score_is_within_0_and_100_and_equals_the_sum_of_its_lines(f: dict[str, object]) -> None:
    skills = ("a", "b", "c")
    goal_levels: list[int] = f["goal_levels"]  # type: ignore[assignment]
    mentor_levels: list[int] = f["mentor_levels"]  # type: ignore[assignment]
    offsets: tuple[float, float] = f["offsets"]  # type: ignore[assignment]
    the_mentee = mentee(
        goals=tuple(Goal(s, level) for s, level in zip(skills, goal_levels, strict=False)),
        target_role=f["target_role"],
        level=f["mentee_level"],
        utc_offset_hours=offsets[0],
        languages=f["languages"],
        prefers_other_department=f["prefers_other"],
        department="Platform" if f["same_department"] else "Sales",
    )
    the_mentor = mentor(
        skills=dict(zip(skills, mentor_levels, strict=True)),
        level=f["mentor_level"],
        utc_offset_hours=offsets[1],
    )
    result = compatible(the_mentee, the_mentor)
    lines = result.explanation.lines
    assert 0.0 <= result.score <= 100.0
    assert result.score == pytest.approx(result.explanation.total_points, abs=0.005 + 1e-9)
    assert sum(line.max_points for line in lines) == pytest.approx(100.0)
    assert all(0.0 <= line.points <= line.max_points + 1e-9 for line in lines)
    assert result.score == MenteeScorer(the_mentee).score(the_mentor)
