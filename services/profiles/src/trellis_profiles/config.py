"""Profiles settings from TRELLIS_* environment variables (see the service README)."""

from __future__ import annotations

from pydantic import Field

from trellis_shared.settings import TrellisSettings


class ProfilesSettings(TrellisSettings):
    profiles_addr: str = Field(default="0.0.0.0:50051", description="gRPC listen address")
    profiles_client_addr: str = Field(
        default="localhost:50051", description="where tools (import) reach the service"
    )
    profiles_database: str = Field(default="trellis_profiles", description="own database")
    profiles_consumer_group: str = Field(default="trellis-profiles")
    profiles_outbox_sweep_s: float = Field(
        default=30.0,
        gt=0,
        description="how often the relay looks for events left by any process (a crash)",
    )
    profiles_cache_size: int = Field(
        default=10_000,
        ge=0,
        description="profiles kept in memory for reads (about 13 KB each; 0 = none)",
    )
    profiles_demo_size: int = Field(default=300, ge=0, description="people in the demo org")
