"""The profiles service as other services call it (as the service identity):
snapshots on a read-model miss, reporting chains, the commitment ledger and
the skills taxonomy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import grpc
from google.protobuf import json_format
from grpc import aio

from trellis.profiles.v1 import profiles_pb2 as pb
from trellis.profiles.v1 import profiles_pb2_grpc as rpc
from trellis_shared.contracts.profiles import ProfileSnapshot
from trellis_shared.grpc.client import ServiceClient
from trellis_shared.grpc.retrying import retrying
from trellis_shared.grpc.status import field_violations_from_trailers


@dataclass(frozen=True)
class LedgerAnswer:
    fits: bool
    reason: str = ""


@dataclass(frozen=True)
class TimeReservation:
    """Profiles' answer to a reservation: granted (the key holds the time, now or
    from an earlier send) or refused with the reason in words."""

    granted: bool
    reason: str = ""
    state: str = ""  # reserved | committed, when granted


# Reservations and releases are idempotent by key, so a call that may or may not
# have landed is simply sent again, for up to this long by default.
RETRY_PATIENCE_S = 15.0


def snapshot_from(profile: pb.Profile) -> ProfileSnapshot:
    """A GetProfile answer in the shape of the snapshot event."""
    data: dict[str, Any] = json_format.MessageToDict(profile, preserving_proto_field_name=True)
    org = data.pop("org", {})
    data.update({k: v for k, v in org.items() if k != "role_started_on"})
    data["version"] = int(data.get("version", 1))
    data.setdefault("name", "")
    data.setdefault("email", "")
    return ProfileSnapshot.model_validate(data)


class ProfilesClient:
    def __init__(self, client: ServiceClient) -> None:
        self._client = client

    async def snapshot(self, employee_id: str) -> ProfileSnapshot | None:
        stub = rpc.ProfileServiceStub(self._client.channel)
        try:
            reply = await self._client.call(
                stub.GetProfile, pb.GetProfileRequest(employee_id=employee_id)
            )
        except aio.AioRpcError as error:
            if error.code() is grpc.StatusCode.NOT_FOUND:
                return None
            raise
        return snapshot_from(reply.profile)

    async def reporting_chain(self, employee_id: str) -> list[str]:
        """Managers above the employee, nearest first; [] for someone not in the chart."""
        stub = rpc.OrgChartServiceStub(self._client.channel)
        try:
            reply = await self._client.call(
                stub.GetReportingChain, pb.GetReportingChainRequest(employee_id=employee_id)
            )
        except aio.AioRpcError as error:
            if error.code() is grpc.StatusCode.NOT_FOUND:
                return []
            raise
        return list(reply.manager_ids)

    async def check_commitment(
        self, employee_id: str, kind: str, share_pct: int, starts_on: date, ends_on: date
    ) -> LedgerAnswer:
        stub = rpc.LedgerServiceStub(self._client.channel)
        reply = await self._client.call(
            stub.CheckCommitment,
            pb.CheckCommitmentRequest(
                employee_id=employee_id,
                kind=kind,
                share_pct=share_pct,
                starts_on=starts_on.isoformat(),
                ends_on=ends_on.isoformat(),
            ),
        )
        return LedgerAnswer(fits=reply.fits, reason=reply.reason)

    async def reserve_time(
        self,
        employee_id: str,
        *,
        key: str,
        kind: str,
        reference: str,
        share_pct: int,
        starts_on: date,
        ends_on: date,
        patience_s: float = RETRY_PATIENCE_S,
    ) -> TimeReservation:
        """Take promised time in the ledger, or learn why it does not fit."""
        stub = rpc.LedgerServiceStub(self._client.channel)
        request = pb.ReserveTimeRequest(
            employee_id=employee_id,
            key=key,
            kind=kind,
            reference=reference,
            share_pct=share_pct,
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
        )
        try:
            reply = await retrying(lambda: self._client.call(stub.ReserveTime, request), patience_s)
        except aio.AioRpcError as error:
            if error.code() is not grpc.StatusCode.FAILED_PRECONDITION:
                raise
            violations = field_violations_from_trailers(error.trailing_metadata())  # type: ignore[arg-type]
            reason = "; ".join(v.description for v in violations) or str(error.details())
            return TimeReservation(granted=False, reason=reason)
        return TimeReservation(granted=True, state=reply.state)

    async def release_time(
        self,
        employee_id: str,
        key: str,
        *,
        undo: bool = False,
        patience_s: float = RETRY_PATIENCE_S,
    ) -> bool:
        """Give back the time held under `key`; True when some was freed. `undo`:
        the promise was not made after all and may be made again later."""
        stub = rpc.LedgerServiceStub(self._client.channel)
        request = pb.ReleaseTimeRequest(employee_id=employee_id, key=key, undo=undo)
        reply = await retrying(lambda: self._client.call(stub.ReleaseTime, request), patience_s)
        return reply.freed

    async def unknown_skills(self, skill_ids: Sequence[str]) -> list[str]:
        stub = rpc.TaxonomyServiceStub(self._client.channel)
        reply = await self._client.call(
            stub.LookupSkills, pb.LookupSkillsRequest(skill_ids=list(dict.fromkeys(skill_ids)))
        )
        known = {skill.id for skill in reply.skills}
        return [s for s in skill_ids if s not in known]
