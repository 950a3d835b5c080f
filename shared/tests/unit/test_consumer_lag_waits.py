"""Asking a broker that just started for a group's offsets waits for its coordinator."""

from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import GroupCoordinatorNotAvailableError
from aiokafka.structs import OffsetAndMetadata

from trellis_shared.operations import consumer_lag

pytestmark = pytest.mark.unit


class AdminWithoutCoordinatorYet:
    """Answers like a fresh broker: no group coordinator for the first `refusals` asks."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.asked = 0

    async def list_consumer_group_offsets(self, group_id: str) -> dict[Any, Any]:
        self.asked += 1
        if self.asked <= self.refusals:
            raise GroupCoordinatorNotAvailableError(f"no coordinator for {group_id} yet")
        return {TopicPartition("t", 0): OffsetAndMetadata(5, "")}


async def test_offsets_are_read_once_the_coordinator_is_there() -> None:
    admin = AdminWithoutCoordinatorYet(refusals=2)
    committed = await consumer_lag._committed(admin, "g")  # type: ignore[arg-type]
    assert committed == {TopicPartition("t", 0): 5}
    assert admin.asked == 3


async def test_a_coordinator_that_never_comes_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consumer_lag, "_COORDINATOR_WAIT_S", 0.5)
    with pytest.raises(GroupCoordinatorNotAvailableError):
        await consumer_lag._committed(AdminWithoutCoordinatorYet(refusals=10**6), "g")  # type: ignore[arg-type]
