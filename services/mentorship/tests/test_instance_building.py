"""The fast helpers behind `index_edges` give what their plain definitions give."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis_mentorship.domain.matching.instance import (
    FlatEdges,
    collector_paused,
    mentor_order,
    split,
)

pytestmark = pytest.mark.unit


@st.composite
def edge_sets(draw: st.DrawFn, any_scores: bool) -> tuple[FlatEdges, np.ndarray]:
    mentees = draw(st.integers(1, 8))
    mentors = draw(st.integers(1, 6))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, mentees - 1), st.integers(0, mentors - 1)),
            unique=True,
            min_size=1,
        )
    )
    if any_scores:
        # Scores with more than two decimals (and repeats) take the general path.
        values = st.sampled_from([0.0, 1 / 3, 2 / 3, 50.005, 99.999, 100.0, -1.5])
    else:
        values = st.integers(0, 10_000).map(lambda centi: centi / 100)
    scores = [draw(values) for _ in pairs]
    name_order = np.array(draw(st.permutations(range(mentees))), dtype=np.int64)
    mentee, mentor = zip(*pairs, strict=True)
    return FlatEdges(mentee, mentor, [0] * len(pairs), scores), name_order


@settings(max_examples=200, deadline=None)
@given(st.booleans().flatmap(edge_sets))
def test_mentor_order_is_the_lexsort_by_mentor_score_and_mentee_name(
    case: tuple[FlatEdges, np.ndarray],
) -> None:
    edges, name_order = case
    expected = np.lexsort((name_order[edges.mentee], -edges.score, edges.mentor))
    assert mentor_order(edges, name_order).tolist() == expected.tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 4), max_size=30))
def test_split_cuts_consecutive_pieces(lengths: list[int]) -> None:
    flat = np.arange(sum(lengths), dtype=np.int64) * 7
    pieces = split(flat, np.asarray(lengths, dtype=np.int64))
    expected, start = [], 0
    for length in lengths:
        expected.append(flat[start : start + length].tolist())
        start += length
    assert pieces == expected
    # Every piece is a list of its own, even the empty ones.
    assert len({id(piece) for piece in pieces}) == len(pieces)


def test_the_collector_is_paused_only_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a caller's own choice is kept
    finally:
        gc.enable()
