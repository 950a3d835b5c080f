"""The tally: a named counter. Pure domain, no I/O.

Its only rule is that a tally only ever grows, by a positive amount; each
increment raises a TallyIncremented event for others to learn of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trellis_shared.contracts.skeleton import TallyIncremented
from trellis_shared.errors import FieldViolation, InvalidArgument

MAX_AMOUNT = 1_000_000


@dataclass
class Tally:
    tally_id: str
    total: int = 0
    version: int = 0
    pending_events: list[TallyIncremented] = field(default_factory=list)

    def increment(self, amount: int) -> None:
        amount_must_be_positive_and_bounded(amount)
        self.total += amount
        self.pending_events.append(
            TallyIncremented(
                tally_id=self.tally_id, amount=amount, total=self.total, sequence=self.version + 1
            )
        )


def amount_must_be_positive_and_bounded(amount: int) -> None:
    if not 1 <= amount <= MAX_AMOUNT:
        raise InvalidArgument(
            "amount out of range",
            [FieldViolation("amount", f"must be between 1 and {MAX_AMOUNT}, got {amount}")],
        )


def tally_id_must_be_given(tally_id: str) -> None:
    if not tally_id.strip():
        raise InvalidArgument(
            "tally_id is required", [FieldViolation("tally_id", "must not be empty")]
        )
