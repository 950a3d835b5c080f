"""HR uploads an organisation file; the portal sends it to profiles in batches.

The file is the one `trellis-profiles import` reads: CSV with the columns
employee_id,name,email,title,level,ladder,department,location,time_zone,
manager_id,role_started_on,skills (skills as "Python:4; k8s:3"), or JSON — a
list or {"people": [...]} of objects with the same keys, skills as that string
or [{"skill": "python", "level": 4}]. Here the file is read, skill names are
resolved through the taxonomy, rows that cannot be sent are rejected with their
line, and the rest go managers-first in batches of BATCH so each manager exists
before their reports and progress moves often. The service checks org data and
rejects bad rows itself; its rejections are collected into the same report.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from grpc import aio

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis_portal.adapters.import_jobs import ImportJob, ImportJobs, RejectedRow
from trellis_portal.features.caller import Caller
from trellis_shared.errors import FieldViolation, InvalidArgument, PermissionDenied

log = logging.getLogger("trellis_portal")
BATCH = 50
RESOLVE_CHUNK = 200  # the taxonomy resolves at most this many texts per call
MAX_FILE_BYTES = 5_000_000
MAX_ROWS = 20_000
ORG_FIELDS = (
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
)


@dataclass(frozen=True)
class Row:
    line: int
    employee_id: str
    org: dict[str, Any]
    skills: list[tuple[str, Any]]  # (typed name, level as written)


@dataclass(frozen=True)
class Prepared:
    people: list[pb.ImportedPerson]
    rejections: list[RejectedRow]
    rows: int


def file_format(file_name: str, text: str) -> str:
    if file_name.lower().endswith(".json"):
        return "json"
    if file_name.lower().endswith(".csv"):
        return "csv"
    return "json" if text.lstrip()[:1] in ("[", "{") else "csv"


def read_records(text: str, fmt: str) -> list[tuple[int, dict[str, Any]]]:
    """Records with their line (CSV) or 1-based position (JSON), as the CLI numbers them."""
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            reason = f"the file is not valid JSON ({error.msg} at line {error.lineno})"
            raise _bad_file(reason) from None
        people = data.get("people", data) if isinstance(data, dict) else data
        if not isinstance(people, list):
            raise _bad_file('JSON must be a list of people or {"people": [...]}')
        return [(i, p if isinstance(p, dict) else {}) for i, p in enumerate(people, start=1)]
    reader = csv.DictReader(io.StringIO(text))
    missing = {"employee_id", "name", "email"} - set(reader.fieldnames or [])
    if missing:
        raise _bad_file(f"the CSV lacks the columns {', '.join(sorted(missing))}")
    return [(reader.line_num, dict(row)) for row in reader]


def _bad_file(reason: str) -> InvalidArgument:
    return InvalidArgument("the file cannot be imported", [FieldViolation("file", reason)])


def _skill_items(raw: Any) -> list[tuple[str, Any]]:
    if isinstance(raw, list):
        return [
            (str(item.get("skill") or item.get("skill_id") or "").strip(), item.get("level"))
            for item in raw
            if isinstance(item, dict)
        ]
    items: list[tuple[str, Any]] = []
    if isinstance(raw, str):
        for part in raw.split(";"):
            if part.strip():
                name, _, level = part.rpartition(":")
                items.append((name.strip(), level.strip()) if name else (part.strip(), ""))
    return items


def _rows(
    records: list[tuple[int, dict[str, Any]]],
) -> tuple[list[Row], list[RejectedRow]]:
    rows: list[Row] = []
    rejected: list[RejectedRow] = []
    first_line: dict[str, int] = {}
    for line, record in records:
        employee_id = str(record.get("employee_id") or "").strip()
        if not employee_id:
            rejected.append(RejectedRow(line, "", "employee_id is missing"))
            continue
        if employee_id in first_line:
            rejected.append(
                RejectedRow(line, employee_id, f"duplicate of line {first_line[employee_id]}")
            )
            continue
        first_line[employee_id] = line
        org = {k: record[k] for k in ORG_FIELDS if record.get(k) not in (None, "")}
        if "level" in org:
            try:
                org["level"] = int(org["level"])
            except (TypeError, ValueError):
                rejected.append(RejectedRow(line, employee_id, "level must be a whole number"))
                continue
            if abs(org["level"]) > 1000:  # would not fit the message; the service checks 1-12
                rejected.append(RejectedRow(line, employee_id, "level must be between 1 and 12"))
                continue
        org = {k: v if k == "level" else str(v).strip() for k, v in org.items()}
        rows.append(Row(line, employee_id, org, _skill_items(record.get("skills"))))
    return rows, rejected


async def _resolve(caller: Caller, texts: list[str]) -> dict[str, str]:
    """Typed skill names ("k8s", "Python") to taxonomy ids; unknown ones are left out."""
    found: dict[str, str] = {}
    unique = list(dict.fromkeys(t for t in texts if t))
    for start in range(0, len(unique), RESOLVE_CHUNK):
        reply = await caller.call(
            caller.backends.profiles,
            caller.backends.taxonomy().ResolveSkills,
            pb.ResolveSkillsRequest(texts=unique[start : start + RESOLVE_CHUNK]),
        )
        found.update({item.text: item.skill.id for item in reply.resolved})
    return found


def _skill_levels(row: Row, ids: dict[str, str]) -> tuple[list[pb.SkillLevel], list[str]]:
    levels: dict[str, int] = {}
    problems: list[str] = []
    for name, level in row.skills:
        if name not in ids:
            problems.append(f"unknown skill {name!r}")
            continue
        try:
            value = int(level)
        except (TypeError, ValueError):
            problems.append(f"skill {name!r} has no level 1-5")
            continue
        if not 1 <= value <= 5:
            problems.append(f"skill {name!r} level {value} is outside 1-5")
            continue
        levels[ids[name]] = value
    return [pb.SkillLevel(skill_id=k, level=v) for k, v in levels.items()], problems


def _managers_first(rows: list[Row]) -> list[Row]:
    """Order by depth inside the file; a cycle stops the walk (the service refuses it)."""
    by_id = {row.employee_id: row for row in rows}

    def depth(employee_id: str) -> int:
        seen: set[str] = set()
        current = employee_id
        while current in by_id and current not in seen:
            seen.add(current)
            current = str(by_id[current].org.get("manager_id", ""))
        return len(seen)

    return sorted(rows, key=lambda row: (depth(row.employee_id), row.line))


async def prepare(caller: Caller, file_name: str, data: bytes) -> Prepared:
    if len(data) > MAX_FILE_BYTES:
        raise _bad_file(f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad_file("the file is not UTF-8 text") from None
    records = read_records(text, file_format(file_name, text))
    if not records:
        raise _bad_file("the file has no people in it")
    if len(records) > MAX_ROWS:
        raise _bad_file(f"at most {MAX_ROWS} people per file")
    rows, rejected = _rows(records)
    ids = await _resolve(caller, [name for row in rows for name, _ in row.skills])
    people: list[pb.ImportedPerson] = []
    for row in _managers_first(rows):
        skills, problems = _skill_levels(row, ids)
        if problems:
            rejected.append(RejectedRow(row.line, row.employee_id, "; ".join(problems)))
            continue
        people.append(
            pb.ImportedPerson(
                line=row.line,
                employee_id=row.employee_id,
                org=pb.OrgData(**row.org),
                skills=skills,
            )
        )
    return Prepared(people, rejected, len(records))


def problem_detail(error: Exception) -> str:
    if isinstance(error, aio.AioRpcError):
        return error.details() or error.code().name
    return str(error) or type(error).__name__


async def send_in_batches(
    caller: Caller,
    jobs: ImportJobs,
    job: ImportJob,
    people: list[pb.ImportedPerson],
    clock: Callable[[], datetime],
) -> None:
    """The background part: one ImportProfiles call per batch, progress saved after each."""
    try:
        for start in range(0, len(people), BATCH):
            batch = people[start : start + BATCH]
            reply = await caller.call(
                caller.backends.profiles,
                caller.backends.profile_service().ImportProfiles,
                pb.ImportProfilesRequest(people=batch),
            )
            job.created_or_changed += reply.created_or_changed
            job.unchanged += reply.unchanged
            job.rejections.extend(
                RejectedRow(r.line, r.employee_id, r.reason) for r in reply.rejected
            )
            job.done += len(batch)
            job.updated_at = clock()
            await jobs.save(job)
    except Exception as error:  # the job must end with a reason, never hang
        log.exception("organisation import stopped", extra={"job_id": job.job_id})
        job.failure = problem_detail(error)
    finally:
        job.rejections.sort(key=lambda r: r.line)
        job.finished = True
        job.updated_at = clock()
        await jobs.save(job)


async def start_import(
    caller: Caller,
    jobs: ImportJobs,
    file_name: str,
    data: bytes,
    clock: Callable[[], datetime],
) -> ImportJob:
    """Check the file now (so a broken file is an error on the form), send it later."""
    if not caller.has_role("hr_admin"):
        # The service refuses too; refusing first spares reading the file for nothing.
        raise PermissionDenied("only hr_admin may import the organisation")
    prepared = await prepare(caller, file_name, data)
    job = await jobs.open(caller.employee_id, file_name, clock())
    job.total = prepared.rows
    # Rows rejected here count as done: the bar reaches the end when all are handled.
    job.done = len(prepared.rejections)
    job.rejections.extend(prepared.rejections)
    await jobs.save(job)
    jobs.run(asyncio.create_task(send_in_batches(caller, jobs, job, prepared.people, clock)))
    return job
