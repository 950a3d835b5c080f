"""What a matching run produced, in ids, with the figures people ask about first."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MatchMode(StrEnum):
    # Nobody would rather break their pair for each other (deferred acceptance).
    STABLE = "stable"
    # Highest total compatibility the capacities allow (exact b-matching).
    OPTIMAL = "optimal"


class UnmatchedReason(StrEnum):
    NO_CANDIDATES = "no_candidates"
    ONLY_EXCLUDED = "only_excluded"
    MENTORS_PREFER_OTHERS = "mentors_prefer_others"
    PLACES_WENT_TO_HIGHER_TOTAL = "places_went_to_higher_total"


@dataclass(frozen=True, slots=True)
class MatchedPair:
    mentee_id: str
    mentor_id: str
    score: float


@dataclass(frozen=True, slots=True)
class UnmatchedMentee:
    mentee_id: str
    reason: UnmatchedReason
    text: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    """`blocking_pairs`: pairs who both prefer each other to what they got (0 when stable)."""

    mode: MatchMode
    pairs: tuple[MatchedPair, ...]
    unmatched: tuple[UnmatchedMentee, ...]
    blocking_pairs: int

    @property
    def mentee_count(self) -> int:
        return len(self.pairs) + len(self.unmatched)

    @property
    def matched_share(self) -> float:
        """Share of mentees who got a mentor, 0..1 (0 when there were no mentees)."""
        return len(self.pairs) / self.mentee_count if self.mentee_count else 0.0

    @property
    def total_score(self) -> float:
        return sum(pair.score for pair in self.pairs)

    @property
    def mean_score(self) -> float | None:
        return self.total_score / len(self.pairs) if self.pairs else None

    @property
    def min_score(self) -> float | None:
        return min(pair.score for pair in self.pairs) if self.pairs else None
