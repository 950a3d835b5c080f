"""Load → decide → save of one application document, retried when another
writer (another request, another replica) won the race.

Every application write goes through here, so each is one version-checked
single-document write of the application with its events (no partial writes).
An application that becomes disclosed is put on the audit list first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from trellis_postings.app.application_lists import DISCLOSED
from trellis_postings.app.ports import ApplicationLists, ApplicationRepository, StoredApplication
from trellis_postings.domain.applications import Application
from trellis_shared.errors import NotFound, StaleVersion, Unavailable
from trellis_shared.events import EventPayload

# current (None: no application yet) → the application to store and its events
Decision = Callable[[Application | None], tuple[Application, Sequence[EventPayload]]]
MAX_ATTEMPTS = 200


class Unread:
    """The caller has not read the application (as opposed to: read it, none)."""


UNREAD = Unread()


class ApplicationWrites:
    def __init__(self, repository: ApplicationRepository, lists: ApplicationLists) -> None:
        self.repository = repository
        self.lists = lists

    async def load(self, application_id: str) -> StoredApplication:
        stored = await self.repository.get(application_id)
        if stored is None:
            raise NotFound(f"application {application_id} not found")
        return stored

    async def decide(
        self,
        application_id: str,
        decision: Decision,
        *,
        read: StoredApplication | Unread | None = UNREAD,
    ) -> StoredApplication:
        """`read`: what the caller has just read (None: no application), so the
        first attempt does not read it again; a stale read only costs a retry."""
        for attempt in range(MAX_ATTEMPTS):
            if attempt == 0 and not isinstance(read, Unread):
                current = read
            else:
                current = await self.repository.get(application_id)
            before = current.application if current else None
            changed, events = decision(before.model_copy(deep=True) if before else None)
            if current is not None and not events and changed == current.application:
                return current  # nothing to do: a repeated request writes nothing
            if changed.disclosure is not None and (before is None or before.disclosure is None):
                await self.lists.add(DISCLOSED, application_id, {})
            try:
                version = await self.repository.save(
                    changed,
                    expected_version=current.version if current else 0,
                    events=list(events),
                )
            except StaleVersion:
                continue
            return StoredApplication(changed, version)
        raise Unavailable(f"application {application_id} is too busy; try again")

    async def change(
        self, application_id: str, mutate: Callable[[Application], Sequence[EventPayload]]
    ) -> StoredApplication:
        """Change an existing application (NotFound when there is none)."""

        def decision(current: Application | None) -> tuple[Application, Sequence[EventPayload]]:
            if current is None:
                raise NotFound(f"application {application_id} not found")
            return current, mutate(current)

        return await self.decide(application_id, decision)
