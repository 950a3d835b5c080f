"""The reporting chain and the rule that nobody can end up managing themself."""

from __future__ import annotations

from collections.abc import Sequence

from trellis_shared.errors import FieldViolation, InvalidArgument

MAX_CHAIN_DEPTH = 64


def manager_cycle_is_refused(
    employee_id: str, manager_id: str, chain_of_manager: Sequence[str]
) -> None:
    """A reports to B reports to ... A is refused.

    `chain_of_manager` is the proposed manager's own chain, nearest first; the
    employee must not appear in it.
    """
    if not manager_id:
        return
    if manager_id == employee_id:
        cycle = [employee_id, employee_id]
    elif employee_id in chain_of_manager:
        cycle = [
            employee_id,
            manager_id,
            *chain_of_manager[: chain_of_manager.index(employee_id) + 1],
        ]
    else:
        return
    raise InvalidArgument(
        "manager cycle",
        [FieldViolation("org.manager_id", "would create a reporting cycle: " + " -> ".join(cycle))],
    )
