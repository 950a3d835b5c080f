"""Round use cases: open, read, close, cancel, the report, and what time does."""

from __future__ import annotations

import functools
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime

from trellis_bidding.app.ports import Queries
from trellis_bidding.app.read_models import Catalog
from trellis_bidding.domain import rounds
from trellis_bidding.domain.rounds import Round, RoundStatus, RoundTerms
from trellis_shared.errors import FieldViolation, InvalidArgument, PermissionDenied
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal
from trellis_shared.mongo.model_store import ModelStore, Versioned

Clock = Callable[[], datetime]


def require_hr(viewer: Principal, action: str) -> None:
    if not viewer.has_role("hr_admin"):
        raise PermissionDenied(f"only hr_admin may {action}")


class Rounds:
    def __init__(
        self, store: ModelStore[Round], queries: Queries, catalog: Catalog, clock: Clock
    ) -> None:
        self.store = store
        self._queries = queries
        self._catalog = catalog
        self._clock = clock

    async def open(self, viewer: Principal, terms: RoundTerms) -> Versioned[Round]:
        require_hr(viewer, "open a bidding round")
        problems = []
        for index, assignment_id in enumerate(terms.assignment_ids):
            entry = self._catalog.get(assignment_id)
            if entry is None:
                problems.append(
                    FieldViolation(
                        f"assignment_ids.{index}",
                        f"{assignment_id} is not a known stretch assignment",
                    )
                )
            elif entry.status != "open":
                problems.append(
                    FieldViolation(f"assignment_ids.{index}", f"{assignment_id} is {entry.status}")
                )
        now = self._clock()
        if terms.closes_at <= now:
            problems.append(FieldViolation("closes_at", "must be in the future"))
        elif terms.closes_at <= terms.opens_at:
            problems.append(FieldViolation("closes_at", "must be after opens_at"))
        if problems:
            raise InvalidArgument("invalid round", problems)
        round_ = Round(
            round_id=f"round-{uuid.uuid4().hex[:12]}",
            terms=terms,
            # Recorded with the round: clearing it again gives the same result.
            seed=secrets.randbits(62),
            created_by=viewer.subject,
            created_at=now,
        )
        events = rounds.advance_with_time(round_, now, bidders=0)
        return await self.store.create(round_.round_id, round_, events)

    async def get(self, round_id: str) -> Versioned[Round]:
        return await self.store.load(round_id)

    async def all(self) -> list[Versioned[Round]]:
        return await self._queries.rounds()

    async def close(self, viewer: Principal, round_id: str) -> Versioned[Round]:
        require_hr(viewer, "close a round early")
        bidders = await self._queries.count_wallets(round_id)
        return await self.store.apply(round_id, lambda r: rounds.close(r, bidders))

    async def cancel(self, viewer: Principal, round_id: str) -> Versioned[Round]:
        require_hr(viewer, "cancel a round")
        return await self.store.apply(round_id, rounds.cancel)

    async def report(self, viewer: Principal, round_id: str) -> Versioned[Round]:
        require_hr(viewer, "read a round's report")
        found = await self.store.load(round_id)
        found.value.require(RoundStatus.CLEARED, action="report")
        return found

    async def advance_all(self) -> list[str]:
        """Open and close rounds whose time has come; returns rounds now closed."""
        closed = []
        now = self._clock()
        for found in await self._queries.rounds_due():
            status = found.value.status
            if status not in (RoundStatus.SCHEDULED, RoundStatus.OPEN):
                if status is RoundStatus.CLOSED or rounds.clearing_is_stale(found.value, now):
                    closed.append(found.value.round_id)  # to clear (again, if it died)
                continue
            if found.value.terms.opens_at > now and status is RoundStatus.SCHEDULED:
                continue
            if status is RoundStatus.OPEN and found.value.terms.closes_at > now:
                continue
            bidders = await self._queries.count_wallets(found.value.round_id)
            saved = await self.store.apply(
                found.value.round_id, functools.partial(_advance, now=now, bidders=bidders)
            )
            if saved.value.status is RoundStatus.CLOSED:
                closed.append(saved.value.round_id)
        return closed


def _advance(round_: Round, *, now: datetime, bidders: int) -> list[EventPayload]:
    return rounds.advance_with_time(round_, now, bidders)
