"""Confidential applications: who must not see them, and when they are disclosed.

An applicant may keep an application from their current manager and everyone
above them until the disclosure point the organisation chose (default: the
offer). "Above them" is the union of the chain when they applied and the chain
now, so a re-organisation can only hide more, never leak. Hidden means hidden
on every path: a hidden application does not exist for that viewer.
"""

from __future__ import annotations

from collections.abc import Collection

from trellis_postings.domain.applications import (
    AppStatus,
    Disclosure,
    DisclosurePoint,
    stage_rank,
)

__all__ = ["Disclosure", "DisclosurePoint", "hidden_from", "is_hidden_from", "reaches_disclosure"]


POINT_STAGE = {
    DisclosurePoint.AT_SUBMIT: AppStatus.SUBMITTED,
    DisclosurePoint.AT_SHORTLIST: AppStatus.SHORTLISTED,
    DisclosurePoint.AT_OFFER: AppStatus.OFFERED,
}


def reaches_disclosure(status: AppStatus, point: DisclosurePoint) -> bool:
    return stage_rank(status) >= stage_rank(POINT_STAGE[point])


def hidden_from(
    *,
    confidential: bool,
    disclosed: bool,
    chain_at_submit: Collection[str],
    chain_now: Collection[str],
) -> list[str]:
    """The people who must not learn of the application right now."""
    if not confidential or disclosed:
        return []
    return list(dict.fromkeys([*chain_at_submit, *chain_now]))


def is_hidden_from(
    viewer_id: str,
    *,
    confidential: bool,
    disclosed: bool,
    chain_at_submit: Collection[str],
    chain_now: Collection[str],
) -> bool:
    if not confidential or disclosed:
        return False
    return viewer_id in chain_at_submit or viewer_id in chain_now
