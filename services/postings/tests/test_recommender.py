"""The recommender ranks exactly as `explain_fit` would, only faster."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis_postings.domain.fit.facts import KINDS
from trellis_postings.domain.fit.score import (
    CandidateFacts,
    OpportunityFacts,
    RequiredSkill,
    explain_fit,
)
from trellis_postings.domain.recommend import store as store_module
from trellis_postings.domain.recommend.index import OpportunityIndex, rank_candidates
from trellis_postings.domain.recommend.store import OpportunityStore
from trellis_postings.domain.scoring_config import DEFAULT_SCORING, ScoringConfig

pytestmark = pytest.mark.unit

SKILLS = ("python", "sql", "go", "k8s", "excel", "figma")
TITLES = ("Data Engineer", "Senior Data Engineer", "Product Manager", "Designer", "Data Analyst")
PLACES = ("Berlin", "Lisbon", "berlin ")
DAY = date(2026, 12, 1)
# Different skills weights exercise the index's per-budget skill maxima.
CONFIGS = (
    DEFAULT_SCORING,
    ScoringConfig(
        version="test-1",
        skills_weight=40,
        location_weight=3.3,
        relocation_share=0.3,
        stretch_recovery_share=0.75,
        must_have_penalty_factor=0.55,
        partial_dates_share=0.35,
    ),
    ScoringConfig(version="test-2", skills_weight=90, no_skills_listed_share=0.0),
)


def posting(opportunity_id: str, **changes: Any) -> OpportunityFacts:
    base = OpportunityFacts(
        opportunity_id=opportunity_id,
        kind="gig",
        title="Data Engineer",
        department="Data",
        location="Berlin",
        remote=False,
        share_pct=20,
        starts_on=None,
        ends_on=None,
        ladder=None,
        level_min=None,
        level_max=None,
        required_skills=(RequiredSkill("python", 3),),
    )
    return replace(base, **changes)


def person(**changes: Any) -> CandidateFacts:
    base = CandidateFacts(
        employee_id="e-1",
        skills={"python": 3},
        skills_to_develop=frozenset(),
        target_roles=("data engineer",),
        ladder="ic",
        ladder_preference=None,
        level=3,
        department="Sales",
        location="Berlin",
        share_free_pct=20,
        available_from=None,
        available_to=None,
        open_to_relocation=False,
        open_to_secondment=True,
        open_to_gigs=True,
    )
    return replace(base, **changes)


def brute_force(
    postings: dict[str, OpportunityFacts],
    candidate: CandidateFacts,
    config: ScoringConfig,
    limit: int,
    kinds: frozenset[str] | None = None,
    exclude: frozenset[str] = frozenset(),
) -> list[tuple[str, float]]:
    scored = [
        (o.opportunity_id, explain_fit(candidate, o, config).score)
        for o in postings.values()
        if (kinds is None or o.kind in kinds) and o.opportunity_id not in exclude
    ]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))[: max(limit, 0)]


def fast(
    index: OpportunityIndex,
    candidate: CandidateFacts,
    config: ScoringConfig,
    limit: int,
    kinds: frozenset[str] | None = None,
    exclude: frozenset[str] = frozenset(),
) -> list[tuple[str, float]]:
    found = index.recommend(candidate, config, limit, kinds, exclude)
    return [(r.opportunity_id, r.explanation.score) for r in found]


# --- strategies ---------------------------------------------------------------------

dates = st.none() | st.integers(0, 120).map(lambda n: DAY + timedelta(days=n))


@st.composite
def postings(draw: st.DrawFn) -> OpportunityFacts:
    start, end = draw(dates), draw(dates)
    if start and end and end < start:
        start, end = end, start
    low = draw(st.none() | st.integers(1, 6))
    skills = draw(
        st.lists(
            st.builds(
                RequiredSkill,
                skill_id=st.sampled_from(SKILLS),
                min_level=st.integers(1, 5),
                weight=st.sampled_from([0.5, 1.0, 1.0, 1.5, 2.0, 3.3]),
                must_have=st.booleans(),
            ),
            max_size=5,
            unique_by=lambda s: s.skill_id,
        )
    )
    return OpportunityFacts(
        opportunity_id=draw(st.sampled_from([f"o-{n:02d}" for n in range(14)])),
        kind=draw(st.sampled_from(KINDS)),
        title=draw(st.sampled_from(TITLES)),
        department="Data",
        location=draw(st.sampled_from(PLACES)),
        remote=draw(st.booleans()),
        share_pct=draw(st.sampled_from([0, 10, 20, 33, 50, 100])),
        starts_on=start,
        ends_on=end,
        ladder=draw(st.sampled_from([None, "ic", "Manager"])),
        level_min=low,
        level_max=draw(st.none() | st.integers(low or 1, 7)),
        required_skills=tuple(skills),
    )


@st.composite
def candidates(draw: st.DrawFn) -> CandidateFacts:
    free_from = draw(dates)
    return person(
        employee_id=draw(st.sampled_from(["e-1", "e-2"])),
        skills=draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5))),
        skills_to_develop=frozenset(draw(st.lists(st.sampled_from(SKILLS), max_size=3))),
        target_roles=tuple(
            draw(st.lists(st.sampled_from(["data engineer", "designer", "cto"]), max_size=2))
        ),
        ladder=draw(st.sampled_from(["ic", "manager"])),
        ladder_preference=draw(st.sampled_from([None, "ic", "manager"])),
        level=draw(st.integers(1, 7)),
        location=draw(st.sampled_from((*PLACES, "Paris"))),
        share_free_pct=draw(st.sampled_from([0, 10, 20, 30, 100])),
        available_from=free_from,
        available_to=draw(dates.filter(lambda d: d is None or free_from is None or d >= free_from)),
        open_to_relocation=draw(st.booleans()),
        open_to_secondment=draw(st.booleans()),
        open_to_gigs=draw(st.booleans()),
    )


operations = st.lists(
    st.one_of(
        postings().map(lambda facts: ("upsert", facts)),
        st.sampled_from([f"o-{n:02d}" for n in range(14)]).map(lambda id_: ("remove", id_)),
    ),
    max_size=40,
)


@settings(max_examples=120, deadline=None)
@given(
    ops=operations,
    queries=st.lists(
        st.tuples(
            candidates(),
            st.sampled_from(CONFIGS),
            st.integers(1, 8),
            st.none() | st.frozensets(st.sampled_from(KINDS), min_size=1),
            st.frozensets(st.sampled_from([f"o-{n:02d}" for n in range(14)]), max_size=3),
        ),
        min_size=1,
        max_size=3,
    ),
    compact_early=st.booleans(),
)
def test_the_fast_ranking_equals_brute_force_explain_fit(
    ops: list[tuple[str, Any]],
    queries: list[tuple[CandidateFacts, ScoringConfig, int, frozenset[str] | None, frozenset[str]]],
    compact_early: bool,
) -> None:
    # Compacting after every couple of removals puts slot renumbering under test too.
    threshold = 2 if compact_early else store_module.COMPACT_AFTER_FREE
    with mock.patch.object(store_module, "COMPACT_AFTER_FREE", threshold):
        index = OpportunityIndex()
        model: dict[str, OpportunityFacts] = {}
        for step, (op, value) in enumerate(ops):
            if op == "upsert":
                index.upsert(value)
                model[value.opportunity_id] = value
            else:
                assert index.remove(value) == (value in model)
                model.pop(value, None)
            if step % 7 == 0:  # queries between updates as well as after them
                candidate, config, limit, kinds, exclude = queries[0]
                assert fast(index, candidate, config, limit) == brute_force(
                    model, candidate, config, limit
                )
        assert len(index) == len(model)
        for candidate, config, limit, kinds, exclude in queries:
            expected = brute_force(model, candidate, config, limit, kinds, exclude)
            assert fast(index, candidate, config, limit, kinds, exclude) == expected
            for found in index.recommend(candidate, config, limit, kinds, exclude):
                assert found.explanation == explain_fit(
                    candidate, model[found.opportunity_id], config
                )


# --- behaviour ---------------------------------------------------------------------


def test_best_first_and_ties_by_id() -> None:
    index = OpportunityIndex()
    for facts in (
        posting("o-b"),
        posting("o-a"),
        posting("o-c", required_skills=(RequiredSkill("python", 5),)),
        posting("o-d", location="Lisbon"),
    ):
        index.upsert(facts)
    ranked = fast(index, person(), DEFAULT_SCORING, 10)
    # Elsewhere (90.0) beats a skill two levels short (55 x 3/5 + 45 = 78.0).
    assert [id_ for id_, _ in ranked] == ["o-a", "o-b", "o-d", "o-c"]
    assert ranked[0][1] == ranked[1][1] == 100.0
    assert ranked[2][1] > ranked[3][1]


def test_the_limit_and_postings_that_score_nothing() -> None:
    index = OpportunityIndex()
    nothing_fits = posting(
        "o-zero",
        title="Designer",
        location="Lisbon",
        ladder="manager",
        level_min=7,
        starts_on=DAY,
        ends_on=DAY,
        share_pct=50,
    )
    index.upsert(nothing_fits)
    for n in range(3):
        index.upsert(posting(f"o-{n}"))
    nobody = person(open_to_gigs=False, available_to=DAY - timedelta(days=1), skills={}, level=1)
    assert explain_fit(nobody, nothing_fits, DEFAULT_SCORING).score == 0.0
    # Zero scores only fill up the list when fewer than `limit` score above zero.
    assert [id_ for id_, _ in fast(index, nobody, DEFAULT_SCORING, 3)] == ["o-0", "o-1", "o-2"]
    assert fast(index, nobody, DEFAULT_SCORING, 10)[-1] == ("o-zero", 0.0)
    assert fast(index, nobody, DEFAULT_SCORING, 0) == []


def test_kinds_and_exclude_filter_the_results() -> None:
    index = OpportunityIndex()
    for n, kind in enumerate(KINDS):
        index.upsert(posting(f"o-{n}", kind=kind))
    found = fast(index, person(), DEFAULT_SCORING, 10, kinds=frozenset({"job", "secondment"}))
    assert sorted(id_ for id_, _ in found) == ["o-0", "o-2"]
    found = fast(index, person(), DEFAULT_SCORING, 10, exclude=frozenset({"o-1", "o-9"}))
    assert sorted(id_ for id_, _ in found) == ["o-0", "o-2", "o-3", "o-4"]
    assert fast(index, person(), DEFAULT_SCORING, 10, kinds=frozenset({"internship"})) == []


def test_upsert_replaces_and_remove_forgets() -> None:
    index = OpportunityIndex()
    assert fast(index, person(), DEFAULT_SCORING, 5) == []
    index.upsert(posting("o-1"))
    index.upsert(posting("o-1", required_skills=(RequiredSkill("rust", 4, must_have=True),)))
    assert len(index) == 1
    assert "o-1" in index
    [(_, score)] = fast(index, person(), DEFAULT_SCORING, 5)
    assert score < 50.0
    assert index.remove("o-1") is True
    assert index.remove("o-1") is False
    assert len(index) == 0
    assert fast(index, person(), DEFAULT_SCORING, 5) == []


def test_a_new_config_agrees_and_old_budgets_are_let_go() -> None:
    index = OpportunityIndex()
    model = {}
    for n in range(12):
        facts = posting(
            f"o-{n}",
            required_skills=(
                RequiredSkill("python", 1 + n % 5, weight=1 + n % 3),
                RequiredSkill("sql", 2, must_have=n % 2 == 0),
            ),
        )
        index.upsert(facts)
        model[facts.opportunity_id] = facts
    candidate = person(skills={"python": 2, "sql": 1}, skills_to_develop=frozenset({"sql"}))
    # More skills budgets than the store keeps, and back to the first again.
    weights = [55, 10, 20, 30, 40, 50, 55, 10]
    for step, weight in enumerate(weights):
        config = ScoringConfig(version=f"v{step}", skills_weight=weight)
        index.upsert(posting(f"o-new-{step}"))
        model[f"o-new-{step}"] = posting(f"o-new-{step}")
        assert fast(index, candidate, config, 6) == brute_force(model, candidate, config, 6)


def test_the_store_compacts_after_many_removals() -> None:
    store = OpportunityStore()
    for n in range(3000):
        store.upsert(posting(f"o-{n:04d}"))
    for n in range(2000):
        store.remove(f"o-{n:04d}")
    assert len(store) == 1000
    assert store.span < 3000  # free slots were dropped and the rest renumbered
    assert sorted(store.slot_of) == [f"o-{n:04d}" for n in range(2000, 3000)]
    facts = store.facts[store.slot_of["o-2500"]]
    assert facts is not None
    assert facts.opportunity_id == "o-2500"


def test_rank_candidates_best_first_ties_by_employee() -> None:
    facts = posting("o-1", required_skills=(RequiredSkill("python", 4),))
    people = [
        person(employee_id="e-c", skills={"python": 2}),
        person(employee_id="e-b", skills={"python": 4}),
        person(employee_id="e-a", skills={"python": 5}),
        person(employee_id="e-d", skills={}),
    ]
    ranked = rank_candidates(facts, people, DEFAULT_SCORING, 3)
    assert [employee_id for employee_id, _ in ranked] == ["e-a", "e-b", "e-c"]
    for employee_id, explanation in ranked:
        match = next(p for p in people if p.employee_id == employee_id)
        assert explanation == explain_fit(match, facts, DEFAULT_SCORING)
    assert rank_candidates(facts, people, DEFAULT_SCORING, 0) == []
