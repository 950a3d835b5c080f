"""Message contracts between services: every event payload, its topic and version.

This package holds only contracts (like an `-api` module per service): pydantic
payloads and the topics they travel on. Consumers import the producer's contract
from here, never the producer's code.

`catalog` imports every contract module to build the registry, and nothing in
the package imports `catalog` back at import time. `REGISTRY` and `SCHEMA_DIR`
are offered here too, looked up in `catalog` when first asked for: importing it
here would close a circle (Python runs this file before any contract module, so
every contract import would build the whole registry first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for the type checker only; never run
    from trellis_shared.contracts.catalog import REGISTRY, SCHEMA_DIR

__all__ = ["REGISTRY", "SCHEMA_DIR"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from trellis_shared.contracts import catalog

        return getattr(catalog, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
