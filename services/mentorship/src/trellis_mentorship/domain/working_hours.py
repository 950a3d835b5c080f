"""How much of a working day two people share, from their UTC offsets.

Everyone is assumed to work 09:00-17:00 local time. That is crude (shifts,
part-time, flexible hours) but it is the information we have, and what matters
for mentoring is whether a regular call can fit in both days at all.
"""

from __future__ import annotations

WORKDAY_START_HOUR = 9.0
WORKDAY_END_HOUR = 17.0
WORKDAY_HOURS = WORKDAY_END_HOUR - WORKDAY_START_HOUR
_DAY_HOURS = 24.0


def shared_working_hours(offset_a_hours: float, offset_b_hours: float) -> float:
    """Hours (0..8) during which both people are inside their working day.

    The days are compared on a 24-hour circle, so +12 and -11 are one hour apart
    rather than twenty-three.
    """
    shift = (offset_a_hours - offset_b_hours) % _DAY_HOURS
    same_day_overlap = max(0.0, WORKDAY_HOURS - shift)
    across_midnight_overlap = max(0.0, shift + WORKDAY_HOURS - _DAY_HOURS)
    return same_day_overlap + across_midnight_overlap
