"""Every mentee's best K mentors, in batches of arrays: the fast path behind `generate_candidates`.

The same search as `candidates.candidates_for` (which stays as the readable
one-mentee reference, and which tests compare this with): reach mentors
through the inverted index, drop the excluded ones (counted by reason), score
the rest, keep the top K by score then mentor id, plus any mentor the mentee
ranked. What changes is the cost: a batch of mentees is handled with a few
numpy passes instead of one Python call per pair: 100,000 mentees x 10,000
mentors (60 million reachable pairs) take several seconds instead of minutes.

Per batch, a mentee x mentor boolean grid marks each reachable pair once
(a second byte grid notes which came through the target role or the
mentee's ranking); its set cells are the deduplicated pairs, in mentee order. The
top K are found without sorting every pair: a per-mentee histogram of scores
gives a threshold that at least K pairs reach, and only those are sorted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from trellis_mentorship.domain.exclusions import Exclusion
from trellis_mentorship.domain.facts import MenteeFacts, normalise_word
from trellis_mentorship.domain.mentor_index import MentorIndex
from trellis_mentorship.domain.pair_scores import CENTI, ScoringTables, score_pairs, scoring_tables
from trellis_mentorship.domain.weights import CompatibilityWeights

IntArray = NDArray[np.int64]
# Mentees per batch: the grids are batch x mentors (16 MiB each, whatever the mentor count).
GRID_CELLS = 1 << 24
WORKERS = 2
BY_ROLE, RANKED = 1, 2
# In the order `exclusion_of` checks them, which decides a pair's single reason.
EXCLUSION_ORDER = (Exclusion.SELF, Exclusion.IN_REPORTING_CHAIN, Exclusion.NO_FREE_CAPACITY)
_TOP = 100 * CENTI  # the highest score, in hundredths
_BUCKETS = 101  # whole points 0..100, for the top-K threshold


@dataclass(frozen=True, slots=True)
class CandidateArrays:
    """All mentees' candidates as parallel arrays, grouped by mentee in input order.

    Within a mentee: score descending, then mentor id ascending. `mentor` is a
    position in the index; `centi` the score in hundredths; `ranked` marks the
    mentee's own choices. `excluded[e, r]` counts mentors excluded for
    `EXCLUSION_ORDER[r]`.
    """

    mentee: IntArray
    mentor: IntArray
    centi: IntArray
    ranked: NDArray[np.bool_]
    excluded: IntArray

    def bounds(self, mentee_count: int) -> IntArray:
        """Where each mentee's candidates start, plus the end."""
        counts = np.bincount(self.mentee, minlength=mentee_count)
        return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


class _Postings:
    """The index's posting lists as one array: list l is flat[start[l]:start[l] + size[l]]."""

    def __init__(self, lists: Sequence[Sequence[int]]) -> None:
        sizes = [len(found) for found in lists]
        self.size = np.asarray(sizes, dtype=np.int64)
        self.start = np.cumsum(self.size) - self.size
        self.flat = np.fromiter((j for found in lists for j in found), np.int64, sum(sizes))

    def pairs(self, owner: IntArray, lists: IntArray) -> tuple[IntArray, IntArray]:
        """(owner, mentor) for every mentor on the given lists."""
        sizes = self.size[lists]
        first = np.repeat(self.start[lists] - (np.cumsum(sizes) - sizes), sizes)
        return np.repeat(owner, sizes), self.flat[first + np.arange(int(sizes.sum()))]


class _Listed:
    """(mentee, mentor position) pairs sorted by mentee: rankings, reporting chains, skill lists."""

    def __init__(self, owner: list[int], item: list[int]) -> None:
        self.owner = np.asarray(owner, dtype=np.int64)
        self.item = np.asarray(item, dtype=np.int64)

    def batch(self, lo: int, hi: int) -> tuple[IntArray, IntArray]:
        """The pairs of mentees lo..hi-1, mentees counted from lo."""
        first, last = np.searchsorted(self.owner, (lo, hi))
        return self.owner[first:last] - lo, self.item[first:last]


@dataclass(frozen=True, slots=True)
class _MenteeLinks:
    """Per mentee: posting lists reached (skills, role), ranked and excluded mentors."""

    skill_lists: _Listed
    role_list: IntArray  # -1: none
    ranked: _Listed
    self_position: IntArray  # -1: not a mentor
    chain: _Listed


