"""The profiles read most recently, in memory, never older than the people index.

Why: the embedded database answers at most about 700 `_id` lookups a second
on the 2-core reference machine, whatever the service does, which is well
below what GetProfile must serve. A bounded least-recently-used set of whole
profiles lets hot reads skip the database.

Freshness: an entry is used only while its version is at least the version
the people index holds for that employee. The index follows every replica's
saves (snapshots), so another replica's change makes the entry stale the
moment its snapshot arrives here, and the next read goes to the database. An
entry older than the index is never stored either, so a slow read that
finishes after a newer snapshot cannot put old data back.
"""

from __future__ import annotations

from collections import OrderedDict

from trellis_profiles.app.ports import Stored

# A stored profile with a handful of skills takes about 13 KB of memory.
DEFAULT_CAPACITY = 10_000


class RecentProfiles:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[str, Stored] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, employee_id: str, newest_known: int) -> Stored | None:
        """The cached profile, unless a newer version than it is known to exist."""
        stored = self._entries.get(employee_id)
        if stored is None:
            return None
        if stored.version < newest_known:
            del self._entries[employee_id]
            return None
        self._entries.move_to_end(employee_id)
        return stored

    def put(self, stored: Stored, newest_known: int) -> None:
        if self._capacity <= 0 or stored.version < newest_known:
            return
        employee_id = stored.profile.employee_id
        current = self._entries.get(employee_id)
        if current is not None and current.version > stored.version:
            return
        self._entries[employee_id] = stored
        self._entries.move_to_end(employee_id)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
