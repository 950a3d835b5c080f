"""What the matching engine knows about a mentor and a mentee.

These are read-only snapshots assembled by the service layer (from mentor offers,
mentee requests and the local profile read model). The engine never fetches
anything itself, so everything a score or an exclusion depends on is here.

Normalised forms (role titles, languages, department) are computed once per
person rather than once per pair: candidate generation compares each mentee
with hundreds of mentors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from trellis_mentorship.domain.role_titles import normalise_role_title

LOWEST_PROFICIENCY = 1
HIGHEST_PROFICIENCY = 5


def normalise_word(text: str) -> str:
    """Case-insensitive, whitespace-insensitive form for departments and languages."""
    return " ".join(text.casefold().split())


@dataclass(frozen=True, slots=True)
class Goal:
    """A skill the mentee wants to grow, and the proficiency (1-5) they aim for."""

    skill_id: str
    target_level: int

    def __post_init__(self) -> None:
        if not LOWEST_PROFICIENCY <= self.target_level <= HIGHEST_PROFICIENCY:
            raise ValueError(
                f"goal {self.skill_id!r}: target level {self.target_level} is not within 1..5"
            )


@dataclass(frozen=True, slots=True)
class MentorFacts:
    """An employee who opted in as a mentor.

    `roles_held` is the current title followed by earlier titles; `skills` maps a
    taxonomy skill id to a proficiency 1..5; `topics` are skill ids or themes the
    mentor offered to mentor in, used to find them even where no skill is recorded.
    """

    employee_id: str
    skills: Mapping[str, int]
    roles_held: tuple[str, ...]
    department: str
    level: int
    utc_offset_hours: float
    languages: tuple[str, ...] = ()
    capacity: int = 1
    active_mentorships: int = 0
    topics: tuple[str, ...] = ()
    role_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    language_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    department_key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for skill_id, level in self.skills.items():
            if not LOWEST_PROFICIENCY <= level <= HIGHEST_PROFICIENCY:
                raise ValueError(f"mentor {self.employee_id}: {skill_id} level {level} not 1..5")
        if self.capacity < 0 or self.active_mentorships < 0:
            raise ValueError(f"mentor {self.employee_id}: capacity and load cannot be negative")
        # Frozen dataclasses only allow derived fields through object.__setattr__.
        roles = frozenset(filter(None, map(normalise_role_title, self.roles_held)))
        object.__setattr__(self, "role_keys", roles)
        object.__setattr__(self, "language_keys", frozenset(map(normalise_word, self.languages)))
        object.__setattr__(self, "department_key", normalise_word(self.department))

    @property
    def free_capacity(self) -> int:
        """Mentees this mentor can still take on in this cycle."""
        return max(0, self.capacity - self.active_mentorships)


@dataclass(frozen=True, slots=True)
class MenteeFacts:
    """An employee asking for a mentor.

    `reporting_chain` holds the mentee's managers, nearest first: none of them may
    mentor this person. `ranked_mentors`, when not empty, is the mentee's own order
    of preferred mentors and comes before any score-based order.
    """

    employee_id: str
    goals: tuple[Goal, ...]
    target_role: str | None
    department: str
    level: int
    utc_offset_hours: float
    languages: tuple[str, ...] = ()
    prefers_other_department: bool = False
    reporting_chain: tuple[str, ...] = ()
    ranked_mentors: tuple[str, ...] = ()
    target_role_key: str | None = field(init=False, repr=False, compare=False)
    language_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    department_key: str = field(init=False, repr=False, compare=False)
    chain_ids: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        role_key = normalise_role_title(self.target_role) if self.target_role else ""
        object.__setattr__(self, "target_role_key", role_key or None)
        object.__setattr__(self, "language_keys", frozenset(map(normalise_word, self.languages)))
        object.__setattr__(self, "department_key", normalise_word(self.department))
        object.__setattr__(self, "chain_ids", frozenset(self.reporting_chain))
