"""Domain state → the event contracts other services read."""

from __future__ import annotations

from typing import Any

from trellis_postings.domain.applications import Application
from trellis_postings.domain.confidentiality import hidden_from
from trellis_postings.domain.opportunity import Opportunity
from trellis_shared.contracts.common import SkillLevel
from trellis_shared.contracts.postings import PostedOpportunity, RequiredSkillPart


def posted(opportunity: Opportunity) -> PostedOpportunity:
    details = opportunity.details
    return PostedOpportunity(
        opportunity_id=opportunity.opportunity_id,
        kind=opportunity.kind.value,
        status=opportunity.status.value,
        title=details.title,
        team=details.team,
        department=details.department,
        hiring_manager_id=details.hiring_manager_id,
        required_skills=[RequiredSkillPart(**s.model_dump()) for s in details.required_skills],
        location=details.location,
        remote=details.remote,
        share_pct=details.share_pct,
        starts_on=details.starts_on,
        ends_on=details.ends_on,
        seats=details.seats,
        seats_filled=len(opportunity.seat_holders),
        ladder=details.ladder,
        level_min=details.level_min,
        level_max=details.level_max,
        deadline=details.deadline,
    )


def application_facts(
    opportunity: Opportunity, application: Application, chain_now: list[str]
) -> dict[str, Any]:
    """The fields every application event carries, confidentiality included."""
    return {
        "application_id": application.application_id,
        "opportunity_id": opportunity.opportunity_id,
        "kind": opportunity.kind.value,
        "employee_id": application.employee_id,
        "hiring_manager_id": opportunity.details.hiring_manager_id,
        "confidential": application.confidential,
        "hidden_from": hidden_from(
            confidential=application.confidential,
            disclosed=application.disclosed_at is not None,
            chain_at_submit=application.chain_at_submit,
            chain_now=chain_now,
        ),
    }


def demonstrated_skills(opportunity: Opportunity) -> list[SkillLevel]:
    return [
        SkillLevel(skill_id=s.skill_id, level=s.min_level)
        for s in opportunity.details.required_skills
    ]
