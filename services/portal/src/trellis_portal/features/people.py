"""Display names for employee ids, as profiles shows them to the caller."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from grpc import aio

from trellis.profiles.v1 import profiles_pb2
from trellis_portal.features.caller import Caller
from trellis_shared.errors import TrellisError

log = logging.getLogger("trellis_portal")
BATCH = 100  # BatchGetProfiles takes at most this many ids


async def names_of(caller: Caller, employee_ids: Iterable[str]) -> dict[str, str]:
    """Id → name for the people the caller may see; callers show the id otherwise.

    Best effort: names are a nicety, so a page never fails for want of them.
    """
    wanted = sorted({i for i in employee_ids if i})
    names: dict[str, str] = {}
    for start in range(0, len(wanted), BATCH):
        try:
            reply = await caller.call(
                caller.backends.profiles,
                caller.backends.profile_service().BatchGetProfiles,
                profiles_pb2.BatchGetProfilesRequest(employee_ids=wanted[start : start + BATCH]),
            )
        except (aio.AioRpcError, TrellisError) as error:
            log.warning("display names unavailable: %s", error)
            return names
        names.update({p.employee_id: p.org.name for p in reply.profiles if p.org.name})
    return names
