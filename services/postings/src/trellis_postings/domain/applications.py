"""An application and its pipeline, with only legal transitions.

submitted → in_review → shortlisted → interviewing → offered → accepted | declined,
and rejected or withdrawn from any open stage. The hiring manager may skip review
stages forward (a strong applicant can go straight to the shortlist) but never
goes back; only the applicant withdraws, accepts or declines an offer.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from trellis_shared.errors import FailedPrecondition, PermissionDenied


class AppStatus(StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    SHORTLISTED = "shortlisted"
    INTERVIEWING = "interviewing"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


PIPELINE = (
    AppStatus.SUBMITTED,
    AppStatus.IN_REVIEW,
    AppStatus.SHORTLISTED,
    AppStatus.INTERVIEWING,
    AppStatus.OFFERED,
)
TERMINAL = frozenset(
    {AppStatus.ACCEPTED, AppStatus.DECLINED, AppStatus.REJECTED, AppStatus.WITHDRAWN}
)
# Moves the hiring manager makes; the applicant makes the others.
MANAGER_MOVES = frozenset(
    {
        AppStatus.IN_REVIEW,
        AppStatus.SHORTLISTED,
        AppStatus.INTERVIEWING,
        AppStatus.OFFERED,
        AppStatus.REJECTED,
    }
)
APPLICANT_MOVES = frozenset({AppStatus.ACCEPTED, AppStatus.DECLINED, AppStatus.WITHDRAWN})


def legal_next(current: AppStatus) -> frozenset[AppStatus]:
    if current in TERMINAL:
        return frozenset()
    if current is AppStatus.OFFERED:
        return frozenset({AppStatus.ACCEPTED, AppStatus.DECLINED, AppStatus.WITHDRAWN})
    position = PIPELINE.index(current)
    forward = set(PIPELINE[position + 1 :])
    if current in (AppStatus.SUBMITTED, AppStatus.IN_REVIEW):
        forward.discard(AppStatus.OFFERED)  # an offer comes after a shortlist
    return frozenset(forward | {AppStatus.REJECTED, AppStatus.WITHDRAWN})


def check_transition(current: AppStatus, target: AppStatus, *, by_applicant: bool) -> None:
    allowed_for_role = APPLICANT_MOVES if by_applicant else MANAGER_MOVES
    if target not in allowed_for_role:
        who = "the applicant" if not by_applicant else "the hiring manager"
        raise PermissionDenied(f"only {who} may move an application to {target.value}")
    if target not in legal_next(current):
        raise FailedPrecondition(
            f"the application is {current.value}; it cannot move to {target.value}"
        )


def stage_rank(status: AppStatus) -> int:
    """How far along the pipeline a status is (accepted counts as past the offer)."""
    if status in PIPELINE:
        return PIPELINE.index(status)
    if status is AppStatus.ACCEPTED:
        return len(PIPELINE)
    return -1


class StatusChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: AppStatus
    at: datetime
    by: str


class ManagerNote(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: datetime
    by: str
    text: str = Field(max_length=2_000)


class DisclosurePoint(StrEnum):
    AT_SUBMIT = "at_submit"
    AT_SHORTLIST = "at_shortlist"
    AT_OFFER = "at_offer"


class Disclosure(BaseModel):
    """One audit-log entry: a confidential application became visible to its chain."""

    model_config = ConfigDict(frozen=True)

    application_id: str
    employee_id: str
    disclosed_to: list[str]
    point: DisclosurePoint
    stage: AppStatus
    at: datetime
    triggered_by: str


class ReleaseStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"


class Release(BaseModel):
    manager_id: str
    status: ReleaseStatus = ReleaseStatus.REQUESTED
    requested_at: datetime
    due_at: datetime
    decided_at: datetime | None = None
    decided_by: str = ""


class Application(BaseModel):
    """One person's application to one posting: its own document (ADR 0006, 2026-12)."""

    model_config = ConfigDict(extra="ignore")

    application_id: str
    opportunity_id: str = ""
    employee_id: str
    request_id: str
    attempt: int = 1
    note: str = ""
    confidential: bool = False
    status: AppStatus = AppStatus.SUBMITTED
    submitted_at: datetime
    updated_at: datetime
    history: list[StatusChange] = []
    # Private to the hiring side; never shown to the applicant.
    manager_notes: list[ManagerNote] = []
    # The applicant's managers when they applied (nearest first). With the chain
    # read at view time this decides who must not see a confidential application.
    chain_at_submit: list[str] = []
    disclosed_at: datetime | None = None
    # The audit entry written with the disclosure (hr_admin's audit log).
    disclosure: Disclosure | None = None
    release: Release | None = None
    # For accepted gigs and secondments: the work began / ended (history events sent).
    work_started: bool = False
    work_ended: bool = False

    @property
    def active(self) -> bool:
        return self.status not in TERMINAL

    @property
    def active_work_pending(self) -> bool:
        """Accepted, and the work it leads to has not ended yet."""
        return self.status is AppStatus.ACCEPTED and not self.work_ended
