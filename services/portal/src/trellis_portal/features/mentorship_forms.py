"""Between the /mentorship HTML forms and the mentorship inputs.

The request form has a few goal rows (skill + target level); blank rows are
skipped, so the n-th goal sent to the service is not always the n-th row. The
row of each goal is kept, so an error on "goals.1.skill_id" lands beside the
row it came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pydantic import ValidationError

from trellis_portal.features.mentorship_models import (
    FeedbackInput,
    GoalInput,
    MenteeRequestInput,
    OfferInput,
)
from trellis_shared.errors import FieldViolation, InvalidArgument

GOAL_ROWS = 3
LEVELS = (
    ("", "Choose a level"),
    ("1", "1 · aware"),
    ("2", "2 · beginner"),
    ("3", "3 · practitioner"),
    ("4", "4 · advanced"),
    ("5", "5 · expert"),
)
_GOAL_FIELD = re.compile(r"^goals\.(\d+)\.(skill_id|target_level)$")


def split_list(text: str) -> list[str]:
    """Comma- or line-separated values, blanks and repeats dropped, order kept."""
    return list(dict.fromkeys(p.strip() for p in re.split(r"[,\n]", text) if p.strip()))


def _violations(error: ValidationError) -> list[FieldViolation]:
    return [
        FieldViolation(".".join(str(p) for p in item["loc"]) or "(form)", item["msg"])
        for item in error.errors()
    ]


def request_from_form(form: Mapping[str, str]) -> tuple[MenteeRequestInput, list[int]]:
    """The request, and for each goal the form row it came from.

    Raises InvalidArgument naming form inputs (goal_level_1…) for what the
    portal can see is wrong before asking the service."""
    goals: list[dict[str, object]] = []
    rows: list[int] = []
    violations: list[FieldViolation] = []
    for row in range(GOAL_ROWS):
        skill = form.get(f"goal_skill_{row}", "").strip()
        level = form.get(f"goal_level_{row}", "").strip()
        if not skill:
            continue
        if not level.isdigit():
            violations.append(FieldViolation(f"goal_level_{row}", "choose the level to reach"))
            continue
        goals.append({"skill_id": skill, "target_level": int(level)})
        rows.append(row)
    if violations:
        raise InvalidArgument("the request has invalid fields", violations)
    try:
        terms = MenteeRequestInput(
            cycle_id=form.get("cycle_id", ""),
            goals=[GoalInput.model_validate(g) for g in goals],
            target_role=form.get("target_role", ""),
            prefers_other_department=bool(form.get("prefers_other_department")),
            languages=split_list(form.get("languages", "")),
            ranked_mentor_ids=split_list(form.get("ranked_mentor_ids", "")),
        )
    except ValidationError as error:
        raise InvalidArgument("the request has invalid fields", _violations(error)) from None
    return terms, rows


def request_form_errors(violations: Sequence[FieldViolation], rows: list[int]) -> dict[str, str]:
    """Service field paths (goals.0.skill_id, ranked_mentor_ids.1) → form input names."""
    errors: dict[str, str] = {}
    for violation in violations:
        name = violation.field
        found = _GOAL_FIELD.match(name)
        if found:
            index = int(found.group(1))
            row = rows[index] if index < len(rows) else index
            kind = "skill" if found.group(2) == "skill_id" else "level"
            name = f"goal_{kind}_{row}"
        elif name.startswith(("ranked_mentor_ids", "languages")):
            name = name.split(".", 1)[0]
        errors.setdefault(name, violation.description)
    return errors


def feedback_from_form(form: Mapping[str, str]) -> FeedbackInput:
    rating = form.get("rating", "").strip()
    try:
        return FeedbackInput(
            rating=int(rating) if rating.isdigit() else 0, comment=form.get("comment", "")
        )
    except ValidationError as error:
        raise InvalidArgument("the feedback has invalid fields", _violations(error)) from None


def offer_from_form(form: Mapping[str, str]) -> OfferInput:
    capacity = form.get("capacity", "").strip()
    try:
        return OfferInput(
            capacity=int(capacity) if capacity.lstrip("-").isdigit() else -1,
            topics=split_list(form.get("topics", "")),
            languages=split_list(form.get("offer_languages", "")),
        )
    except ValidationError as error:
        raise InvalidArgument("the offer has invalid fields", _violations(error)) from None
