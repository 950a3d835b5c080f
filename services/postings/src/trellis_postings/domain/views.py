"""What each reader gets back: the applicant never sees the hiring side's notes,
and nobody sees the chain an application is hidden from."""

from __future__ import annotations

from typing import Any

from trellis_postings.domain.applications import Application
from trellis_postings.domain.opportunity import Opportunity

# `disclosure` names the chain it was disclosed to: for the audit log only.
HIDDEN_FROM_EVERYONE = {"chain_at_submit", "request_id", "disclosure"}


def application_view(
    opportunity: Opportunity, application: Application, *, hiring_side: bool
) -> dict[str, Any]:
    excluded = set(HIDDEN_FROM_EVERYONE)
    if not hiring_side:
        excluded.add("manager_notes")
    data = application.model_dump(mode="json", exclude=excluded)
    data["opportunity_id"] = opportunity.opportunity_id
    data["opportunity_title"] = opportunity.details.title
    data["kind"] = opportunity.kind.value
    return data


def opportunity_view(
    opportunity: Opportunity, version: int, *, visible_applications: int | None
) -> dict[str, Any]:
    """The posting; application counts only for the hiring side (visible ones)."""
    data = opportunity.model_dump(
        mode="json",
        include={
            "opportunity_id",
            "kind",
            "status",
            "details",
            "created_by",
            "created_at",
            "published_at",
            "closed_at",
            "close_reason",
        },
    )
    data["version"] = version
    data["seats_filled"] = len(opportunity.seat_holders)
    if visible_applications is not None:
        data["application_count"] = visible_applications
    return data
