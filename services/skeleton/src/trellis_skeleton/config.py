"""Skeleton settings, from TRELLIS_* environment variables (see the README table)."""

from __future__ import annotations

from pydantic import Field

from trellis_shared.settings import TrellisSettings


class SkeletonSettings(TrellisSettings):
    skeleton_addr: str = Field(default="0.0.0.0:50050", description="gRPC listen address")
    skeleton_database: str = Field(default="trellis_skeleton", description="writer database")
    skeleton_board_database: str = Field(
        default="trellis_skeleton_board", description="consumer's read-model database"
    )
    skeleton_consumer_group: str = Field(default="trellis-skeleton-board")
