"""The registry of all contracts, built from every contract module's `TOPICS`.

Contract modules only declare payloads and their topics; this module imports
them and registers them, so the dependency runs one way: nothing in the package
imports this module at import time (shared/tests/unit/test_contracts_imports.py).
"""

from __future__ import annotations

from pathlib import Path

from trellis_shared.contracts import bidding, mentorship, postings, profiles, skeleton
from trellis_shared.events.registry import EventRegistry

CONTRACT_MODULES = (bidding, mentorship, postings, profiles, skeleton)

# Checked-in JSON schemas live beside the package source in the repo
# (shared/contracts/schemas); the contract test compares them with the models.
SCHEMA_DIR = Path(__file__).resolve().parents[3] / "contracts" / "schemas"


def _registry() -> EventRegistry:
    registry = EventRegistry()
    for module in CONTRACT_MODULES:
        for topic, payloads in module.TOPICS.items():
            for payload in payloads:
                registry.register(payload, topic=topic)
    return registry


REGISTRY = _registry()


def load_all() -> EventRegistry:
    """The complete registry (every contract module is registered at import)."""
    return REGISTRY
