"""Reading the bidding forms of the pages, and putting service errors back beside fields.

The bid form has one points input and one preference input per assignment
(`points-<assignment id>`, `rank-<assignment id>`); the service names problems
by the position in the bid list it got ("bids.1.points"), so the same list is
used to name the input again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from pydantic import ValidationError

from trellis_portal.features.bidding_models import BidEntry, RoundTerms
from trellis_shared.errors import FieldViolation, InvalidArgument

BIDS_FIELD = "bids"  # the whole set: over the budget, too many bids


def points_input(assignment_id: str) -> str:
    return f"points-{assignment_id}"


def rank_input(assignment_id: str) -> str:
    return f"rank-{assignment_id}"


def _whole_number(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def bids_from_form(form: Mapping[str, str], assignment_ids: list[str]) -> list[BidEntry]:
    """The bid set typed into the form: empty or 0 points means no bid.

    A preference left empty is filled in: the free ranks go to the remaining
    bids, more points first, so a person who only types points gets the
    ranking their points suggest. Raises InvalidArgument naming the inputs that
    are not whole numbers.
    """
    problems: list[FieldViolation] = []
    wanted: list[tuple[str, int, int | None]] = []
    for assignment_id in assignment_ids:
        points_text = form.get(points_input(assignment_id), "").strip()
        rank_text = form.get(rank_input(assignment_id), "").strip()
        if not points_text:
            continue
        points = _whole_number(points_text)
        if points is None:
            problems.append(FieldViolation(points_input(assignment_id), "a whole number"))
            continue
        if points == 0:
            continue
        rank = _whole_number(rank_text) if rank_text else None
        if rank_text and rank is None:
            problems.append(FieldViolation(rank_input(assignment_id), "a whole number"))
            continue
        wanted.append((assignment_id, points, rank))
    if problems:
        raise InvalidArgument("some inputs are not whole numbers", problems)
    taken = {rank for _, _, rank in wanted if rank is not None}
    free = (r for r in range(1, len(wanted) + len(taken) + 1) if r not in taken)
    unranked = sorted((w for w in wanted if w[2] is None), key=lambda w: -w[1])
    given = {w[0]: next(free) for w in unranked}
    return [
        BidEntry(assignment_id=a, points=p, rank=r if r is not None else given[a])
        for a, p, r in wanted
    ]


def bid_violations_for_form(
    violations: list[FieldViolation], sent: list[BidEntry]
) -> list[FieldViolation]:
    """The service's "bids.<i>.<field>" violations, renamed to the form's inputs."""
    renamed = []
    for violation in violations:
        parts = violation.field.split(".")
        if len(parts) == 3 and parts[0] == "bids" and parts[1].isdigit():
            index = int(parts[1])
            if index < len(sent):
                assignment_id = sent[index].assignment_id
                name = (
                    rank_input(assignment_id) if parts[2] == "rank" else points_input(assignment_id)
                )
                renamed.append(FieldViolation(name, violation.description))
                continue
        if parts[0] == BIDS_FIELD:
            renamed.append(FieldViolation(BIDS_FIELD, violation.description))
            continue
        renamed.append(violation)
    return renamed


def _instant(text: str) -> str:
    """A datetime-local input (read as UTC) as RFC 3339; empty stays empty."""
    text = text.strip()
    if not text:
        return ""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def terms_from_form(form: Mapping[str, str], assignment_ids: list[str]) -> RoundTerms:
    """The open-round form as terms; raises InvalidArgument naming each bad input."""
    problems: list[FieldViolation] = []
    if not assignment_ids:
        problems.append(FieldViolation("assignment_ids", "choose at least one assignment"))
    data: dict[str, object] = {"assignment_ids": assignment_ids}
    for name in ("opens_at", "closes_at"):
        try:
            data[name] = _instant(form.get(name, ""))
        except ValueError:
            problems.append(FieldViolation(name, "a date and time, e.g. 2026-12-01T09:00"))
    for name in ("title", "mode", "budget", "max_awards", "carry_over_cap"):
        value = form.get(name, "").strip()
        if value:  # empty number inputs take the defaults
            data[name] = value
    if not data.get("closes_at") and "closes_at" not in {p.field for p in problems}:
        problems.append(FieldViolation("closes_at", "required"))
    try:
        terms = RoundTerms.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else "(form)"
            if all(p.field != name for p in problems):
                problems.append(FieldViolation(name, item["msg"]))
        raise InvalidArgument("the round has invalid fields", problems) from None
    if problems:
        raise InvalidArgument("the round has invalid fields", problems)
    return terms


def round_violations_for_form(violations: list[FieldViolation]) -> list[FieldViolation]:
    """ "assignment_ids.3" from the service is about the assignment checkboxes."""
    return [
        FieldViolation("assignment_ids", v.description)
        if v.field.startswith("assignment_ids.")
        else v
        for v in violations
    ]
