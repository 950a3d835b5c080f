"""What bidding knows about stretch assignments and bidders (read models), and
the free share of time a bidder has for an award."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from trellis_shared.contracts.postings import PostedOpportunity
from trellis_shared.contracts.profiles import ProfileSnapshot

BIDDABLE_STATUSES = frozenset({"open"})


class CatalogEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    assignment_id: str
    title: str
    owner_id: str
    department: str = ""
    seats: int
    seats_filled: int = 0
    share_pct: int
    starts_on: date | None = None
    ends_on: date | None = None
    skill_ids: list[str] = []
    status: str

    @property
    def seats_free(self) -> int:
        return max(0, self.seats - self.seats_filled)


def catalog_entry(posted: PostedOpportunity) -> CatalogEntry:
    return CatalogEntry(
        assignment_id=posted.opportunity_id,
        title=posted.title,
        owner_id=posted.hiring_manager_id,
        department=posted.department,
        seats=posted.seats,
        seats_filled=posted.seats_filled,
        share_pct=posted.share_pct,
        starts_on=posted.starts_on,
        ends_on=posted.ends_on,
        skill_ids=[s.skill_id for s in posted.required_skills],
        status=posted.status,
    )


class BidderFacts(BaseModel):
    model_config = ConfigDict(frozen=True)

    employee_id: str
    manager_id: str
    free_share_pct: int
    version: int


def bidder_facts(snapshot: ProfileSnapshot, today: date) -> BidderFacts:
    """Free share = declared free share minus what is already promised from today on.

    Conservative on purpose: commitments that have not ended are counted as if
    they all overlapped the assignment, so an award never overcommits anyone.
    """
    promised = sum(c.share_pct for c in snapshot.commitments if c.ends_on >= today)
    return BidderFacts(
        employee_id=snapshot.employee_id,
        manager_id=snapshot.manager_id,
        free_share_pct=max(0, snapshot.availability.share_free_pct - promised),
        version=snapshot.version,
    )
