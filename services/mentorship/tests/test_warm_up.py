"""The warm-up that setup and the service run: every compiled loop, on a cohort of three."""

from __future__ import annotations

import asyncio
import logging

import pytest

from trellis_mentorship.domain.matching.warm_up import warm_up
from trellis_mentorship.entrypoints import cli

pytestmark = pytest.mark.unit


def test_the_warm_up_matches_its_tiny_cohort() -> None:
    # Two mentors with one place each, three mentees wanting the same skill.
    assert warm_up() == 2


async def test_a_failed_warm_up_is_logged_and_the_service_keeps_serving(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_compiler() -> int:
        raise RuntimeError("cannot cache function: no locator available")

    monkeypatch.setattr(cli, "warm_up", no_compiler)
    with caplog.at_level(logging.ERROR, logger="trellis_mentorship"):
        await cli.warm_engine(asyncio.Event())  # returns instead of raising
    assert "matching engine warm-up failed" in caplog.text
    assert "no locator available" in caplog.text
