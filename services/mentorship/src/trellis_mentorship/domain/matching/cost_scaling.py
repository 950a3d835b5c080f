"""Maximum-weight b-matching by cost scaling (push-relabel), compiled with numba.

The problem: mentees take at most one mentor, mentor j takes at most
`capacity[j]` mentees, only along candidate edges, and the total value is
as high as possible. Leaving a mentee out is allowed (it adds 0), so is
leaving a place empty.

As a minimum-cost flow: every mentee supplies one unit; the unit reaches a
sink T either through a mentor (edge cost -value, then mentor -> T with
capacity c_j) or directly (mentee -> T, cost 0: "unmatched"). Goldberg's
cost-scaling algorithm solves it exactly:

- costs are integers multiplied by (nodes + 1), so a flow that is 1-optimal
  in those units is optimal in the original ones;
- each phase ("refine") divides epsilon by ALPHA, saturates every arc whose
  reduced cost is negative (and cancels flow on arcs whose reverse is), then
  pushes excess along admissible arcs (reduced cost < 0) and relabels (lowers
  a node's price) where there is none, until no node holds excess. Flows and
  prices carry over between phases, which is what keeps each phase short.

Why not the general algorithm on a generic graph (measured on 100,000 mentees
x 20,000 mentors, 2 million edges): it spent most of its time scanning
mentors' adjacency lists for the few arcs that carry flow (43 s). Here each
mentor keeps the list of its holders (edges with flow), so a mentor's
residual arcs are those holders plus its arc to T; a mentee's are its edges
without flow plus its own arc to T; and T, whose residual arcs number in the
tens of thousands, finds its best one through a lazy max-heap of prices
(prices only fall, so a stale entry is just refreshed when it surfaces).
Mentees relabel with look-ahead (down to the second-best arc, as an auction
bid does): their unit saturates the arc it takes, so that is still
epsilon-optimal. Result: about 5 s for that instance, exact.

Everything here works on integer arrays and touches no I/O; numba's compile
cache is the only file it writes (next to this module, or the user cache).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]

# Compiled once per machine: `cache=True` keeps the machine code on disk.
_compiled = numba.njit(cache=True, nogil=True)

ALPHA = 8  # epsilon shrinks by this factor per phase (4..16 measured alike)
_NONE = -(1 << 62)  # "no arc": below every price
_SINK_ARC = -2  # a mentee's best arc is its own arc to T


@_compiled
def _enqueue(queue: IntArray, queued: Any, tail: int, size: int, node: int) -> tuple[int, int]:
    if not queued[node]:
        queued[node] = True
        queue[tail] = node
        tail = tail + 1 if tail + 1 < len(queue) else 0
        size += 1
    return tail, size


@_compiled
def _add_holder(
    edge: int, j: int, start: IntArray, count: IntArray, held: IntArray, where: IntArray
) -> None:
    at = start[j] + count[j]
    held[at] = edge
    where[edge] = at
    count[j] += 1


@_compiled
def _remove_holder(
    edge: int, j: int, start: IntArray, count: IntArray, held: IntArray, where: IntArray
) -> None:
    count[j] -= 1
    last = held[start[j] + count[j]]
    held[where[edge]] = last
    where[last] = where[edge]


@_compiled
def _heap_push(key: IntArray, node: IntArray, size: int, k: int, v: int) -> int:
    i = size
    key[i] = k
    node[i] = v
    while i > 0:
        parent = (i - 1) >> 1
        if key[parent] >= key[i]:
            break
        key[parent], key[i] = key[i], key[parent]
        node[parent], node[i] = node[i], node[parent]
        i = parent
    return size + 1


@_compiled
def _heap_pop(key: IntArray, node: IntArray, size: int) -> int:
    size -= 1
    key[0] = key[size]
    node[0] = node[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and key[child + 1] > key[child]:
            child += 1
        if key[i] >= key[child]:
            break
        key[child], key[i] = key[i], key[child]
        node[child], node[i] = node[i], node[child]
        i = child
    return size


@_compiled
def _watch_sink_arc(
    key: IntArray, node: IntArray, size: int, in_heap: Any, v: int, price: int
) -> int:
    """Flow now reaches T from v: T may send it back, so v enters T's heap (once)."""
    if in_heap[v]:
        return size
    in_heap[v] = True
    return _heap_push(key, node, size, price, v)


