"""gRPC servicers of the bidding service: thin translation onto the use cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from grpc import aio
from pydantic import TypeAdapter

from trellis.bidding.v1 import bidding_pb2 as pb
from trellis.bidding.v1 import bidding_pb2_grpc as rpc
from trellis_bidding.app.bids import Bids
from trellis_bidding.app.clearing import Clearing
from trellis_bidding.app.read_models import Catalog
from trellis_bidding.app.rounds import Rounds
from trellis_bidding.domain.catalog import CatalogEntry
from trellis_bidding.domain.rounds import Round, RoundTerms
from trellis_bidding.domain.wallets import BidEntry, Wallet
from trellis_shared.errors import FieldViolation, InvalidArgument
from trellis_shared.grpc.messages import parse, require_text, to_message
from trellis_shared.grpc.tokens import current_principal
from trellis_shared.mongo.model_store import Versioned

Context = aio.ServicerContext[Any, Any]
MAX_BIDS = 50
SERVICE_NAMES = [
    pb.DESCRIPTOR.services_by_name[name].full_name
    for name in ("CatalogService", "RoundService", "BidService")
]


def round_message(found: Versioned[Round]) -> pb.Round:
    round_ = found.value
    data: dict[str, Any] = round_.terms.model_dump(mode="json")
    data.update(
        round_id=round_.round_id,
        status=round_.status.value,
        seed=round_.seed,
        cleared_at=round_.cleared_at.isoformat() if round_.cleared_at else None,
        bidders=round_.bidders,
        version=found.version,
    )
    return to_message(data, pb.Round())


def assignment_message(entry: CatalogEntry) -> pb.Assignment:
    return to_message(entry.model_dump(mode="json"), pb.Assignment())


def wallet_message(found: Versioned[Wallet]) -> pb.Wallet:
    wallet = found.value
    return pb.Wallet(
        round_id=wallet.round_id,
        employee_id=wallet.employee_id,
        budget=wallet.budget,
        points_bid=wallet.points_bid,
        bids=[
            pb.BidEntry(assignment_id=b.assignment_id, points=b.points, rank=b.rank)
            for b in wallet.bids
        ],
        version=found.version,
        release_status=wallet.release.status if wallet.release else "",
    )


def _instant(value: str, field: str) -> datetime | None:
    if not value:
        return None
    try:
        return TypeAdapter(datetime).validate_python(value)
    except ValueError:
        raise InvalidArgument(
            f"bad {field}", [FieldViolation(field, "must be an RFC 3339 timestamp")]
        ) from None


class CatalogServicer(rpc.CatalogServiceServicer):
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    async def ListAssignments(
        self, request: pb.ListAssignmentsRequest, context: Context
    ) -> pb.ListAssignmentsReply:
        current_principal()
        entries = [
            e for e in self._catalog.entries() if request.include_closed or e.status == "open"
        ]
        return pb.ListAssignmentsReply(assignments=[assignment_message(e) for e in entries])


class RoundServicer(rpc.RoundServiceServicer):
    def __init__(self, rounds: Rounds, clearing: Clearing, now: Any) -> None:
        self._rounds = rounds
        self._clearing = clearing
        self._now = now

    async def OpenRound(self, request: pb.OpenRoundRequest, context: Context) -> pb.RoundReply:
        viewer = current_principal()
        terms: dict[str, Any] = {
            "title": request.title,
            "assignment_ids": list(request.assignment_ids),
            "opens_at": _instant(request.opens_at, "opens_at") or self._now(),
            "closes_at": _instant(request.closes_at, "closes_at"),
            "mode": request.mode or "default",
        }
        for name in ("budget", "max_awards", "carry_over_cap"):
            if getattr(request, name):
                terms[name] = getattr(request, name)
        if terms["closes_at"] is None:
            raise InvalidArgument(
                "closes_at is required", [FieldViolation("closes_at", "required")]
            )
        opened = await self._rounds.open(viewer, parse(RoundTerms, terms, ""))
        return pb.RoundReply(round=round_message(opened))

    async def GetRound(self, request: pb.GetRoundRequest, context: Context) -> pb.RoundReply:
        current_principal()
        round_id = require_text(request.round_id, "round_id")
        return pb.RoundReply(round=round_message(await self._rounds.get(round_id)))

    async def ListRounds(
        self, request: pb.ListRoundsRequest, context: Context
    ) -> pb.ListRoundsReply:
        current_principal()
        return pb.ListRoundsReply(rounds=[round_message(r) for r in await self._rounds.all()])

    async def CloseRound(self, request: pb.RoundActionRequest, context: Context) -> pb.RoundReply:
        round_id = require_text(request.round_id, "round_id")
        return pb.RoundReply(
            round=round_message(await self._rounds.close(current_principal(), round_id))
        )

    async def ClearRound(self, request: pb.RoundActionRequest, context: Context) -> pb.RoundReply:
        round_id = require_text(request.round_id, "round_id")
        cleared = await self._clearing.clear_as(current_principal(), round_id)
        return pb.RoundReply(round=round_message(cleared))

    async def CancelRound(self, request: pb.RoundActionRequest, context: Context) -> pb.RoundReply:
        round_id = require_text(request.round_id, "round_id")
        return pb.RoundReply(
            round=round_message(await self._rounds.cancel(current_principal(), round_id))
        )

    async def GetRoundReport(
        self, request: pb.GetRoundRequest, context: Context
    ) -> pb.RoundReportReply:
        round_id = require_text(request.round_id, "round_id")
        found = await self._rounds.report(current_principal(), round_id)
        round_ = found.value
        return pb.RoundReportReply(
            report=pb.RoundReport(
                round=round_message(found),
                bidders=round_.bidders,
                awards=len(round_.standing_awards),
                points_spent=round_.points_spent,
                blocking_pairs=round_.blocking_pairs,
                envy=round_.envy,
                awards_list=[
                    pb.AwardLine(
                        assignment_id=a.assignment_id, employee_id=a.employee_id, points=a.points
                    )
                    for a in round_.standing_awards
                ],
            )
        )


class BidServicer(rpc.BidServiceServicer):
    def __init__(self, bids: Bids) -> None:
        self._bids = bids

    async def PlaceBids(self, request: pb.PlaceBidsRequest, context: Context) -> pb.WalletReply:
        round_id = require_text(request.round_id, "round_id")
        if len(request.bids) > MAX_BIDS:
            raise InvalidArgument("too many bids", [FieldViolation("bids", f"at most {MAX_BIDS}")])
        entries = [
            BidEntry(assignment_id=b.assignment_id, points=b.points, rank=b.rank)
            for b in request.bids
        ]
        placed = await self._bids.place(
            current_principal(), round_id, entries, request.expected_version
        )
        return pb.WalletReply(wallet=wallet_message(placed))

    async def GetMyBids(self, request: pb.GetMyBidsRequest, context: Context) -> pb.WalletReply:
        round_id = require_text(request.round_id, "round_id")
        return pb.WalletReply(
            wallet=wallet_message(await self._bids.mine(current_principal(), round_id))
        )

    async def GetMyResult(
        self, request: pb.GetMyBidsRequest, context: Context
    ) -> pb.BidderResultReply:
        round_id = require_text(request.round_id, "round_id")
        wallet = await self._bids.result(current_principal(), round_id)
        assert wallet.result is not None
        data: dict[str, Any] = wallet.result.model_dump(mode="json")
        data.update(round_id=wallet.round_id, employee_id=wallet.employee_id)
        return pb.BidderResultReply(result=to_message(data, pb.BidderResult()))

    async def ListWinners(
        self, request: pb.ListWinnersRequest, context: Context
    ) -> pb.ListWinnersReply:
        round_id = require_text(request.round_id, "round_id")
        assignment_id = require_text(request.assignment_id, "assignment_id")
        found = await self._bids.winners(current_principal(), round_id, assignment_id)
        return pb.ListWinnersReply(winners=[pb.Winner(employee_id=e, points=p) for e, p in found])

    async def ListReleaseRequests(
        self, request: pb.ListReleaseRequestsRequest, context: Context
    ) -> pb.ListReleaseRequestsReply:
        found = await self._bids.releases_waiting(current_principal())
        return pb.ListReleaseRequestsReply(requests=[release_message(r, w) for r, w in found])

    async def ApproveRelease(
        self, request: pb.ApproveReleaseRequest, context: Context
    ) -> pb.ReleaseRequest:
        round_id = require_text(request.round_id, "round_id")
        employee_id = require_text(request.employee_id, "employee_id")
        round_, wallet = await self._bids.approve_release(
            current_principal(), round_id, employee_id
        )
        return release_message(round_, wallet)


def release_message(round_: Round, wallet: Wallet) -> pb.ReleaseRequest:
    release = wallet.release
    assert release is not None
    return pb.ReleaseRequest(
        round_id=round_.round_id,
        round_title=round_.terms.title,
        employee_id=wallet.employee_id,
        status=release.status,
        due_at=release.due_at.isoformat(),
        decided_by=release.decided_by,
    )


def register_all(
    server: aio.Server, catalog: Catalog, rounds: Rounds, clearing: Clearing, bids: Bids, now: Any
) -> None:
    rpc.add_CatalogServiceServicer_to_server(CatalogServicer(catalog), server)
    rpc.add_RoundServiceServicer_to_server(RoundServicer(rounds, clearing, now), server)
    rpc.add_BidServiceServicer_to_server(BidServicer(bids), server)
