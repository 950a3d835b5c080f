"""Release timing: working days, and who approved when nobody answered."""

from __future__ import annotations

from datetime import datetime, timedelta

AUTO = "auto"
SATURDAY = 5


def add_working_days(start: datetime, days: int) -> datetime:
    """`start` moved forward by `days` Monday-to-Friday days, same time of day."""
    moved = start
    remaining = days
    while remaining > 0:
        moved += timedelta(days=1)
        if moved.weekday() < SATURDAY:
            remaining -= 1
    return moved
