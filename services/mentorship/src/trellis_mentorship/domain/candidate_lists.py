"""Candidate lists as the rest of the service reads them, and their making from arrays."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from trellis_mentorship.domain.candidate_search import EXCLUSION_ORDER, CandidateArrays
from trellis_mentorship.domain.exclusions import Exclusion
from trellis_mentorship.domain.facts import MenteeFacts
from trellis_mentorship.domain.mentor_index import MentorIndex
from trellis_mentorship.domain.pair_scores import CENTI


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


def eligible_ranking(mentee: MenteeFacts, ranked_ids: set[str]) -> tuple[str, ...]:
    """The mentee's own order, repeats and ineligible mentors left out."""
    return tuple(dict.fromkeys(m for m in mentee.ranked_mentors if m in ranked_ids))


def excluded_counts(found: CandidateArrays, e: int) -> dict[Exclusion, int]:
    counts = found.excluded[e].tolist()
    return {reason: count for reason, count in zip(EXCLUSION_ORDER, counts, strict=True) if count}


def candidate_lists(
    found: CandidateArrays, mentees: Sequence[MenteeFacts], index: MentorIndex
) -> list[CandidateList]:
    ids = [mentor.employee_id for mentor in index.mentors]
    bounds = found.bounds(len(mentees)).tolist()
    mentors, centi, ranked = found.mentor.tolist(), found.centi.tolist(), found.ranked.tolist()
    lists = []
    for e, mentee in enumerate(mentees):
        lo, hi = bounds[e], bounds[e + 1]
        candidates = tuple(
            Candidate(ids[j], c / CENTI) for j, c in zip(mentors[lo:hi], centi[lo:hi], strict=True)
        )
        ranking: tuple[str, ...] = ()
        if mentee.ranked_mentors:
            own = {ids[mentors[i]] for i in range(lo, hi) if ranked[i]}
            ranking = eligible_ranking(mentee, own)
        lists.append(
            CandidateList(mentee.employee_id, candidates, ranking, excluded_counts(found, e))
        )
    return lists
