"""The crash plan the fault suite hands to processes: parsed strictly, seeded, off by default."""

import pytest

from trellis_shared.crash_points import CrashPlan

pytestmark = pytest.mark.unit


def test_an_empty_plan_never_fires() -> None:
    plan = CrashPlan.parse("")
    assert not any(plan.fires("after_save") for _ in range(1000))


def test_a_point_fires_at_about_its_chance_and_others_never() -> None:
    plan = CrashPlan.parse("after_save=0.25, after_publish=1", seed="7")
    fired = sum(plan.fires("after_save") for _ in range(4000))
    assert 800 < fired < 1200
    assert plan.fires("after_publish")
    assert not any(plan.fires("after_effect") for _ in range(1000))


def test_the_same_seed_gives_the_same_schedule() -> None:
    first = CrashPlan.parse("after_save=0.3", seed="42")
    second = CrashPlan.parse("after_save=0.3", seed="42")
    assert [first.fires("after_save") for _ in range(200)] == [
        second.fires("after_save") for _ in range(200)
    ]


def test_a_chance_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="after_save"):
        CrashPlan.parse("after_save=3")
