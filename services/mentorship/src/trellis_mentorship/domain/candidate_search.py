"""Every mentee's best K mentors, in batches of arrays: the fast path behind `generate_candidates`.

The same search as `candidates.candidates_for` (which stays as the readable
one-mentee reference, and which tests compare this with): reach mentors
through the inverted index, drop the excluded ones (counted by reason), score
the rest, keep the top K by score then mentor id, plus any mentor the mentee
ranked. What changes is the cost: 100,000 mentees x 10,000 mentors (60
million reachable pairs) take a few seconds instead of minutes.

Where the time goes, and what is done about it:

- Reaching. Each goal is a "feature" (its skill id and ideal level) whose
  posting list carries, per mentor, the goal's skill share in sixtieths (an
  integer: the ideal level is 1..5 and divides 60). A mentee walks its
  features, its target role's list and a private list (its ranked, own and
  reporting-chain mentors); a pair reached twice gets the sum of its weights,
  whose bit fields say how much skill share it has, whether it came through
  the role or the ranking, and whether it is the mentee or in the reporting
  chain.
- Scoring. Every reachable pair gets an approximate score in float32: the
  skill share times the mentee's skill points, plus the other five factors
  from a table of mentee context (department, level, time zone, languages,
  points) by mentor context. Mentees are processed sorted by context, so a
  batch needs the rows of only a few contexts.
- Choosing. A per-mentee histogram of approximate scores gives a threshold
  that at least K pairs reach; the pairs within `MARGIN` of it (and the
  mentee's ranked mentors) are scored exactly with `score_pairs`, and the top
  K chosen among those exactly as before. The margin covers the float32 error
  and the rounding to hundredths: a pair that the exact top K holds cannot
  score more than a hundredth below the K-th best of the approximations.

Reaching, approximating and shortlisting run per mentee in a compiled loop
(`candidate_shortlist`); exact scoring and the final choice stay array code.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace

import numpy as np
from numpy.typing import NDArray

from trellis_mentorship.domain.candidate_shortlist import Scratch, shortlist
from trellis_mentorship.domain.exclusions import Exclusion
from trellis_mentorship.domain.facts import MenteeFacts, normalise_word
from trellis_mentorship.domain.mentor_index import MentorIndex
from trellis_mentorship.domain.pair_scores import (
    CENTI,
    MenteeRows,
    ScoringTables,
    score_pairs,
    scoring_tables,
)
from trellis_mentorship.domain.weights import CompatibilityWeights

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
# Mentees per batch: the exact scoring's temporaries stay small, and two
# workers share the work evenly (256 to 2,048 measured alike).
BATCH = 1024
WORKERS = 2
# In the order `exclusion_of` checks them, which decides a pair's single reason.
EXCLUSION_ORDER = (Exclusion.SELF, Exclusion.IN_REPORTING_CHAIN, Exclusion.NO_FREE_CAPACITY)
_TOP = 100 * CENTI  # the highest score, in hundredths
_BUCKETS = 101  # whole points 0..100, for the exact top-K threshold
_SIXTIETHS = 60  # every ideal level 1..5 divides it


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


@dataclass(frozen=True, slots=True)
class _Fields:
    """Bit fields of an entry's weight; a pair's weights add up without carries.

    The lowest field holds the skill share in sixtieths summed over goals, the
    next one counts skill lists (so that a pair reached only through a skill
    the mentor offers as a topic, share 0, still shows as reached); then one
    bit each, so that masks read them. Repeated pairs sum their weights as
    float64 (`np.bincount`), exact far beyond these sizes.
    """

    seen: int  # one skill list
    role: int
    ranked: int
    self: int
    chain: int

    @classmethod
    def for_goals(cls, most_goals: int) -> _Fields:
        seen = 1 << max(1, _SIXTIETHS * most_goals).bit_length()
        role = seen << max(1, most_goals + 1).bit_length()
        return cls(seen, role, role << 1, role << 2, role << 3)


class _Lists:
    """Posting lists as one array each for mentors and weights: list l is [start[l], +size[l])."""

    def __init__(self, mentor: IntArray, weight: IntArray, size: IntArray) -> None:
        self.mentor, self.weight, self.size = mentor, weight, size
        self.start = np.cumsum(size) - size


@dataclass(frozen=True, slots=True)
class _Listed:
    """(mentee, list) pairs sorted by mentee: which lists each mentee walks."""

    owner: IntArray
    lists: IntArray

    def batch(self, lo: int, hi: int) -> tuple[IntArray, IntArray]:
        """The pairs of mentees lo..hi-1, mentees counted from lo."""
        first, last = np.searchsorted(self.owner, (lo, hi))
        return self.owner[first:last] - lo, self.lists[first:last]


def search_candidates(
    mentees: Sequence[MenteeFacts],
    index: MentorIndex,
    weights: CompatibilityWeights,
    k: int,
    batch: int = BATCH,
) -> CandidateArrays:
    if k < 1:
        raise ValueError("at least one candidate per mentee must be kept")
    n = len(mentees)
    tables = scoring_tables(mentees, index.mentors, weights)
    contexts = _Contexts(tables)
    # Sorted by context, a batch needs few rows of the context table.
    order = np.argsort(contexts.of_mentee, kind="stable")
    ordered = [mentees[e] for e in order.tolist()]
    search = _BatchSearch(ordered, index, _permuted(tables, order), contexts, order, k)
    starts = range(0, n, batch)
    # The compiled loop and numpy release the GIL, so a second thread uses a
    # second core; batches write disjoint rows of `excluded`, each worker has
    # its own scratch cells, and nothing else is shared.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        parts = list(pool.map(lambda lo: search.run(lo, min(lo + batch, n)), starts))
    mentee = order[_joined([part[0] for part in parts])]
    # Back to input order; within a mentee the batch's order (best first) stays.
    back = np.argsort(mentee, kind="stable")
    excluded = np.empty_like(search.excluded)
    excluded[order] = search.excluded
    return CandidateArrays(
        mentee=mentee[back],
        mentor=_joined([part[1] for part in parts])[back],
        centi=_joined([part[2] for part in parts])[back],
        ranked=(np.concatenate([part[3] for part in parts]) if parts else np.zeros(0, np.bool_))[
            back
        ],
        excluded=excluded,
    )


def _joined(arrays: list[IntArray]) -> IntArray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)


def _permuted(tables: ScoringTables, order: IntArray) -> ScoringTables:
    rows = tables.mentees
    moved = {field.name: getattr(rows, field.name)[order] for field in fields(MenteeRows)}
    return replace(tables, mentees=MenteeRows(**moved))


class _Contexts:
    """Everything but the skills, as a table of mentee context by mentor context.

    A mentee's context is what the five other factors read of it (department,
    level, time zone, languages and their points); a mentor's the same four
    attributes. Contexts are numbered in sorted order, so mentees sorted by
    context meet each one in a single run.
    """

    def __init__(self, tables: ScoringTables) -> None:
        rows, columns = tables.mentees, tables.mentors
        mentee_languages, mentor_languages, self.shared = _language_codes(
            rows.languages, columns.languages
        )
        parts = [rows.department, rows.level, rows.offset, mentee_languages, rows.point_kind]
        first, self.of_mentee = _row_codes(parts)
        self.department = rows.department[first]
        self.level = rows.level[first]
        self.offset = rows.offset[first]
        self.languages = mentee_languages[first]
        self.points = rows.points[first, 1:]  # factors 1..5
        parts = [columns.department, columns.level, columns.offset, mentor_languages]
        first, self.of_mentor = _row_codes(parts)
        self.mentor_contexts = np.column_stack([part[first] for part in parts])
        self.tables = tables

    def block(self, first: int, last: int) -> NDArray[np.float32]:
        """Points of factors 1..5 for mentee contexts first..last by mentor context and role.

        Flat: [(context - first) * mentor contexts + mentor context] * 2 + holds the role.
        """
        c = slice(first, last + 1)
        department, level, offset, languages = self.mentor_contexts.T
        points = self.points[c]
        seniority = self.tables.seniority[
            level[None, :] - self.level[c, None] - self.tables.lowest_gap
        ]
        others = (
            points[:, 1:2] * (department[None, :] != self.department[c, None])
            + points[:, 2:3] * seniority
            + points[:, 3:4] * self.tables.hours[self.offset[c, None], offset[None, :]]
            + points[:, 4:5] * self.shared[self.languages[c, None], languages[None, :]]
        )
        with_role = np.stack([others, others + points[:, 0:1]], axis=2)
        return with_role.astype(np.float32).reshape(-1)


def _row_codes(parts: list[IntArray]) -> tuple[IntArray, IntArray]:
    """Number the distinct rows of these columns in sorted order: (a row of each, each row's).

    One integer key per row (mixed radix) sorts far faster than `np.unique`
    over rows; the row-wise form stays for keys that would not fit.
    """
    if not len(parts[0]):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    low = [int(part.min()) for part in parts]
    sizes = [int(part.max()) - lowest + 1 for part, lowest in zip(parts, low, strict=True)]
    if math.prod(sizes) < 2**62:
        key = np.zeros(len(parts[0]), dtype=np.int64)
        for part, lowest, size in zip(parts, low, sizes, strict=True):
            key = key * size + (part - lowest)
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    else:
        _, first, inverse = np.unique(
            np.column_stack(parts), axis=0, return_index=True, return_inverse=True
        )
    return first.astype(np.int64), inverse.reshape(-1).astype(np.int64)


def _language_codes(
    mentee: NDArray[np.uint64], mentor: NDArray[np.uint64]
) -> tuple[IntArray, IntArray, NDArray[np.bool_]]:
    """Codes of the distinct language sets on each side, and which pairs share one."""
    mentee_sets, mentee_code = _distinct_words(mentee)
    mentor_sets, mentor_code = _distinct_words(mentor)
    shared = np.any(mentee_sets[:, None, :] & mentor_sets[None, :, :], axis=2).astype(np.bool_)
    return (
        mentee_code.reshape(-1).astype(np.int64),
        mentor_code.reshape(-1).astype(np.int64),
        shared,
    )


def _lists_and_links(
    mentees: Sequence[MenteeFacts], index: MentorIndex, tables: ScoringTables
) -> tuple[_Lists, _Listed, _Fields]:
    """The posting lists (goal features, roles, one private list per mentee) and who walks which."""
    rows = tables.mentees
    n, width = rows.skill_column.shape
    bits = _Fields.for_goals(width)
    # Goal features: (skill column, ideal level); a goal slot is real below the goal count.
    real = np.arange(width)[None, :] < rows.goal_count[:, None]
    owner = np.repeat(np.arange(n, dtype=np.int64), real.sum(axis=1))
    feature_key = (rows.skill_column * 8 + rows.ideal)[real]
    keys, feature = np.unique(feature_key, return_inverse=True)
    feature = feature.reshape(-1).astype(np.int64)
    postings = {key: number for number, key in enumerate(index.by_skill)}
    by_skill = list(index.by_skill.values())
    levels = tables.mentors.skill_levels
    mentors: list[IntArray] = []
    weights: list[IntArray] = []
    for key in keys.tolist():
        column, ideal = divmod(key, 8)
        number = postings.get(normalise_word(tables.goal_skills[column]), -1)
        found = np.asarray(by_skill[number] if number >= 0 else (), dtype=np.int64)
        share = _SIXTIETHS * np.minimum(levels[found, column].astype(np.int64), ideal) // ideal
        mentors.append(found)
        weights.append(bits.seen + share)
    role_base = len(mentors)
    role_of = {key: role_base + number for number, key in enumerate(index.by_role)}
    for found_roles in index.by_role.values():
        mentors.append(np.asarray(found_roles, dtype=np.int64))
        weights.append(np.full(len(found_roles), bits.role, dtype=np.int64))
    sizes = [len(found) for found in mentors]
    role_list = np.fromiter(
        (role_of.get(mentee.target_role_key or "", -1) for mentee in mentees), np.int64, n
    )
    (role_owner,) = np.nonzero(role_list >= 0)
    # One private list per mentee: ranked, own and reporting-chain mentors, in
    # flat Python lists (a small array per mentee would cost more than the rest).
    position = {mentor.employee_id: j for j, mentor in enumerate(index.mentors)}.get
    private_owner: list[int] = []
    private_mentor: list[int] = []
    private_kind: list[int] = []
    for e, mentee in enumerate(mentees):
        found_before = len(private_mentor)
        for mentor_id in dict.fromkeys(mentee.ranked_mentors) if mentee.ranked_mentors else ():
            at = position(mentor_id)
            if at is not None:
                private_mentor.append(at)
                private_kind.append(bits.ranked)
        at = position(mentee.employee_id)
        if at is not None:
            private_mentor.append(at)
            private_kind.append(bits.self)
        for mentor_id in mentee.chain_ids:
            at = position(mentor_id)
            if at is not None:
                private_mentor.append(at)
                private_kind.append(bits.chain)
        if len(private_mentor) > found_before:
            private_owner.append(e)
            sizes.append(len(private_mentor) - found_before)
    private_list = role_base + len(role_of) + np.arange(len(private_owner), dtype=np.int64)
    all_owner = np.concatenate([owner, role_owner, np.asarray(private_owner, np.int64)])
    all_lists = np.concatenate([feature, role_list[role_owner], private_list])
    by_owner = np.argsort(all_owner, kind="stable")
    listed = _Listed(all_owner[by_owner], all_lists[by_owner])
    lists = _Lists(
        np.concatenate([*mentors, np.asarray(private_mentor, np.int64)]),
        np.concatenate([*weights, np.asarray(private_kind, np.int64)]),
        np.asarray(sizes, dtype=np.int64),
    )
    return lists, listed, bits


def _distinct_words(words: NDArray[np.uint64]) -> tuple[NDArray[np.uint64], IntArray]:
    """The distinct rows of bit words and each row's number; one word (64 languages) is usual."""
    if words.shape[1] == 1:
        sets, code = np.unique(words[:, 0], return_inverse=True)
        return sets[:, None], code.reshape(-1).astype(np.int64)
    sets, code = np.unique(words, axis=0, return_inverse=True)
    return sets, code.reshape(-1).astype(np.int64)


class _BatchSearch:
    def __init__(
        self,
        mentees: Sequence[MenteeFacts],
        index: MentorIndex,
        tables: ScoringTables,
        contexts: _Contexts,
        order: IntArray,
        k: int,
    ) -> None:
        self.k = k
        self.tables = tables
        self.contexts = contexts
        self.context = contexts.of_mentee[order]
        self.lists, self.listed, self.bits = _lists_and_links(mentees, index, tables)
        self.width = len(index.mentors)
        ids = [mentor.employee_id for mentor in index.mentors]
        # Ties are broken by mentor id: each mentor's place among the ids sorted as strings.
        self.name_rank = np.empty(self.width, dtype=np.int64)
        self.name_rank[sorted(range(self.width), key=ids.__getitem__)] = np.arange(self.width)
        self.full = tables.mentors.free_capacity <= 0
        rows = tables.mentees
        # Skill points per sixtieth of share: the share is the mean over goals.
        self.skill_weight = (
            rows.points[:, 0] / (_SIXTIETHS * np.maximum(rows.goal_count, 1))
        ).astype(np.float32)
        self.mentor_context2 = 2 * contexts.of_mentor
        self.excluded = np.zeros((len(mentees), len(EXCLUSION_ORDER)), dtype=np.int64)
        self._local = threading.local()

    def _scratch(self) -> Scratch:
        """This worker's cells, reused from batch to batch."""
        scratch: Scratch | None = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = Scratch(self.width)
            self._local.scratch = scratch
        return scratch

    def run(self, lo: int, hi: int) -> tuple[IntArray, IntArray, IntArray, NDArray[np.bool_]]:
        """(mentee, mentor, hundredths, ranked) for mentees lo..hi-1, in the output order."""
        count = hi - lo
        who, whom, kept_weight = self._shortlist(lo, hi)
        bits = self.bits
        holds_role = (kept_weight & bits.role) != 0
        ranked = (kept_weight & bits.ranked) != 0
        per_mentee = np.bincount(who, minlength=count)
        centi = score_pairs(self.tables, lo, per_mentee, whom, holds_role)
        keep = self._top(who, whom, centi, ranked, count)
        return who[keep] + lo, whom[keep], centi[keep], ranked[keep]

    def _shortlist(self, lo: int, hi: int) -> tuple[IntArray, IntArray, IntArray]:
        """The pairs worth scoring exactly (mentees from 0), with their summed weights."""
        owner, lists = self.listed.batch(lo, hi)
        room = int(self.lists.size[lists].sum())  # at most one pair per entry walked
        out_mentee = np.empty(room, dtype=np.int64)
        out_mentor = np.empty(room, dtype=np.int64)
        out_weight = np.empty(room, dtype=np.int64)
        context = self.context[lo:hi]
        first = int(context.min()) if len(context) else 0
        last = int(context.max()) if len(context) else 0
        span = 2 * len(self.contexts.mentor_contexts)
        scratch = self._scratch()
        bits = self.bits
        kept = shortlist(
            lo,
            owner,
            lists,
            self.lists.start,
            self.lists.size,
            self.lists.mentor,
            self.lists.weight,
            np.array([bits.seen, bits.role, bits.ranked, bits.self, bits.chain], dtype=np.int64),
            self.full,
            (context - first) * span,
            self.contexts.block(first, last),
            self.mentor_context2,
            self.skill_weight[lo:hi],
            self.k,
            self.excluded[lo:hi],
            scratch.weight,
            scratch.stamp,
            scratch.touched,
            scratch.approx,
            scratch.histogram,
            out_mentee,
            out_mentor,
            out_weight,
        )
        return out_mentee[:kept], out_mentor[:kept], out_weight[:kept]

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
