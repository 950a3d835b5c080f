"""Pairs that must never be proposed, whatever their score.

A manager (or anyone above them) mentoring their own report mixes evaluation and
confidential career advice, so the whole reporting chain is excluded; a mentor
with no free place cannot take a new mentee this cycle.
"""

from __future__ import annotations

from enum import StrEnum

from trellis_mentorship.domain.facts import MenteeFacts, MentorFacts


class Exclusion(StrEnum):
    SELF = "self"
    IN_REPORTING_CHAIN = "in_reporting_chain"
    NO_FREE_CAPACITY = "no_free_capacity"


EXCLUSION_TEXT = {
    Exclusion.SELF: "is the mentee themself",
    Exclusion.IN_REPORTING_CHAIN: "is in the mentee's reporting chain",
    Exclusion.NO_FREE_CAPACITY: "has no free mentoring capacity",
}


def exclusion_of(mentee: MenteeFacts, mentor: MentorFacts) -> Exclusion | None:
    """Why this mentor may not mentor this mentee, or None when they may."""
    if mentor.employee_id == mentee.employee_id:
        return Exclusion.SELF
    if mentor.employee_id in mentee.chain_ids:
        return Exclusion.IN_REPORTING_CHAIN
    if mentor.free_capacity <= 0:
        return Exclusion.NO_FREE_CAPACITY
    return None
