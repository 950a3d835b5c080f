"""`explain_fit`'s score for every open posting at once, in whole tenths.

Agreement with `explain_fit` is exact, not approximate, for three reasons:
- every line is an integer number of tenths, and integer sums do not depend on
  the order of adding;
- level and time share are read from tables that the fit.parts functions fill
  themselves, one representative posting per distinct value
  (recommend/codes.py);
- the remaining parts are restated over numpy columns; where a line takes a
  share of its maximum, the same IEEE operations run in the same order as in
  fit/points.py (marked "mirrors"), and lines with only a few possible values
  use `points_tenths` itself for each value.
test_recommender.py checks the agreement on random postings and updates.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from numpy.typing import NDArray

from trellis_postings.domain.fit.facts import CandidateFacts
from trellis_postings.domain.fit.parts import level_part, time_share_part
from trellis_postings.domain.fit.points import HALF, points_tenths
from trellis_postings.domain.fit.text import title_words
from trellis_postings.domain.recommend.codes import NO_LADDER, REMOTE_PLACE
from trellis_postings.domain.recommend.store import OpportunityStore
from trellis_postings.domain.scoring_config import PointBudget, ScoringConfig

# A score is at most 1000 tenths: int32 halves the memory traffic of int64.
TENTHS = np.int32
Tenths = NDArray[np.int32]
Mask = NDArray[np.bool_]


def score_all(store: OpportunityStore, candidate: CandidateFacts, config: ScoringConfig) -> Tenths:
    """Score tenths per slot (free slots get a meaningless value; mask them)."""
    budget = config.budget()
    skills, must_haves_met = _skills_and_stretch(store, candidate, config, budget)
    slots = store.slots
    subtotal: Tenths = (
        skills
        + _title(store, candidate, budget)
        + _ladder_table(store, candidate, budget)[slots["ladder"]]
        + _level_table(store, candidate, config, budget)[slots["level_profile"]]
        + _time_share_table(store, candidate, budget)[slots["time_profile"]]
        + _dates(store, candidate, config, budget.dates)
        + _place_table(store, candidate, config, budget)[slots["place"]]
    )
    missing = slots["must_have_count"] - must_haves_met
    if not missing.any():
        return subtotal
    multipliers = np.array(
        [config.must_have_multiplier(n) for n in range(int(missing.max()) + 1)], dtype=np.float64
    )
    # mirrors penalised_tenths: floor(subtotal * multiplier + HALF)
    penalised = np.floor(subtotal * multipliers[missing] + HALF).astype(TENTHS)
    scores: Tenths = np.where(missing > 0, penalised, subtotal)
    return scores


def _skills_and_stretch(
    store: OpportunityStore, candidate: CandidateFacts, config: ScoringConfig, budget: PointBudget
) -> tuple[Tenths, Tenths]:
    """Skill lines plus stretch bonus, and the number of must-haves met, per slot."""
    span = store.span
    unlisted = points_tenths(budget.skills, config.no_skills_listed_share)
    points = np.where(store.slots["skill_count"] == 0, unlisted, 0).astype(TENTHS)
    store.keep_skill_budget(budget.skills)
    # A required skill the person neither has nor wants scores 0: only these lists matter.
    wanted = set(candidate.skills) | candidate.skills_to_develop
    lists = [(s, store.skills[s]) for s in sorted(wanted) if s in store.skills]
    if not lists:
        return points, np.zeros(span, dtype=TENTHS)
    sizes = [len(postings) for _, postings in lists]
    slots = np.concatenate([p.column("slot") for _, p in lists])
    required = np.concatenate([p.column("min_level") for _, p in lists])
    maxima = np.concatenate([p.maxima(budget.skills) for _, p in lists])
    must_have = np.concatenate([p.column("must_have") for _, p in lists])
    level = np.repeat([candidate.level_in(s) for s, _ in lists], sizes)
    grows = np.repeat([s in candidate.skills_to_develop for s, _ in lists], sizes)

    # mirrors level_credit and skill_line_tenths: max * (min(level, required) / required)
    raw = maxima * (np.minimum(level, required) / required)
    # mirrors points_tenths: floor(raw + HALF)
    rounded = np.floor(raw + HALF)
    met = level >= required
    stretch = grows & ~met
    if stretch.any():
        # mirrors stretch_bonus_tenths, step by step
        share = config.stretch_recovery_share
        boosted = np.floor(raw + share * (maxima - raw) + HALF)
        rounded = np.where(stretch, boosted, rounded)  # line + bonus = the boosted line
    # Sums of whole numbers in float64 are exact far beyond any score.
    points += np.bincount(slots, rounded, span).astype(TENTHS)
    met_count = np.bincount(slots, (met & must_have).astype(np.float64), span)
    return points, met_count.astype(TENTHS)


def _title(store: OpportunityStore, candidate: CandidateFacts, budget: PointBudget) -> Tenths:
    """fit.text.matching_role: every word of some target role is in the title."""
    matched = np.zeros(store.span, dtype=np.bool_)
    for role in candidate.target_roles:
        wanted = title_words(role)
        lists = [store.words.get(word) for word in wanted]
        if not wanted or any(words is None for words in lists):
            continue
        # Each title lists a word once, so a count equal to the role's words is a subset.
        slots = np.concatenate([words.slots for words in lists if words is not None])
        matched |= np.bincount(slots, minlength=store.span) == len(wanted)
    yes, no = points_tenths(budget.role_title, 1.0), points_tenths(budget.role_title, 0.0)
    return np.where(matched, yes, no).astype(TENTHS)


def _ladder_table(
    store: OpportunityStore, candidate: CandidateFacts, budget: PointBudget
) -> Tenths:
    """fit.parts.ladder_part per ladder code: either ladder, or the preferred one."""
    table = np.full(len(store.ladders), points_tenths(budget.ladder, 0.0), dtype=TENTHS)
    full = points_tenths(budget.ladder, 1.0)
    table[NO_LADDER] = full
    preferred = store.ladders.known(candidate.ladder_preference or candidate.ladder)
    if preferred is not None:
        table[preferred] = full
    return table


def _level_table(
    store: OpportunityStore, candidate: CandidateFacts, config: ScoringConfig, budget: PointBudget
) -> Tenths:
    return np.array(
        [level_part(candidate, o, budget.level, config).tenths for o in store.levels.postings],
        dtype=TENTHS,
    )


def _time_share_table(
    store: OpportunityStore, candidate: CandidateFacts, budget: PointBudget
) -> Tenths:
    return np.array(
        [time_share_part(candidate, o, budget.time_share).tenths for o in store.times.postings],
        dtype=TENTHS,
    )


def _dates(
    store: OpportunityStore, candidate: CandidateFacts, config: ScoringConfig, max_tenths: int
) -> Tenths:
    """fit.parts.dates_part over the store's sentinel day columns."""
    slots = store.slots
    free_from, free_to = _day(candidate.available_from), _day(candidate.available_to)
    fits = np.ones(store.span, dtype=np.bool_)
    overlaps = np.ones(store.span, dtype=np.bool_)
    if free_from is not None:
        fits &= slots["fit_start"] >= free_from
        overlaps &= slots["overlap_end"] >= free_from
    if free_to is not None:
        fits &= slots["fit_end"] <= free_to
        overlaps &= slots["overlap_start"] <= free_to
    full = points_tenths(max_tenths, 1.0)
    partial = points_tenths(max_tenths, config.partial_dates_share)
    none = points_tenths(max_tenths, 0.0)
    return np.where(fits, full, np.where(overlaps, partial, none)).astype(TENTHS)


def _place_table(
    store: OpportunityStore, candidate: CandidateFacts, config: ScoringConfig, budget: PointBudget
) -> Tenths:
    """fit.parts.location_part per place code: remote, here, or elsewhere."""
    elsewhere = config.relocation_share if candidate.open_to_relocation else 0.0
    table = np.full(len(store.places), points_tenths(budget.location, elsewhere), dtype=TENTHS)
    full = points_tenths(budget.location, 1.0)
    table[REMOTE_PLACE] = full
    here = store.places.known(candidate.location)
    if here is not None:
        table[here] = full
    return table


def _day(day: date | None) -> int | None:
    return None if day is None else day.toordinal()
