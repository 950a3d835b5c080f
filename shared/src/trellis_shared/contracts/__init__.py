"""Message contracts between services: every event payload, its topic and version.

This package holds only contracts (like an `-api` module per service): pydantic
payloads and the topics they travel on. Consumers import the producer's contract
from here, never the producer's code.
"""

from trellis_shared.contracts.catalog import REGISTRY, SCHEMA_DIR

__all__ = ["REGISTRY", "SCHEMA_DIR"]
