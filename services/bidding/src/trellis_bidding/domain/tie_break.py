"""The seeded tie-break: the last key of every assignment's priority order.

It is a hash of the round's seed and the employee id, so it is fixed per person
for the whole round (the same person breaks ties the same way on every
assignment), unpredictable before the seed is drawn, and reproducible from the
recorded seed: clearing the same round twice gives the same result.
"""

from __future__ import annotations

import hashlib


def tie_break(seed: int, employee_id: str) -> int:
    """A 63-bit number; the LOWER value wins a tie (and fits a signed 64-bit array)."""
    digest = hashlib.blake2b(f"{seed}:{employee_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1
