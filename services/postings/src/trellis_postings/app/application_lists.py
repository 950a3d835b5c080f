"""The names of the application lists (documents found by `_id`) and what a
posting's list keeps beside each id: enough to count what a viewer may see
without reading every application.

The summary may hide more than the application itself does, never less: it is
written before the application (a re-submission keeps the older application's
confidentiality too) and marked disclosed only after the disclosure is stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from trellis_postings.domain.applications import Application

# A posting's list is split in this many documents: each submit rewrites one
# small document (FerretDB rewrites a whole document on every update, so one
# list of 2,000 summaries would make every submit slower than the last).
POSTING_LIST_PARTS = 16
SWEEP = "sweep"  # acceptances the clock still has work for (or that a crash left half-done)
DISCLOSED = "disclosed"  # applications with an audit entry


def posting_list(opportunity_id: str, application_id: str) -> str:
    """The part of the posting's list that holds this application."""
    digest = hashlib.blake2b(application_id.encode(), digest_size=2).digest()
    return f"posting:{opportunity_id}:{int.from_bytes(digest) % POSTING_LIST_PARTS}"


def posting_lists(opportunity_id: str) -> list[str]:
    """Every part of the posting's list."""
    return [f"posting:{opportunity_id}:{part}" for part in range(POSTING_LIST_PARTS)]


def person_list(employee_id: str) -> str:
    return f"person:{employee_id}"


def release_list(manager_id: str) -> str:
    return f"releases:{manager_id}"


def summary(
    employee_id: str, confidential: bool, chain: list[str], disclosed: bool
) -> dict[str, object]:
    return {
        "employee_id": employee_id,
        "confidential": confidential,
        "chain": chain,
        "disclosed": disclosed,
    }


def summary_before_write(
    employee_id: str, confidential: bool, chain: list[str], previous: Application | None
) -> dict[str, object]:
    """What the posting's list says while the write is in flight (fails closed)."""
    if previous is None:
        return summary(employee_id, confidential, chain if confidential else [], False)
    return summary(
        employee_id,
        confidential or previous.confidential,
        list(dict.fromkeys([*(chain if confidential else []), *previous.chain_at_submit])),
        False,
    )


def summary_of(application: Application) -> dict[str, object]:
    return summary(
        application.employee_id,
        application.confidential,
        application.chain_at_submit,
        application.disclosed_at is not None,
    )


def as_strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def summary_fields(entry: Mapping[str, object]) -> tuple[str, bool, list[str], bool]:
    return (
        str(entry.get("employee_id", "")),
        bool(entry.get("confidential", True)),  # unknown: treat as confidential
        as_strings(entry.get("chain")),
        bool(entry.get("disclosed", False)),
    )
