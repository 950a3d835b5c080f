"""Inverted lists: for one skill (or title word), the open postings that name it.

A person holds 5-15 skills out of hundreds, so scoring their skills touches a few
thousand list entries instead of every (posting, skill) pair. A required skill
the person lacks scores 0 on every path, so those entries need no visiting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from trellis_postings.domain.recommend.table import GrowableTable


class WordPostings:
    """Slots of the postings whose title has a given word."""

    __slots__ = ("table",)

    def __init__(self) -> None:
        self.table = GrowableTable({"slot": np.int64})

    def __len__(self) -> int:
        return self.table.size

    def add(self, slot: int) -> None:
        self.table.append({"slot": slot})

    def remove(self, slot: int) -> None:
        _remove_slot(self.table, slot)

    @property
    def slots(self) -> NDArray[np.int64]:
        return self.table["slot"]


class SkillPostings:
    """The postings requiring a given skill: slot, minimum level, must-have, the
    skill's place in the posting's list (its rank) and the entry's maximum points
    for every skills budget the store keeps."""

    __slots__ = ("table",)

    def __init__(self, budgets: Iterable[int]) -> None:
        columns: dict[str, DTypeLike] = {
            "slot": np.int64,
            "min_level": np.float64,
            "must_have": np.bool_,
            "rank": np.int64,
        }
        columns.update({_maxima_column(b): np.float64 for b in budgets})
        self.table = GrowableTable(columns)

    def __len__(self) -> int:
        return self.table.size

    def add(
        self, slot: int, min_level: int, must_have: bool, rank: int, maxima: Mapping[int, int]
    ) -> None:
        """`maxima`: the entry's maximum tenths for each skills budget kept."""
        row: dict[str, int | float | bool] = {
            "slot": slot,
            "min_level": min_level,
            "must_have": must_have,
            "rank": rank,
        }
        row.update({_maxima_column(b): tenths for b, tenths in maxima.items()})
        self.table.append(row)

    def remove(self, slot: int) -> None:
        _remove_slot(self.table, slot)

    def column(self, name: str) -> NDArray[Any]:
        return self.table[name]

    def maxima(self, skills_tenths: int) -> NDArray[np.float64]:
        """Each entry's maximum points (tenths) when skills are worth `skills_tenths`."""
        column: NDArray[np.float64] = self.table[_maxima_column(skills_tenths)]
        return column

    def keep_budget(self, skills_tenths: int, values: NDArray[np.float64]) -> None:
        self.table.add_column(_maxima_column(skills_tenths), values)

    def forget_budget(self, skills_tenths: int) -> None:
        self.table.drop_column(_maxima_column(skills_tenths))


def _maxima_column(skills_tenths: int) -> str:
    return f"max@{skills_tenths}"


def _remove_slot(table: GrowableTable, slot: int) -> None:
    # A posting names a skill or title word at most once.
    rows = np.flatnonzero(table["slot"] == slot)
    if len(rows):
        table.swap_remove(int(rows[0]))
