"""Portal tests run every service beside the portal, on the real broker and
database; the services' test harnesses live with their tests, so those folders
are importable here."""

import sys
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2]
for name in ("profiles", "postings", "mentorship", "bidding"):
    folder = SERVICES / name / "tests"
    if str(folder) not in sys.path:
        sys.path.append(str(folder))

pytest_plugins = ["portal_fixtures"]
