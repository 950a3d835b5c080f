"""The engine as the service uses it: declined pairs left out, explanations kept.

A mentee who declined a mentor (or was declined by them) must not be proposed
to them again when the cycle is re-run. The engine has no per-pair exclusion,
so the declined mentors are removed from each candidate list between candidate
generation and indexing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from trellis_mentorship.domain.candidates import CandidateList, MentorIndex, generate_candidates
from trellis_mentorship.domain.compatibility import Compatibility, MenteeScorer, assess_pair
from trellis_mentorship.domain.facts import MenteeFacts, MentorFacts
from trellis_mentorship.domain.match import ExplanationRecord, FactorLineRecord
from trellis_mentorship.domain.matching import MatchMode, MatchResult, build_instance, run_matching
from trellis_mentorship.domain.weights import CompatibilityWeights

CANDIDATES_PER_MENTEE = 50


def without_mentors(candidates: CandidateList, mentor_ids: Collection[str]) -> CandidateList:
    if not mentor_ids:
        return candidates
    return replace(
        candidates,
        candidates=tuple(c for c in candidates.candidates if c.mentor_id not in mentor_ids),
        ranking=tuple(m for m in candidates.ranking if m not in mentor_ids),
    )


def match_cohort(
    mentees: Sequence[MenteeFacts],
    mentors: Sequence[MentorFacts],
    declined: Mapping[str, Collection[str]],
    mode: MatchMode,
    weights: CompatibilityWeights,
) -> MatchResult:
    index = MentorIndex(mentors)
    lists = generate_candidates(mentees, index, weights, CANDIDATES_PER_MENTEE)
    lists = [without_mentors(c, declined.get(c.mentee_id, ())) for c in lists]
    return run_matching(build_instance(lists, index.free_capacities()), mode)


def best_mentors(
    mentee: MenteeFacts,
    mentors: Sequence[MentorFacts],
    declined: Collection[str],
    weights: CompatibilityWeights,
    limit: int,
) -> list[Compatibility]:
    """The mentee's top `limit` eligible mentors, best first, each explained."""
    index = MentorIndex(mentors)
    (found,) = generate_candidates([mentee], index, weights, limit + len(declined))
    kept = without_mentors(found, declined).candidates[:limit]
    by_id = {mentor.employee_id: mentor for mentor in mentors}
    scorer = MenteeScorer(mentee, weights)
    return [
        Compatibility(
            mentee.employee_id,
            c.mentor_id,
            c.score,
            scorer.explain(by_id[c.mentor_id]),
        )
        for c in kept
    ]


def explanation_record(compatibility: Compatibility) -> ExplanationRecord:
    return ExplanationRecord(
        score=compatibility.score,
        weights_version=compatibility.explanation.weights_version,
        lines=[
            FactorLineRecord(
                factor=line.factor.value,
                points=round(line.points, 2),
                max_points=round(line.max_points, 2),
                text=line.text,
            )
            for line in compatibility.explanation.lines
        ],
    )


def explain_match(
    mentee: MenteeFacts, mentor: MentorFacts, weights: CompatibilityWeights
) -> ExplanationRecord:
    """The explanation of a pair the engine matched (its exclusions were already applied)."""
    scorer = MenteeScorer(mentee, weights)
    return explanation_record(
        Compatibility(
            mentee.employee_id, mentor.employee_id, scorer.score(mentor), scorer.explain(mentor)
        )
    )


def explain_pair(
    mentee: MenteeFacts, mentor: MentorFacts, weights: CompatibilityWeights
) -> ExplanationRecord | str:
    """The explanation of one pair, or why it is excluded (a sentence)."""
    assessed = assess_pair(mentee, mentor, weights)
    if isinstance(assessed, Compatibility):
        return explanation_record(assessed)
    return assessed.text
