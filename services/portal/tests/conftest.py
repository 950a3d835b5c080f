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

# The fixtures live in portal_fixtures (tests import its types too); naming
# them here makes pytest offer them to this folder. (A pytest_plugins entry
# would be refused: only the top-level conftest may declare plugins.)
from portal_fixtures import (  # noqa: E402
    api_as,
    browser,
    keep_screenshot,
    signed_in_page,
    system,
)

__all__ = ["api_as", "browser", "keep_screenshot", "signed_in_page", "system"]