def _links(
    mentees: Sequence[MenteeFacts], index: MentorIndex
) -> tuple[_MenteeLinks, _Postings, _Postings]:
    skill_ids = {key: number for number, key in enumerate(index.by_skill)}
    role_ids = {key: number for number, key in enumerate(index.by_role)}
    # Skill ids repeat across a cohort: normalise each once.
    list_of: dict[str, int] = {}
    skill_owner: list[int] = []
    skill_list: list[int] = []
    ranked_owner: list[int] = []
    ranked_mentor: list[int] = []
    chain_owner: list[int] = []
    chain_mentor: list[int] = []
    for e, mentee in enumerate(mentees):
        found = set()  # two goals naming one skill reach its mentors once
        for goal in mentee.goals:
            number = list_of.get(goal.skill_id)
            if number is None:
                number = list_of[goal.skill_id] = skill_ids.get(normalise_word(goal.skill_id), -1)
            if number >= 0:
                found.add(number)
        skill_owner.extend([e] * len(found))
        skill_list.extend(found)
        for position in _positions(index, dict.fromkeys(mentee.ranked_mentors)):
            ranked_owner.append(e)
            ranked_mentor.append(position)
        for position in _positions(index, mentee.chain_ids):
            chain_owner.append(e)
            chain_mentor.append(position)
    n = len(mentees)
    links = _MenteeLinks(
        skill_lists=_Listed(skill_owner, skill_list),
        role_list=np.fromiter(
            (role_ids.get(m.target_role_key or "", -1) for m in mentees), np.int64, n
        ),
        ranked=_Listed(ranked_owner, ranked_mentor),
        self_position=np.fromiter(
            (_or_none(index.position(m.employee_id)) for m in mentees), np.int64, n
        ),
        chain=_Listed(chain_owner, chain_mentor),
    )
    return links, _Postings(list(index.by_skill.values())), _Postings(list(index.by_role.values()))


def _or_none(position: int | None) -> int:
    return -1 if position is None else position


def _positions(index: MentorIndex, mentor_ids: Iterable[str]) -> list[int]:
    found = (index.position(mentor_id) for mentor_id in mentor_ids)
    return [position for position in found if position is not None]


def search_candidates(
    mentees: Sequence[MenteeFacts],
    index: MentorIndex,
    weights: CompatibilityWeights,
    k: int,
    grid_cells: int = GRID_CELLS,
) -> CandidateArrays:
    if k < 1:
        raise ValueError("at least one candidate per mentee must be kept")
    links, skill_postings, role_postings = _links(mentees, index)
    search = _BatchSearch(links, skill_postings, role_postings, index, weights, mentees, k)
    batch = max(1, grid_cells // max(1, len(index.mentors)))
    starts = range(0, len(mentees), batch)
    # numpy releases the GIL in its loops, so a second thread uses a second core;
    # batches write disjoint rows of `excluded` and nothing else is shared.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        parts = list(pool.map(lambda lo: search.run(lo, min(lo + batch, len(mentees))), starts))
    return CandidateArrays(
        mentee=_joined([part[0] for part in parts]),
        mentor=_joined([part[1] for part in parts]),
        centi=_joined([part[2] for part in parts]),
        ranked=np.concatenate([part[3] for part in parts]) if parts else np.zeros(0, np.bool_),
        excluded=search.excluded,
    )


def _joined(arrays: list[IntArray]) -> IntArray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)


