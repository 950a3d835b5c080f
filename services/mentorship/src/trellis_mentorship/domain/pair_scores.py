"""Compatibility scores of many (mentee, mentor) pairs at once, equal to `MenteeScorer.score`.

Company-scale candidate generation scores tens of millions of pairs; one
Python call per pair takes half a minute. Here every person becomes a row of
small integer codes (department, level, time zone, languages as bits, goal
skills as columns of a mentor x skill level matrix), and a batch of pairs is
scored with a few numpy passes.

Equality with the scalar path is exact, not approximate, because:
- the shares come from the same functions (`seniority_share`,
  `shared_working_hours`, `max_points_for`), tabulated once per distinct input;
- every float operation is the one the scalar path does, in the same order
  (IEEE arithmetic is deterministic): skill shares summed goal by goal, the
  six products added left to right;
- Python's `round(x, 2)` is reproduced as an integer number of hundredths:
  `rint(x * 100)` is exact except within a hair of a half, and those few
  pairs are rounded by Python itself.
Scores are returned as those hundredths (`centi`), which sort as integers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from trellis_mentorship.domain.compatibility import (
    FACTORS,
    SCORE_DECIMALS,
    Points,
    ideal_mentor_level,
    max_points_for,
    seniority_share,
)
from trellis_mentorship.domain.facts import MenteeFacts, MentorFacts
from trellis_mentorship.domain.weights import CompatibilityWeights
from trellis_mentorship.domain.working_hours import WORKDAY_HOURS, shared_working_hours

K = TypeVar("K")
IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
CENTI = 10**SCORE_DECIMALS
# Within this distance of a half, x * 100 may have been rounded across it.
_NEAR_HALF = 1e-6
_BITS = 64
_SPLITTER = float(2**27 + 1)


class Codes(Generic[K]):
    """Dense integer codes for values, in first-seen order."""

    __slots__ = ("by_value",)

    def __init__(self) -> None:
        self.by_value: dict[K, int] = {}

    def code(self, value: K) -> int:
        return self.by_value.setdefault(value, len(self.by_value))


class LanguageWords:
    """Languages as bit sets, 64 per word; languages no mentee speaks are ignored.

    Memoised per set of languages: a cohort speaks few distinct combinations.
    """

    __slots__ = ("_bit", "_memo", "words")

    def __init__(self, bit: dict[str, int]) -> None:
        self._bit = bit
        self._memo: dict[frozenset[str], list[int]] = {}
        self.words = max(1, -(-len(bit) // _BITS))

    def __call__(self, keys: frozenset[str]) -> list[int]:
        found = self._memo.get(keys)
        if found is None:
            found = [0] * self.words
            for key in keys:
                bit = self._bit.get(key)
                if bit is not None:
                    found[bit // _BITS] |= 1 << (bit % _BITS)
            self._memo[keys] = found
        return found


@dataclass(frozen=True, slots=True)
class MenteeRows:
    """Per-mentee codes and points for one cohort; rows follow the mentee order."""

    skill_column: IntArray  # (n, goals) column of the level matrix; padding: the zero column
    ideal: IntArray  # (n, goals) ideal mentor level; padding: 1
    goal_count: IntArray
    department: IntArray
    level: IntArray
    offset: IntArray
    languages: NDArray[np.uint64]  # (n, words)
    points: FloatArray  # (n, 6)
    point_kind: IntArray  # which factors apply: equal kinds, equal points


@dataclass(frozen=True, slots=True)
class MentorColumns:
    """Per-mentor codes; `skill_levels` is mentor x goal skill, 0 where not held."""

    skill_levels: NDArray[np.int8]
    department: IntArray
    level: IntArray
    offset: IntArray
    languages: NDArray[np.uint64]  # (m, words)
    free_capacity: IntArray


@dataclass(frozen=True, slots=True)
class ScoringTables:
    mentees: MenteeRows
    mentors: MentorColumns
    seniority: FloatArray  # share by gap - lowest_gap
    lowest_gap: int
    hours: FloatArray  # share by (mentee offset code, mentor offset code)
    goal_skills: tuple[str, ...]  # the skill id of each column of `skill_levels` ("" for 0)


def scoring_tables(
    mentees: Sequence[MenteeFacts],
    mentors: Sequence[MentorFacts],
    weights: CompatibilityWeights,
) -> ScoringTables:
    departments: Codes[str] = Codes()
    offsets: Codes[float] = Codes()
    # Only skills some mentee aims at need a column; column 0 is "no such skill".
    skill_columns = {"": 0}
    bits: dict[str, int] = {}
    for mentee in mentees:
        for goal in mentee.goals:
            skill_columns.setdefault(goal.skill_id, len(skill_columns))
        for key in mentee.language_keys:
            bits.setdefault(key, len(bits))
    languages = LanguageWords(bits)
    mentee_rows = _mentee_rows(mentees, weights, skill_columns, languages, departments, offsets)
    mentor_columns = _mentor_columns(mentors, skill_columns, languages, departments, offsets)
    low, high = _gap_range(mentee_rows.level, mentor_columns.level)
    offset_values = list(offsets.by_value)
    hours = [
        shared_working_hours(a, b) / WORKDAY_HOURS for a in offset_values for b in offset_values
    ]
    return ScoringTables(
        mentee_rows,
        mentor_columns,
        seniority=np.array([seniority_share(gap, weights) for gap in range(low, high + 1)]),
        lowest_gap=low,
        hours=np.array(hours, dtype=np.float64).reshape(len(offset_values), len(offset_values)),
        goal_skills=tuple(skill_columns),
    )


def _gap_range(mentee_level: IntArray, mentor_level: IntArray) -> tuple[int, int]:
    if not len(mentee_level) or not len(mentor_level):
        return 0, 0
    low = int(mentor_level.min()) - int(mentee_level.max())
    return low, int(mentor_level.max()) - int(mentee_level.min())


def _mentee_rows(
    mentees: Sequence[MenteeFacts],
    weights: CompatibilityWeights,
    skill_columns: dict[str, int],
    languages: LanguageWords,
    departments: Codes[str],
    offsets: Codes[float],
) -> MenteeRows:
    n = len(mentees)
    width = max((len(mentee.goals) for mentee in mentees), default=0) or 1
    # Padding: the zero column (no mentor has a level there) with ideal 1.
    columns = [0] * (n * width)
    ideal = [1] * (n * width)
    headroom = weights.skill_headroom_levels
    for e, mentee in enumerate(mentees):
        at = e * width
        for g, goal in enumerate(mentee.goals):
            columns[at + g] = skill_columns[goal.skill_id]
            ideal[at + g] = ideal_mentor_level(goal, headroom)
    points, kinds = _points(mentees, weights)
    return MenteeRows(
        skill_column=np.array(columns, dtype=np.int64).reshape(n, width),
        ideal=np.array(ideal, dtype=np.int64).reshape(n, width),
        goal_count=np.fromiter((len(m.goals) for m in mentees), np.int64, n),
        department=np.fromiter((departments.code(m.department_key) for m in mentees), np.int64, n),
        level=np.fromiter((m.level for m in mentees), np.int64, n),
        offset=np.fromiter((offsets.code(m.utc_offset_hours) for m in mentees), np.int64, n),
        languages=np.array([languages(m.language_keys) for m in mentees], dtype=np.uint64).reshape(
            n, languages.words
        ),
        points=np.array(points, dtype=np.float64).reshape(n, len(FACTORS)),
        point_kind=np.asarray(kinds, dtype=np.int64),
    )


def _points(
    mentees: Sequence[MenteeFacts], weights: CompatibilityWeights
) -> tuple[list[Points], list[int]]:
    """`max_points_for` of every mentee, computed once per combination of what
    applies (its kind, numbered in first-seen order).

    (Hashing the weights for its cache, once per mentee, cost more than the rest.)
    """
    by_kind: dict[tuple[bool, bool, bool, bool], tuple[Points, int]] = {}
    found = []
    kinds = []
    for mentee in mentees:
        kind = (
            bool(mentee.goals),
            mentee.target_role_key is not None,
            mentee.prefers_other_department,
            bool(mentee.language_keys),
        )
        known = by_kind.get(kind)
        if known is None:
            known = by_kind[kind] = (max_points_for(mentee, weights), len(by_kind))
        found.append(known[0])
        kinds.append(known[1])
    return found, kinds


def _mentor_columns(
    mentors: Sequence[MentorFacts],
    skill_columns: dict[str, int],
    languages: LanguageWords,
    departments: Codes[str],
    offsets: Codes[float],
) -> MentorColumns:
    m = len(mentors)
    # Bytes, not words: the matrix is read at random and should stay in cache.
    levels = np.zeros((m, len(skill_columns)), dtype=np.int8)
    for j, mentor in enumerate(mentors):
        for skill, level in mentor.skills.items():
            column = skill_columns.get(skill)
            if column:
                levels[j, column] = level
    return MentorColumns(
        skill_levels=levels,
        department=np.fromiter((departments.code(x.department_key) for x in mentors), np.int64, m),
        level=np.fromiter((x.level for x in mentors), np.int64, m),
        offset=np.fromiter((offsets.code(x.utc_offset_hours) for x in mentors), np.int64, m),
        languages=np.array([languages(x.language_keys) for x in mentors], dtype=np.uint64).reshape(
            m, languages.words
        ),
        free_capacity=np.fromiter((x.free_capacity for x in mentors), np.int64, m),
    )


def score_pairs(
    tables: ScoringTables,
    lo: int,
    per_mentee: IntArray,
    mentor: IntArray,
    holds_target_role: NDArray[np.bool_],
) -> IntArray:
    """Scores in hundredths for the pairs of mentee rows lo, lo+1, ... in order.

    Pairs come grouped by mentee: `per_mentee[i]` pairs of row lo + i, so the
    mentee side is spread with `np.repeat` (a copy) rather than gathered.
    `holds_target_role` comes from the role index (the search knows which
    mentors it reached through the mentee's target role).
    """
    rows, columns = tables.mentees, tables.mentors
    hi = lo + len(per_mentee)

    def spread(values: NDArray[Any]) -> NDArray[Any]:
        return np.repeat(values[lo:hi], per_mentee, axis=0)

    skills = np.zeros(len(mentor), dtype=np.float64)
    levels = columns.skill_levels.ravel()
    first = mentor * columns.skill_levels.shape[1]
    for g in range(rows.skill_column.shape[1]):
        # Padding reads the zero column with ideal 1 and adds an exact 0.0.
        ideal = spread(rows.ideal[:, g])
        held = levels.take(first + spread(rows.skill_column[:, g])).astype(np.int64)
        skills += np.minimum(held, ideal) / ideal
    skills /= spread(np.maximum(rows.goal_count, 1))
    points = rows.points
    earned = spread(points[:, 0]) * skills
    earned += spread(points[:, 1]) * holds_target_role
    earned += spread(points[:, 2]) * (columns.department.take(mentor) != spread(rows.department))
    gap = columns.level.take(mentor) - spread(rows.level + tables.lowest_gap)
    earned += spread(points[:, 3]) * tables.seniority.take(gap)
    hours = spread(rows.offset * tables.hours.shape[1]) + columns.offset.take(mentor)
    earned += spread(points[:, 4]) * tables.hours.ravel().take(hours)
    if rows.languages.shape[1] == 1:
        shared = (spread(rows.languages[:, 0]) & columns.languages[:, 0].take(mentor)) != 0
    else:
        shared = (spread(rows.languages) & columns.languages[mentor]).any(axis=1)
    earned += spread(points[:, 5]) * shared
    return to_centi(earned)


def to_centi(earned: FloatArray) -> IntArray:
    """`round(x, 2) * 100` as exact integers: Python's rounding of the exact binary value.

    `rint(x * 100)` is right except where x * 100 lies within a hair of a half
    (the product itself was rounded). There the exact x * 200 is compared with
    the odd integer 2N + 1 between the two candidates N and N + 1, using an
    error-free product (Dekker): x * 200 = product + error exactly.
    """
    scaled = earned * CENTI
    centi = np.rint(scaled)
    # Exact ties go to the even neighbour, as in Python.
    (near,) = np.nonzero(np.abs(scaled - np.floor(scaled) - 0.5) < _NEAR_HALF)
    if len(near):
        x = earned[near]
        low = np.floor(scaled[near])
        product = x * (2 * CENTI)
        # Veltkamp split: x = high + rest with both halves short enough that
        # their products with 200 (8 significant bits) are exact.
        split = x * _SPLITTER
        high = split - (split - x)
        rest = x - high
        error = (high * (2 * CENTI) - product) + rest * (2 * CENTI)
        above = (product - (2 * low + 1)) + error  # exact difference's sign
        tie_up = (above == 0) & (low % 2 == 1)
        centi[near] = low + ((above > 0) | tie_up)
    result: IntArray = centi.astype(np.int64)
    return result
