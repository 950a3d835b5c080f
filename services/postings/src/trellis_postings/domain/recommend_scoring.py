"""`explain_fit`'s score for every open posting at once, in whole tenths.

The rules are those of fit.py and fit_parts.py, restated over numpy columns.
Agreement is exact, not approximate: each line is an integer number of tenths
(integer sums do not depend on the order of adding), and where a line takes a
share of its maximum the same IEEE operations run in the same order as in
fit_points.py (marked "mirrors"). Lines that can take only a few values use
`points_tenths` itself for each value. test_recommender.py checks the agreement
on random postings.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from numpy.typing import NDArray

from trellis_postings.domain.fit_facts import (
    GIG,
    SECONDMENT,
    STRETCH,
    CandidateFacts,
)
from trellis_postings.domain.fit_points import HALF, points_tenths
from trellis_postings.domain.fit_text import title_words
from trellis_postings.domain.recommend_store import KIND_CODES, NO_LADDER, OpportunityStore
from trellis_postings.domain.scoring_config import PointBudget, ScoringConfig

# A score is at most 1000 tenths: int32 halves the memory traffic of int64.
TENTHS = np.int32
Tenths = NDArray[np.int32]
Mask = NDArray[np.bool_]


def score_all(store: OpportunityStore, candidate: CandidateFacts, config: ScoringConfig) -> Tenths:
    """Score tenths per slot (free slots get a meaningless value; mask them)."""
    budget = config.budget()
    skills, bonus, must_haves_met = _skills(store, candidate, config, budget)
    subtotal = (
        skills
        + bonus
        + _aspiration(store, candidate, config, budget)
        + _availability(store, candidate, config, budget)
        + _location(store, candidate, config, budget)
    )
    missing = store.slots["must_have_count"] - must_haves_met
    if not missing.any():
        return subtotal
    multipliers = np.array(
        [config.must_have_multiplier(n) for n in range(int(missing.max()) + 1)], dtype=np.float64
    )
    # mirrors penalised_tenths: floor(subtotal * multiplier + HALF)
    penalised = np.floor(subtotal * multipliers[missing] + HALF).astype(TENTHS)
    return np.where(missing > 0, penalised, subtotal)


def _skills(
    store: OpportunityStore, candidate: CandidateFacts, config: ScoringConfig, budget: PointBudget
) -> tuple[Tenths, Tenths, Tenths]:
    """Skill lines, stretch bonus and must-haves met, per slot."""
    span = store.span
    no_skills = store.slots["skill_count"] == 0
    unlisted = points_tenths(budget.skills, config.no_skills_listed_share)
    skills = np.where(no_skills, unlisted, 0).astype(TENTHS)
    share = config.stretch_recovery_share
    slot_parts: list[NDArray[np.int64]] = []
    point_parts: list[NDArray[np.float64]] = []
    bonus_parts: list[NDArray[np.float64]] = []
    met_parts: list[NDArray[np.bool_]] = []
    # A required skill the person neither has nor wants scores 0: only these lists matter.
    store.keep_skill_budget(budget.skills)
    for skill_id in set(candidate.skills) | candidate.skills_to_develop:
        postings = store.skills.get(skill_id)
        if postings is None:
            continue
        level = candidate.level_in(skill_id)
        required = postings.column("min_level")
        maxima = postings.maxima(budget.skills)
        # mirrors level_credit and skill_line_tenths: max * (min(level, required) / required)
        raw = maxima * (np.minimum(level, required) / required)
        # mirrors points_tenths: floor(raw + HALF)
        rounded = np.floor(raw + HALF)
        met = level >= required
        slot_parts.append(postings.column("slot"))
        point_parts.append(rounded)
        met_parts.append(met & postings.column("must_have"))
        if skill_id in candidate.skills_to_develop:
            # mirrors stretch_bonus_tenths, step by step
            boosted = np.floor(raw + share * (maxima - raw) + HALF)
            bonus_parts.append(np.where(met, 0.0, boosted - rounded))
        else:
            bonus_parts.append(np.zeros(len(raw)))
    if not slot_parts:
        return skills, np.zeros(span, dtype=TENTHS), np.zeros(span, dtype=TENTHS)
    slots = np.concatenate(slot_parts)
    # Sums of whole numbers in float64 are exact far beyond any score.
    skills += np.bincount(slots, np.concatenate(point_parts), span).astype(TENTHS)
    bonus = np.bincount(slots, np.concatenate(bonus_parts), span).astype(TENTHS)
    met_count = np.bincount(slots, np.concatenate(met_parts).astype(np.float64), span)
    return skills, bonus, met_count.astype(TENTHS)


def _aspiration(
    store: OpportunityStore, candidate: CandidateFacts, config: ScoringConfig, budget: PointBudget
) -> Tenths:
    slots = store.slots
    title = _choose(budget.role_title, [(_title_matches(store, candidate), 1.0)])
    preferred = candidate.ladder_preference or candidate.ladder
    ladder_ok = (slots["ladder"] == NO_LADDER) | (slots["ladder"] == store.ladder_code(preferred))
    ladder = _choose(budget.ladder, [(ladder_ok, 1.0)])
    return title + ladder + _level(store, candidate.level, config, budget)


def _title_matches(store: OpportunityStore, candidate: CandidateFacts) -> Mask:
    """Titles holding every word of some target role (fit_text.matching_role)."""
    matched = np.zeros(store.span, dtype=np.bool_)
    for role in candidate.target_roles:
        wanted = title_words(role)
        lists = [store.words.get(word) for word in wanted]
        if not wanted or any(words is None for words in lists):
            continue
        # Each title lists a word once, so a count equal to the role's words is a subset.
        slots = np.concatenate([words.slots for words in lists if words is not None])
        matched |= np.bincount(slots, minlength=store.span) == len(wanted)
    return matched


def _level(
    store: OpportunityStore, level: int, config: ScoringConfig, budget: PointBudget
) -> Tenths:
    slots = store.slots
    has_min, has_max = slots["has_level_min"], slots["has_level_max"]
    low, high = slots["level_min"], slots["level_max"]
    in_range = (~has_min | (level >= low)) & (~has_max | (level <= high))
    step_up = has_min & (low == level + 1)
    step_down = has_max & (high == level - 1)
    return _choose(
        budget.level,
        [
            (in_range, 1.0),  # also "no range": both checks pass
            (step_up, config.level_step_up_share),
            (step_down, config.level_step_down_share),
        ],
    )


def _availability(
    store: OpportunityStore, candidate: CandidateFacts, config: ScoringConfig, budget: PointBudget
) -> Tenths:
    return _time_share(store, candidate, budget.time_share) + _dates(
        store, candidate, config, budget.dates
    )


def _time_share(store: OpportunityStore, candidate: CandidateFacts, max_tenths: int) -> Tenths:
    """fit_parts.time_share_part: by kind, willingness, then the share against free time."""
    slots = store.slots
    full, none = points_tenths(max_tenths, 1.0), points_tenths(max_tenths, 0.0)
    # What each kind earns before the share is compared; -1: compare the share.
    by_kind = np.full(len(KIND_CODES), full, dtype=TENTHS)  # jobs, interest interviews
    by_kind[KIND_CODES[SECONDMENT]] = full if candidate.open_to_secondment else none
    by_kind[KIND_CODES[STRETCH]] = -1
    by_kind[KIND_CODES[GIG]] = -1 if candidate.open_to_gigs else none
    result: Tenths = by_kind[slots["kind"]]
    free = candidate.share_free_pct
    short = np.flatnonzero((result < 0) & (slots["share_pct"] > free))
    result[result < 0] = full
    # mirrors points_tenths(max, free / share) where the share exceeds what is free
    result[short] = np.floor(max_tenths * (free / slots["share_pct"][short]) + HALF)
    return result


def _dates(
    store: OpportunityStore, candidate: CandidateFacts, config: ScoringConfig, max_tenths: int
) -> Tenths:
    slots = store.slots
    kind = slots["kind"]
    dated = (
        (kind == KIND_CODES[GIG]) | (kind == KIND_CODES[STRETCH]) | (kind == KIND_CODES[SECONDMENT])
    )
    has_start, start = slots["has_start"], slots["start"]
    has_end, end = slots["has_end"], slots["end"]
    free_from, free_to = _day(candidate.available_from), _day(candidate.available_to)
    # fit_parts.dates_fit / dates_overlap: a date not set on either side is not checked.
    starts_in = _unchecked(has_start, free_from) | (start >= (free_from or 0))
    ends_in = _unchecked(has_end, free_to) | (end <= (free_to or 0))
    starts_before_end = _unchecked(has_start, free_to) | (start <= (free_to or 0))
    ends_after_start = _unchecked(has_end, free_from) | (end >= (free_from or 0))
    return _choose(
        max_tenths,
        [
            (~dated | (starts_in & ends_in), 1.0),
            (starts_before_end & ends_after_start, config.partial_dates_share),
        ],
    )


def _location(
    store: OpportunityStore, candidate: CandidateFacts, config: ScoringConfig, budget: PointBudget
) -> Tenths:
    slots = store.slots
    here = slots["remote"] | (slots["location"] == store.location_code(candidate.location))
    elsewhere = config.relocation_share if candidate.open_to_relocation else 0.0
    return _choose(budget.location, [(here, 1.0), (np.ones_like(here), elsewhere)])


def _choose(max_tenths: int, cases: list[tuple[Mask, float]]) -> Tenths:
    """`points_tenths(max, credit)` of the first case that holds, else of credit 0."""
    chosen: Tenths = np.full(len(cases[0][0]), points_tenths(max_tenths, 0.0), dtype=TENTHS)
    # Later cases first, so an earlier case that holds has the last word.
    for mask, credit in reversed(cases):
        chosen = np.where(mask, points_tenths(max_tenths, credit), chosen)
    return chosen


def _unchecked(has_date: Mask, candidate_day: int | None) -> Mask:
    if candidate_day is None:
        return np.ones_like(has_date)
    return ~has_date


def _day(day: date | None) -> int | None:
    return None if day is None else day.toordinal()
