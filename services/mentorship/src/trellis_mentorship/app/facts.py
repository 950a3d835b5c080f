"""A mentee request and a person from the read model, as the engine's facts."""

from __future__ import annotations

from trellis_mentorship.app.people import Person
from trellis_mentorship.domain.facts import Goal, MenteeFacts
from trellis_mentorship.domain.mentee_request import MenteeRequest


def mentee_facts(request: MenteeRequest, person: Person, known_chain: list[str]) -> MenteeFacts:
    terms = request.terms
    # The chain filed with the request (from profiles) plus what the read model
    # knows now: a new manager since filing is excluded too.
    chain = tuple(dict.fromkeys([*request.reporting_chain, *known_chain]))
    return MenteeFacts(
        employee_id=request.mentee_id,
        goals=tuple(Goal(g.skill_id, g.target_level) for g in terms.goals),
        target_role=terms.target_role,
        department=person.department,
        level=person.level,
        utc_offset_hours=person.utc_offset_hours,
        languages=tuple(terms.languages),
        prefers_other_department=terms.prefers_other_department,
        reporting_chain=chain,
        ranked_mentors=tuple(terms.ranked_mentor_ids),
    )


def topics_of(request: MenteeRequest) -> list[str]:
    """What the mentorship is about: the goal skills, then the target role."""
    topics = [goal.skill_id for goal in request.terms.goals]
    if request.terms.target_role:
        topics.append(request.terms.target_role)
    return topics
