"""Settings base read from the environment (pydantic-settings).

Only bootstrap code and entrypoints construct settings; domain and application
code receive plain values, so nothing reads the environment at import time.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class TrellisSettings(BaseSettings):
    """What every Trellis process needs: where Kafka and the database live."""

    model_config = SettingsConfigDict(env_prefix="TRELLIS_", extra="ignore")

    kafka_bootstrap: str = Field(
        default="localhost:9092", description="Kafka bootstrap servers, comma separated"
    )
    mongodb_uri: str = Field(
        default="mongodb://localhost:27017", description="MongoDB connection string"
    )
    log_level: str = Field(default="INFO", description="root log level")
    auth_secret: str = Field(
        default="trellis-dev-secret-change-me-in-production",
        description="HMAC key that signs and verifies service tokens (HS256)",
    )
    topic_prefix: str = Field(
        default="",
        description="prefix on every Kafka topic name, to isolate environments or test runs "
        "that share one cluster",
    )
    dependency_timeout_s: float = Field(
        default=30.0, description="how long to wait for Kafka and the database at start"
    )


def env_name(settings_cls: type[BaseSettings], field: str) -> str:
    """The environment variable that sets `field`, for error messages."""
    prefix = settings_cls.model_config.get("env_prefix", "")
    return f"{prefix}{field}".upper()
