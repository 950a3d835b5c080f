"""Profiles use cases: each checks who is asking, applies domain rules, and
writes the profile with its snapshot event in one update."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from trellis_profiles.app.ports import ProfileRepository, SearchCriteria, Stored
from trellis_profiles.app.snapshots import snapshot_of
from trellis_profiles.domain import access
from trellis_profiles.domain.ledger import LedgerCheck, check_commitment
from trellis_profiles.domain.org_chart import MAX_CHAIN_DEPTH, manager_cycle_is_refused
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
from trellis_profiles.domain.skills import (
    endorse_skill,
    set_own_skills,
    unknown_skills_are_refused,
)
from trellis_profiles.domain.taxonomy import Taxonomy
from trellis_shared.contracts.profiles import SkillEndorsed
from trellis_shared.errors import (
    FieldViolation,
    InvalidArgument,
    NotFound,
    StaleVersion,
    TrellisError,
)
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
MAX_BATCH = 200
STALE_RETRIES = 5

Clock = Callable[[], datetime]
ManagerLookup = Callable[[str], Awaitable[str | None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Page:
    profiles: list[tuple[Profile, int]]  # as the viewer may see it, with its version
    next_page_token: str


class Profiles:
    def __init__(
        self, repository: ProfileRepository, taxonomy: Taxonomy, clock: Clock = utc_now
    ) -> None:
        self._repo = repository
        self._taxonomy = taxonomy
        self._clock = clock

    # -- reads --------------------------------------------------------------

    async def get(self, viewer: Principal, employee_id: str) -> tuple[Profile, int]:
        stored = await self._require(employee_id)
        # The chain costs a lookup per manager: walk it only when it can matter.
        needs_chain = not access.reads_everything(viewer, employee_id)
        chain = await self.reporting_chain(employee_id) if needs_chain else []
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
        found = []
        for employee_id in dict.fromkeys(employee_ids):
            try:
                found.append(await self.get(viewer, employee_id))
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
        rows = await self._repo.search(
            criteria, access.searchable_visibilities(viewer), page_token, page_size + 1
        )
        more = len(rows) > page_size
        rows = rows[:page_size]
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
        return Page(profiles, rows[-1].profile.employee_id if more and rows else "")

    async def reporting_chain(
        self, employee_id: str, manager_of: ManagerLookup | None = None
    ) -> list[str]:
        """Managers of `employee_id`, nearest first, up to the top."""
        lookup = manager_of or self._repo.manager_of
        chain: list[str] = []
        current = await lookup(employee_id)
        while current and current not in chain and len(chain) < MAX_CHAIN_DEPTH:
            chain.append(current)
            current = await lookup(current)
        return chain

    async def direct_reports(self, viewer: Principal, manager_id: str) -> list[tuple[Profile, int]]:
        reports = await self._repo.direct_reports(manager_id)
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
        access.may_check_ledger(viewer, employee_id, await self.reporting_chain(employee_id))
        profile = stored.profile
        return check_commitment(
            profile.commitments, profile.availability, kind, share_pct, starts_on, ends_on
        )

    # -- writes -------------------------------------------------------------

    async def upsert_org(
        self, viewer: Principal, employee_id: str, org: OrgData, expected_version: int = 0
    ) -> tuple[Profile, int]:
        """Create a profile or change its org data (HR and imports)."""
        access.may_edit_org_data(viewer)
        manager_cycle_is_refused(
            employee_id, org.manager_id, await self.reporting_chain_of_manager(org.manager_id)
        )
        stored = await self._repo.get(employee_id)
        if stored is None:
            if expected_version:
                raise StaleVersion(employee_id, expected_version)
            profile = Profile(employee_id=employee_id, org=org)
            return profile, await self._write(profile, 0)
        self._check_expected(stored, expected_version)
        if stored.profile.org == org:
            return stored.profile, stored.version  # unchanged: no new version, no event
        profile = stored.profile.model_copy(update={"org": org})
        return profile, await self._write(profile, stored.version)

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
        import writes nothing), or the error that refused them. Profiles are read
        in one query and manager lookups are remembered across the batch, so a
        person costs about one write.
        """
        access.may_edit_org_data(viewer)
        existing = await self._repo.get_many([employee_id for employee_id, _, _ in people])
        known: dict[str, str | None] = {}

        async def manager_of(employee_id: str) -> str | None:
            if employee_id not in known:
                known[employee_id] = await self._repo.manager_of(employee_id)
            return known[employee_id]

        outcomes: list[bool | TrellisError] = []
        for employee_id, org, levels in people:
            try:
                self._require_known_skills(levels, "skills")
                chain = (
                    await self.reporting_chain(org.manager_id, manager_of)
                    if (org.manager_id)
                    else []
                )
                manager_cycle_is_refused(employee_id, org.manager_id, chain)
                stored = existing.get(employee_id)
                before = stored.profile if stored else Profile(employee_id=employee_id, org=org)
                profile = set_own_skills(
                    before.model_copy(update={"org": org}), levels, (), self._clock()
                )
                if stored is not None and profile == stored.profile:
                    outcomes.append(False)
                else:
                    await self._write(profile, stored.version if stored else 0)
                    outcomes.append(True)
                known[employee_id] = org.manager_id  # later rows see this batch's changes
            except TrellisError as error:
                outcomes.append(error)
        return outcomes

    async def known_reporting_chain(self, employee_id: str) -> list[str]:
        """The chain of an employee this service knows; NotFound otherwise."""
        if await self._repo.manager_of(employee_id) is None:
            raise NotFound(f"profile {employee_id!r} not found")
        return await self.reporting_chain(employee_id)

    async def reporting_chain_of_manager(self, manager_id: str) -> list[str]:
        return await self.reporting_chain(manager_id) if manager_id else []

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
        stored = await self._require(employee_id)
        self._check_expected(stored, expected_version)
        profile = set_own_skills(stored.profile, levels, removals, self._clock())
        return await self._write_if_changed(stored, profile)

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
        stored = await self._require(employee_id)
        if validate:
            access.may_validate(viewer)
        else:
            access.may_endorse(viewer, stored.profile)
        source = SkillSource.VALIDATED if validate else SkillSource.MANAGER_ENDORSED
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
        return profile, await self._write(profile, stored.version, [endorsed])

    async def set_aspirations(
        self,
        viewer: Principal,
        employee_id: str,
        aspirations: Aspirations,
        expected_version: int = 0,
    ) -> tuple[Profile, int]:
        access.may_edit_own_data(viewer, employee_id)
        self._require_known_skills(aspirations.skills_to_develop, "aspirations.skills_to_develop")
        stored = await self._require(employee_id)
        self._check_expected(stored, expected_version)
        profile = stored.profile.model_copy(update={"aspirations": aspirations})
        return await self._write_if_changed(stored, profile)

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
        stored = await self._require(employee_id)
        self._check_expected(stored, expected_version)
        profile = stored.profile.model_copy(
            update={"availability": availability, "mobility": mobility, "visibility": visibility}
        )
        return await self._write_if_changed(stored, profile)

    async def apply_event(
        self, employee_id: str, event_id: str, change: Callable[[Profile], Profile]
    ) -> bool:
        """Apply one consumed event to one profile, exactly once.

        The event id is recorded in the same conditional write as its effect, so
        a redelivery finds it and changes nothing; a concurrent write makes us
        reload and try again.
        """
        for attempt in range(STALE_RETRIES):
            stored = await self._repo.get(employee_id)
            if stored is None:
                raise NotFound(f"profile {employee_id!r} not found")
            if stored.profile.has_applied(event_id):
                return False
            changed = change(stored.profile)
            profile = changed.model_copy(update={"applied_events": changed.remember(event_id)})
            try:
                await self._write(profile, stored.version)
                return True
            except StaleVersion:
                await asyncio.sleep(0.01 * (attempt + 1))
        raise StaleVersion(employee_id, -1)

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

    async def _write_if_changed(self, stored: Stored, profile: Profile) -> tuple[Profile, int]:
        if profile == stored.profile:
            return stored.profile, stored.version  # no new version, no snapshot
        return profile, await self._write(profile, stored.version)

    async def _write(
        self, profile: Profile, version: int, extra: Sequence[EventPayload] = ()
    ) -> int:
        return await self._repo.save(
            profile, expected_version=version, events=[snapshot_of(profile, version + 1), *extra]
        )
