"""Mentorship settings from TRELLIS_* environment variables (see the service README)."""

from __future__ import annotations

from pydantic import Field

from trellis_shared.settings import TrellisSettings


class MentorshipSettings(TrellisSettings):
    mentorship_addr: str = Field(default="0.0.0.0:50053", description="gRPC listen address")
    mentorship_client_addr: str = Field(
        default="localhost:50053", description="where tools (demo seeding) reach the service"
    )
    mentorship_database: str = Field(default="trellis_mentorship", description="own database")
    mentorship_consumer_group: str = Field(default="trellis-mentorship")
    profiles_addr: str = Field(
        default="localhost:50051", description="the profiles service (chains, taxonomy)"
    )
    mentorship_repair_interval_s: float = Field(
        default=60.0, gt=0, description="how often leftovers of interrupted writes are repaired"
    )
    mentorship_cycle_run_lease_s: float = Field(
        default=600.0,
        gt=0,
        description="how long a cycle run's claim lasts; past it, the run is taken to have "
        "died with its process and any replica's repair sweep completes it",
    )
    mentorship_weights_file: str = Field(
        default="",
        description="JSON object overriding CompatibilityWeights fields (give it a new version)",
    )
