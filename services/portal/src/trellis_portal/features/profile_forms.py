"""Form fields of the profile page to the profile features' models, with errors per input.

A browser sends text; here it becomes levels, lists of ids and flags. Mistakes
are reported under the input's own name so the page shows them beside it.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from trellis_portal.features import profile as profiles
from trellis_portal.features.caller import Caller
from trellis_shared.errors import FieldViolation, InvalidArgument

MOBILITY_FLAGS = (
    ("open_to_lateral_moves", "Open to a move to another team at my level"),
    ("open_to_relocation", "Willing to relocate to another location"),
    ("open_to_secondment", "Open to a secondment (a temporary assignment elsewhere)"),
    ("open_to_gigs", "Open to gigs (short part-time projects beside my role)"),
    ("wants_mentor", "I would like a mentor"),
    ("offers_mentoring", "I offer to mentor others"),
)

Form = Mapping[str, str]


def lines_of(text: str) -> list[str]:
    """One entry per line or comma, blanks dropped, first spelling kept."""
    parts = [p.strip() for line in text.splitlines() for p in line.split(",")]
    return list(dict.fromkeys(p for p in parts if p))


def whole_number(form: Form, name: str, default: int = 0) -> int:
    text = form.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise InvalidArgument(
            f"{name} is not a number", [FieldViolation(name, "enter a whole number")]
        ) from None


def _invalid(error: ValidationError) -> InvalidArgument:
    violations = [
        FieldViolation(str(item["loc"][-1]) if item["loc"] else "form", item["msg"])
        for item in error.errors()
    ]
    return InvalidArgument("some fields are not valid", violations)


async def skill_ids(caller: Caller, text: str, field: str) -> list[str]:
    """Skill names or ids as typed ("k8s, Python") to taxonomy ids; unknown ones are an error."""
    typed = lines_of(text)
    found: list[str] = []
    unknown: list[str] = []
    for item in typed:
        skill_id = await profiles.resolve_skill(caller, item)
        if skill_id is None:
            unknown.append(item)
        else:
            found.append(skill_id)
    if unknown:
        names = ", ".join(repr(u) for u in unknown)
        raise InvalidArgument(
            "unknown skills", [FieldViolation(field, f"not in the skills taxonomy: {names}")]
        )
    return list(dict.fromkeys(found))


async def aspirations_from(caller: Caller, form: Form) -> profiles.Aspirations:
    try:
        return profiles.Aspirations(
            target_roles=lines_of(form.get("target_roles", "")),
            skills_to_develop=await skill_ids(
                caller, form.get("skills_to_develop", ""), "skills_to_develop"
            ),
            interests=lines_of(form.get("interests", "")),
            ladder_preference=form.get("ladder_preference", ""),
        )
    except ValidationError as error:
        raise _invalid(error) from None


async def preferences_from(
    caller: Caller, form: Form
) -> tuple[profiles.Availability, profiles.Mobility, str]:
    try:
        availability = profiles.Availability(
            share_free_pct=whole_number(form, "share_free_pct"),
            available_from=form.get("available_from", "").strip(),
            available_to=form.get("available_to", "").strip(),
        )
        offers = bool(form.get("offers_mentoring"))
        mobility = profiles.Mobility(
            **{name: bool(form.get(name)) for name, _ in MOBILITY_FLAGS},
            mentor_capacity=whole_number(form, "mentor_capacity") if offers else 0,
            mentor_topics=(
                await skill_ids(caller, form.get("mentor_topics", ""), "mentor_topics")
                if offers
                else []
            ),
        )
    except ValidationError as error:
        raise _invalid(error) from None
    visibility = form.get("visibility", "")
    if visibility not in profiles.VISIBILITY_MEANINGS:
        raise InvalidArgument(
            "bad visibility", [FieldViolation("visibility", "choose who may find you")]
        )
    return availability, mobility, visibility


def level_from(form: Form, name: str) -> int:
    level = whole_number(form, name)
    if not 1 <= level <= 5:
        raise InvalidArgument("bad level", [FieldViolation(name, "choose a level from 1 to 5")])
    return level


def aspirations_form(view: profiles.ProfileView) -> dict[str, str]:
    return {
        "target_roles": "\n".join(view.aspirations.target_roles),
        "skills_to_develop": ", ".join(view.aspirations.skills_to_develop),
        "interests": "\n".join(view.aspirations.interests),
        "ladder_preference": view.aspirations.ladder_preference,
    }


def preferences_form(view: profiles.ProfileView) -> dict[str, str]:
    values = {
        "share_free_pct": str(view.availability.share_free_pct),
        "available_from": view.availability.available_from,
        "available_to": view.availability.available_to,
        "mentor_capacity": str(view.mobility.mentor_capacity),
        "mentor_topics": ", ".join(view.mobility.mentor_topics),
        "visibility": view.visibility,
    }
    for name, _ in MOBILITY_FLAGS:
        if getattr(view.mobility, name):
            values[name] = "on"
    return values
