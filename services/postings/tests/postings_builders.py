"""Small builders for postings tests (plain domain objects, no I/O)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from trellis_postings.domain.opportunity import (
    Details,
    Kind,
    Opportunity,
    RequiredSkill,
    SecondmentTerms,
    Status,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday


def details(kind: Kind = Kind.GIG, **changes: Any) -> Details:
    base: dict[str, Any] = {
        "title": "Data clean-up gig",
        "description": "Two days a week",
        "team": "Data platform",
        "department": "Data",
        "hiring_manager_id": "hm",
        "required_skills": [
            RequiredSkill(skill_id="python", min_level=3, must_have=True),
            RequiredSkill(skill_id="sql", min_level=2),
        ],
        "location": "Berlin",
        "share_pct": 40,
        "starts_on": date(2026, 12, 7),
        "ends_on": date(2027, 1, 29),
        "seats": 1,
        "deadline": NOW + timedelta(days=10),
    }
    if kind is Kind.SECONDMENT:
        base["secondment"] = SecondmentTerms(host_team="Platform", home_team="Data")
        base["share_pct"] = 100
    if kind is Kind.JOB:
        base.update(starts_on=None, ends_on=None, share_pct=100)
    if kind is Kind.INTEREST_INTERVIEW:
        base.update(
            starts_on=None,
            ends_on=None,
            interview_slots=[NOW + timedelta(days=2), NOW + timedelta(days=3)],
        )
    base.update(changes)
    return Details(**base)


def opportunity(kind: Kind = Kind.GIG, status: Status = Status.OPEN, **changes: Any) -> Opportunity:
    return Opportunity(
        opportunity_id="opp-1",
        kind=kind,
        status=status,
        details=details(kind, **changes),
        created_by="hm",
        created_at=NOW - timedelta(days=1),
    )
