"""Sessions in the portal's own database, keyed by the digest of the cookie token."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from trellis_portal.domain.sessions import Session


class MongoSessions:
    def __init__(self, collection: AsyncCollection[Any]) -> None:
        self._sessions = collection

    async def ensure_indexes(self) -> None:
        # No TTL index: FerretDB lacks them. Expired sessions are refused on
        # read and removed whenever someone signs in.
        await self._sessions.create_index("expires_at")

    async def save(self, session: Session, now: datetime) -> None:
        await self._sessions.delete_many({"expires_at": {"$lt": now}})
        await self._sessions.replace_one(
            {"_id": session.digest},
            {
                "_id": session.digest,
                "employee_id": session.employee_id,
                "name": session.name,
                "roles": sorted(session.roles),
                "csrf_token": session.csrf_token,
                "expires_at": session.expires_at,
            },
            upsert=True,
        )

    async def find(self, digest: str, now: datetime) -> Session | None:
        found = await self._sessions.find_one({"_id": digest})
        if found is None:
            return None
        session = Session(
            digest=found["_id"],
            employee_id=found["employee_id"],
            name=found["name"],
            roles=frozenset(found["roles"]),
            csrf_token=found["csrf_token"],
            expires_at=found["expires_at"],
        )
        return session if session.is_live(now) else None

    async def delete(self, digest: str) -> None:
        await self._sessions.delete_one({"_id": digest})
