"""Plain text tables and JSON for the operator CLI."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to their widest cell; numbers right-aligned so they line up."""
    cells = [[_text(value) for value in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    numeric = [_numeric([row[i] for row in rows]) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        padded = (
            value.rjust(width) if right else value.ljust(width)
            for value, width, right in zip(values, widths, numeric, strict=True)
        )
        return "  ".join(padded).rstrip()

    return "\n".join([line([h.upper() for h in headers]), *(line(row) for row in cells)])


def age(since: datetime | None, now: datetime) -> str:
    """`3h05m`, `4m12s`, `9s`; `-` for nothing."""
    if since is None:
        return "-"
    seconds = max(0, int((now - since) / timedelta(seconds=1)))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def as_json(value: Any) -> str:
    return json.dumps(value, indent=2, default=_json_default)


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    raise TypeError(f"not JSON: {type(value).__name__}")


def _numeric(column: Sequence[object]) -> bool:
    # None is a missing number (a partition never committed on), shown as `-`.
    present = [value for value in column if value is not None]
    return bool(present) and all(isinstance(value, int) for value in present)


def _text(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)
