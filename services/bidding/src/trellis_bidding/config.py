"""Bidding settings from TRELLIS_* environment variables (see the service README)."""

from __future__ import annotations

from pydantic import Field

from trellis_shared.settings import TrellisSettings


class BiddingSettings(TrellisSettings):
    bidding_addr: str = Field(default="0.0.0.0:50054", description="gRPC listen address")
    bidding_client_addr: str = Field(
        default="localhost:50054", description="where tools (demo seeding) reach the service"
    )
    bidding_database: str = Field(default="trellis_bidding", description="own database")
    bidding_consumer_group: str = Field(default="trellis-bidding")
    postings_addr: str = Field(
        default="localhost:50052", description="the postings service (skill-fit scores)"
    )
    profiles_addr: str = Field(
        default="localhost:50051",
        description="the profiles service (the ledger each award's time is reserved in)",
    )
    bidding_release_wait_working_days: int = Field(
        default=5, ge=0, le=60, description="an unanswered release approves itself after this"
    )
    bidding_sweep_interval_s: float = Field(
        default=30.0, gt=0, description="how often round windows are opened, closed and cleared"
    )
