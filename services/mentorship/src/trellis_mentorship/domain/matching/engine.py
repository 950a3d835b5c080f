"""One entry point for both modes, and the whole pipeline from facts to an instance."""

from __future__ import annotations

from collections.abc import Sequence

from trellis_mentorship.domain.candidate_search import search_candidates
from trellis_mentorship.domain.candidates import DEFAULT_CANDIDATES_PER_MENTEE, MentorIndex
from trellis_mentorship.domain.facts import MenteeFacts, MentorFacts
from trellis_mentorship.domain.matching.from_search import instance_from_search
from trellis_mentorship.domain.matching.instance import MatchingInstance, collector_paused
from trellis_mentorship.domain.matching.optimal import match_optimal
from trellis_mentorship.domain.matching.result import MatchMode, MatchResult
from trellis_mentorship.domain.matching.stable import match_stable
from trellis_mentorship.domain.weights import DEFAULT_WEIGHTS, CompatibilityWeights


def prepare_instance(
    mentees: Sequence[MenteeFacts],
    mentors: Sequence[MentorFacts],
    weights: CompatibilityWeights = DEFAULT_WEIGHTS,
    k: int = DEFAULT_CANDIDATES_PER_MENTEE,
) -> MatchingInstance:
    """Candidate generation (top K per mentee, exclusions applied) and indexing."""
    with collector_paused():  # see `collector_paused`: no cycles, millions of objects
        index = MentorIndex(mentors)
        return instance_from_search(search_candidates(mentees, index, weights, k), mentees, index)


def run_matching(instance: MatchingInstance, mode: MatchMode) -> MatchResult:
    match mode:
        case MatchMode.STABLE:
            return match_stable(instance)
        case MatchMode.OPTIMAL:
            return match_optimal(instance)
