"""Mentors by skill, offered topic and held role: the inverted index behind candidates.

Built once per matching run. The scalar path asks it for one mentee's
reachable mentors; the batched path (`candidate_search`) reads its posting
lists directly, so both reach exactly the same mentors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from trellis_mentorship.domain.facts import MenteeFacts, MentorFacts, normalise_word


class MentorIndex:
    __slots__ = ("_by_role", "_by_skill", "_position", "mentors")

    def __init__(self, mentors: Iterable[MentorFacts]) -> None:
        self.mentors: tuple[MentorFacts, ...] = tuple(mentors)
        self._position: dict[str, int] = {}
        self._by_skill: dict[str, list[int]] = {}
        self._by_role: dict[str, list[int]] = {}
        for position, mentor in enumerate(self.mentors):
            if mentor.employee_id in self._position:
                raise ValueError(f"mentor {mentor.employee_id} appears twice")
            self._position[mentor.employee_id] = position
            skill_keys = {normalise_word(skill) for skill in mentor.skills}
            skill_keys.update(normalise_word(topic) for topic in mentor.topics)
            for key in skill_keys:
                self._by_skill.setdefault(key, []).append(position)
            for key in mentor.role_keys:
                self._by_role.setdefault(key, []).append(position)

    @property
    def by_skill(self) -> Mapping[str, Sequence[int]]:
        """Normalised skill or topic -> positions of the mentors with it, ascending."""
        return self._by_skill

    @property
    def by_role(self) -> Mapping[str, Sequence[int]]:
        """Normalised role title -> positions of the mentors who held it, ascending."""
        return self._by_role

    def position(self, mentor_id: str) -> int | None:
        return self._position.get(mentor_id)

    def reachable(self, mentee: MenteeFacts) -> set[int]:
        """Positions of mentors sharing a goal skill or the target role, or ranked by the mentee."""
        found: set[int] = set()
        for goal in mentee.goals:
            found.update(self._by_skill.get(normalise_word(goal.skill_id), ()))
        if mentee.target_role_key is not None:
            found.update(self._by_role.get(mentee.target_role_key, ()))
        for mentor_id in mentee.ranked_mentors:
            position = self._position.get(mentor_id)
            if position is not None:
                found.add(position)
        return found

    def free_capacities(self) -> dict[str, int]:
        return {mentor.employee_id: mentor.free_capacity for mentor in self.mentors}
