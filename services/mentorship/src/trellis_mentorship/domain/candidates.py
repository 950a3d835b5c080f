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
from collections.abc import Sequence

from trellis_mentorship.domain.candidate_lists import Candidate, CandidateList, candidate_lists
from trellis_mentorship.domain.candidate_search import search_candidates
from trellis_mentorship.domain.compatibility import MenteeScorer
from trellis_mentorship.domain.exclusions import Exclusion, exclusion_of
from trellis_mentorship.domain.facts import MenteeFacts
from trellis_mentorship.domain.mentor_index import MentorIndex
from trellis_mentorship.domain.weights import DEFAULT_WEIGHTS, CompatibilityWeights

__all__ = [
    "DEFAULT_CANDIDATES_PER_MENTEE",
    "Candidate",
    "CandidateList",
    "MentorIndex",
    "candidates_for",
    "generate_candidates",
]

DEFAULT_CANDIDATES_PER_MENTEE = 50


def candidates_for(
    mentee: MenteeFacts,
    index: MentorIndex,
    scorer: MenteeScorer,
    k: int,
) -> CandidateList:
    """One mentee, one pair at a time: the plain definition that the batched path must equal."""
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
    """Per mentee (in input order), up to K eligible mentors plus any they ranked.

    The same lists as `candidates_for` mentee by mentee, computed in batches.
    """
    found = search_candidates(mentees, index, weights, k)
    return candidate_lists(found, mentees, index)
