"""Write the JSON schema of every registered event (make contracts)."""

from __future__ import annotations

import sys

from trellis_shared.contracts.catalog import SCHEMA_DIR, load_all
from trellis_shared.events.registry import export_schemas


def main() -> int:
    written = export_schemas(load_all(), SCHEMA_DIR)
    for path in written:
        print(f"wrote {path}")
    stale = {p.name for p in SCHEMA_DIR.glob("*.json")} - {p.name for p in written}
    for name in sorted(stale):
        print(f"note: {name} has no registered event any more; delete it if intended")
    return 0


if __name__ == "__main__":
    sys.exit(main())
