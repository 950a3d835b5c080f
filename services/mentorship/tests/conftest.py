"""Mentorship tests run the real profiles service beside mentorship: its test harness
lives with the profiles tests, so that folder is importable here."""

import sys
from pathlib import Path

PROFILES_TESTS = Path(__file__).resolve().parents[2] / "profiles" / "tests"
if str(PROFILES_TESTS) not in sys.path:
    sys.path.append(str(PROFILES_TESTS))
