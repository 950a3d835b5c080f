import pytest
from skeleton_fakes import FakeTallies

from trellis_shared.contracts.skeleton import TallyIncremented
from trellis_shared.errors import InvalidArgument, NotFound, StaleVersion
from trellis_skeleton.app.use_cases import get_tally, increment_tally
from trellis_skeleton.domain.tally import MAX_AMOUNT, Tally

pytestmark = pytest.mark.unit


def test_increment_grows_the_total_and_raises_an_event() -> None:
    tally = Tally("t", total=3, version=2)
    tally.increment(4)
    assert tally.total == 7
    assert tally.pending_events == [TallyIncremented(tally_id="t", amount=4, total=7, sequence=3)]


@pytest.mark.parametrize("amount", [0, -1, MAX_AMOUNT + 1])
def test_amount_must_be_positive_and_bounded(amount: int) -> None:
    with pytest.raises(InvalidArgument) as caught:
        Tally("t").increment(amount)
    assert caught.value.violations[0].field == "amount"


async def test_increment_creates_then_updates() -> None:
    tallies = FakeTallies()
    first = await increment_tally(tallies, "t", 2)
    second = await increment_tally(tallies, "t", 3)
    assert (first.version, second.version, second.total) == (1, 2, 5)
    assert [e.total for e in tallies.published] == [2, 5]  # type: ignore[attr-defined]


async def test_a_stale_expected_version_is_refused() -> None:
    tallies = FakeTallies()
    await increment_tally(tallies, "t", 1)
    with pytest.raises(StaleVersion):
        await increment_tally(tallies, "t", 1, expected_version=7)


async def test_missing_tally_and_blank_id() -> None:
    with pytest.raises(NotFound):
        await get_tally(FakeTallies(), "nope")
    with pytest.raises(InvalidArgument):
        await increment_tally(FakeTallies(), "  ", 1)