class _BatchSearch:
    def __init__(
        self,
        links: _MenteeLinks,
        skill_postings: _Postings,
        role_postings: _Postings,
        index: MentorIndex,
        weights: CompatibilityWeights,
        mentees: Sequence[MenteeFacts],
        k: int,
    ) -> None:
        self.links, self.skill_postings, self.role_postings = links, skill_postings, role_postings
        self.k = k
        self.tables: ScoringTables = scoring_tables(mentees, index.mentors, weights)
        self.width = len(index.mentors)
        ids = [mentor.employee_id for mentor in index.mentors]
        # Ties are broken by mentor id: each mentor's place among the ids sorted as strings.
        self.name_rank = np.empty(self.width, dtype=np.int64)
        self.name_rank[sorted(range(self.width), key=ids.__getitem__)] = np.arange(self.width)
        self.excluded = np.zeros((len(mentees), len(EXCLUSION_ORDER)), dtype=np.int64)

    def run(self, lo: int, hi: int) -> tuple[IntArray, IntArray, IntArray, NDArray[np.bool_]]:
        """(mentee, mentor, hundredths, ranked) for mentees lo..hi-1, in the output order."""
        # Fresh zeroed memory per batch (the OS hands out zero pages cheaply), so
        # concurrent batches never share a grid. `reached` holds only 0/1, which
        # lets numpy's fast boolean scan find the pairs; `flags` the role and
        # ranking bits, written and read only where needed.
        reached = np.zeros((hi - lo) * self.width, dtype=np.bool_)
        flags = np.zeros_like(reached, dtype=np.uint8)
        self._mark(reached, flags, lo, hi)
        self._exclude(reached, lo, hi, 0, self._self_cells(lo, hi))
        self._exclude(reached, lo, hi, 1, self._listed_cells(self.links.chain, lo, hi))
        cells = np.flatnonzero(reached)
        # Cells are in row order: each mentee's row ends before the next row's start.
        row_ends = np.searchsorted(cells, np.arange(1, hi - lo + 1) * self.width)
        mentee = np.repeat(np.arange(hi - lo), np.diff(row_ends, prepend=0))
        mentor = cells - mentee * self.width
        full = self.tables.mentors.free_capacity[mentor] <= 0
        if full.any():
            self.excluded[lo:hi, 2] += np.bincount(mentee[full], minlength=hi - lo)
            mentee, mentor, cells = mentee[~full], mentor[~full], cells[~full]
        cell_flags = flags[cells]
        per_mentee = np.bincount(mentee, minlength=hi - lo)
        centi = score_pairs(self.tables, lo, per_mentee, mentor, (cell_flags & BY_ROLE) != 0)
        ranked = (cell_flags & RANKED) != 0
        keep = self._top(mentee, mentor, centi, ranked, hi - lo)
        return mentee[keep] + lo, mentor[keep], centi[keep], ranked[keep]

    def _mark(self, reached: NDArray[np.bool_], flags: NDArray[np.uint8], lo: int, hi: int) -> None:
        owner, lists = self.links.skill_lists.batch(lo, hi)
        mentee, mentor = self.skill_postings.pairs(owner, lists)
        reached[mentee * self.width + mentor] = True
        roles = self.links.role_list[lo:hi]
        (owner,) = np.nonzero(roles >= 0)
        mentee, mentor = self.role_postings.pairs(owner, roles[owner])
        cells = mentee * self.width + mentor
        reached[cells] = True
        flags[cells] = BY_ROLE
        # Rankings come after roles: or-ing needs cells without repeats, which a
        # role list (one per mentee) and a ranking (deduplicated) both are.
        cells = self._listed_cells(self.links.ranked, lo, hi)
        reached[cells] = True
        flags[cells] |= RANKED

    def _self_cells(self, lo: int, hi: int) -> IntArray:
        (owner,) = np.nonzero(self.links.self_position[lo:hi] >= 0)
        return owner * self.width + self.links.self_position[lo:hi][owner]

    def _listed_cells(self, listed: _Listed, lo: int, hi: int) -> IntArray:
        owner, mentor = listed.batch(lo, hi)
        return owner * self.width + mentor

    def _exclude(
        self, reached: NDArray[np.bool_], lo: int, hi: int, reason: int, cells: IntArray
    ) -> None:
        """Count and unmark the reachable ones among these excluded cells (no repeats)."""
        hit = cells[reached[cells]]
        self.excluded[lo:hi, reason] += np.bincount(hit // self.width, minlength=hi - lo)
        reached[hit] = False

    def _top(
        self,
        mentee: IntArray,
        mentor: IntArray,
        centi: IntArray,
        ranked: NDArray[np.bool_],
        count: int,
    ) -> IntArray:
        """Indices of the kept pairs, sorted by mentee, score descending, mentor id."""
        # Threshold per mentee: the highest whole point that at least K pairs reach.
        points = np.minimum(centi // CENTI, _BUCKETS - 1)
        histogram = np.bincount(mentee * _BUCKETS + points, minlength=count * _BUCKETS)
        at_least = histogram.reshape(count, _BUCKETS)[:, ::-1].cumsum(axis=1)
        enough = at_least >= self.k
        threshold = np.where(enough.any(axis=1), _BUCKETS - 1 - enough.argmax(axis=1), 0)
        (near,) = np.nonzero((points >= threshold[mentee]) | ranked)
        key = (mentee[near] * (_TOP + 1) + (_TOP - centi[near])) * self.width
        order = near[np.argsort(key + self.name_rank[mentor[near]])]
        sizes = np.bincount(mentee[order], minlength=count)
        place = np.arange(len(order)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        return order[(place < self.k) | ranked[order]]
