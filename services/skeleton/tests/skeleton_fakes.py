"""In-memory stand-ins for the skeleton's ports (unit tests only)."""

from trellis_shared.errors import StaleVersion
from trellis_skeleton.domain.tally import Tally


class FakeTallies:
    def __init__(self) -> None:
        self.rows: dict[str, tuple[int, int]] = {}
        self.published: list[object] = []

    async def get(self, tally_id: str) -> Tally | None:
        if tally_id not in self.rows:
            return None
        total, version = self.rows[tally_id]
        return Tally(tally_id=tally_id, total=total, version=version)

    async def save(self, tally: Tally) -> None:
        current = self.rows.get(tally.tally_id, (0, 0))[1]
        if current != tally.version:
            raise StaleVersion(tally.tally_id, tally.version)
        tally.version += 1
        self.rows[tally.tally_id] = (tally.total, tally.version)
        self.published.extend(tally.pending_events)
        tally.pending_events = []
