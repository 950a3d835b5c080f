"""Builders for mentors, mentees and random candidate graphs used across the mentorship tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import strategies as st

from trellis_mentorship.domain.candidates import Candidate, CandidateList
from trellis_mentorship.domain.facts import Goal, MenteeFacts, MentorFacts


def mentor(employee_id: str = "mentor", **changes: Any) -> MentorFacts:
    base = MentorFacts(
        employee_id=employee_id,
        skills={"python": 5, "kubernetes": 3},
        roles_held=("Staff Engineer", "Senior Engineer"),
        department="Platform",
        level=7,
        utc_offset_hours=0.0,
        languages=("English",),
        capacity=2,
        active_mentorships=0,
    )
    return replace(base, **changes)


def mentee(employee_id: str = "mentee", **changes: Any) -> MenteeFacts:
    base = MenteeFacts(
        employee_id=employee_id,
        goals=(Goal("python", 4),),
        target_role="Staff Engineer",
        department="Payments",
        level=4,
        utc_offset_hours=0.0,
        languages=("english",),
        reporting_chain=("boss", "big-boss"),
    )
    return replace(base, **changes)


# Few distinct values, so that ties in scores are common and tie-breaking is exercised.
SCORES = st.integers(min_value=0, max_value=20).map(lambda v: v * 5.0)


@st.composite
def candidate_graphs(
    draw: st.DrawFn, max_mentees: int = 10, max_mentors: int = 4, max_capacity: int = 2
) -> tuple[list[CandidateList], dict[str, int]]:
    """Random scored candidate lists (some with the mentee's own ranking) and free capacities.

    Some mentors have no free place, to exercise their removal from the graph.
    """
    mentor_ids = [f"m{j}" for j in range(draw(st.integers(1, max_mentors)))]
    capacities = {m: draw(st.integers(0, max_capacity)) for m in mentor_ids}
    lists = []
    for e in range(draw(st.integers(0, max_mentees))):
        chosen = draw(st.lists(st.sampled_from(mentor_ids), unique=True))
        scores = draw(st.lists(SCORES, min_size=len(chosen), max_size=len(chosen)))
        ranking: list[str] = []
        if draw(st.booleans()) and chosen:
            ranking = draw(st.lists(st.sampled_from(chosen), unique=True))
        candidates = tuple(Candidate(m, s) for m, s in zip(chosen, scores, strict=True))
        lists.append(CandidateList(f"e{e}", candidates, tuple(ranking)))
    return lists, capacities


def strict_preferences(
    lists: list[CandidateList], capacities: dict[str, int]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The preference lists the engine promises, written out independently of it.

    Mentee: own ranking first, then score descending, then mentor id. Mentor: the
    mentees that list it, by score descending, then mentee id. Mentors without a
    free place are out of the game.
    """
    mentee_prefs: dict[str, list[str]] = {}
    mentor_entries: dict[str, list[tuple[float, str]]] = {m: [] for m in capacities}
    for candidate_list in lists:
        open_candidates = [c for c in candidate_list.candidates if capacities[c.mentor_id] > 0]
        ranked = [m for m in candidate_list.ranking if capacities[m] > 0]
        others = sorted(
            (c for c in open_candidates if c.mentor_id not in ranked),
            key=lambda c: (-c.score, c.mentor_id),
        )
        mentee_prefs[candidate_list.mentee_id] = ranked + [c.mentor_id for c in others]
        for c in open_candidates:
            mentor_entries[c.mentor_id].append((-c.score, candidate_list.mentee_id))
    mentor_prefs = {m: [e for _, e in sorted(entries)] for m, entries in mentor_entries.items()}
    return mentee_prefs, mentor_prefs


def candidate_scores(lists: list[CandidateList]) -> dict[tuple[str, str], float]:
    return {(c_list.mentee_id, c.mentor_id): c.score for c_list in lists for c in c_list.candidates}
