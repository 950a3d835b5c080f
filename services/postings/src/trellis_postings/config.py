"""Postings settings from TRELLIS_* environment variables (see the service README)."""

from __future__ import annotations

from pydantic import Field

from trellis_postings.domain.confidentiality import DisclosurePoint
from trellis_shared.settings import TrellisSettings


class PostingsSettings(TrellisSettings):
    postings_addr: str = Field(default="0.0.0.0:50052", description="gRPC listen address")
    postings_client_addr: str = Field(
        default="localhost:50052", description="where tools (demo seeding) reach the service"
    )
    postings_database: str = Field(default="trellis_postings", description="own database")
    postings_consumer_group: str = Field(default="trellis-postings")
    profiles_addr: str = Field(
        default="localhost:50051", description="the profiles service (chains, ledger, taxonomy)"
    )
    postings_disclosure_point: DisclosurePoint = Field(
        default=DisclosurePoint.AT_OFFER,
        description="when a confidential application becomes visible to the applicant's chain",
    )
    postings_release_wait_working_days: int = Field(default=5, ge=0, le=60)
    postings_max_open_interview_requests: int = Field(default=3, ge=1, le=100)
    postings_sweep_interval_s: float = Field(
        default=30.0, gt=0, description="how often deadlines and releases are checked"
    )
    postings_scoring_file: str = Field(
        default="", description="JSON file overriding the match-score weights (versioned)"
    )
