"""Candidate generation through the inverted index, and exclusions through the whole pipeline."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mentorship_builders import mentee, mentor

from trellis_mentorship.domain.candidates import MentorIndex, generate_candidates
from trellis_mentorship.domain.compatibility import Compatibility, assess_pair
from trellis_mentorship.domain.exclusions import Exclusion
from trellis_mentorship.domain.facts import Goal, MenteeFacts, MentorFacts
from trellis_mentorship.domain.matching import (
    MatchMode,
    UnmatchedReason,
    prepare_instance,
    run_matching,
)

pytestmark = pytest.mark.unit


def test_only_mentors_sharing_a_goal_skill_topic_or_target_role_are_scored() -> None:
    mentors = [
        mentor("by-skill", skills={"python": 4}, roles_held=("Designer",)),
        mentor("by-topic", skills={"go": 4}, roles_held=("Designer",), topics=("Python",)),
        mentor("by-role", skills={"go": 4}, roles_held=("Staff Engineer",)),
        mentor("unrelated", skills={"go": 4}, roles_held=("Designer",)),
    ]
    who = mentee(goals=(Goal("python", 3),), target_role="staff engineer")
    (found,) = generate_candidates([who], MentorIndex(mentors))
    assert sorted(c.mentor_id for c in found.candidates) == ["by-role", "by-skill", "by-topic"]


def test_the_best_k_are_kept_best_first_with_the_scores_of_the_explanation() -> None:
    mentors = [mentor(f"m{level}", skills={"python": level}) for level in (1, 2, 3, 4, 5)]
    who = mentee(goals=(Goal("python", 4),))
    (found,) = generate_candidates([who], MentorIndex(mentors), k=3)
    assert [c.mentor_id for c in found.candidates] == ["m5", "m4", "m3"]
    for candidate in found.candidates:
        by_id = {m.employee_id: m for m in mentors}
        assessed = assess_pair(who, by_id[candidate.mentor_id])
        assert isinstance(assessed, Compatibility)
        assert candidate.score == assessed.score


def test_equal_scores_are_ordered_by_mentor_id() -> None:
    mentors = [mentor(name) for name in ("c", "a", "b")]
    (found,) = generate_candidates([mentee()], MentorIndex(mentors), k=2)
    assert [c.mentor_id for c in found.candidates] == ["a", "b"]


def test_a_mentor_the_mentee_ranked_stays_a_candidate_outside_the_top_k() -> None:
    mentors = [mentor(f"m{level}", skills={"python": level}) for level in (1, 5)]
    who = mentee(goals=(Goal("python", 4),), ranked_mentors=("m1", "unknown"))
    (found,) = generate_candidates([who], MentorIndex(mentors), k=1)
    assert [c.mentor_id for c in found.candidates] == ["m5", "m1"]
    assert found.ranking == ("m1",)


def test_excluded_mentors_are_counted_not_listed() -> None:
    mentors = [
        mentor("boss"),
        mentor("big-boss"),
        mentor("busy", capacity=1, active_mentorships=1),
        mentor("mentee"),
        mentor("fine"),
    ]
    who = mentee("mentee", reporting_chain=("boss", "big-boss"), ranked_mentors=("boss",))
    (found,) = generate_candidates([who], MentorIndex(mentors))
    assert [c.mentor_id for c in found.candidates] == ["fine"]
    assert found.ranking == ()
    assert found.excluded == {
        Exclusion.IN_REPORTING_CHAIN: 2,
        Exclusion.NO_FREE_CAPACITY: 1,
        Exclusion.SELF: 1,
    }


def test_a_mentee_whose_only_candidates_are_in_their_chain_is_told_so() -> None:
    instance = prepare_instance([mentee(reporting_chain=("boss",))], [mentor("boss")])
    (unmatched,) = run_matching(instance, MatchMode.STABLE).unmatched
    assert unmatched.reason is UnmatchedReason.ONLY_EXCLUDED
    assert unmatched.text == "excluded: the only candidates were in the reporting chain (1)"


def test_a_mentee_nobody_can_help_is_told_so() -> None:
    instance = prepare_instance(
        [mentee(goals=(Goal("cobol", 3),), target_role="Archivist")], [mentor()]
    )
    (unmatched,) = run_matching(instance, MatchMode.OPTIMAL).unmatched
    assert unmatched.reason is UnmatchedReason.NO_CANDIDATES
    assert unmatched.text.startswith("no eligible candidate")


def test_duplicate_mentors_are_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        MentorIndex([mentor("a"), mentor("a")])


PEOPLE = [f"p{i}" for i in range(8)]
SKILLS = ["python", "sql", "design"]


@st.composite
def cohorts(draw: st.DrawFn) -> tuple[list[MenteeFacts], list[MentorFacts]]:
    """People who are both mentors and mentees, managers of each other, some fully booked."""
    mentors = [
        mentor(
            person,
            skills={s: draw(st.integers(1, 5)) for s in draw(st.sets(st.sampled_from(SKILLS)))},
            capacity=draw(st.integers(0, 2)),
            active_mentorships=draw(st.integers(0, 1)),
            level=draw(st.integers(1, 10)),
        )
        for person in draw(st.lists(st.sampled_from(PEOPLE), unique=True, min_size=1))
    ]
    mentees = [
        mentee(
            person,
            goals=tuple(
                Goal(s, draw(st.integers(1, 5)))
                for s in sorted(draw(st.sets(st.sampled_from(SKILLS))))
            ),
            reporting_chain=tuple(draw(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=3))),
            ranked_mentors=tuple(draw(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=2))),
            level=draw(st.integers(1, 10)),
        )
        for person in draw(st.lists(st.sampled_from(PEOPLE), unique=True))
    ]
    return mentees, mentors


@settings(max_examples=150, deadline=None)
@given(cohorts(), st.sampled_from(list(MatchMode)))
def test_no_mode_ever_pairs_an_excluded_mentor(
    cohort: tuple[list[MenteeFacts], list[MentorFacts]], mode: MatchMode
) -> None:
    mentees, mentors = cohort
    result = run_matching(prepare_instance(mentees, mentors, k=2), mode)
    by_id = {m.employee_id: m for m in mentors}
    chains = {m.employee_id: m.reporting_chain for m in mentees}
    load: dict[str, int] = {}
    for pair in result.pairs:
        assert pair.mentor_id != pair.mentee_id
        assert pair.mentor_id not in chains[pair.mentee_id]
        load[pair.mentor_id] = load.get(pair.mentor_id, 0) + 1
    assert all(n <= by_id[m].free_capacity for m, n in load.items())
    assert len(result.pairs) + len(result.unmatched) == len(mentees)
