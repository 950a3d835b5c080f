"""Who may see and do what with a posting and its applications. Pure rules.

- Everyone sees published postings (open, closed, filled); drafts and cancelled
  postings only their hiring manager, their author and hr_admin.
- The hiring manager (and hr_admin) manage a posting and its applications.
- An applicant sees their own application, without the hiring side's notes.
- A confidential application does not exist, on any path, for the applicant's
  managers until it is disclosed — even when one of them manages the posting.
- hr_admin and the service identity see everything, the audit log included.
"""

from __future__ import annotations

from trellis_postings.domain.applications import Application
from trellis_postings.domain.confidentiality import is_hidden_from
from trellis_postings.domain.opportunity import Opportunity, Status
from trellis_shared.errors import NotFound, PermissionDenied
from trellis_shared.grpc.tokens import Principal

PUBLIC_STATUSES = frozenset({Status.OPEN, Status.CLOSED, Status.FILLED})
PRIVILEGED = frozenset({"hr_admin", "service"})


def is_privileged(viewer: Principal) -> bool:
    return bool(viewer.roles & PRIVILEGED)


def manages(viewer: Principal, opportunity: Opportunity) -> bool:
    return viewer.has_role("hr_admin") or viewer.subject in (
        opportunity.details.hiring_manager_id,
        opportunity.created_by,
    )


def require_visible(viewer: Principal, opportunity: Opportunity) -> None:
    if opportunity.status in PUBLIC_STATUSES or manages(viewer, opportunity):
        return
    if is_privileged(viewer):
        return
    raise NotFound(f"opportunity {opportunity.opportunity_id} not found")


def require_manager(viewer: Principal, opportunity: Opportunity) -> None:
    require_visible(viewer, opportunity)
    if not manages(viewer, opportunity):
        raise PermissionDenied("only the posting's hiring manager or hr_admin may do this")


def require_service(viewer: Principal, action: str) -> None:
    """Machine-to-machine steps (bidding holding seats for its awards)."""
    if not viewer.has_role("service"):
        raise PermissionDenied(f"only a Trellis service may {action}")


def may_post(viewer: Principal, hiring_manager_id: str) -> None:
    if viewer.has_role("hr_admin"):
        return
    if not viewer.has_role("manager"):
        raise PermissionDenied("only managers and hr_admin post opportunities")
    if hiring_manager_id != viewer.subject:
        raise PermissionDenied("a manager posts opportunities for themself as hiring manager")


def may_see_application(
    viewer: Principal, opportunity: Opportunity, application: Application, chain_now: list[str]
) -> bool:
    if viewer.subject == application.employee_id or is_privileged(viewer):
        return True
    if not manages(viewer, opportunity):
        return False
    return not is_hidden_from(
        viewer.subject,
        confidential=application.confidential,
        disclosed=application.disclosed_at is not None,
        chain_at_submit=application.chain_at_submit,
        chain_now=chain_now,
    )


def sees_hiring_side(viewer: Principal, opportunity: Opportunity) -> bool:
    """Private notes and pipeline controls: the hiring side, HR and services."""
    return manages(viewer, opportunity) or is_privileged(viewer)