@_compiled
def _refine(  # one tight loop, kept whole for speed
    eps: int,
    first: IntArray,  # mentee e's edges are first[e]..first[e+1]-1
    owner: IntArray,  # mentee of each edge
    mentor: IntArray,  # mentor of each edge
    value: IntArray,  # scaled integer value of each edge
    capacity: IntArray,
    flow: Any,  # int8 per edge
    to_sink: Any,  # int8 per mentee: its unit went straight to T
    mentor_to_sink: IntArray,
    mentee_price: IntArray,
    mentor_price: IntArray,
    mentee_excess: IntArray,
    mentor_excess: IntArray,
    sink: IntArray,  # [price, excess]
    hold_start: IntArray,
    hold_count: IntArray,
    held: IntArray,
    held_at: IntArray,
    queue: IntArray,
    queued: Any,
    heap_key: IntArray,
    heap_node: IntArray,
    in_heap: Any,
) -> None:
    n = len(first) - 1
    m = len(capacity)
    t_node = n + m
    sink_price = sink[0]
    sink_excess = sink[1]
    # Make the pseudoflow eps-optimal: saturate arcs with negative reduced cost,
    # cancel flow on arcs whose reverse has one. Reduced cost of mentee -> mentor
    # is price(e) - price(j) - value; of x -> T it is price(x) - price(T).
    for e in range(n):
        pe = mentee_price[e]
        for k in range(first[e], first[e + 1]):
            j = mentor[k]
            reduced = pe - mentor_price[j] - value[k]
            if flow[k] == 0 and reduced < 0:
                flow[k] = 1
                mentee_excess[e] -= 1
                mentor_excess[j] += 1
                _add_holder(k, j, hold_start, hold_count, held, held_at)
            elif flow[k] == 1 and reduced > 0:
                flow[k] = 0
                mentee_excess[e] += 1
                mentor_excess[j] -= 1
                _remove_holder(k, j, hold_start, hold_count, held, held_at)
        reduced = pe - sink_price
        if to_sink[e] == 0 and reduced < 0:
            to_sink[e] = 1
            mentee_excess[e] -= 1
            sink_excess += 1
        elif to_sink[e] == 1 and reduced > 0:
            to_sink[e] = 0
            mentee_excess[e] += 1
            sink_excess -= 1
    for j in range(m):
        reduced = mentor_price[j] - sink_price
        if reduced < 0 and mentor_to_sink[j] < capacity[j]:
            moved = capacity[j] - mentor_to_sink[j]
            mentor_to_sink[j] = capacity[j]
            mentor_excess[j] -= moved
            sink_excess += moved
        elif reduced > 0 and mentor_to_sink[j] > 0:
            moved = mentor_to_sink[j]
            mentor_to_sink[j] = 0
            mentor_excess[j] += moved
            sink_excess -= moved

    head = 0
    tail = 0
    size = 0
    heap_size = 0
    for v in range(t_node + 1):
        queued[v] = False
        in_heap[v] = False
    # T's residual arcs (back along flow into T), keyed by the other end's price.
    for e in range(n):
        if to_sink[e] == 1:
            heap_size = _watch_sink_arc(heap_key, heap_node, heap_size, in_heap, e, mentee_price[e])
    for j in range(m):
        if mentor_to_sink[j] > 0:
            heap_size = _watch_sink_arc(
                heap_key, heap_node, heap_size, in_heap, n + j, mentor_price[j]
            )
    for e in range(n):
        if mentee_excess[e] > 0:
            tail, size = _enqueue(queue, queued, tail, size, e)
    for j in range(m):
        if mentor_excess[j] > 0:
            tail, size = _enqueue(queue, queued, tail, size, n + j)
    if sink_excess > 0:
        tail, size = _enqueue(queue, queued, tail, size, t_node)

    while size > 0:
        v = queue[head]
        head = head + 1 if head + 1 < len(queue) else 0
        size -= 1
        queued[v] = False
        if v < n:
            # A mentee holds at most one unit. Its residual arcs: edges without
            # flow, and its own arc to T. Push along the best; price drops to
            # the second best minus eps (look-ahead), never below what is valid.
            e = v
            if mentee_excess[e] <= 0:
                continue
            best = _NONE
            second = _NONE
            chosen = -1
            if to_sink[e] == 0:
                best = sink_price
                chosen = _SINK_ARC
            for k in range(first[e], first[e + 1]):
                if flow[k] == 0:
                    worth = mentor_price[mentor[k]] + value[k]
                    if worth > best:
                        second = best
                        best = worth
                        chosen = k
                    elif worth > second:
                        second = worth
            lowest = (second if second != _NONE else best) - eps
            if lowest < mentee_price[e]:
                mentee_price[e] = lowest
            mentee_excess[e] -= 1
            if chosen == _SINK_ARC:
                to_sink[e] = 1
                sink_excess += 1
                heap_size = _watch_sink_arc(
                    heap_key, heap_node, heap_size, in_heap, e, mentee_price[e]
                )
                if sink_excess > 0:
                    tail, size = _enqueue(queue, queued, tail, size, t_node)
            else:
                j = mentor[chosen]
                flow[chosen] = 1
                mentor_excess[j] += 1
                _add_holder(chosen, j, hold_start, hold_count, held, held_at)
                if mentor_excess[j] > 0:
                    tail, size = _enqueue(queue, queued, tail, size, n + j)
        elif v < t_node:
            # A mentor's residual arcs: back to each holder, and on to T while
            # places are left. "Worth" of an arc is price(head) - cost.
            j = v - n
            while mentor_excess[j] > 0:
                best = _NONE
                second = _NONE
                pick = -2
                if mentor_to_sink[j] < capacity[j]:
                    best = sink_price
                    pick = -1
                at = hold_start[j]
                for h in range(hold_count[j]):
                    k = held[at + h]
                    worth = mentee_price[owner[k]] - value[k]
                    if worth > best:
                        second = best
                        best = worth
                        pick = h
                    elif worth > second:
                        second = worth
                if mentor_price[j] >= best:  # nothing admissible: relabel
                    # Look-ahead only when the push empties the arc it uses.
                    if pick >= 0 and mentor_excess[j] == 1 and second != _NONE:
                        mentor_price[j] = second - eps
                    else:
                        mentor_price[j] = best - eps
                if pick == -1:
                    moved = min(mentor_excess[j], capacity[j] - mentor_to_sink[j])
                    mentor_to_sink[j] += moved
                    mentor_excess[j] -= moved
                    sink_excess += moved
                    heap_size = _watch_sink_arc(
                        heap_key, heap_node, heap_size, in_heap, v, mentor_price[j]
                    )
                    if sink_excess > 0:
                        tail, size = _enqueue(queue, queued, tail, size, t_node)
                else:
                    k = held[at + pick]
                    u = owner[k]
                    _remove_holder(k, j, hold_start, hold_count, held, held_at)
                    flow[k] = 0
                    mentor_excess[j] -= 1
                    mentee_excess[u] += 1
                    if mentee_excess[u] > 0:
                        tail, size = _enqueue(queue, queued, tail, size, u)
        else:
            # T holds more than arrives in the end: send units back along the
            # arc whose other end has the highest price.
            while sink_excess > 0:
                w = heap_node[0]
                key = heap_key[0]
                heap_size = _heap_pop(heap_key, heap_node, heap_size)
                if w < n:
                    alive = to_sink[w] == 1
                    now = mentee_price[w]
                else:
                    alive = mentor_to_sink[w - n] > 0
                    now = mentor_price[w - n]
                if not alive:
                    in_heap[w] = False
                    continue
                if now != key:  # the price fell since it was pushed
                    heap_size = _heap_push(heap_key, heap_node, heap_size, now, w)
                    continue
                if sink_price >= key:
                    sink_price = key - eps
                if w < n:
                    in_heap[w] = False
                    to_sink[w] = 0
                    sink_excess -= 1
                    mentee_excess[w] += 1
                    if mentee_excess[w] > 0:
                        tail, size = _enqueue(queue, queued, tail, size, w)
                else:
                    j = w - n
                    moved = min(mentor_to_sink[j], sink_excess)
                    mentor_to_sink[j] -= moved
                    sink_excess -= moved
                    mentor_excess[j] += moved
                    if mentor_to_sink[j] > 0:
                        heap_size = _heap_push(heap_key, heap_node, heap_size, now, w)
                    else:
                        in_heap[w] = False
                    if mentor_excess[j] > 0:
                        tail, size = _enqueue(queue, queued, tail, size, w)
    sink[0] = sink_price
    sink[1] = sink_excess


