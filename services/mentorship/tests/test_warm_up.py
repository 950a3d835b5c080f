"""The warm-up that setup and the service run: every compiled loop, on a cohort of three."""

from __future__ import annotations

import pytest

from trellis_mentorship.domain.matching.warm_up import warm_up

pytestmark = pytest.mark.unit


def test_the_warm_up_matches_its_tiny_cohort() -> None:
    # Two mentors with one place each, three mentees wanting the same skill.
    assert warm_up() == 2
