"""What the portal shows of bidding: rounds, assignments, wallets, results, reports.

The models mirror the bidding service's messages (proto/trellis/bidding/v1) so
the JSON API and the pages read the same shapes; a few computed fields
(points left, per cent placed) save every template and client the arithmetic.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message
from pydantic import BaseModel, ConfigDict, Field, computed_field

Model = TypeVar("Model", bound=BaseModel)

# One sentence per clearing mode, from services/bidding/README.md.
MODE_EXPLANATIONS: dict[str, str] = {
    "default": (
        "Deferred acceptance: everyone applies to their favourite first and each assignment "
        "keeps its best bids (more points, then skill fit), so nobody out-bids the holder "
        "of an assignment they preferred."
    ),
    "welfare": (
        "Maximum total points: the awards that add up to the most points overall, even if "
        "someone loses a seat to a lower bid because that seat is worth more elsewhere."
    ),
}
Mode = Literal["default", "welfare"]


def from_message(message: Message, model: type[Model]) -> Model:
    """A service message as a portal model (unset fields read as their defaults)."""
    data: dict[str, Any] = MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    return model.model_validate(data)


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Assignment(_Shape):
    assignment_id: str
    title: str = ""
    owner_id: str = ""
    seats: int = 0
    share_pct: int = 0
    starts_on: str = ""
    ends_on: str = ""
    skill_ids: list[str] = Field(default_factory=list)
    status: str = ""
    department: str = ""


class Round(_Shape):
    round_id: str
    title: str = ""
    assignment_ids: list[str] = Field(default_factory=list)
    opens_at: str = ""
    closes_at: str = ""
    budget: int = 0
    mode: str = ""
    max_awards: int = 0
    carry_over_cap: int = 0
    status: str = ""
    cleared_at: str = ""
    bidders: int = 0
    version: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mode_explanation(self) -> str:
        return MODE_EXPLANATIONS.get(self.mode, "")


class RoundDetail(_Shape):
    """A round with its assignments as the catalog knows them, in the round's order."""

    round: Round
    assignments: list[Assignment]


class BidEntry(_Shape):
    assignment_id: str
    points: int
    rank: int


class Wallet(_Shape):
    round_id: str
    employee_id: str
    budget: int = 0
    points_bid: int = 0
    bids: list[BidEntry] = Field(default_factory=list)
    version: int = 0
    release_status: str = ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def points_left(self) -> int:
        return max(self.budget - self.points_bid, 0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def percent_placed(self) -> int:
        if self.budget <= 0:
            return 0
        return min(round(100 * self.points_bid / self.budget), 100)


class AssignmentOutcome(_Shape):
    assignment_id: str
    points: int = 0
    rank: int = 0
    won: bool = False
    cutoff: str = ""
    reason: str = ""


class BidderResult(_Shape):
    round_id: str
    employee_id: str
    awarded: list[str] = Field(default_factory=list)
    points_spent: int = 0
    points_returned: int = 0
    next_round_budget: int = 0
    outcomes: list[AssignmentOutcome] = Field(default_factory=list)


class Winner(_Shape):
    employee_id: str
    points: int = 0


class AssignmentWinners(_Shape):
    assignment_id: str
    title: str
    winners: list[Winner]


class AwardLine(_Shape):
    assignment_id: str
    employee_id: str
    points: int = 0


class AssignmentAwards(_Shape):
    """One assignment's line in the report: its seats and who took them."""

    assignment_id: str
    title: str
    seats: int
    awarded: list[AwardLine]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def seats_empty(self) -> int:
        return max(self.seats - len(self.awarded), 0)


class RoundReport(_Shape):
    round: Round
    bidders: int = 0
    awards: int = 0
    points_spent: int = 0
    blocking_pairs: int = 0
    envy: int = 0
    awards_list: list[AwardLine] = Field(default_factory=list)
    per_assignment: list[AssignmentAwards] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def bidders_without_award(self) -> int:
        winners = {line.employee_id for line in self.awards_list}
        return max(self.bidders - len(winners), 0)


class ReleaseRequest(_Shape):
    round_id: str
    round_title: str = ""
    employee_id: str
    status: str = ""
    due_at: str = ""
    decided_by: str = ""


class RoundTerms(BaseModel):
    """What hr_admin sets to open a round (the service checks the rest)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=3, max_length=200)
    assignment_ids: list[str] = Field(min_length=1, max_length=500)
    opens_at: str = Field(default="", max_length=40, description="RFC 3339; empty = now")
    closes_at: str = Field(max_length=40, description="RFC 3339")
    budget: int = Field(default=100, ge=1, le=100_000)
    mode: Mode = "default"
    max_awards: int = Field(default=1, ge=1, le=5)
    carry_over_cap: int = Field(default=0, ge=0, le=1_000_000, description="0 = the budget")