def max_value_b_matching(
    mentee: IntArray,
    mentor: IntArray,
    value: IntArray,
    capacity: IntArray,
    mentee_count: int,
) -> NDArray[np.bool_]:
    """Which edges a maximum-total-value matching uses (exact for integer values).

    `mentee`, `mentor`, `value` are parallel, one entry per candidate edge (no
    repeats); `capacity[j]` is mentor j's number of places.
    """
    chosen = np.zeros(len(mentee), dtype=np.bool_)
    if not len(mentee):
        return chosen
    n, m = mentee_count, len(capacity)
    order = np.argsort(mentee, kind="stable")
    owner = np.ascontiguousarray(mentee[order], dtype=np.int64)
    mentors = np.ascontiguousarray(mentor[order], dtype=np.int64)
    nodes = n + m + 1
    scaled = np.asarray(value, dtype=np.int64)[order] * (nodes + 1)
    first = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n), out=first[1:])
    degree = np.bincount(mentors, minlength=m)
    hold_start = np.zeros(m, dtype=np.int64)
    np.cumsum(degree[:-1], out=hold_start[1:])
    edges = len(owner)
    flow = np.zeros(edges, dtype=np.int8)
    sink = np.array([0, -n], dtype=np.int64)  # price, excess: T absorbs every unit
    state = (
        flow,
        np.zeros(n, dtype=np.int8),  # to_sink
        np.zeros(m, dtype=np.int64),  # mentor_to_sink
        np.zeros(n, dtype=np.int64),  # mentee_price
        np.zeros(m, dtype=np.int64),  # mentor_price
        np.ones(n, dtype=np.int64),  # mentee_excess: one unit each
        np.zeros(m, dtype=np.int64),  # mentor_excess
        sink,
        hold_start,
        np.zeros(m, dtype=np.int64),  # hold_count
        np.empty(edges, dtype=np.int64),  # held
        np.empty(edges, dtype=np.int64),  # held_at
        np.empty(nodes, dtype=np.int64),  # queue
        np.zeros(nodes, dtype=np.bool_),  # queued
        np.empty(nodes, dtype=np.int64),  # heap_key
        np.empty(nodes, dtype=np.int64),  # heap_node
        np.zeros(nodes, dtype=np.bool_),  # in_heap
    )
    places = np.ascontiguousarray(capacity, dtype=np.int64)
    eps = max(1, int(np.abs(scaled).max()))
    while eps > 1:
        eps = max(1, eps // ALPHA)
        _refine(eps, first, owner, mentors, scaled, places, *state)
    chosen[order[flow == 1]] = True
    return chosen
