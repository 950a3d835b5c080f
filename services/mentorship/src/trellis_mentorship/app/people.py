"""The people mentorship knows, kept from profile snapshot events (a local read model).

Every replica keeps it whole: it reads every partition of the compacted
snapshot topic from the start (a broadcast reader) and serves only once caught
up. The topic then holds everyone's latest snapshot, so the service keeps no
copy in its database (`store=None`); a store is still accepted for tests and
tools that want one.

Matching reads mentors and mentees from memory, so a cycle run makes no call to
profiles for them; a person not in it yet is fetched from profiles once and
kept. The reporting chain for the exclusion is asked from profiles when a
request is filed (authoritative) and topped up from here at run time, so a
manager change after filing is still honoured.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trellis_mentorship.app.ports import ProfilesRemote, SnapshotStore
from trellis_shared.contracts.profiles import ProfileSnapshot
from trellis_shared.contracts.promises import mentorship_promise
from trellis_shared.peers.profiles import TimeReservation

log = logging.getLogger(__name__)
MAX_CHAIN_DEPTH = 64  # deeper than any real org; stops a corrupted loop
ROLE_HISTORY_KINDS = frozenset({"role"})


@dataclass(frozen=True)
class Person:
    employee_id: str
    name: str
    title: str
    level: int
    department: str
    utc_offset_hours: float
    manager_id: str
    skills: dict[str, int]
    roles_held: tuple[str, ...]  # the current title first, then earlier roles
    offers_mentoring: bool
    mentor_capacity: int
    mentor_topics: tuple[str, ...]
    version: int


def utc_offset_hours(time_zone: str, now: datetime | None = None) -> float:
    """The zone's offset today; an unknown zone counts as UTC rather than failing a run."""
    try:
        offset = (now or datetime.now(UTC)).astimezone(ZoneInfo(time_zone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0.0
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def person_from(snapshot: ProfileSnapshot) -> Person:
    earlier_roles = [
        h.title for h in snapshot.history if h.kind in ROLE_HISTORY_KINDS and h.title.strip()
    ]
    roles = tuple(dict.fromkeys(r for r in (snapshot.title, *earlier_roles) if r.strip()))
    mobility = snapshot.mobility
    return Person(
        employee_id=snapshot.employee_id,
        name=snapshot.name,
        title=snapshot.title,
        level=snapshot.level,
        department=snapshot.department,
        utc_offset_hours=utc_offset_hours(snapshot.time_zone),
        manager_id=snapshot.manager_id,
        skills={s.skill_id: s.level for s in snapshot.skills if 1 <= s.level <= 5},
        roles_held=roles,
        offers_mentoring=mobility.offers_mentoring,
        mentor_capacity=mobility.mentor_capacity,
        mentor_topics=tuple(mobility.mentor_topics),
        version=snapshot.version,
    )


class PeopleReadModel:
    def __init__(self, store: SnapshotStore | None, remote: ProfilesRemote) -> None:
        self._store = store
        self._remote = remote
        self._people: dict[str, Person] = {}

    async def load(self) -> int:
        if self._store is None:
            return 0
        for snapshot in await self._store.load_all():
            self._remember(snapshot)
        return len(self._people)

    async def apply_snapshot(self, snapshot: ProfileSnapshot) -> None:
        """Idempotent and order-safe: an older version never replaces a newer one."""
        known = self._people.get(snapshot.employee_id)
        if known is not None and known.version >= snapshot.version:
            return
        if self._store is not None:
            await self._store.keep(snapshot, known_version=known.version if known else 0)
        self._remember(snapshot)

    def _remember(self, snapshot: ProfileSnapshot) -> None:
        known = self._people.get(snapshot.employee_id)
        if known is None or known.version < snapshot.version:
            self._people[snapshot.employee_id] = person_from(snapshot)

    def known(self, employee_id: str) -> Person | None:
        return self._people.get(employee_id)

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

    async def unknown_skills(self, skill_ids: Sequence[str]) -> list[str]:
        if not skill_ids:
            return []
        return await self._remote.unknown_skills(skill_ids)

    async def reserve_mentor_time(
        self, mentor_id: str, match_id: str, share_pct: int, starts_on: date, ends_on: date
    ) -> TimeReservation:
        return await self._remote.reserve_time(
            mentor_id,
            key=mentorship_promise(match_id),
            kind="mentorship",
            reference=match_id,
            share_pct=share_pct,
            starts_on=starts_on,
            ends_on=ends_on,
        )

    async def release_mentor_time(self, mentor_id: str, match_id: str, *, undo: bool) -> None:
        await self._remote.release_time(mentor_id, mentorship_promise(match_id), undo=undo)
