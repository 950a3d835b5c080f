"""Progress of organisation imports that the portal sends to profiles in batches.

The batches are sent by an asyncio task in the portal process that took the
upload; its progress is written to a job store after every batch, so the page
polling for it may be answered by any replica:

- `MongoImportJobs`: the portal's own database, collection `import_jobs` — for
  several replicas (bootstrap puts it in `PortalState.extras["import_jobs"]`).
- `InMemoryImportJobs`: this process only — enough for ONE portal replica (a
  second one would not know the job, a restart forgets it). Used when bootstrap
  has not provided a store. The import is idempotent, so HR can upload again.

If the process running an import dies, its job stays unfinished; the page says
how long ago it last moved (`updated_at`), and uploading again is safe.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection

FINISHED_JOBS_KEPT = 50  # in memory: older finished jobs are forgotten first
MAX_REJECTIONS_KEPT = 20_000  # a file has at most this many rows anyway


@dataclass(frozen=True)
class RejectedRow:
    line: int
    employee_id: str
    reason: str


@dataclass
class ImportJob:
    job_id: str
    started_by: str
    file_name: str
    started_at: datetime
    updated_at: datetime
    total: int = 0
    done: int = 0
    created_or_changed: int = 0
    unchanged: int = 0
    finished: bool = False
    failure: str = ""  # why the import stopped early (a service unavailable, ...)
    rejections: list[RejectedRow] = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.failure:
            return f"Stopped after {self.done} of {self.total} rows: {self.failure}"
        if not self.finished:
            return f"Sending rows to the profiles service: {self.done} of {self.total}"
        return (
            f"Finished: {self.created_or_changed} created or changed, {self.unchanged} "
            f"unchanged, {len(self.rejections)} rejected (of {self.total} rows)"
        )


def new_job(started_by: str, file_name: str, now: datetime) -> ImportJob:
    return ImportJob(secrets.token_urlsafe(12), started_by, file_name, now, now)


class ImportJobs(Protocol):
    async def open(self, started_by: str, file_name: str, now: datetime) -> ImportJob: ...

    async def save(self, job: ImportJob) -> None: ...

    async def find(self, job_id: str) -> ImportJob | None: ...

    def run(self, work: asyncio.Task[None]) -> None: ...


class _Tasks:
    def __init__(self) -> None:
        # Running tasks are referenced here so the event loop does not drop them.
        self._tasks: set[asyncio.Task[None]] = set()

    def run(self, work: asyncio.Task[None]) -> None:
        self._tasks.add(work)
        work.add_done_callback(self._tasks.discard)


class InMemoryImportJobs(_Tasks):
    def __init__(self) -> None:
        super().__init__()
        self._jobs: dict[str, ImportJob] = {}

    async def open(self, started_by: str, file_name: str, now: datetime) -> ImportJob:
        finished = [job for job in self._jobs.values() if job.finished]
        for old in sorted(finished, key=lambda j: j.started_at)[:-FINISHED_JOBS_KEPT]:
            del self._jobs[old.job_id]
        job = new_job(started_by, file_name, now)
        self._jobs[job.job_id] = job
        return job

    async def save(self, job: ImportJob) -> None:
        self._jobs[job.job_id] = job  # the same object: nothing to copy

    async def find(self, job_id: str) -> ImportJob | None:
        return self._jobs.get(job_id)


class MongoImportJobs(_Tasks):
    def __init__(self, collection: AsyncCollection[Any]) -> None:
        super().__init__()
        self._jobs = collection

    async def ensure_indexes(self) -> None:
        await self._jobs.create_index("started_at")

    async def open(self, started_by: str, file_name: str, now: datetime) -> ImportJob:
        job = new_job(started_by, file_name, now)
        await self.save(job)
        return job

    async def save(self, job: ImportJob) -> None:
        await self._jobs.replace_one({"_id": job.job_id}, _document(job), upsert=True)

    async def find(self, job_id: str) -> ImportJob | None:
        found = await self._jobs.find_one({"_id": job_id})
        return None if found is None else _job(found)


def _document(job: ImportJob) -> dict[str, Any]:
    return {
        "_id": job.job_id,
        "started_by": job.started_by,
        "file_name": job.file_name,
        "started_at": job.started_at,
        "updated_at": job.updated_at,
        "total": job.total,
        "done": job.done,
        "created_or_changed": job.created_or_changed,
        "unchanged": job.unchanged,
        "finished": job.finished,
        "failure": job.failure,
        "rejections": [
            {"line": r.line, "employee_id": r.employee_id, "reason": r.reason}
            for r in job.rejections[:MAX_REJECTIONS_KEPT]
        ],
    }


def _job(document: dict[str, Any]) -> ImportJob:
    return ImportJob(
        job_id=document["_id"],
        started_by=document["started_by"],
        file_name=document["file_name"],
        started_at=document["started_at"],
        updated_at=document["updated_at"],
        total=document["total"],
        done=document["done"],
        created_or_changed=document["created_or_changed"],
        unchanged=document["unchanged"],
        finished=document["finished"],
        failure=document["failure"],
        rejections=[RejectedRow(**r) for r in document["rejections"]],
    )
