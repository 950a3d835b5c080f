"""Who may see and change which profile. Pure rules over the caller and the target.

- Everyone reads and edits their own profile.
- People in the target's reporting chain (their managers, up to the top) and
  hr_admin read everything; the service identity reads everything (machine
  reads between services).
- Anyone else reads a profile only if its visibility allows them (everyone, or
  managers only), and then without availability and mobility preferences,
  which are between the employee, their chain and HR.
- Only the direct manager endorses a skill; only hr_admin validates one, edits
  org data or edits someone else's profile.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from trellis_profiles.domain.profile import Availability, Mobility, Profile, Visibility
from trellis_shared.errors import PermissionDenied
from trellis_shared.grpc.tokens import Principal


class Access(Enum):
    NONE = "none"
    LIMITED = "limited"  # visible through visibility settings
    FULL = "full"


def reads_everything(viewer: Principal, employee_id: str) -> bool:
    """The employee, hr_admin and services read a profile whatever its chain."""
    return viewer.subject == employee_id or bool(viewer.roles & {"hr_admin", "service"})


def read_access(viewer: Principal, profile: Profile, chain: Sequence[str]) -> Access:
    if reads_everything(viewer, profile.employee_id):
        return Access.FULL
    if viewer.subject in chain:
        return Access.FULL
    if profile.visibility is Visibility.EVERYONE:
        return Access.LIMITED
    if profile.visibility is Visibility.MANAGERS and viewer.has_role("manager"):
        return Access.LIMITED
    return Access.NONE


def searchable_visibilities(viewer: Principal) -> set[Visibility]:
    if viewer.roles & {"hr_admin", "service"}:
        return set(Visibility)
    if viewer.has_role("manager"):
        return {Visibility.EVERYONE, Visibility.MANAGERS}
    return {Visibility.EVERYONE}


def as_seen_by(access: Access, profile: Profile) -> Profile:
    if access is Access.FULL:
        return profile
    return profile.model_copy(
        update={
            "availability": Availability(),
            "mobility": Mobility(),
            "commitments": (),
            "applied_events": (),
        }
    )


def may_edit_own_data(viewer: Principal, employee_id: str) -> None:
    if viewer.subject != employee_id and not viewer.has_role("hr_admin"):
        raise PermissionDenied("only the employee or hr_admin may change this profile")


def may_edit_org_data(viewer: Principal) -> None:
    if not viewer.roles & {"hr_admin", "service"}:
        raise PermissionDenied("org data (manager, level, department, ...) is set by HR")


def may_endorse(viewer: Principal, profile: Profile) -> None:
    if profile.org.manager_id != viewer.subject:
        raise PermissionDenied("only the employee's direct manager may endorse their skills")


def may_validate(viewer: Principal) -> None:
    if not viewer.has_role("hr_admin"):
        raise PermissionDenied("only hr_admin may validate skills")


def may_check_ledger(viewer: Principal, employee_id: str, chain: Sequence[str]) -> None:
    if (
        viewer.subject == employee_id
        or viewer.subject in chain
        or viewer.roles & {"hr_admin", "service"}
    ):
        return
    raise PermissionDenied("only the employee, their managers, HR or a service may check this")


def may_promise_time(viewer: Principal) -> None:
    """Only the services that make promises (postings, bidding, mentorship) reserve
    and release time: a person asks those services, which check their own rules."""
    if "service" not in viewer.roles:
        raise PermissionDenied("only a Trellis service may reserve or release time")
