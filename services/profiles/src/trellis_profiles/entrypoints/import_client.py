"""The import command's side: read and check the file here, send it to the service.

With the embedded database one process writes a service's data (ADR 0005), so
imports go through the running service's ImportProfiles RPC, in batches,
managers first, as the service identity.
"""

from __future__ import annotations

from collections.abc import Sequence

import grpc

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis.profiles.v1 import profiles_pb2_grpc as rpc
from trellis_profiles.app.org_import import (
    ImportReport,
    ImportRow,
    Progress,
    Rejection,
    check_rows,
    read_records,
)
from trellis_profiles.domain.taxonomy import Taxonomy
from trellis_shared.grpc.tokens import Principal, TokenCodec

# Small batches: each call stays well inside its deadline even when the embedded
# database is busy with other services, and progress moves often.
BATCH = 250
BATCH_TIMEOUT_S = 300
IMPORT_CALLER = Principal("org-import", frozenset({"service"}))


def person_message(row: ImportRow) -> pb.ImportedPerson:
    org = row.org.model_dump(mode="json", exclude_none=True)
    return pb.ImportedPerson(
        line=row.line,
        employee_id=row.employee_id,
        org=pb.OrgData(**org),
        skills=[pb.SkillLevel(skill_id=k, level=v) for k, v in row.skills.items()],
    )


async def send_rows(
    address: str,
    codec: TokenCodec,
    rows: Sequence[ImportRow],
    report: ImportReport,
    progress: Progress | None = None,
) -> ImportReport:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = rpc.ProfileServiceStub(channel)
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            reply = await stub.ImportProfiles(
                pb.ImportProfilesRequest(people=[person_message(r) for r in batch]),
                metadata=codec.metadata(IMPORT_CALLER),
                timeout=BATCH_TIMEOUT_S,
            )
            report.created_or_changed += reply.created_or_changed
            report.unchanged += reply.unchanged
            report.rejected.extend(
                Rejection(r.line, r.employee_id, r.reason) for r in reply.rejected
            )
            if progress is not None:
                progress(start + len(batch), len(rows))
    report.rejected.sort(key=lambda r: r.line)
    return report


async def import_via_service(
    address: str,
    codec: TokenCodec,
    taxonomy: Taxonomy,
    text: str,
    fmt: str,
    progress: Progress | None = None,
) -> ImportReport:
    records = read_records(text, fmt)
    rows, rejected = check_rows(records, taxonomy)
    report = ImportReport(rows=len(records), rejected=rejected)
    if not rows:
        return report
    return await send_rows(address, codec, rows, report, progress)
