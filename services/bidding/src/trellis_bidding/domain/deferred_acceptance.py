"""Default mode: employee-proposing deferred acceptance, run in simultaneous rounds with numpy.

The rule, exactly:

- Every employee walks down their own ranking. While they hold fewer than
  `max_awards` tentative awards, they propose to the next assignment on it,
  one proposal per employee per round.
- Free time: an employee skips an assignment whose time share does not fit on
  top of the shares of the tentative awards they hold at that moment (held
  shares + share <= free share). When they later lose a tentative award, which
  frees time, they look again from the top of their list at the assignments
  they skipped for time (never at ones that rejected them). With one award per
  person that is simply "assignments bigger than your free time are not
  considered".
- Each assignment keeps the best `seats` proposals it has seen by its priority
  (points bid on it desc, skill fit desc, seeded tie-break asc) and rejects the
  rest, including earlier holders pushed out. A rejected employee goes on down
  their list.
- It stops when nobody holding fewer than `max_awards` has a bid left to try.

Guarantees with one award per person: the outcome is the employee-optimal
stable allocation for those priorities (the same one a one-at-a-time run gives);
there is no blocking pair (someone who ranked an assignment above their award,
or has none, fits it, and out-prioritises a holder or finds a seat empty), so in
particular no seat stays empty that a fitting bidder wanted. With several
awards per person the same walk is the standard many-to-many generalisation and
is pairwise stable whenever free time does not bind. When it binds, nobody
holding fewer than `max_awards` awards could add an assignment they ranked that
fits on top of their awards and on which they out-prioritise a holder or find
an empty seat (so no such seat stays empty); what can remain is a "swap": an
assignment that would fit only by giving up a lower-ranked award. Choices under
a time budget are not substitutable, so a fully stable allocation need not
exist.
"""

from __future__ import annotations

import enum

import numpy as np

from trellis_bidding.domain.allocation import Allocation, BidOutcome
from trellis_bidding.domain.instance import ClearingInstance, IntArray


class _State(enum.IntEnum):
    UNTRIED = 0
    PENDING = 1
    HELD = 2
    REJECTED = 3
    SKIPPED_FOR_TIME = 4


def clear_deferred_acceptance(instance: ClearingInstance) -> Allocation:
    inst = instance
    n_bids = inst.bid_count
    assignment, priority, share = inst.bid_assignment, inst.bid_priority, inst.share
    next_bid = inst.bid_start[:-1].copy()
    list_end = inst.bid_start[1:]
    held_count = np.zeros(len(inst.employee_ids), dtype=np.int64)
    held_share = np.zeros(len(inst.employee_ids), dtype=np.int64)
    state = np.zeros(n_bids, dtype=np.int8)
    held = np.empty(0, dtype=np.int64)
    skipped_some = np.zeros(len(inst.employee_ids), dtype=np.bool_)
    touched = np.zeros(len(inst.assignment_ids), dtype=np.bool_)
    proposers = np.flatnonzero(next_bid < list_end).astype(np.int64)
    while proposers.size:
        proposers = skip_what_cannot_be_proposed(
            inst, proposers, next_bid, held_share, state, skipped_some
        )
        if not proposers.size:
            break
        new = next_bid[proposers]
        next_bid[proposers] += 1
        state[new] = _State.PENDING
        touched[assignment[new]] = True
        on_touched = touched[assignment[held]]
        kept, rejected = keep_best(
            np.concatenate((held[on_touched], new)), assignment, priority, inst.seats, n_bids
        )
        touched[assignment[new]] = False
        held = np.concatenate((held[~on_touched], kept))

        gained = kept[state[kept] == _State.PENDING]
        held_count[inst.bid_employee[gained]] += 1  # one proposal per employee: no repeats
        held_share[inst.bid_employee[gained]] += share[assignment[gained]]
        lost = rejected[state[rejected] == _State.HELD]
        np.subtract.at(held_count, inst.bid_employee[lost], 1)
        np.subtract.at(held_share, inst.bid_employee[lost], share[assignment[lost]])
        state[kept] = _State.HELD
        state[rejected] = _State.REJECTED

        # Losing a tentative award frees time: look again, from the top of the list,
        # at what was skipped for time (bids held or rejected are stepped over).
        losers = np.unique(inst.bid_employee[lost])
        retry = losers[skipped_some[losers]]
        next_bid[retry] = inst.bid_start[retry]
        # Only employees who just proposed or lost something can have changed.
        moved = np.unique(np.concatenate((proposers, losers)))
        proposers = moved[
            (held_count[moved] < inst.max_awards) & (next_bid[moved] < list_end[moved])
        ]

    outcome = np.full(n_bids, BidOutcome.HOLDS_HIGHER_RANKED, dtype=np.int8)
    outcome[state == _State.HELD] = BidOutcome.WON
    outcome[state == _State.REJECTED] = BidOutcome.OUT_PRIORITISED
    outcome[state == _State.SKIPPED_FOR_TIME] = BidOutcome.NO_FREE_TIME
    return Allocation(instance=inst, won=state == _State.HELD, outcome=outcome)


def skip_what_cannot_be_proposed(
    inst: ClearingInstance,
    proposers: IntArray,
    next_bid: IntArray,
    held_share: IntArray,
    state: np.ndarray[tuple[int], np.dtype[np.int8]],
    skipped_some: np.ndarray[tuple[int], np.dtype[np.bool_]],
) -> IntArray:
    """Move each proposer to their next bid that is untried or skipped-for-time AND fits.

    Bids that do not fit (on top of the shares held now) are marked skipped for
    time; bids already held or rejected (met again after a look back) are stepped
    over. Returns the proposers that still have a bid to propose.
    """
    list_end = inst.bid_start[1:]
    while proposers.size:
        bid = next_bid[proposers]
        open_ = (state[bid] == _State.UNTRIED) | (state[bid] == _State.SKIPPED_FOR_TIME)
        fits = (
            held_share[proposers] + inst.share[inst.bid_assignment[bid]]
            <= inst.free_share[proposers]
        )
        ready = open_ & fits
        if ready.all():
            break
        too_big = open_ & ~fits
        state[bid[too_big]] = _State.SKIPPED_FOR_TIME
        skipped_some[proposers[too_big]] = True
        next_bid[proposers[~ready]] += 1
        proposers = proposers[next_bid[proposers] < list_end[proposers]]
    return proposers


def keep_best(
    pool: IntArray, assignment: IntArray, priority: IntArray, seats: IntArray, n_bids: int
) -> tuple[IntArray, IntArray]:
    """Split bids into the best `seats` per assignment (kept) and the rest (rejected)."""
    pool = pool[np.argsort(assignment[pool] * n_bids + priority[pool], kind="stable")]
    group = assignment[pool]
    position = np.arange(pool.size, dtype=np.int64)
    starts_group = np.empty(pool.size, dtype=np.bool_)
    starts_group[:1] = True
    np.not_equal(group[1:], group[:-1], out=starts_group[1:])
    place_in_group = position - np.maximum.accumulate(np.where(starts_group, position, 0))
    keep = place_in_group < seats[group]
    return pool[keep], pool[~keep]
