"""Recently read profiles: never older than the newest version known, bounded in size."""

import pytest

from trellis_profiles.app.ports import Stored
from trellis_profiles.app.recent_profiles import RecentProfiles
from trellis_profiles.domain.profile import OrgData, Profile

pytestmark = pytest.mark.unit


def stored(employee_id: str, version: int) -> Stored:
    org = OrgData(name=employee_id.title(), email=f"{employee_id}@example.com")
    return Stored(Profile(employee_id=employee_id, org=org), version)


def test_an_entry_older_than_the_newest_known_version_is_not_served() -> None:
    recent = RecentProfiles()
    recent.put(stored("a", 2), newest_known=2)
    assert recent.get("a", newest_known=2) == stored("a", 2)
    # Another replica saved version 3 (its snapshot reached the index): go to the database.
    assert recent.get("a", newest_known=3) is None
    assert recent.get("a", newest_known=0) is None  # and it was dropped


def test_an_old_read_never_replaces_a_newer_entry_or_the_known_version() -> None:
    recent = RecentProfiles()
    recent.put(stored("a", 1), newest_known=2)  # read before the snapshot of v2 arrived
    assert recent.get("a", newest_known=0) is None
    recent.put(stored("a", 3), newest_known=3)
    recent.put(stored("a", 2), newest_known=0)
    assert recent.get("a", newest_known=0) == stored("a", 3)


def test_the_least_recently_used_go_first() -> None:
    recent = RecentProfiles(capacity=2)
    recent.put(stored("a", 1), 0)
    recent.put(stored("b", 1), 0)
    assert recent.get("a", 0) is not None  # a is now the most recent
    recent.put(stored("c", 1), 0)
    assert recent.get("b", 0) is None
    assert recent.get("a", 0) is not None
    assert len(recent) == 2
    nothing = RecentProfiles(capacity=0)
    nothing.put(stored("a", 1), 0)
    assert len(nothing) == 0
