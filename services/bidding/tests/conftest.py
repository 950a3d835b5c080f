"""Bidding tests run the real profiles and postings services beside bidding: their
test harnesses live with their tests, so those folders are importable here."""

import sys
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2]
for folder in (SERVICES / "profiles" / "tests", SERVICES / "postings" / "tests"):
    if str(folder) not in sys.path:
        sys.path.append(str(folder))
