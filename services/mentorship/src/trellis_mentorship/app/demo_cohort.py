"""Who mentors and who asks in the demo, chosen from the demo organisation.

Mentors are the most senior people outside the executive team who have
skills recorded; mentees are the most junior others, each asking to grow two skills
that mentors in other departments have (so the demo cycle finds good pairs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEMO_CYCLE_NAME = "Demo mentoring cohort"
MENTOR_COUNT = 6
MENTEE_COUNT = 8
MENTOR_CAPACITY = 2
GOAL_LEVEL = 3


@dataclass(frozen=True)
class DemoPerson:
    employee_id: str
    department: str
    level: int
    skills: dict[str, int]


@dataclass(frozen=True)
class DemoOffer:
    mentor_id: str
    capacity: int
    topics: tuple[str, ...]


@dataclass(frozen=True)
class DemoRequest:
    mentee_id: str
    goals: tuple[tuple[str, int], ...]
    prefers_other_department: bool


def strongest_skills(person: DemoPerson, count: int) -> tuple[str, ...]:
    ranked = sorted(person.skills.items(), key=lambda item: (-item[1], item[0]))
    return tuple(skill for skill, _ in ranked[:count])


def demo_cohort(people: Sequence[DemoPerson]) -> tuple[list[DemoOffer], list[DemoRequest]]:
    eligible = [p for p in people if p.department != "Executive"]
    by_seniority = sorted(
        (p for p in eligible if p.skills), key=lambda p: (-p.level, p.employee_id)
    )
    mentors = by_seniority[:MENTOR_COUNT]
    offers = [DemoOffer(m.employee_id, MENTOR_CAPACITY, strongest_skills(m, 3)) for m in mentors]
    mentor_ids = {m.employee_id for m in mentors}
    juniors = sorted(
        (p for p in eligible if p.employee_id not in mentor_ids),
        key=lambda p: (p.level, p.employee_id),
    )[:MENTEE_COUNT]
    requests: list[DemoRequest] = []
    if not mentors:
        return offers, requests
    for index, mentee in enumerate(juniors):
        others = [m for m in mentors if m.department != mentee.department] or mentors
        mentor = others[index % len(others)]
        wanted = [s for s in strongest_skills(mentor, 3) if mentee.skills.get(s, 0) < GOAL_LEVEL]
        goals = tuple((skill, GOAL_LEVEL) for skill in (wanted or strongest_skills(mentor, 1))[:2])
        requests.append(DemoRequest(mentee.employee_id, goals, index % 2 == 0))
    return offers, requests
