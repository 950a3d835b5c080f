"""The keys under which services reserve time in the profiles ledger.

A key names the promise itself, so the reservation made when time is promised
and the work event that later confirms it (consumed by profiles) meet on the
same key without either side sending it: profiles derives it from the event.
"""

from __future__ import annotations


def application_promise(application_id: str, attempt: int = 1) -> str:
    """An accepted offer of a gig or secondment. An application id is kept when
    the person applies again after withdrawing, so later attempts say which."""
    suffix = f":{attempt}" if attempt > 1 else ""
    return f"application:{application_id}{suffix}"


def award_promise(round_id: str, assignment_id: str, employee_id: str) -> str:
    """A seat awarded by a bidding round (two rounds never share a key)."""
    return f"award:{round_id}:{assignment_id}:{employee_id}"


def mentorship_promise(match_id: str) -> str:
    """The mentor's time for an accepted mentorship."""
    return f"mentorship:{match_id}"


def award_seat_holder(round_id: str, employee_id: str) -> str:
    """Who holds a stretch assignment's seat in postings for a bidding award: the
    award's event and bidding's HoldSeat before it name the same holder."""
    return f"award:{round_id}:{employee_id}"
