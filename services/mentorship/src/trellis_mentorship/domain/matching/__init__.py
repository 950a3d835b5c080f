"""The matching engine: stable (deferred acceptance) or optimal (maximum total score).

Usable without the service: build a `MatchingInstance` (from facts with
`prepare_instance`, or from candidate lists with `build_instance`) and call
`run_matching`. `count_blocking_pairs` checks any result independently.
"""

from trellis_mentorship.domain.matching.blocking import count_blocking_pairs, find_blocking_pairs
from trellis_mentorship.domain.matching.engine import prepare_instance, run_matching
from trellis_mentorship.domain.matching.instance import MatchingInstance, build_instance
from trellis_mentorship.domain.matching.optimal import match_optimal
from trellis_mentorship.domain.matching.result import (
    MatchedPair,
    MatchMode,
    MatchResult,
    UnmatchedMentee,
    UnmatchedReason,
)
from trellis_mentorship.domain.matching.stable import match_stable

__all__ = [
    "MatchMode",
    "MatchResult",
    "MatchedPair",
    "MatchingInstance",
    "UnmatchedMentee",
    "UnmatchedReason",
    "build_instance",
    "count_blocking_pairs",
    "find_blocking_pairs",
    "match_optimal",
    "match_stable",
    "prepare_instance",
    "run_matching",
]
