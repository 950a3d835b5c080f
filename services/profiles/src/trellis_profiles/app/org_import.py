"""Bulk import of an organisation (CSV or JSON): parse, check, order, apply.

Parsing and checking are pure: every row either becomes an ImportRow or a
Rejection with its line and reason — nothing is dropped silently. Duplicate
employee ids are reported, reporting cycles inside the file are refused, and
rows are applied managers-first so each manager exists before their reports.
Applying is idempotent: a row that changes nothing writes nothing, and a
repeated employee id among the rows applied together is rejected too (rows sent
through ImportProfiles reach `apply_rows` without `check_rows`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from trellis_profiles.app.use_cases import Profiles
from trellis_profiles.domain.profile import OrgData
from trellis_profiles.domain.taxonomy import Taxonomy
from trellis_shared.errors import TrellisError
from trellis_shared.grpc.status import violations_from_validation
from trellis_shared.grpc.tokens import Principal

CSV_COLUMNS = (
    "employee_id",
    "name",
    "email",
    "title",
    "level",
    "ladder",
    "department",
    "location",
    "time_zone",
    "manager_id",
    "role_started_on",
    "skills",
)
IMPORTER = Principal("org-import", frozenset({"hr_admin", "service"}))


@dataclass(frozen=True)
class ImportRow:
    line: int
    employee_id: str
    org: OrgData
    skills: dict[str, int]


@dataclass(frozen=True)
class Rejection:
    line: int
    employee_id: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    created_or_changed: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)


def read_records(text: str, fmt: str) -> list[tuple[int, dict[str, Any]]]:
    """Records with their line (CSV) or position (JSON, 1-based) for reports."""
    if fmt == "json":
        data = json.loads(text)
        people = data.get("people", data) if isinstance(data, dict) else data
        if not isinstance(people, list):
            raise ValueError('JSON import must be a list of people or {"people": [...]}')
        return [(i, p if isinstance(p, dict) else {}) for i, p in enumerate(people, start=1)]
    reader = csv.DictReader(io.StringIO(text))
    missing = {"employee_id", "name", "email"} - set(reader.fieldnames or [])
    if missing:
        raise ValueError(f"CSV import lacks the columns {sorted(missing)}; expected {CSV_COLUMNS}")
    return [(reader.line_num, dict(row)) for row in reader]


def parse_skills(raw: Any, taxonomy: Taxonomy) -> tuple[dict[str, int], list[str]]:
    """'Python:4; k8s:3' or [{"skill": "python", "level": 4}] -> ids with levels, problems."""
    items: list[tuple[str, Any]] = []
    if isinstance(raw, list):
        items = [
            (str(i.get("skill") or i.get("skill_id") or ""), i.get("level"))
            for i in raw
            if isinstance(i, dict)
        ]
    elif isinstance(raw, str) and raw.strip():
        for part in raw.split(";"):
            name, _, level = part.rpartition(":")
            items.append((name, level) if name else (part, ""))
    levels: dict[str, int] = {}
    problems: list[str] = []
    for name, level in items:
        skill = taxonomy.resolve(name)
        if skill is None:
            problems.append(f"unknown skill {name.strip()!r}")
            continue
        try:
            value = int(level)
        except (TypeError, ValueError):
            problems.append(f"skill {name.strip()!r} has no level 1-5")
            continue
        if not 1 <= value <= 5:
            problems.append(f"skill {name.strip()!r} level {value} is outside 1-5")
            continue
        levels[skill.id] = value
    return levels, problems


def check_rows(
    records: Sequence[tuple[int, dict[str, Any]]], taxonomy: Taxonomy
) -> tuple[list[ImportRow], list[Rejection]]:
    rows: list[ImportRow] = []
    rejected: list[Rejection] = []
    first_line: dict[str, int] = {}
    for line, record in records:
        employee_id = str(record.get("employee_id") or "").strip()
        if not employee_id:
            rejected.append(Rejection(line, "", "employee_id is missing"))
            continue
        duplicate = _duplicate_of(first_line, line, employee_id)
        if duplicate is not None:
            rejected.append(duplicate)
            continue
        org_fields = {k: record[k] for k in OrgData.model_fields if record.get(k) not in (None, "")}
        try:
            org = OrgData.model_validate(org_fields)
        except ValidationError as error:
            reasons = "; ".join(
                f"{v.field}: {v.description}" for v in violations_from_validation(error)
            )
            rejected.append(Rejection(line, employee_id, reasons))
            continue
        levels, problems = parse_skills(record.get("skills"), taxonomy)
        if problems:
            rejected.append(Rejection(line, employee_id, "; ".join(problems)))
            continue
        rows.append(ImportRow(line, employee_id, org, levels))
    return _without_cycles(rows, rejected)


def _duplicate_of(first_line: dict[str, int], line: int, employee_id: str) -> Rejection | None:
    """Remembers where each id first appears; a later row with the same id is refused."""
    if employee_id in first_line:
        return Rejection(line, employee_id, f"duplicate of line {first_line[employee_id]}")
    first_line[employee_id] = line
    return None


def first_of_each_person(rows: Iterable[ImportRow]) -> tuple[list[ImportRow], list[Rejection]]:
    """Keeps the first row of every employee id; the repeats are rejected.

    Two rows for one person in one import would silently overwrite each other,
    so whoever sends rows (the CLI, the portal through ImportProfiles) gets the
    repeats back as rejections instead.
    """
    first_line: dict[str, int] = {}
    kept: list[ImportRow] = []
    rejected: list[Rejection] = []
    for row in rows:
        duplicate = _duplicate_of(first_line, row.line, row.employee_id)
        if duplicate is None:
            kept.append(row)
        else:
            rejected.append(duplicate)
    return kept, rejected


def _without_cycles(
    rows: list[ImportRow], rejected: list[Rejection]
) -> tuple[list[ImportRow], list[Rejection]]:
    """Refuse every row on a reporting cycle inside the file; order the rest managers-first."""
    by_id = {row.employee_id: row for row in rows}
    on_cycle: set[str] = set()
    for start in by_id:
        seen: list[str] = []
        current = start
        while current in by_id and current not in seen:
            seen.append(current)
            current = by_id[current].org.manager_id
        if current in seen:
            on_cycle.update(seen[seen.index(current) :])
    for employee_id in sorted(on_cycle, key=lambda e: by_id[e].line):
        row = by_id[employee_id]
        rejected.append(
            Rejection(
                row.line, employee_id, f"reporting cycle through manager {row.org.manager_id!r}"
            )
        )
    kept = [row for row in rows if row.employee_id not in on_cycle]
    return _managers_first(kept), sorted(rejected, key=lambda r: r.line)


def _managers_first(rows: list[ImportRow]) -> list[ImportRow]:
    by_id = {row.employee_id: row for row in rows}
    depth: dict[str, int] = {}

    def depth_of(employee_id: str) -> int:
        chain = []
        current = employee_id
        while current in by_id and current not in depth and current not in chain:
            chain.append(current)
            current = by_id[current].org.manager_id
        base = depth.get(current, 0)
        for offset, member in enumerate(reversed(chain), start=1):
            depth[member] = base + offset
        return depth[employee_id]

    return sorted(rows, key=lambda row: (depth_of(row.employee_id), row.line))


Progress = Callable[[int, int], None]


async def apply_rows(
    profiles: Profiles,
    caller: Principal,
    rows: Iterable[ImportRow],
    report: ImportReport,
    progress: Progress | None = None,
    batch_size: int = 250,
) -> ImportReport:
    rows, repeated = first_of_each_person(rows)
    report.rejected.extend(repeated)
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        outcomes = await profiles.import_batch(
            caller, [(row.employee_id, row.org, row.skills) for row in batch]
        )
        for row, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, TrellisError):
                reason = str(outcome) + _details(outcome)
                report.rejected.append(Rejection(row.line, row.employee_id, reason))
            elif outcome:
                report.created_or_changed += 1
            else:
                report.unchanged += 1
        if progress is not None:
            progress(start + len(batch), len(rows))
    report.rejected.sort(key=lambda r: r.line)
    return report


def _details(error: TrellisError) -> str:
    violations = getattr(error, "violations", [])
    return "".join(f" [{v.field}: {v.description}]" for v in violations)


async def import_organisation(
    profiles: Profiles, taxonomy: Taxonomy, text: str, fmt: str, progress: Progress | None = None
) -> ImportReport:
    """In-process import (tests and tools that own the database)."""
    records = read_records(text, fmt)
    rows, rejected = check_rows(records, taxonomy)
    report = ImportReport(rows=len(records), rejected=rejected)
    return await apply_rows(profiles, IMPORTER, rows, report, progress)
