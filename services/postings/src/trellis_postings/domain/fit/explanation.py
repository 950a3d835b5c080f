"""What a match explanation holds and how it reads to a person.

The score is the sum of the skill lines and the components, each a whole number
of tenths, so `lines()` adds up to the score a person sees.
"""

from __future__ import annotations

from dataclasses import dataclass

SKILLS = "skills"
ASPIRATION = "aspiration"
AVAILABILITY = "availability"
LOCATION = "location"
STRETCH_BONUS = "stretch"
MUST_HAVE_PENALTY = "must_have_penalty"


@dataclass(frozen=True, slots=True)
class SkillContribution:
    skill_id: str
    required_level: int
    employee_level: int  # 0: the person does not have the skill
    weight: float
    must_have: bool
    points: float
    max_points: float
    met: bool
    # The person wants to develop this skill and the opportunity would grow it.
    stretch: bool = False


@dataclass(frozen=True, slots=True)
class FitComponent:
    """A part of the score other than the skill lines.

    Names: aspiration, availability, location, stretch (bonus), must_have_penalty
    (negative), and skills only when the posting lists no skills. Bonus and
    penalty have max_points 0: they do not add to what a match can reach.
    """

    name: str
    points: float
    max_points: float
    reason: str


@dataclass(frozen=True, slots=True)
class MatchExplanation:
    opportunity_id: str
    employee_id: str
    score: float  # 0..100, one decimal
    verdict: str
    skills: tuple[SkillContribution, ...]
    missing_must_haves: tuple[str, ...]
    stretch_skills: tuple[str, ...]
    components: tuple[FitComponent, ...]
    config_version: str

    def component(self, name: str) -> FitComponent | None:
        return next((c for c in self.components if c.name == name), None)

    @property
    def aspiration(self) -> FitComponent:
        return self._required(ASPIRATION)

    @property
    def availability(self) -> FitComponent:
        return self._required(AVAILABILITY)

    @property
    def location(self) -> FitComponent:
        return self._required(LOCATION)

    def _required(self, name: str) -> FitComponent:
        found = self.component(name)
        if found is None:  # every explanation has these three
            raise LookupError(name)
        return found

    def lines(self) -> list[str]:
        """The explanation for a person, one line per part, adding up to the score."""
        out = [f"{self.score:.1f} of 100: {self.verdict} (scoring {self.config_version})"]
        out.extend(skill_line(s) for s in self.skills)
        for c in self.components:
            out.append(component_line(c))
        if self.missing_must_haves:
            out.append("missing must-haves: " + ", ".join(self.missing_must_haves))
        return out


def skill_line(s: SkillContribution) -> str:
    held = f"level {s.employee_level}" if s.employee_level else "not held"
    kind = "must-have" if s.must_have else "nice to have"
    state = "met" if s.met else ("stretch: you want to grow it" if s.stretch else "below")
    return (
        f"{s.points:5.1f} of {s.max_points:4.1f}  {s.skill_id}: {held}, needs {s.required_level}"
        f" ({kind}, weight {s.weight:g}); {state}"
    )


def component_line(c: FitComponent) -> str:
    if c.name == MUST_HAVE_PENALTY:
        return f"{c.points:5.1f}          must-have gaps: {c.reason}"
    if c.name == STRETCH_BONUS:
        return f"{c.points:+5.1f}          stretch bonus: {c.reason}"
    return f"{c.points:5.1f} of {c.max_points:4.1f}  {c.name}: {c.reason}"
