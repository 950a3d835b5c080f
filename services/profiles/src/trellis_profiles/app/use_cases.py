"""Profiles use cases: each checks who is asking, applies domain rules, and
writes the profile with its snapshot event in one update.

Reads by anything but the employee id (search, reporting chains, direct
reports) come from the in-memory people index; the database is asked for
whole profiles by id only. The index follows this process's saves at once and
other replicas' saves through their snapshots (see `follow_snapshot`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from trellis_profiles.app.people import person_of, person_of_snapshot
from trellis_profiles.app.ports import NewProfile, ProfileRepository, SearchCriteria, Stored
from trellis_profiles.app.recent_profiles import RecentProfiles
from trellis_profiles.app.snapshots import snapshot_of
from trellis_profiles.domain import access
from trellis_profiles.domain.ledger import LedgerCheck, check_commitment
from trellis_profiles.domain.org_chart import manager_cycle_is_refused
from trellis_profiles.domain.people_index import PeopleIndex, chain_of
from trellis_profiles.domain.profile import (
    Aspirations,
    Availability,
    HistoryKind,
    Mobility,
    OrgData,
    Profile,
    SkillSource,
    Visibility,
)
from trellis_profiles.domain.reservations import (
    Answer,
    Promise,
    Reservation,
    release,
    reserve,
    undo,
)
from trellis_profiles.domain.skills import (
    endorse_skill,
    set_own_skills,
    unknown_skills_are_refused,
)
from trellis_profiles.domain.taxonomy import Taxonomy
from trellis_shared.contracts.profiles import ProfileSnapshot, SkillEndorsed
from trellis_shared.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    StaleVersion,
    TrellisError,
    Unavailable,
)
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal
from trellis_shared.mongo.write_locks import PROCESS_CHANGE_LOCKS

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
MAX_BATCH = 200
# A burst of N concurrent changes to one profile (across replicas) needs up to
# N rounds of read-change-write; within one process they queue on a lock.
MAX_CHANGE_ATTEMPTS = 200

Clock = Callable[[], datetime]
# Which request field a refused reservation ran into.
REFUSED_FIELD = {
    Answer.NO_TIME: "share_pct",
    Answer.RELEASED: "key",
    Answer.KEY_REUSED: "key",
}
# A change of one stored profile: the new profile and any events beside its snapshot.
Change = Callable[[Stored], tuple[Profile, Sequence[EventPayload]]]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Changed:
    profile: Profile
    version: int
    written: bool  # False: the change changed nothing, so nothing was written


@dataclass(frozen=True)
class Page:
    profiles: list[tuple[Profile, int]]  # as the viewer may see it, with its version
    next_page_token: str


class Profiles:
    def __init__(
        self,
        repository: ProfileRepository,
        taxonomy: Taxonomy,
        clock: Clock = utc_now,
        *,
        people: PeopleIndex | None = None,
        recent: RecentProfiles | None = None,
    ) -> None:
        self._repo = repository
        self._taxonomy = taxonomy
        self._clock = clock
        self._people = people if people is not None else PeopleIndex()
        self._recent = recent if recent is not None else RecentProfiles()

    def today(self) -> date:
        return self._clock().date()

    # -- the people index ---------------------------------------------------

    @property
    def people(self) -> PeopleIndex:
        return self._people

    async def load_people(self) -> int:
        """Fill the index from the database (at start, after the snapshot reader
        noted where the topic ends, so no change falls between the two)."""
        loaded = 0
        async for person in self._repo.people():
            self._people.put(person)
            loaded += 1
        return loaded

    def follow_snapshot(self, snapshot: ProfileSnapshot) -> bool:
        """A save of any replica, as published; older than what we hold: ignored."""
        return self._people.put(person_of_snapshot(snapshot))

    # -- reads --------------------------------------------------------------

    async def get(
        self, viewer: Principal, employee_id: str, min_version: int = 0
    ) -> tuple[Profile, int]:
        """`min_version`: the caller has seen that version (another replica wrote
        it), so a cached copy older than it is not used even before its snapshot
        arrives here: read-your-writes across replicas."""
        return self._as_seen(viewer, await self._require_recent(employee_id, min_version))

    def _as_seen(self, viewer: Principal, stored: Stored) -> tuple[Profile, int]:
        employee_id = stored.profile.employee_id
        needs_chain = not access.reads_everything(viewer, employee_id)
        chain = self._chain_of(stored.profile) if needs_chain else []
        seen = access.read_access(viewer, stored.profile, chain)
        if seen is access.Access.NONE:
            # Same answer as for a missing profile: ids must not be probeable.
            raise NotFound(f"profile {employee_id!r} not found")
        return access.as_seen_by(seen, stored.profile), stored.version

    async def get_many(
        self, viewer: Principal, employee_ids: Sequence[str]
    ) -> list[tuple[Profile, int]]:
        if len(employee_ids) > MAX_BATCH:
            raise InvalidArgument(
                "too many ids", [FieldViolation("employee_ids", f"at most {MAX_BATCH} per call")]
            )
        ids = list(dict.fromkeys(employee_ids))
        stored = await self._recent_many(ids)  # the misses looked up concurrently
        found = []
        for employee_id in ids:
            if employee_id not in stored:
                continue
            try:
                found.append(self._as_seen(viewer, stored[employee_id]))
            except NotFound:
                continue
        return found

    async def search(
        self, viewer: Principal, criteria: SearchCriteria, page_size: int, page_token: str
    ) -> Page:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise InvalidArgument(
                "bad page size",
                [FieldViolation("page_size", f"must be between 1 and {MAX_PAGE_SIZE}")],
            )
        self._require_known_skills(criteria.min_levels, "skills")
        for skill_id, level in criteria.min_levels.items():
            if not 1 <= level <= 5:
                raise InvalidArgument(
                    "bad level",
                    [FieldViolation(f"skills.{skill_id}.min_level", "must be between 1 and 5")],
                )
        visibilities = access.searchable_visibilities(viewer)
        found = self._people.search(criteria, visibilities, page_token, page_size + 1)
        more = len(found) > page_size
        page_ids = [person.employee_id for person in found[:page_size]]
        stored = await self._recent_many(page_ids)
        # The index may trail the database by a moment (another replica's save not
        # yet followed): each fetched profile is checked again, so a profile that
        # was just hidden or lost the skill never shows.
        rows = [
            stored[i]
            for i in page_ids
            if i in stored
            and person_of(stored[i].profile, stored[i].version).matches(criteria, visibilities)
        ]
        profiles = [
            (
                access.as_seen_by(
                    access.Access.FULL
                    if viewer.roles & {"hr_admin", "service"}
                    or viewer.subject == r.profile.employee_id
                    else access.Access.LIMITED,
                    r.profile,
                ),
                r.version,
            )
            for r in rows
        ]
        # The token is the last id considered (kept or not), so pages never overlap.
        return Page(profiles, page_ids[-1] if more and page_ids else "")

    def reporting_chain(self, employee_id: str) -> list[str]:
        """Managers of `employee_id`, nearest first, up to the top (from the index)."""
        return self._people.chain(employee_id)

    def _chain_of(self, profile: Profile) -> list[str]:
        """The chain above a profile just read: its own manager link from the database
        (authoritative), the links above from the index."""
        own = profile.employee_id

        def manager_of(employee_id: str) -> str | None:
            return (
                profile.org.manager_id
                if employee_id == own
                else self._people.manager_of(employee_id)
            )

        return chain_of(own, manager_of)

    async def direct_reports(self, viewer: Principal, manager_id: str) -> list[tuple[Profile, int]]:
        found = await self._recent_many(self._people.direct_reports(manager_id))
        # Kept only if the stored profile still names this manager (the index may trail).
        reports = [s for _, s in sorted(found.items()) if s.profile.org.manager_id == manager_id]
        return [
            (
                access.as_seen_by(self._report_access(viewer, r.profile, manager_id), r.profile),
                r.version,
            )
            for r in reports
            if self._report_access(viewer, r.profile, manager_id) is not access.Access.NONE
        ]

    def _report_access(self, viewer: Principal, profile: Profile, manager_id: str) -> access.Access:
        # The manager asking about their own reports is in each report's chain.
        chain = [manager_id] if viewer.subject == manager_id else []
        return access.read_access(viewer, profile, chain)

    async def check_commitment(
        self,
        viewer: Principal,
        employee_id: str,
        kind: HistoryKind,
        share_pct: int,
        starts_on: date,
        ends_on: date,
    ) -> LedgerCheck:
        violations = []
        if not 1 <= share_pct <= 100:
            violations.append(FieldViolation("share_pct", "must be between 1 and 100"))
        if ends_on < starts_on:
            violations.append(FieldViolation("ends_on", "must not be before starts_on"))
        if violations:
            raise InvalidArgument("bad commitment", violations)
        stored = await self._require(employee_id)
        access.may_check_ledger(viewer, employee_id, self._chain_of(stored.profile))
        profile = stored.profile
        return check_commitment(
            profile.commitments, profile.availability, kind, share_pct, starts_on, ends_on
        )

    # -- writes -------------------------------------------------------------

    async def reserve_time(
        self, viewer: Principal, employee_id: str, promise: Promise
    ) -> Reservation:
        """Take promised time in one version-checked write of the person's profile
        (concurrent reservations through any replica are decided one after the
        other); refused with FailedPrecondition, nothing written."""
        access.may_promise_time(viewer)
        violations = []
        if not 1 <= promise.share_pct <= 100:
            violations.append(FieldViolation("share_pct", "must be between 1 and 100"))
        if promise.ends_on < promise.starts_on:
            violations.append(FieldViolation("ends_on", "must not be before starts_on"))
        if violations:
            raise InvalidArgument("bad reservation", violations)
        decided: list[Reservation] = []

        def take(stored: Stored) -> tuple[Profile, Sequence[EventPayload]]:
            profile, reservation = reserve(stored.profile, promise, self._clock().date())
            decided[:] = [reservation]
            return profile, ()

        await self._change(employee_id, take)
        (reservation,) = decided
        if not reservation.granted:
            raise FailedPrecondition(
                f"the time does not fit: {reservation.check.reason}",
                [FieldViolation(REFUSED_FIELD[reservation.answer], reservation.check.reason)],
            )
        return reservation

    async def release_time(
        self, viewer: Principal, employee_id: str, key: str, *, undo_only: bool = False
    ) -> bool:
        """Give back the time held under `key`; True when some was freed.
        `undo_only`: the promise may be made again (see reservations.undo)."""
        access.may_promise_time(viewer)
        freed: list[bool] = []

        def give_back(stored: Stored) -> tuple[Profile, Sequence[EventPayload]]:
            if undo_only:
                profile, held = undo(stored.profile, key)
            else:
                profile, held = release(stored.profile, key, self._clock().date())
            freed[:] = [held]
            return profile, ()

        await self._change(employee_id, give_back)
        return freed[0]

    async def upsert_org(
        self, viewer: Principal, employee_id: str, org: OrgData, expected_version: int = 0
    ) -> tuple[Profile, int]:
        """Create a profile or change its org data (HR and imports)."""
        access.may_edit_org_data(viewer)
        manager_cycle_is_refused(
            employee_id, org.manager_id, self.reporting_chain_of_manager(org.manager_id)
        )

        def change(stored: Stored) -> tuple[Profile, Sequence[EventPayload]]:
            return stored.profile.model_copy(update={"org": org}), ()

        def create() -> Profile:
            return Profile(employee_id=employee_id, org=org)

        done = await self._change(employee_id, change, expected_version, create=create)
        return done.profile, done.version

    async def import_one(
        self, viewer: Principal, employee_id: str, org: OrgData, levels: Mapping[str, int]
    ) -> bool:
        """Create or update one imported person; False when nothing changed."""
        (outcome,) = await self.import_batch(viewer, [(employee_id, org, levels)])
        if isinstance(outcome, TrellisError):
            raise outcome
        return outcome

    async def import_batch(
        self, viewer: Principal, people: Sequence[tuple[str, OrgData, Mapping[str, int]]]
    ) -> list[bool | TrellisError]:
        """Create or update imported people (org data and skills), one write each.

        Per person: True when written, False when nothing changed (a repeated
        import writes nothing), or the error that refused them. Chains and
        cycles are checked against the people index (plus the rows before in
        this batch); people the index knows are changed one by one (read,
        compare, write only if different), new people are created together in
        one bulk insert, each document with its own snapshot event. Someone
        the index did not know yet (another replica's fresh import) comes back
        from the insert as existing and takes the one-by-one path, so a retried
        or concurrent import doubles nothing.
        """
        access.may_edit_org_data(viewer)
        batch_managers: dict[str, str] = {}

        def manager_of(employee_id: str) -> str | None:
            if employee_id in batch_managers:
                return batch_managers[employee_id]
            return self._people.manager_of(employee_id)

        outcomes: list[bool | TrellisError] = []
        creates: dict[int, Profile] = {}
        for index, (employee_id, org, levels) in enumerate(people):
            try:
                self._require_known_skills(levels, "skills")
                chain = chain_of(org.manager_id, manager_of) if org.manager_id else []
                manager_cycle_is_refused(employee_id, org.manager_id, chain)
            except TrellisError as error:
                outcomes.append(error)
                continue
            batch_managers[employee_id] = org.manager_id  # later rows see this one
            if employee_id in self._people:
                outcomes.append(False)  # decided below, by the versioned change
            else:
                creates[index] = self._imported(
                    Profile(employee_id=employee_id, org=org), org, levels
                )
                outcomes.append(True)
        await self._create_imported(creates, people, outcomes)
        known = [i for i, outcome in enumerate(outcomes) if outcome is False]
        # Different people, so their read-change-writes may overlap.
        changed = await asyncio.gather(*(self._import_existing(*people[i]) for i in known))
        for index, outcome in zip(known, changed, strict=True):
            outcomes[index] = outcome
        return outcomes

    def _imported(self, profile: Profile, org: OrgData, levels: Mapping[str, int]) -> Profile:
        return set_own_skills(profile.model_copy(update={"org": org}), levels, (), self._clock())

    async def _create_imported(
        self,
        creates: Mapping[int, Profile],
        people: Sequence[tuple[str, OrgData, Mapping[str, int]]],
        outcomes: list[bool | TrellisError],
    ) -> None:
        new: list[NewProfile] = [(p, [snapshot_of(p, 1)]) for p in creates.values()]
        already = await self._repo.create_many(new)
        for index, profile in creates.items():
            if profile.employee_id in already:
                outcomes[index] = False  # exists after all: changed one by one below
            else:
                self._people.put(person_of(profile, 1))

    async def _import_existing(
        self, employee_id: str, org: OrgData, levels: Mapping[str, int]
    ) -> bool | TrellisError:
        def change(stored: Stored) -> tuple[Profile, Sequence[EventPayload]]:
            return self._imported(stored.profile, org, levels), ()

        try:
            return (await self._change(employee_id, change)).written
        except TrellisError as error:
            return error

    async def known_reporting_chain(self, employee_id: str) -> list[str]:
        """The chain of an employee this service knows; NotFound otherwise."""
        if employee_id not in self._people:
            raise NotFound(f"profile {employee_id!r} not found")
        return self.reporting_chain(employee_id)

    def reporting_chain_of_manager(self, manager_id: str) -> list[str]:
        return self.reporting_chain(manager_id) if manager_id else []

    async def update_skills(
        self,
        viewer: Principal,
        employee_id: str,
        levels: Mapping[str, int],
        removals: Sequence[str],
        expected_version: int = 0,
    ) -> tuple[Profile, int]:
        access.may_edit_own_data(viewer, employee_id)
        self._require_known_skills([*levels, *removals], "skills")

        def change(stored: Stored) -> tuple[Profile, Sequence[EventPayload]]:
            return set_own_skills(stored.profile, levels, removals, self._clock()), ()

        done = await self._change(employee_id, change, expected_version)
        return done.profile, done.version

    async def endorse(
        self,
        viewer: Principal,
        employee_id: str,
        skill_id: str,
        level: int,
        *,
        validate: bool = False,
    ) -> tuple[Profile, int]:
        self._require_known_skills([skill_id], "skill_id")
        if not 1 <= level <= 5:
            raise InvalidArgument("bad level", [FieldViolation("level", "must be between 1 and 5")])
        source = SkillSource.VALIDATED if validate else SkillSource.MANAGER_ENDORSED

        def change(stored: Stored) -> tuple[Profile, Sequence[EventPayload]]:
            # After the read, as always: an unknown profile is NOT_FOUND for everyone.
            if validate:
                access.may_validate(viewer)
            else:
                access.may_endorse(viewer, stored.profile)
            profile = endorse_skill(
                stored.profile, skill_id, level, source, viewer.subject, self._clock()
            )
            endorsed = SkillEndorsed(
                employee_id=employee_id,
                skill_id=skill_id,
                level=level,
                source=source.value,
                endorsed_by=viewer.subject,
            )
            return profile, [endorsed]

        done = await self._change(employee_id, change)
        return done.profile, done.version

    async def set_aspirations(
        self,
        viewer: Principal,
        employee_id: str,
        aspirations: Aspirations,
        expected_version: int = 0,
    ) -> tuple[Profile, int]:
        access.may_edit_own_data(viewer, employee_id)
        self._require_known_skills(aspirations.skills_to_develop, "aspirations.skills_to_develop")

        def change(stored: Stored) -> tuple[Profile, Sequence[EventPayload]]:
            return stored.profile.model_copy(update={"aspirations": aspirations}), ()

        done = await self._change(employee_id, change, expected_version)
        return done.profile, done.version

    async def set_preferences(
        self,
        viewer: Principal,
        employee_id: str,
        availability: Availability,
        mobility: Mobility,
        visibility: Visibility,
        expected_version: int = 0,
    ) -> tuple[Profile, int]:
        access.may_edit_own_data(viewer, employee_id)
        self._require_known_skills(mobility.mentor_topics, "mobility.mentor_topics")

        def change(stored: Stored) -> tuple[Profile, Sequence[EventPayload]]:
            update = {"availability": availability, "mobility": mobility, "visibility": visibility}
            return stored.profile.model_copy(update=update), ()

        done = await self._change(employee_id, change, expected_version)
        return done.profile, done.version

    async def apply_event(
        self, employee_id: str, event_id: str, change: Callable[[Profile], Profile]
    ) -> bool:
        """Apply one consumed event to one profile, exactly once.

        The event id is recorded in the same conditional write as its effect, so
        a redelivery finds it and changes nothing; a concurrent write makes us
        reload and try again.
        """

        def applied(stored: Stored) -> tuple[Profile, Sequence[EventPayload]]:
            if stored.profile.has_applied(event_id):
                return stored.profile, ()
            changed = change(stored.profile)
            return changed.model_copy(update={"applied_events": changed.remember(event_id)}), ()

        return (await self._change(employee_id, applied)).written

    def known_skill_levels(self, levels: Mapping[str, int]) -> dict[str, int]:
        """Evidence for skills outside our taxonomy is left out, and said so in the log;
        the rest of the event still applies."""
        unknown = [k for k in levels if k not in self._taxonomy]
        if unknown:
            log.warning("evidence for unknown skills left out", extra={"unknown_skills": unknown})
        return {k: v for k, v in levels.items() if k not in unknown}

    # -- helpers ------------------------------------------------------------

    async def _require(self, employee_id: str) -> Stored:
        stored = await self._repo.get(employee_id)
        if stored is None:
            raise NotFound(f"profile {employee_id!r} not found")
        return stored

    @staticmethod
    def _check_expected(stored: Stored, expected_version: int) -> None:
        if expected_version and expected_version != stored.version:
            raise StaleVersion(stored.profile.employee_id, expected_version)

    def _require_known_skills(self, skill_ids: Iterable[str], field: str) -> None:
        ids = list(skill_ids)
        unknown_skills_are_refused(ids, self._taxonomy.unknown_ids(ids), field)

    async def _change(
        self,
        employee_id: str,
        change: Change,
        expected_version: int = 0,
        *,
        create: Callable[[], Profile] | None = None,
    ) -> Changed:
        """Read, change, write with the version read; on a lost race read again.

        `expected_version` 0 means "whatever is current" (a lost race is retried,
        so concurrent changes through any replica all land); otherwise it must
        match or the caller gets StaleVersion. `create` makes the profile when it
        does not exist yet. A change that changes nothing and raises no events
        writes nothing (no new version, no snapshot).
        """
        async with PROCESS_CHANGE_LOCKS.hold(("profiles", employee_id)):
            for _ in range(MAX_CHANGE_ATTEMPTS):
                stored = await self._repo.get(employee_id)
                if stored is None and create is None:
                    raise NotFound(f"profile {employee_id!r} not found")
                if stored is not None:
                    # What we read is news to the index and the cache when another
                    # replica's snapshot has not arrived yet (e.g. that replica died).
                    self._remember(stored)
                extra: Sequence[EventPayload] = ()
                if stored is None:
                    if expected_version:
                        raise StaleVersion(employee_id, expected_version)
                    assert create is not None
                    profile, version = create(), 0
                else:
                    self._check_expected(stored, expected_version)
                    profile, extra = change(stored)
                    version = stored.version
                    if not extra and profile == stored.profile:
                        return Changed(stored.profile, stored.version, written=False)
                try:
                    written = await self._write(profile, version, extra)
                except StaleVersion:
                    if expected_version:
                        raise
                    continue
                return Changed(profile, written, written=True)
        raise Unavailable(f"profile {employee_id!r} is too busy; try again")

    async def _write(
        self, profile: Profile, version: int, extra: Sequence[EventPayload] = ()
    ) -> int:
        written = await self._repo.save(
            profile, expected_version=version, events=[snapshot_of(profile, version + 1), *extra]
        )
        self._remember(Stored(profile, written))  # read-your-writes on this replica
        return written

    def _remember(self, stored: Stored) -> None:
        self._people.put(person_of(stored.profile, stored.version))
        self._recent.put(stored, self._newest_known(stored.profile.employee_id))

    def _newest_known(self, employee_id: str) -> int:
        person = self._people.get(employee_id)
        return 0 if person is None else person.version

    async def _require_recent(self, employee_id: str, min_version: int = 0) -> Stored:
        """For reads: the cached profile when it is current, else one lookup by id."""
        newest = max(self._newest_known(employee_id), min_version)
        stored = self._recent.get(employee_id, newest)
        if stored is None:
            stored = await self._require(employee_id)
            self._remember(stored)
        return stored

    async def _recent_many(self, employee_ids: Sequence[str]) -> dict[str, Stored]:
        found: dict[str, Stored] = {}
        missing: list[str] = []
        for employee_id in employee_ids:
            stored = self._recent.get(employee_id, self._newest_known(employee_id))
            if stored is None:
                missing.append(employee_id)
            else:
                found[employee_id] = stored
        for employee_id, stored in (await self._repo.get_many(missing)).items():
            self._remember(stored)
            found[employee_id] = stored
        return found
