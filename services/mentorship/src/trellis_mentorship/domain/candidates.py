"""Each mentee's best K mentors, found without scoring every pair.

An inverted index maps each skill (and each topic a mentor offered) to the
mentors who have it, and each normalised role title to the mentors who held
it. A mentee is scored only against the mentors reachable from their goal
skills, their target role and their own ranking; someone who shares none of
these has nothing the mentee asked for. Mentors the mentee may not have
(exclusions) are counted, so that an empty list can say why it is empty.

The lists form the sparse candidate graph the matching engine works on.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from trellis_mentorship.domain.compatibility import MenteeScorer
from trellis_mentorship.domain.exclusions import Exclusion, exclusion_of
from trellis_mentorship.domain.facts import MenteeFacts, MentorFacts, normalise_word
from trellis_mentorship.domain.weights import DEFAULT_WEIGHTS, CompatibilityWeights

DEFAULT_CANDIDATES_PER_MENTEE = 50


@dataclass(frozen=True, slots=True)
class Candidate:
    mentor_id: str
    score: float


@dataclass(frozen=True, slots=True)
class CandidateList:
    """One mentee's eligible mentors, best score first (ties: mentor id ascending).

    `ranking` is the mentee's own order restricted to eligible mentors, all of
    whom are in `candidates` even if their score would not have made the top K.
    `excluded` counts the mentors that were reachable but may not mentor this mentee.
    """

    mentee_id: str
    candidates: tuple[Candidate, ...]
    ranking: tuple[str, ...] = ()
    excluded: Mapping[Exclusion, int] = field(default_factory=dict)


class MentorIndex:
    """Mentors by skill, offered topic and held role. Built once per matching run."""

    __slots__ = ("_by_role", "_by_skill", "_position", "mentors")

    def __init__(self, mentors: Iterable[MentorFacts]) -> None:
        self.mentors: tuple[MentorFacts, ...] = tuple(mentors)
        self._position: dict[str, int] = {}
        self._by_skill: dict[str, list[int]] = {}
        self._by_role: dict[str, list[int]] = {}
        for position, mentor in enumerate(self.mentors):
            if mentor.employee_id in self._position:
                raise ValueError(f"mentor {mentor.employee_id} appears twice")
            self._position[mentor.employee_id] = position
            skill_keys = {normalise_word(skill) for skill in mentor.skills}
            skill_keys.update(normalise_word(topic) for topic in mentor.topics)
            for key in skill_keys:
                self._by_skill.setdefault(key, []).append(position)
            for key in mentor.role_keys:
                self._by_role.setdefault(key, []).append(position)

    def reachable(self, mentee: MenteeFacts) -> set[int]:
        """Positions of mentors sharing a goal skill or the target role, or ranked by the mentee."""
        found: set[int] = set()
        for goal in mentee.goals:
            found.update(self._by_skill.get(normalise_word(goal.skill_id), ()))
        if mentee.target_role_key is not None:
            found.update(self._by_role.get(mentee.target_role_key, ()))
        for mentor_id in mentee.ranked_mentors:
            position = self._position.get(mentor_id)
            if position is not None:
                found.add(position)
        return found

    def free_capacities(self) -> dict[str, int]:
        return {mentor.employee_id: mentor.free_capacity for mentor in self.mentors}


def candidates_for(
    mentee: MenteeFacts,
    index: MentorIndex,
    scorer: MenteeScorer,
    k: int,
) -> CandidateList:
    mentors = index.mentors
    excluded: Counter[Exclusion] = Counter()
    scored: list[tuple[float, str]] = []
    for position in index.reachable(mentee):
        mentor = mentors[position]
        reason = exclusion_of(mentee, mentor)
        if reason is not None:
            excluded[reason] += 1
            continue
        # Negated so that the smallest tuples are the best: score desc, then id asc.
        scored.append((-scorer.score(mentor), mentor.employee_id))
    best = heapq.nsmallest(k, scored) if len(scored) > k else sorted(scored)
    eligible = {mentor_id for _, mentor_id in scored}
    ranking = tuple(dict.fromkeys(m for m in mentee.ranked_mentors if m in eligible))
    kept = {mentor_id for _, mentor_id in best}
    if any(mentor_id not in kept for mentor_id in ranking):
        # The mentee's own choices stay candidates even outside the top K.
        best.extend(pair for pair in scored if pair[1] in ranking and pair[1] not in kept)
        best.sort()
    return CandidateList(
        mentee_id=mentee.employee_id,
        candidates=tuple(Candidate(mentor_id, -negated) for negated, mentor_id in best),
        ranking=ranking,
        excluded=dict(excluded),
    )


def generate_candidates(
    mentees: Sequence[MenteeFacts],
    index: MentorIndex,
    weights: CompatibilityWeights = DEFAULT_WEIGHTS,
    k: int = DEFAULT_CANDIDATES_PER_MENTEE,
) -> list[CandidateList]:
    """Per mentee (in input order), up to K eligible mentors plus any they ranked."""
    if k < 1:
        raise ValueError("at least one candidate per mentee must be kept")
    return [candidates_for(mentee, index, MenteeScorer(mentee, weights), k) for mentee in mentees]
