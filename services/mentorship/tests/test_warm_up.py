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


class Collected(logging.Handler):
    """Records what reached the logger (caplog is absent under `-p no:logging`)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


async def test_a_failed_warm_up_is_logged_and_the_service_keeps_serving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_compiler() -> int:
        raise RuntimeError("cannot cache function: no locator available")

    monkeypatch.setattr(cli, "warm_up", no_compiler)
    collected = Collected()
    logger = logging.getLogger("trellis_mentorship")
    logger.addHandler(collected)
    try:
        await cli.warm_engine(asyncio.Event())  # returns instead of raising
    finally:
        logger.removeHandler(collected)
    text = "\n".join(collected.lines)
    assert "matching engine warm-up failed" in text
    assert "no locator available" in text
