"""HR uploads an organisation file; the portal sends it to profiles in batches.

The file is the one `trellis-profiles import` reads: CSV with the columns
employee_id,name,email,title,level,ladder,department,location,time_zone,
manager_id,role_started_on,skills (skills as "Python:4; k8s:3"), or JSON — a
list or {"people": [...]} of objects with the same keys, skills as that string
or [{"skill": "python", "level": 4}].

The portal only reads the file: each row becomes an ImportedPerson with its
line, typed skill names become taxonomy ids through ResolveSkills, and the rows
go to ImportProfiles in batches. Every rule about the people (ids present and
not repeated, org fields, skill levels, known skills, reporting cycles) is the
profiles service's; its rejections are shown as it words them. The portal
refuses only what it cannot put into the request: a file it cannot read, or a
number cell that is not a whole number.
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
BATCH = 50  # small calls: progress moves often and each stays well inside its deadline
RESOLVE_CHUNK = 200  # the taxonomy resolves at most this many texts per call
MAX_FILE_BYTES = 5_000_000
MAX_ROWS = 20_000
ORG_FIELDS = tuple(field.name for field in pb.OrgData.DESCRIPTOR.fields)
INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class Draft:
    """A row as read, before its skill names are resolved."""

    line: int
    employee_id: str
    org: dict[str, Any]
    skills: list[tuple[str, int]]  # (typed name, level)


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
    # Without these columns no row could be imported: the file is the problem.
    missing = {"employee_id", "name", "email"} - set(reader.fieldnames or [])
    if missing:
        raise _bad_file(f"the CSV lacks the columns {', '.join(sorted(missing))}")
    return [(reader.line_num, dict(row)) for row in reader]


def _bad_file(reason: str) -> InvalidArgument:
    return InvalidArgument("the file cannot be imported", [FieldViolation("file", reason)])


def _whole_number(value: Any) -> int | None:
    """A cell as the request's int32, or None when it is not a whole number.

    Values beyond int32 are clamped: they stay out of the service's bounds, so
    the service still refuses them with its own reason.
    """
    if isinstance(value, float) and not value.is_integer():
        return None
    try:
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return max(-INT32_MAX, min(INT32_MAX, number))


def _skill_cells(raw: Any) -> list[tuple[str, Any]]:
    """'Python:4; k8s:3' or [{"skill": "python", "level": 4}] as (name, level) cells."""
    if isinstance(raw, list):
        return [
            (str(item.get("skill") or item.get("skill_id") or "").strip(), item.get("level"))
            for item in raw
            if isinstance(item, dict)
        ]
    cells: list[tuple[str, Any]] = []
    if isinstance(raw, str):
        for part in filter(str.strip, raw.split(";")):
            name, _, level = part.rpartition(":")
            cells.append((name.strip(), level) if name else (part.strip(), None))
    return cells


def draft(line: int, record: dict[str, Any]) -> Draft | RejectedRow:
    """One record in the request's shape, or why it cannot be put there."""
    employee_id = str(record.get("employee_id") or "").strip()
    org: dict[str, Any] = {}
    problems: list[str] = []
    for key in ORG_FIELDS:
        value = record.get(key)
        if value is None or value == "":
            continue
        if key == "level":
            org[key] = _whole_number(value)
            if org[key] is None:
                problems.append(f"level {value!r} is not a whole number")
        else:
            org[key] = str(value).strip()
    skills: list[tuple[str, int]] = []
    for name, cell in _skill_cells(record.get("skills")):
        level = _whole_number(cell)
        if level is None:
            problems.append(f"skill {name!r} has no whole-number level")
        else:
            skills.append((name, level))
    if problems:
        return RejectedRow(line, employee_id, "; ".join(problems))
    return Draft(line, employee_id, org, skills)


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


def _person(row: Draft, ids: dict[str, str]) -> pb.ImportedPerson:
    return pb.ImportedPerson(
        line=row.line,
        employee_id=row.employee_id,
        org=pb.OrgData(**row.org),
        # A name the taxonomy does not know goes as typed: the service refuses
        # unknown skill ids and names it in the rejection.
        skills=[pb.SkillLevel(skill_id=ids.get(name, name), level=n) for name, n in row.skills],
    )


def batches(people: list[pb.ImportedPerson]) -> list[list[pb.ImportedPerson]]:
    """About BATCH rows per call, in file order, but all rows of one employee id in
    the same call: the service rejects a repeated id only among the rows it is sent
    together. Rows without an id stand alone (the service rejects each)."""
    groups: dict[tuple[str, int], list[pb.ImportedPerson]] = {}
    for index, person in enumerate(people):
        key = (person.employee_id, 0) if person.employee_id else ("", index)
        groups.setdefault(key, []).append(person)
    calls: list[list[pb.ImportedPerson]] = []
    current: list[pb.ImportedPerson] = []
    for group in groups.values():
        if current and len(current) + len(group) > BATCH:
            calls.append(current)
            current = []
        current.extend(group)
    return [*calls, current] if current else calls


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
    drafted = [draft(line, record) for line, record in records]
    rows = [row for row in drafted if isinstance(row, Draft)]
    ids = await _resolve(caller, [name for row in rows for name, _ in row.skills])
    rejected = [row for row in drafted if isinstance(row, RejectedRow)]
    return Prepared([_person(row, ids) for row in rows], rejected, len(records))


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
        for batch in batches(people):
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
    # Rows refused here count as done: the bar reaches the end when all are handled.
    job.done = len(prepared.rejections)
    job.rejections.extend(prepared.rejections)
    await jobs.save(job)
    jobs.run(asyncio.create_task(send_in_batches(caller, jobs, job, prepared.people, clock)))
    return job
