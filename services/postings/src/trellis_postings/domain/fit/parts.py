"""The parts of the score beyond skills: aspiration, availability, location.

Each function answers with whole tenths of a point and the reason in words.
`recommend.scoring` calls `level_part` and `time_share_part` itself, but
restates the ladder, dates and location rules over numpy columns: a change of
those rules here needs the same change there (the property test in
test_recommender.py fails otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from trellis_postings.domain.fit.facts import (
    GIG,
    INTEREST_INTERVIEW,
    JOB,
    SECONDMENT,
    STRETCH,
    CandidateFacts,
    OpportunityFacts,
)
from trellis_postings.domain.fit.points import points_tenths
from trellis_postings.domain.fit.text import matching_role, place_key
from trellis_postings.domain.scoring_config import PointBudget, ScoringConfig

# Temporary work happens in a window; for a job or a conversation dates do not decide.
DATED_KINDS = frozenset({GIG, STRETCH, SECONDMENT})
# Work on top of the current role takes a share of the person's time.
TIME_SHARE_KINDS = frozenset({GIG, STRETCH})


@dataclass(frozen=True, slots=True)
class Part:
    tenths: int
    reason: str


def role_title_part(
    candidate: CandidateFacts, opportunity: OpportunityFacts, max_tenths: int
) -> Part:
    role = matching_role(opportunity.title, candidate.target_roles)
    if role is not None:
        return Part(points_tenths(max_tenths, 1.0), f"title matches your target role {role!r}")
    if not candidate.target_roles:
        return Part(points_tenths(max_tenths, 0.0), "you have set no target roles")
    return Part(points_tenths(max_tenths, 0.0), "title is not one of your target roles")


def ladder_part(candidate: CandidateFacts, opportunity: OpportunityFacts, max_tenths: int) -> Part:
    if opportunity.ladder is None:
        return Part(points_tenths(max_tenths, 1.0), "open to either ladder")
    preferred = candidate.ladder_preference or candidate.ladder
    if place_key(opportunity.ladder) == place_key(preferred):
        return Part(
            points_tenths(max_tenths, 1.0), f"on the {opportunity.ladder} ladder you prefer"
        )
    return Part(
        points_tenths(max_tenths, 0.0),
        f"on the {opportunity.ladder} ladder; you prefer {preferred}",
    )


def level_part(
    candidate: CandidateFacts, opportunity: OpportunityFacts, max_tenths: int, config: ScoringConfig
) -> Part:
    low, high, level = opportunity.level_min, opportunity.level_max, candidate.level
    if low is None and high is None:
        return Part(points_tenths(max_tenths, 1.0), "open to all levels")
    span = f"levels {_show(low)}-{_show(high)}"
    if (low is None or level >= low) and (high is None or level <= high):
        return Part(points_tenths(max_tenths, 1.0), f"your level {level} is in {span}")
    if low is not None and level == low - 1:
        credit = config.level_step_up_share
        return Part(points_tenths(max_tenths, credit), f"{span}: a step up from your level {level}")
    if high is not None and level == high + 1:
        credit = config.level_step_down_share
        return Part(
            points_tenths(max_tenths, credit), f"{span}: a step down from your level {level}"
        )
    return Part(points_tenths(max_tenths, 0.0), f"{span}: far from your level {level}")


def time_share_part(
    candidate: CandidateFacts, opportunity: OpportunityFacts, max_tenths: int
) -> Part:
    kind, free, share = opportunity.kind, candidate.share_free_pct, opportunity.share_pct
    if kind == JOB:
        return Part(points_tenths(max_tenths, 1.0), "a permanent move: no time share needed")
    if kind == INTEREST_INTERVIEW:
        return Part(points_tenths(max_tenths, 1.0), "a conversation: no time share needed")
    if kind == SECONDMENT:
        if candidate.open_to_secondment:
            return Part(points_tenths(max_tenths, 1.0), "you are open to secondments")
        return Part(points_tenths(max_tenths, 0.0), "you are not open to secondments")
    if kind == GIG and not candidate.open_to_gigs:
        return Part(points_tenths(max_tenths, 0.0), "you are not open to gigs")
    needs = f"needs {share}% of your time, you have {free}% free"
    if share <= free:
        return Part(points_tenths(max_tenths, 1.0), needs)
    # Mirrored in recommend.scoring: free / share, an int division in both.
    return Part(points_tenths(max_tenths, free / share), needs)


def dates_part(
    candidate: CandidateFacts, opportunity: OpportunityFacts, max_tenths: int, config: ScoringConfig
) -> Part:
    if opportunity.kind not in DATED_KINDS:
        return Part(points_tenths(max_tenths, 1.0), f"dates do not decide a {_kind(opportunity)}")
    start, end = opportunity.starts_on, opportunity.ends_on
    free_from, free_to = candidate.available_from, candidate.available_to
    if dates_fit(start, end, free_from, free_to):
        return Part(points_tenths(max_tenths, 1.0), "dates fit your availability")
    if dates_overlap(start, end, free_from, free_to):
        credit = config.partial_dates_share
        return Part(points_tenths(max_tenths, credit), "dates only partly fit your availability")
    return Part(points_tenths(max_tenths, 0.0), "dates fall outside your availability")


def dates_fit(
    start: date | None, end: date | None, free_from: date | None, free_to: date | None
) -> bool:
    """Inside the window; a date not set on either side is not checked."""
    starts_in = start is None or free_from is None or start >= free_from
    ends_in = end is None or free_to is None or end <= free_to
    return starts_in and ends_in


def dates_overlap(
    start: date | None, end: date | None, free_from: date | None, free_to: date | None
) -> bool:
    starts_before_window_ends = start is None or free_to is None or start <= free_to
    ends_after_window_starts = end is None or free_from is None or end >= free_from
    return starts_before_window_ends and ends_after_window_starts


def location_part(
    candidate: CandidateFacts, opportunity: OpportunityFacts, max_tenths: int, config: ScoringConfig
) -> Part:
    if opportunity.remote:
        return Part(points_tenths(max_tenths, 1.0), "remote")
    where = opportunity.location
    if place_key(where) == place_key(candidate.location):
        return Part(points_tenths(max_tenths, 1.0), f"in {where}, where you are")
    if candidate.open_to_relocation:
        credit = config.relocation_share
        return Part(points_tenths(max_tenths, credit), f"in {where}; you are open to relocating")
    return Part(points_tenths(max_tenths, 0.0), f"in {where}, not where you are")


def aspiration_parts(
    candidate: CandidateFacts,
    opportunity: OpportunityFacts,
    budget: PointBudget,
    config: ScoringConfig,
) -> tuple[Part, ...]:
    return (
        role_title_part(candidate, opportunity, budget.role_title),
        ladder_part(candidate, opportunity, budget.ladder),
        level_part(candidate, opportunity, budget.level, config),
    )


def availability_parts(
    candidate: CandidateFacts,
    opportunity: OpportunityFacts,
    budget: PointBudget,
    config: ScoringConfig,
) -> tuple[Part, ...]:
    return (
        time_share_part(candidate, opportunity, budget.time_share),
        dates_part(candidate, opportunity, budget.dates, config),
    )


def _show(level: int | None) -> str:
    return "any" if level is None else str(level)


def _kind(opportunity: OpportunityFacts) -> str:
    return opportunity.kind.replace("_", " ")
