"""Release approval timing: an unanswered request approves itself after N working days.

Managers must not hoard people: the applicant's manager may approve early, and
silence counts as consent once the waiting period has passed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

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
