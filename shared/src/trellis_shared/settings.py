"""Settings base read from the environment (pydantic-settings).

Only bootstrap code and entrypoints construct settings; domain and application
code receive plain values, so nothing reads the environment at import time.
"""

from __future__ import annotations

import os

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def embedded_kafka_bootstrap() -> str:
    """The embedded stack's Kafka, on the port `deploy/local/stack.sh` uses."""
    return f"localhost:{os.environ.get('TRELLIS_KAFKA_PORT') or 9092}"


def embedded_mongodb_uri() -> str:
    """The embedded stack's FerretDB, on the port `deploy/local/stack.sh` uses."""
    return f"mongodb://localhost:{os.environ.get('TRELLIS_FERRETDB_PORT') or 27017}"


class TrellisSettings(BaseSettings):
    """What every Trellis process needs: where Kafka and the database live."""

    model_config = SettingsConfigDict(env_prefix="TRELLIS_", extra="ignore")

    # Unset, they point at the embedded stack, which honours its port settings.
    kafka_bootstrap: str = Field(
        default_factory=embedded_kafka_bootstrap,
        description="Kafka bootstrap servers, comma separated",
    )
    mongodb_uri: str = Field(
        default_factory=embedded_mongodb_uri, description="MongoDB connection string"
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
    # How provisioning stores topics. One broker locally; a three-broker cluster
    # sets 3 and 2 (deploy/k8s), so an acks=all write survives losing one broker.
    topic_replication_factor: int = Field(
        default=1, ge=1, description="copies of every partition of a topic created"
    )
    topic_min_insync_replicas: int = Field(
        default=1,
        ge=1,
        description="copies an acks=all write must reach before it counts (at most the "
        "replication factor)",
    )
    dead_letter_retention_ms: int = Field(
        default=30 * 24 * 3600 * 1000,
        ge=1,
        description="how long records stay on `.dlt` topics (someone must get to look at them)",
    )

    # The Prometheus scrape endpoint. Unset, each service takes its own port from
    # `trellis_shared.metrics.endpoint.DEFAULT_PORTS`, so services on one machine
    # do not collide; 0 (or empty) turns the endpoint off.
    metrics_port: int | None = Field(
        default=None, ge=0, le=65535, description="port of the HTTP /metrics endpoint (0: off)"
    )
    metrics_host: str = Field(default="0.0.0.0", description="listen host of /metrics")
    metrics_sample_interval_s: float = Field(
        default=15.0,
        gt=0,
        description="how often outbox backlog and consumer lag are measured for the gauges",
    )

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _empty_port_is_off(cls, value: object) -> object:
        return 0 if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _insync_fits_replication(self) -> TrellisSettings:
        if self.topic_min_insync_replicas > self.topic_replication_factor:
            # Every acks=all write would then fail with NOT_ENOUGH_REPLICAS.
            raise ValueError(
                f"TRELLIS_TOPIC_MIN_INSYNC_REPLICAS ({self.topic_min_insync_replicas}) is above "
                f"TRELLIS_TOPIC_REPLICATION_FACTOR ({self.topic_replication_factor})"
            )
        return self


def env_name(settings_cls: type[BaseSettings], field: str) -> str:
    """The environment variable that sets `field`, for error messages."""
    prefix = settings_cls.model_config.get("env_prefix", "")
    return f"{prefix}{field}".upper()
