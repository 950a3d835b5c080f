"""Realistic synthetic organisations for demos, tests and benchmarks.

Deterministic for a seed. The shape follows what HR data usually looks like:
a CEO, department heads, a manager tree with spans of control of about 4-9,
levels that fall with depth, more individual contributors than managers, and
skills drawn mostly from the categories a department works in, with higher
levels for more senior people and a few skills from elsewhere (people are more
than their job).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from trellis_profiles.domain.taxonomy import Skill, Taxonomy

# Department -> words that pick taxonomy categories (matched case-insensitively).
DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "Engineering": ("software", "cloud", "infrastructure", "security", "devops"),
    "Data": ("data", "machine learning", "analytics"),
    "Product": ("product",),
    "Design": ("design", "ux"),
    "Sales": ("sales",),
    "Marketing": ("marketing",),
    "Finance": ("finance",),
    "People": ("hr", "talent", "people"),
    "Legal": ("legal", "compliance"),
    "Operations": ("operations", "supply", "project"),
    "Customer Success": ("customer", "support"),
}
SHARED_WORDS = ("communication", "leadership", "project", "language")
LOCATIONS = [
    ("London", "Europe/London"),
    ("Berlin", "Europe/Berlin"),
    ("New York", "America/New_York"),
    ("Austin", "America/Chicago"),
    ("Singapore", "Asia/Singapore"),
    ("Bangalore", "Asia/Kolkata"),
    ("Remote", "UTC"),
]
FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Katherine",
    "Linus",
    "Margaret",
    "Tim",
    "Barbara",
    "Dennis",
    "Frances",
    "Ken",
    "Radia",
    "Guido",
    "Hedy",
    "John",
    "Mary",
    "Edsger",
    "Shafi",
    "Sophie",
    "Anita",
    "Leslie",
    "Fei",
    "Yukihiro",
    "Ines",
    "Kwame",
    "Priya",
    "Mateo",
    "Aisha",
    "Lars",
    "Mei",
    "Omar",
    "Zanele",
    "Hiro",
    "Noor",
    "Tomas",
    "Chloe",
]
LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Berners",
    "Liskov",
    "Ritchie",
    "Allen",
    "Thompson",
    "Perlman",
    "Rossum",
    "Lamarr",
    "Backus",
    "Keller",
    "Dijkstra",
    "Goldwasser",
    "Wilson",
    "Borg",
    "Lamport",
    "Li",
    "Matsumoto",
    "Okafor",
    "Mensah",
    "Raman",
    "Silva",
    "Haddad",
    "Nilsson",
    "Chen",
    "Farouk",
    "Dlamini",
    "Sato",
    "Karimi",
    "Novak",
    "Dubois",
]
TITLES_IC = {1: "Associate", 2: "Junior", 3: "", 4: "Senior", 5: "Staff", 6: "Principal"}
ROLE_OF = {
    "Engineering": "Engineer",
    "Data": "Data Scientist",
    "Product": "Product Manager",
    "Design": "Designer",
    "Sales": "Account Executive",
    "Marketing": "Marketer",
    "Finance": "Analyst",
    "People": "HR Partner",
    "Legal": "Counsel",
    "Operations": "Operations Specialist",
    "Customer Success": "Customer Success Manager",
}


@dataclass(frozen=True)
class Person:
    employee_id: str
    manager_id: str
    department: str
    level: int
    is_manager: bool


def _skills_by_department(taxonomy: Taxonomy) -> dict[str, list[Skill]]:
    def matching(words: tuple[str, ...]) -> list[Skill]:
        return [s for s in taxonomy.skills() if any(w in s.category.lower() for w in words)]

    pools = {dept: matching(words) for dept, words in DEPARTMENTS.items()}
    everything = taxonomy.skills()
    return {dept: pool or everything for dept, pool in pools.items()} | {
        "_shared": matching(SHARED_WORDS) or everything
    }


def _tree(size: int, rng: random.Random) -> list[Person]:
    """CEO, a head per department, then managers and reports breadth-first."""
    people = [Person("e00001", "", "Executive", 10, True)]
    heads = []
    for dept in list(DEPARTMENTS)[: max(1, min(len(DEPARTMENTS), size - 1))]:
        head = Person(f"e{len(people) + 1:05d}", "e00001", dept, 9, True)
        people.append(head)
        heads.append(head)
    open_managers = list(heads)
    while len(people) < size and open_managers:
        manager = open_managers.pop(0)
        for _ in range(rng.randint(4, 9)):
            if len(people) >= size:
                break
            level = max(1, manager.level - rng.choice((1, 1, 2, 2, 3)))
            is_manager = level >= 5 and rng.random() < 0.25
            person = Person(
                f"e{len(people) + 1:05d}",
                manager.employee_id,
                manager.department,
                level,
                is_manager,
            )
            people.append(person)
            if is_manager:
                open_managers.append(person)
        if not open_managers and len(people) < size:
            # Every branch is full: promote the next senior individual contributor.
            candidate = next((p for p in people if not p.is_manager and p.level >= 3), None)
            if candidate is None:
                break
            promoted = Person(
                candidate.employee_id,
                candidate.manager_id,
                candidate.department,
                candidate.level,
                True,
            )
            people[people.index(candidate)] = promoted
            open_managers.append(promoted)
    return people


def generate_organisation(size: int, taxonomy: Taxonomy, seed: int = 7) -> list[dict[str, Any]]:
    """`size` people as import records (the JSON import shape)."""
    if size < 1:
        raise ValueError("an organisation has at least one person")
    rng = random.Random(seed)
    pools = _skills_by_department(taxonomy)
    records = []
    for person in _tree(size, rng):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        location, zone = rng.choice(LOCATIONS)
        records.append(
            {
                "employee_id": person.employee_id,
                "name": f"{first} {last}",
                "email": f"{first.lower()}.{last.lower()}.{person.employee_id}@example.com",
                "title": _title(person),
                "level": person.level,
                "ladder": "manager" if person.is_manager else "individual_contributor",
                "department": person.department,
                "location": location,
                "time_zone": zone,
                "manager_id": person.manager_id,
                "role_started_on": (
                    date(2026, 1, 1) - timedelta(days=rng.randint(30, 2000))
                ).isoformat(),
                "skills": _skills(person, pools, rng),
            }
        )
    return records


def _title(person: Person) -> str:
    if person.department == "Executive":
        return "Chief Executive Officer"
    role = ROLE_OF.get(person.department, "Specialist")
    if person.level >= 9:
        return f"Head of {person.department}"
    if person.is_manager:
        return f"{role} Manager"
    prefix = TITLES_IC.get(min(person.level, 6), "")
    return f"{prefix} {role}".strip()


def _skills(
    person: Person, pools: dict[str, list[Skill]], rng: random.Random
) -> list[dict[str, Any]]:
    home = pools.get(person.department, pools["_shared"])
    count = rng.randint(4, 10)
    chosen = rng.sample(home, min(len(home), count - 2))
    chosen += rng.sample(pools["_shared"], min(len(pools["_shared"]), 2))
    seniority = min(person.level, 8) / 8
    skills = []
    for skill in dict.fromkeys(chosen):
        centre = 1 + 3.5 * seniority
        level = int(max(1, min(5, round(rng.gauss(centre, 0.9)))))
        skills.append({"skill": skill.id, "level": level})
    return skills
