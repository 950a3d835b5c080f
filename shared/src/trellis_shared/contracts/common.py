"""Small value shapes shared by several contracts (contract types, not domain)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SkillLevel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    skill_id: str = Field(min_length=1, max_length=120)
    level: int = Field(ge=1, le=5)
