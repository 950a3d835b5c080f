"""Group commit: batches under load, alone waits for nothing, errors reach their callers."""

import asyncio
from collections.abc import Sequence

import pytest

from trellis_shared.group_commit import GroupCommit

pytestmark = pytest.mark.unit


class Writes:
    def __init__(self, fail_on: str = "") -> None:
        self.batches: list[list[str]] = []
        self.fail_on = fail_on

    async def write(self, items: Sequence[str]) -> int:
        self.batches.append(list(items))
        await asyncio.sleep(0.01)  # a round trip: others arrive meanwhile
        if self.fail_on in items:
            raise RuntimeError("refused")
        return len(self.batches)


async def test_items_that_arrive_during_a_write_share_the_next_one() -> None:
    writes = Writes()
    commit = GroupCommit(writes.write)
    first = asyncio.ensure_future(commit.add("i0"))
    await asyncio.sleep(0.001)  # "i0" is being written alone
    results = await asyncio.gather(*(commit.add(f"i{n}") for n in range(1, 10)))
    # The nine that came meanwhile go together, in one write.
    assert writes.batches == [["i0"], [f"i{n}" for n in range(1, 10)]]
    assert await first == 1
    assert results == [2] * 9


async def test_a_caller_alone_is_written_at_once_and_batches_are_bounded() -> None:
    writes = Writes()
    commit = GroupCommit(writes.write, max_batch=3)
    assert await commit.add("alone") == 1
    await asyncio.gather(*(commit.add(f"i{n}") for n in range(7)))
    assert [len(batch) for batch in writes.batches] == [1, 3, 3, 1]


async def test_a_failed_batch_fails_its_callers_only() -> None:
    writes = Writes(fail_on="bad")
    commit = GroupCommit(writes.write)
    first = asyncio.ensure_future(commit.add("first"))
    await asyncio.sleep(0)  # "first" is being written alone
    later = [asyncio.ensure_future(commit.add(item)) for item in ("bad", "same-batch")]
    assert await first == 1
    for caller in later:
        with pytest.raises(RuntimeError, match="refused"):
            await caller
    assert await commit.add("after") == 3  # the writer goes on
