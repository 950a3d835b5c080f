"""The "post an opportunity" form: flat HTML inputs to and from a posting.

HTML forms are flat, a posting is not: skill rows are numbered inputs
(skill_id_0, min_level_0, must_have_0, ...), slots are slot_0.., secondment
terms are plain inputs. Errors come back as paths ("details.required_skills.1.
min_level"); `input_errors` renames them to the input they belong to, so each
message shows beside its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from trellis_portal.features.hiring_models import NewPosting, PostingView
from trellis_portal.features.postings_views import KIND_LABELS
from trellis_portal.http.problems import Problem
from trellis_shared.errors import FieldViolation

SKILL_ROWS = 4
SLOT_ROWS = 5
TEXT_FIELDS = (
    "title",
    "description",
    "team",
    "department",
    "hiring_manager_id",
    "location",
    "ladder",
)
NUMBER_FIELDS = ("share_pct", "seats", "level_min", "level_max")
DATE_FIELDS = ("starts_on", "ends_on", "deadline")
SECONDMENT_FIELDS = ("host_team", "home_team", "return_on", "backfill_note")
# Which optional parts of the form each kind shows.
KIND_PARTS: dict[str, frozenset[str]] = {
    "job": frozenset({"levels", "seats", "deadline"}),
    "gig": frozenset({"share", "dates", "seats", "deadline"}),
    "secondment": frozenset({"share", "dates", "secondment", "levels", "deadline"}),
    "stretch": frozenset({"share", "dates", "seats"}),
    "interest_interview": frozenset({"slots"}),
}


def kinds() -> list[tuple[str, str]]:
    return list(KIND_LABELS.items())


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def posting_from_form(form: Mapping[str, Any], kind: str) -> NewPosting:
    """Validate the submitted form as a posting; a Problem names each bad input."""
    details: dict[str, Any] = {}
    for name in (*TEXT_FIELDS, *NUMBER_FIELDS, *DATE_FIELDS):
        if _text(form, name):
            details[name] = _text(form, name)
    details["remote"] = bool(_text(form, "remote"))
    if kind == "secondment" and any(_text(form, n) for n in SECONDMENT_FIELDS):
        details["secondment"] = {n: _text(form, n) for n in SECONDMENT_FIELDS if _text(form, n)}
    details["required_skills"] = [
        {
            "skill_id": _text(form, f"skill_id_{row}"),
            "min_level": _text(form, f"min_level_{row}") or "1",
            "must_have": bool(_text(form, f"must_have_{row}")),
            # Not on the form: kept through edits in a hidden input.
            "weight": _text(form, f"weight_{row}") or "1",
        }
        for row in range(SKILL_ROWS)
        if _text(form, f"skill_id_{row}")
    ]
    details["interview_slots"] = [
        _text(form, f"slot_{row}") for row in range(SLOT_ROWS) if _text(form, f"slot_{row}")
    ]
    try:
        return NewPosting.model_validate(
            {"kind": kind, "details": details, "publish": _text(form, "publish") == "1"}
        )
    except ValidationError as error:
        violations = [
            FieldViolation(".".join(str(p) for p in item["loc"]), item["msg"])
            for item in error.errors()
        ]
        raise Problem(422, "the posting has invalid fields", violations) from None


def input_name(path: str) -> str:
    """The form input a violation path belongs to."""
    parts = path.split(".")
    if parts and parts[0] == "details":
        parts = parts[1:]
    if not parts:
        return "(form)"
    if parts[0] == "required_skills" and len(parts) >= 3 and parts[1].isdigit():
        return f"{parts[2]}_{parts[1]}"
    if parts[0] == "secondment" and len(parts) >= 2:
        return parts[1]
    if parts[0] == "interview_slots":
        return "interview_slots"
    return parts[0]


def input_errors(problem: Problem) -> Problem:
    """The same problem with each violation renamed to its input."""
    renamed = [FieldViolation(input_name(v.field), v.description) for v in problem.errors]
    return Problem(problem.status, problem.detail, renamed)


def _local_minute(moment: str) -> str:
    """An RFC 3339 time as a datetime-local input's value (UTC)."""
    return datetime.fromisoformat(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


def form_from_posting(posting: PostingView) -> dict[str, Any]:
    """A stored posting as the form's inputs, for editing."""
    form: dict[str, Any] = {
        name: getattr(posting, name) or "" for name in (*TEXT_FIELDS, *NUMBER_FIELDS)
    }
    form["remote"] = posting.remote
    form["starts_on"] = posting.starts_on
    form["ends_on"] = posting.ends_on
    form["deadline"] = _local_minute(posting.deadline)
    if posting.secondment is not None:
        form.update(posting.secondment.model_dump())
    for row, skill in enumerate(posting.skills[:SKILL_ROWS]):
        form[f"skill_id_{row}"] = skill.skill_id
        form[f"min_level_{row}"] = skill.min_level
        form[f"must_have_{row}"] = skill.must_have
        form[f"weight_{row}"] = skill.weight
    for row, slot in enumerate(posting.interview_slots[:SLOT_ROWS]):
        form[f"slot_{row}"] = _local_minute(slot)
    form["expected_version"] = posting.version
    return form
