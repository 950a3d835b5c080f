"""Recommendations: the open postings that fit a person best, and the reverse.

`OpportunityIndex.recommend` scores every open posting with numpy
(recommend/scoring.py, the same score as `explain_fit` to the tenth), picks the
best `limit` (ties by opportunity id) and only then calls `explain_fit` for
those few to build their explanations. The ranking therefore equals a brute-force
`explain_fit` over every posting, at a fraction of the cost.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from trellis_postings.domain.fit.explanation import MatchExplanation
from trellis_postings.domain.fit.facts import CandidateFacts, OpportunityFacts
from trellis_postings.domain.fit.score import explain_fit
from trellis_postings.domain.recommend.scoring import score_all
from trellis_postings.domain.recommend.store import KIND_CODES, OpportunityStore
from trellis_postings.domain.scoring_config import DEFAULT_SCORING, ScoringConfig


@dataclass(frozen=True, slots=True)
class Recommendation:
    opportunity_id: str
    explanation: MatchExplanation


class OpportunityIndex:
    """The open opportunities, kept in memory for recommendations.

    Upsert and remove cost a few list operations (no rebuild); a query scores
    every open posting vectorised, then explains the best few.
    """

    def __init__(self, expected: ScoringConfig = DEFAULT_SCORING) -> None:
        """`expected`: the config most queries will use; its skill maxima are kept
        from the first upsert. Another config works too, and costs one pass over
        the index the first time it is used."""
        self._store = OpportunityStore([expected.budget().skills])

    def __len__(self) -> int:
        return len(self._store)

    def __contains__(self, opportunity_id: object) -> bool:
        return opportunity_id in self._store.slot_of

    def upsert(self, opportunity: OpportunityFacts) -> None:
        self._store.upsert(opportunity)

    def remove(self, opportunity_id: str) -> bool:
        """Forget a posting (closed, filled, cancelled); False if it was not there."""
        return self._store.remove(opportunity_id)

    def recommend(
        self,
        candidate: CandidateFacts,
        config: ScoringConfig,
        limit: int = 20,
        kinds: frozenset[str] | None = None,
        exclude: frozenset[str] = frozenset(),
    ) -> list[Recommendation]:
        """The best `limit` open postings for `candidate`, best first (ties by id).

        Postings scoring 0 come last and only fill the list when fewer than
        `limit` score above 0. `kinds` keeps only those kinds; `exclude` drops
        postings by id (e.g. ones already applied to).
        """
        store = self._store
        if limit <= 0 or not len(store):
            return []
        eligible = self._eligible(kinds, exclude)
        wanted = min(limit, int(np.count_nonzero(eligible)))
        if wanted == 0:
            return []
        scores = np.where(eligible, score_all(store, candidate, config), -1)
        best = _best_slots(scores, wanted, store.facts)
        found = []
        for slot in best:
            facts = store.facts[slot]
            assert facts is not None, "only live slots are eligible"
            found.append(
                Recommendation(facts.opportunity_id, explain_fit(candidate, facts, config))
            )
        return found

    def _eligible(
        self, kinds: frozenset[str] | None, exclude: frozenset[str]
    ) -> np.ndarray[tuple[int], np.dtype[np.bool_]]:
        slots = self._store.slots
        eligible = slots["alive"].copy()
        if kinds is not None:
            codes = [KIND_CODES[k] for k in kinds if k in KIND_CODES]
            eligible &= np.isin(slots["kind"], codes)
        for opportunity_id in exclude:
            slot = self._store.slot_of.get(opportunity_id)
            if slot is not None:
                eligible[slot] = False
        return eligible


def _best_slots(
    scores: np.ndarray[tuple[int], np.dtype[np.int32]],
    wanted: int,
    facts: list[OpportunityFacts | None],
) -> list[int]:
    """Slots of the `wanted` highest scores, ties by opportunity id, in rank order."""
    span = len(scores)
    threshold = int(np.partition(scores, span - wanted)[span - wanted])
    above = np.flatnonzero(scores > threshold).tolist()
    tied = np.flatnonzero(scores == threshold).tolist()
    # Many postings can share the threshold score: only they need their ids compared.
    tied_best = heapq.nsmallest(wanted - len(above), tied, key=lambda s: _id(facts, s))
    chosen = above + tied_best
    return sorted(chosen, key=lambda s: (-int(scores[s]), _id(facts, s)))


def _id(facts: list[OpportunityFacts | None], slot: int) -> str:
    found = facts[slot]
    assert found is not None, "only live slots are ranked"
    return found.opportunity_id


def rank_candidates(
    opportunity: OpportunityFacts,
    candidates: Iterable[CandidateFacts],
    config: ScoringConfig,
    limit: int,
) -> list[tuple[str, MatchExplanation]]:
    """The `limit` people who fit a posting best (hiring manager's search), ties by id."""
    if limit <= 0:
        return []
    explained = ((explain_fit(c, opportunity, config), c.employee_id) for c in candidates)
    best = heapq.nsmallest(limit, explained, key=lambda pair: (-pair[0].score, pair[1]))
    return [(employee_id, explanation) for explanation, employee_id in best]
