"""Placing sealed bids, and reading one's own bids and result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from trellis_bidding.app.ports import Balances, Queries
from trellis_bidding.app.read_models import Bidders, Catalog
from trellis_bidding.domain.release import AUTO, add_working_days
from trellis_bidding.domain.rounds import Round, RoundStatus
from trellis_bidding.domain.wallets import BidEntry, Release, Wallet, violations_for, wallet_id
from trellis_shared.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    TrellisError,
    Unavailable,
)
from trellis_shared.events import EventPayload
from trellis_shared.grpc.tokens import Principal
from trellis_shared.mongo.model_store import ModelStore, Versioned

Clock = Callable[[], datetime]


class Bids:
    def __init__(
        self,
        rounds: ModelStore[Round],
        wallets: ModelStore[Wallet],
        catalog: Catalog,
        bidders: Bidders,
        balances: Balances,
        queries: Queries,
        clock: Clock,
        release_wait_days: int = 5,
    ) -> None:
        self._rounds = rounds
        self._wallets = wallets
        self._catalog = catalog
        self._bidders = bidders
        self._balances = balances
        self._queries = queries
        self._clock = clock
        self._release_wait_days = release_wait_days

    async def place(
        self,
        viewer: Principal,
        round_id: str,
        entries: list[BidEntry],
        expected_version: int = 0,
    ) -> Versioned[Wallet]:
        """Replace the caller's bids: all of them are checked against the budget
        and written in one version-checked update of their wallet."""
        round_ = (await self._rounds.load(round_id)).value
        now = self._clock()
        if not round_.accepting_bids(now):
            raise FailedPrecondition(
                f"the round takes no bids now: it is {round_.status.value}, open "
                f"{round_.terms.opens_at.isoformat()} to {round_.terms.closes_at.isoformat()}"
            )
        self._check_time(viewer.subject, entries)
        key = wallet_id(round_id, viewer.subject)
        # The carried points go into one round only: taken (once per round) when
        # the wallet is made, so a round open beside this one finds them gone.
        made = await self._wallets.find(key) is not None
        drawn = 0 if made else await self._balances.draw(viewer.subject, round_id)
        budget = round_.terms.budget + min(drawn, round_.terms.carry_over_cap)

        facts = self._bidders.get(viewer.subject)
        manager_id = facts.manager_id if facts else ""

        def fresh() -> Wallet:
            release = Release(
                manager_id=manager_id,
                requested_at=now,
                due_at=min(add_working_days(now, self._release_wait_days), round_.terms.closes_at),
            )
            if not manager_id:
                release.approve(AUTO)  # nobody above them: nothing to release
            return Wallet(
                round_id=round_id,
                employee_id=viewer.subject,
                budget=budget,
                carried_in=drawn,
                updated_at=now,
                release=release,
            )

        def change(wallet: Wallet) -> list[EventPayload]:
            problems = violations_for(wallet, entries, round_.terms.assignment_ids)
            if problems:
                raise InvalidArgument(
                    "invalid bids", [FieldViolation(field, message) for field, message in problems]
                )
            wallet.bids = sorted(entries, key=lambda e: e.rank)
            wallet.updated_at = now
            return []

        try:
            return await self._wallets.apply(
                key, change, create=fresh, expected_version=expected_version
            )
        except TrellisError:
            if not made and await self._wallets.find(key) is None:
                await self._balances.undraw(viewer.subject, round_id)  # no wallet: give back
            raise

    def _check_time(self, employee_id: str, entries: list[BidEntry]) -> None:
        """Refuse at once what could never be awarded: more time than is free."""
        facts = self._bidders.get(employee_id)
        if facts is None:
            return  # not known yet: clearing checks again with what is known then
        problems = []
        for index, entry in enumerate(entries):
            assignment = self._catalog.get(entry.assignment_id)
            if assignment is not None and assignment.share_pct > facts.free_share_pct:
                problems.append(
                    FieldViolation(
                        f"bids.{index}.assignment_id",
                        f"needs {assignment.share_pct}% of your time; you have "
                        f"{facts.free_share_pct}% free in the commitment ledger",
                    )
                )
        if problems:
            raise FailedPrecondition(
                "some assignments do not fit your free time: "
                + "; ".join(p.description for p in problems)
            )

    async def mine(self, viewer: Principal, round_id: str) -> Versioned[Wallet]:
        """Sealed: only the bidder reads their bids (a missing wallet is an empty one)."""
        round_ = (await self._rounds.load(round_id)).value
        found = await self._wallets.find(wallet_id(round_id, viewer.subject))
        if found is not None:
            return found
        budget = round_.terms.budget + min(
            await self._balances.carried(viewer.subject), round_.terms.carry_over_cap
        )
        return Versioned(
            Wallet(
                round_id=round_id,
                employee_id=viewer.subject,
                budget=budget,
                updated_at=self._clock(),
            ),
            0,
        )

    async def result(self, viewer: Principal, round_id: str) -> Wallet:
        round_ = (await self._rounds.load(round_id)).value
        round_.require(RoundStatus.CLEARED, action="read results")
        found = await self._wallets.find(wallet_id(round_id, viewer.subject))
        waiting = found is not None and found.value.result is None and found.value.bids
        if waiting and not round_.results_written:  # cleared; results still being written
            raise Unavailable(f"your result in round {round_id} is being written; try again")
        if found is None or found.value.result is None:
            raise NotFound(f"you did not bid in round {round_id}")
        return found.value

    async def winners(
        self, viewer: Principal, round_id: str, assignment_id: str
    ) -> list[tuple[str, int]]:
        """The winners of one assignment: for its owner and hr_admin, after clearing."""
        round_ = (await self._rounds.load(round_id)).value
        entry = self._catalog.get(assignment_id)
        if assignment_id not in round_.terms.assignment_ids or entry is None:
            raise NotFound(f"assignment {assignment_id} is not in round {round_id}")
        if viewer.subject != entry.owner_id and not viewer.has_role("hr_admin"):
            raise PermissionDenied("only the assignment's owner or hr_admin sees its winners")
        round_.require(RoundStatus.CLEARED, action="list winners")
        return [
            (a.employee_id, a.points)
            for a in round_.standing_awards
            if a.assignment_id == assignment_id
        ]

    async def releases_waiting(self, viewer: Principal) -> list[tuple[Round, Wallet]]:
        """Who of the viewer's reports takes part in which round (not their bids)."""
        found = []
        for wallet in await self._queries.wallets_released_by(viewer.subject):
            round_ = (await self._rounds.load(wallet.value.round_id)).value
            found.append((round_, wallet.value))
        return found

    async def approve_release(
        self, viewer: Principal, round_id: str, employee_id: str
    ) -> tuple[Round, Wallet]:
        round_ = (await self._rounds.load(round_id)).value
        key = wallet_id(round_id, employee_id)
        current = await self._wallets.find(key)
        release = current.value.release if current else None
        if release is None or (
            release.manager_id != viewer.subject and not viewer.has_role("hr_admin")
        ):
            raise NotFound(f"no release for {employee_id} in {round_id} waits on you")

        def approve(wallet: Wallet) -> list[EventPayload]:
            assert wallet.release is not None
            wallet.release.approve(viewer.subject)
            return []

        saved = await self._wallets.apply(key, approve)
        return round_, saved.value
