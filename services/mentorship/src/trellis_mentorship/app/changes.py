"""Load → change → save with the version read, retried when another writer won.

Every write of the service goes through `change`, so each is one
version-checked single-document update of state and events. A mutation that
raises leaves nothing written; one that changes nothing writes nothing, which
makes repeated requests harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from trellis_mentorship.app.ports import Documents, Model, Versioned
from trellis_shared.errors import NotFound, StaleVersion, Unavailable
from trellis_shared.events import EventPayload
from trellis_shared.mongo.write_locks import PROCESS_CHANGE_LOCKS

Clock = Callable[[], datetime]
Mutation = Callable[[Model], Sequence[EventPayload]]
# Concurrent acceptances of one mentor race on one document; each loser re-reads
# and tries again, so a burst of N writers needs up to N rounds.
MAX_ATTEMPTS = 200


def utc_now() -> datetime:
    return datetime.now(UTC)


async def load(documents: Documents[Model], key: str, what: str) -> Versioned[Model]:
    stored = await documents.get(key)
    if stored is None:
        raise NotFound(f"{what} {key} not found")
    return stored


async def change(
    documents: Documents[Model],
    key: str,
    mutate: Mutation[Model],
    *,
    what: str,
    create: Callable[[], Model] | None = None,
) -> Versioned[Model]:
    """Apply `mutate` to a fresh copy and save it; `create` makes a missing document."""
    # Changes in this process queue per document: a burst costs N writes, not N².
    async with PROCESS_CHANGE_LOCKS.hold((what, key)):
        return await _change(documents, key, mutate, what, create)


async def _change(
    documents: Documents[Model],
    key: str,
    mutate: Mutation[Model],
    what: str,
    create: Callable[[], Model] | None,
) -> Versioned[Model]:
    for _ in range(MAX_ATTEMPTS):
        stored = await documents.get(key)
        if stored is None:
            if create is None:
                raise NotFound(f"{what} {key} not found")
            stored = Versioned(create(), 0)
        changed = stored.item.model_copy(deep=True)
        events = list(mutate(changed))
        if stored.version and not events and changed == stored.item:
            return stored
        try:
            version = await documents.save(
                key, changed, expected_version=stored.version, events=events
            )
        except StaleVersion:
            continue
        return Versioned(changed, version)
    raise Unavailable(f"{what} {key} is too busy; try again")
