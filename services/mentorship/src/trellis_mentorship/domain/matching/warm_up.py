"""Run every compiled loop of the engine once, on a cohort of three.

numba compiles a loop on its first call (seconds) and keeps the machine code
on disk, so that later processes only load it (about a second). Calling this
at setup and when the service starts keeps that cost out of the first cycle
run, whose caller waits on a deadline.
"""

from __future__ import annotations

from trellis_mentorship.domain.facts import Goal, MenteeFacts, MentorFacts
from trellis_mentorship.domain.matching.engine import prepare_instance
from trellis_mentorship.domain.matching.optimal import match_optimal
from trellis_mentorship.domain.matching.stable import match_stable


def warm_up() -> int:
    """The number of pairs the tiny cohort gets in stable mode (two: a check that it ran)."""
    mentors = [
        MentorFacts(f"warm-mentor-{n}", {"python": 4}, ("Engineer",), "Platform", 6, 0.0)
        for n in range(2)
    ]
    mentees = [
        MenteeFacts(f"warm-mentee-{n}", (Goal("python", 3),), None, "Data", 3, 0.0)
        for n in range(3)
    ]
    instance = prepare_instance(mentees, mentors, k=2)
    match_optimal(instance)
    return len(match_stable(instance).pairs)
