"""The people postings knows, kept from profile snapshot events (a local read model).

Every replica reads the whole compacted snapshot topic itself from the start
(a `BroadcastReader`, not a consumer group that would give it only some
partitions), so it lives in memory only: the topic is its durable copy.
Recommendations and candidate search read it from memory, so no request makes a
call to profiles; a person not in it yet is fetched from profiles once and kept.
Who is in whose reporting chain for confidentiality is asked from profiles when
someone applies (authoritative) and read from here when someone looks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import grpc
from grpc import aio

from trellis_postings.app.ports import Person, ProfilesRemote, TimePromise
from trellis_postings.domain.fit.facts import CandidateFacts
from trellis_shared.contracts.profiles import ProfileSnapshot
from trellis_shared.peers.profiles import TimeReservation

log = logging.getLogger(__name__)
MAX_CHAIN_DEPTH = 64  # deeper than any real org; stops a corrupted loop


def person_from(snapshot: ProfileSnapshot) -> Person:
    aspirations = snapshot.aspirations
    availability = snapshot.availability
    mobility = snapshot.mobility
    facts = CandidateFacts(
        employee_id=snapshot.employee_id,
        skills={s.skill_id: s.level for s in snapshot.skills},
        skills_to_develop=frozenset(aspirations.skills_to_develop),
        target_roles=tuple(aspirations.target_roles),
        ladder=snapshot.ladder,
        ladder_preference=aspirations.ladder_preference,
        level=snapshot.level,
        department=snapshot.department,
        location=snapshot.location,
        share_free_pct=availability.share_free_pct,
        available_from=availability.available_from,
        available_to=availability.available_to,
        open_to_relocation=mobility.open_to_relocation,
        open_to_secondment=mobility.open_to_secondment,
        open_to_gigs=mobility.open_to_gigs,
    )
    return Person(
        facts=facts,
        name=snapshot.name,
        title=snapshot.title,
        manager_id=snapshot.manager_id,
        visibility=snapshot.visibility,
        version=snapshot.version,
    )


class PeopleReadModel:
    def __init__(self, remote: ProfilesRemote) -> None:
        self._remote = remote
        self._people: dict[str, Person] = {}

    def __len__(self) -> int:
        return len(self._people)

    async def apply_snapshot(self, snapshot: ProfileSnapshot) -> None:
        """Idempotent and order-safe: an older version never replaces a newer one."""
        known = self._people.get(snapshot.employee_id)
        if known is None or known.version < snapshot.version:
            self._people[snapshot.employee_id] = person_from(snapshot)

    async def person(self, employee_id: str) -> Person | None:
        known = self._people.get(employee_id)
        if known is not None:
            return known
        snapshot = await self._remote.snapshot(employee_id)
        if snapshot is None:
            return None
        log.info("read model miss for %s: fetched from profiles", employee_id)
        await self.apply_snapshot(snapshot)
        return self._people.get(employee_id)

    def people(self) -> Sequence[Person]:
        return list(self._people.values())

    async def reporting_chain(self, employee_id: str) -> list[str]:
        return await self._remote.reporting_chain(employee_id)

    def known_chain(self, employee_id: str) -> list[str]:
        chain: list[str] = []
        current = self._people.get(employee_id)
        while current is not None and current.manager_id and len(chain) < MAX_CHAIN_DEPTH:
            if current.manager_id in chain:
                break
            chain.append(current.manager_id)
            current = self._people.get(current.manager_id)
        return chain

    async def reserve_time(self, employee_id: str, promise: TimePromise) -> TimeReservation:
        return await self._remote.reserve_time(
            employee_id,
            key=promise.key,
            kind=promise.kind,
            reference=promise.reference,
            share_pct=promise.share_pct,
            starts_on=promise.starts_on,
            ends_on=promise.ends_on,
        )

    async def undo_reservation(self, employee_id: str, key: str) -> None:
        try:
            await self._remote.release_time(employee_id, key, undo=True)
        except aio.AioRpcError as error:
            # Someone profiles does not know holds no time: nothing to undo (and
            # the failure being cleaned up after must not be hidden by this one).
            if error.code() is not grpc.StatusCode.NOT_FOUND:
                raise

    async def unknown_skills(self, skill_ids: Sequence[str]) -> list[str]:
        if not skill_ids:
            return []
        return await self._remote.unknown_skills(skill_ids)
