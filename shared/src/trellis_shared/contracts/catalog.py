"""The registry of all contracts; importing a contract module registers it."""

from __future__ import annotations

from pathlib import Path

from trellis_shared.events.registry import EventRegistry

REGISTRY = EventRegistry()

# Checked-in JSON schemas live beside the package source in the repo
# (shared/contracts/schemas); the contract test compares them with the models.
SCHEMA_DIR = Path(__file__).resolve().parents[3] / "contracts" / "schemas"


def load_all() -> EventRegistry:
    """Import every contract module so the registry is complete."""
    from trellis_shared.contracts import (  # noqa: F401
        bidding,
        mentorship,
        postings,
        profiles,
        skeleton,
    )

    return REGISTRY
