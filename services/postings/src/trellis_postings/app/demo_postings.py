"""Demo postings of every kind, built from the demo organisation's managers and
the skills their departments actually have (so recommendations find people)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from trellis_postings.domain.opportunity import Details, Kind, RequiredSkill, SecondmentTerms


@dataclass(frozen=True)
class DemoManager:
    employee_id: str
    department: str
    location: str
    team_skills: Counter[str]  # skill id → how many in the department have it


@dataclass(frozen=True)
class DemoPosting:
    kind: Kind
    title: str
    description: str
    share_pct: int = 100
    weeks: int = 0  # 0 = open-ended (a job)
    seats: int = 1


CATALOGUE = (
    DemoPosting(Kind.JOB, "{dept} lead", "A permanent move into a lead role in {dept}."),
    DemoPosting(Kind.JOB, "Senior specialist, {dept}", "Join {dept} as a senior specialist."),
    DemoPosting(Kind.GIG, "{dept} data clean-up gig", "Two days a week for six weeks.", 40, 6),
    DemoPosting(Kind.GIG, "Internal tooling sprint ({dept})", "Help build a small tool.", 20, 8, 2),
    DemoPosting(
        Kind.SECONDMENT,
        "Secondment to the {dept} platform team",
        "Six months as a host member.",
        100,
        26,
    ),
    DemoPosting(
        Kind.STRETCH, "Lead the {dept} quarterly planning", "Run planning for a quarter.", 20, 12
    ),
    DemoPosting(
        Kind.STRETCH, "Own the {dept} onboarding revamp", "Redesign onboarding.", 15, 10, 2
    ),
    DemoPosting(
        Kind.INTEREST_INTERVIEW, "Meet the {dept} team", "A 30-minute conversation about our work."
    ),
)


def demo_postings(managers: list[DemoManager], today: date) -> list[tuple[Kind, Details]]:
    postings: list[tuple[Kind, Details]] = []
    usable = [m for m in managers if len(m.team_skills) >= 3]
    for index, template in enumerate(CATALOGUE):
        if not usable:
            break
        manager = usable[index % len(usable)]
        skills = [s for s, _ in manager.team_skills.most_common(4)]
        starts = today + timedelta(days=21)
        details = Details(
            title=template.title.format(dept=manager.department),
            description=template.description.format(dept=manager.department),
            team=f"{manager.department} team",
            department=manager.department,
            hiring_manager_id=manager.employee_id,
            required_skills=[
                RequiredSkill(skill_id=s, min_level=3 if i < 2 else 2, must_have=i == 0)
                for i, s in enumerate(skills)
            ],
            location=manager.location,
            remote=template.kind in (Kind.GIG, Kind.INTEREST_INTERVIEW),
            share_pct=template.share_pct,
            starts_on=starts if template.weeks else None,
            ends_on=starts + timedelta(weeks=template.weeks) if template.weeks else None,
            seats=template.seats,
            deadline=datetime.combine(today + timedelta(days=14), time(17), UTC),
            secondment=(
                SecondmentTerms(
                    host_team=f"{manager.department} platform",
                    home_team="the secondee's current team",
                    return_on=starts + timedelta(weeks=template.weeks),
                    backfill_note="Backfilled by a contractor for the period.",
                )
                if template.kind is Kind.SECONDMENT
                else None
            ),
            interview_slots=(
                [
                    datetime.combine(today + timedelta(days=d), time(h), UTC)
                    for d in (3, 4, 5)
                    for h in (10, 14)
                ]
                if template.kind is Kind.INTEREST_INTERVIEW
                else []
            ),
        )
        postings.append((template.kind, details))
    return postings
