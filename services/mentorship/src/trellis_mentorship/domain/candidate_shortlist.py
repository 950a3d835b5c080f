"""The inner loop of the candidate search, compiled: reach, approximate, shortlist.

For each mentee of a batch (see `candidate_search` for the words):

1. walk its posting lists, adding each entry's weight to its mentor's cell
   (a pair reached twice gets the sum, whose bit fields tell how it was reached);
2. give every reached pair an approximate score in float32 (the context table
   plus skill share times the mentee's skill points), or -1 for the mentee
   themself, their reporting chain and mentors without a free place, counting
   those exclusions;
3. keep the pairs within the margin of the K-th best approximation, plus the
   mentee's own ranked choices, for exact scoring.

Written as one loop per mentee because the array version spent most of its
time materialising 60 million (mentee, mentor, weight) entries and scattering
them through a grid to find repeats (about 6 s of one core at company scale);
here a mentee's cells live in a per-thread array that stays in cache, and only
the shortlist leaves the loop. The arithmetic is the array version's, step by
step in float32, so the shortlist is the same.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]

APPROX_STEPS = 4  # histogram buckets per point
APPROX_BUCKETS = 100 * APPROX_STEPS + 1
MARGIN = 0.02  # a hundredth for the rounding, plus far more than the float32 error


class Scratch:
    """One worker's reusable cells: per mentor, and the histogram."""

    def __init__(self, mentors: int) -> None:
        self.weight = np.zeros(mentors, dtype=np.int64)
        self.stamp = np.zeros(mentors, dtype=np.int64)  # whose cell it is: mentee + 1
        self.touched = np.empty(mentors, dtype=np.int64)
        self.approx = np.empty(mentors, dtype=np.float32)
        self.histogram = np.zeros(APPROX_BUCKETS, dtype=np.int64)


@numba.njit(cache=True, nogil=True)
def shortlist(  # one tight loop, kept whole for speed
    lo: int,
    owner: IntArray,  # batch mentee (from 0) of each walked list, ascending
    lists: IntArray,
    list_start: IntArray,
    list_size: IntArray,
    list_mentor: IntArray,
    list_weight: IntArray,
    bits: IntArray,  # seen, role, ranked, self, chain
    full: Any,  # per mentor: no free place
    context: IntArray,  # per batch mentee: its row in `table`, times the row length
    table: Any,  # float32: points of the other factors by (mentee context, mentor context, role)
    mentor_column: IntArray,  # per mentor: 2 * its context
    skill_weight: Any,  # float32 per batch mentee: skill points per sixtieth of share
    k: int,
    excluded: IntArray,  # batch mentees x 3: self, chain, no free place
    cell_weight: IntArray,
    stamp: IntArray,
    touched: IntArray,
    approx: Any,
    histogram: IntArray,
    out_mentee: IntArray,
    out_mentor: IntArray,
    out_weight: IntArray,
) -> int:
    seen, role, ranked, self_bit, chain = bits[0], bits[1], bits[2], bits[3], bits[4]
    share_mask = seen - 1
    reached_mask = self_bit - 1  # reached through a skill list, the role or the ranking
    out = 0
    row = 0
    rows = len(owner)
    while row < rows:
        e = owner[row]
        tag = lo + e + 1
        reached = 0
        while row < rows and owner[row] == e:
            lst = lists[row]
            start = list_start[lst]
            for at in range(start, start + list_size[lst]):
                j = list_mentor[at]
                if stamp[j] != tag:
                    stamp[j] = tag
                    cell_weight[j] = 0
                    touched[reached] = j
                    reached += 1
                cell_weight[j] += list_weight[at]
            row += 1
        for b in range(APPROX_BUCKETS):
            histogram[b] = 0
        base = context[e]
        points_per_sixtieth = skill_weight[e]
        for i in range(reached):
            j = touched[i]
            w = cell_weight[j]
            if w >= self_bit:  # the mentee themself or their reporting chain
                if w & reached_mask:
                    if w & self_bit:
                        excluded[e, 0] += 1
                    else:
                        excluded[e, 1] += 1
                a = np.float32(-1.0)
            elif full[j]:
                excluded[e, 2] += 1
                a = np.float32(-1.0)
            else:
                a = table[base + mentor_column[j] + (1 if w & role else 0)]
                a += np.float32(w & share_mask) * points_per_sixtieth
            approx[i] = a
            bucket = int(a * np.float32(APPROX_STEPS))
            if bucket < 0:
                bucket = 0
            elif bucket > APPROX_BUCKETS - 1:
                bucket = APPROX_BUCKETS - 1
            histogram[bucket] += 1
        # The highest bucket that at least K pairs reach (left-out pairs sit in
        # bucket 0; they only ever complete a count where every pair is kept).
        threshold = np.float32(-MARGIN)
        total = 0
        for b in range(APPROX_BUCKETS - 1, -1, -1):
            total += histogram[b]
            if total >= k:
                threshold = np.float32(b / APPROX_STEPS - MARGIN)
                break
        for i in range(reached):
            j = touched[i]
            w = cell_weight[j]
            own = (w & (self_bit | chain | ranked)) == ranked and not full[j]
            if approx[i] >= threshold or own:
                out_mentee[out] = e
                out_mentor[out] = j
                out_weight[out] = w
                out += 1
    return out
