"""Who is where and knows what, in memory: search, reporting chains, direct reports.

Pure: the service feeds it from its own saves, from the profile snapshots other
replicas publish, and from the database at start. The embedded database answers
only `_id` lookups from an index, so every query on any other field (skills,
department, manager) is served from here and the database only fetches whole
profiles by id.

Entries carry the profile version they were taken from and a newer version
always wins: the same change arriving twice (own save, then its snapshot) or a
late snapshot overtaken by a newer save changes nothing.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from trellis_profiles.domain.org_chart import MAX_CHAIN_DEPTH
from trellis_profiles.domain.profile import Ladder, Visibility

ManagerOf = Callable[[str], "str | None"]


@dataclass(frozen=True)
class SearchCriteria:
    min_levels: dict[str, int] = field(default_factory=dict)  # skill id -> minimum level
    department: str = ""
    location: str = ""
    ladder: Ladder | None = None


@dataclass(frozen=True)
class Person:
    """What search and the org chart need of one profile, at one version."""

    employee_id: str
    version: int
    manager_id: str = ""
    department: str = ""
    location: str = ""
    ladder: Ladder = Ladder.INDIVIDUAL_CONTRIBUTOR
    visibility: Visibility = Visibility.EVERYONE
    levels: Mapping[str, int] = field(default_factory=dict)

    def matches(self, criteria: SearchCriteria, visibilities: set[Visibility]) -> bool:
        return (
            self.visibility in visibilities
            and (not criteria.department or self.department == criteria.department)
            and (not criteria.location or self.location == criteria.location)
            and (criteria.ladder is None or self.ladder is criteria.ladder)
            and all(self.levels.get(s, 0) >= m for s, m in criteria.min_levels.items())
        )


def chain_of(employee_id: str, manager_of: ManagerOf) -> list[str]:
    """Managers of `employee_id`, nearest first, up to the top (a cycle stops the walk)."""
    chain: list[str] = []
    current = manager_of(employee_id)
    while current and current not in chain and len(chain) < MAX_CHAIN_DEPTH:
        chain.append(current)
        current = manager_of(current)
    return chain


class PeopleIndex:
    def __init__(self, people: Iterable[Person] = ()) -> None:
        self._people: dict[str, Person] = {}
        self._reports: dict[str, set[str]] = {}
        self._by_skill: dict[str, dict[str, int]] = {}  # skill -> employee -> level
        self._ordered: list[str] | None = []  # every id sorted; None until re-sorted
        for person in people:
            self.put(person)

    def __len__(self) -> int:
        return len(self._people)

    def __contains__(self, employee_id: object) -> bool:
        return employee_id in self._people

    def get(self, employee_id: str) -> Person | None:
        return self._people.get(employee_id)

    def put(self, person: Person) -> bool:
        """Take `person` unless a newer (or the same) version is already here."""
        before = self._people.get(person.employee_id)
        if before is not None and before.version >= person.version:
            return False
        if before is None:
            self._ordered = None  # a new id: sort again on the next unfiltered search
        else:
            self._forget(before)
        self._people[person.employee_id] = person
        if person.manager_id:
            self._reports.setdefault(person.manager_id, set()).add(person.employee_id)
        for skill_id, level in person.levels.items():
            self._by_skill.setdefault(skill_id, {})[person.employee_id] = level
        return True

    def _forget(self, person: Person) -> None:
        reports = self._reports.get(person.manager_id)
        if reports is not None:
            reports.discard(person.employee_id)
            if not reports:
                del self._reports[person.manager_id]
        for skill_id in person.levels:
            holders = self._by_skill.get(skill_id)
            if holders is not None:
                holders.pop(person.employee_id, None)
                if not holders:
                    del self._by_skill[skill_id]

    def manager_of(self, employee_id: str) -> str | None:
        """The manager id, '' for the top of the tree, None for someone unknown."""
        person = self._people.get(employee_id)
        return None if person is None else person.manager_id

    def chain(self, employee_id: str) -> list[str]:
        return chain_of(employee_id, self.manager_of)

    def direct_reports(self, manager_id: str) -> list[str]:
        return sorted(self._reports.get(manager_id, ()))

    def search(
        self,
        criteria: SearchCriteria,
        visibilities: set[Visibility],
        after_id: str,
        limit: int,
    ) -> list[Person]:
        """Up to `limit` matching people with ids after `after_id`, by id (stable pages)."""
        matching = (
            person
            for person in self._candidates(criteria, after_id)
            if person.employee_id > after_id and person.matches(criteria, visibilities)
        )
        if criteria.min_levels:
            # Holders of the rarest wanted skill, unordered: keep the `limit` smallest ids.
            return heapq.nsmallest(limit, matching, key=lambda p: p.employee_id)
        found = []
        for person in matching:  # already in id order: stop at the page's end
            found.append(person)
            if len(found) == limit:
                break
        return found

    def _candidates(self, criteria: SearchCriteria, after_id: str) -> Iterator[Person]:
        if criteria.min_levels:
            holders = [self._by_skill.get(skill_id, {}) for skill_id in criteria.min_levels]
            rarest = min(holders, key=len)
            return (self._people[employee_id] for employee_id in rarest)
        ordered = self._ids_in_order()
        start = bisect.bisect_right(ordered, after_id)
        return (self._people[ordered[n]] for n in range(start, len(ordered)))

    def _ids_in_order(self) -> list[str]:
        # Sorting on demand, not on every insert: an import adds thousands of ids
        # in a row and an unfiltered search is rare.
        if self._ordered is None:
            self._ordered = sorted(self._people)
        return self._ordered
