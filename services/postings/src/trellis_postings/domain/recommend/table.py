"""Named numpy columns that grow by doubling, so appending a row is amortised O(1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

Scalar = int | float | bool


class GrowableTable:
    __slots__ = ("_columns", "size")

    def __init__(self, dtypes: Mapping[str, DTypeLike], capacity: int = 8) -> None:
        self._columns: dict[str, NDArray[Any]] = {
            name: np.zeros(capacity, dtype=dtype) for name, dtype in dtypes.items()
        }
        self.size = 0

    def __getitem__(self, name: str) -> NDArray[Any]:
        """The column's live rows (a view: valid until the next append)."""
        return self._columns[name][: self.size]

    def append(self, row: Mapping[str, Scalar]) -> int:
        """Add a row (every column must be given); its index."""
        index = self.size
        if index == self._capacity():
            self._grow()
        self.size += 1
        self.write(index, row)
        return index

    def write(self, index: int, row: Mapping[str, Scalar]) -> None:
        for name, column in self._columns.items():
            column[index] = row[name]

    def swap_remove(self, index: int) -> None:
        """Drop a row by moving the last row into its place (order is not kept)."""
        last = self.size - 1
        if index != last:
            for column in self._columns.values():
                column[index] = column[last]
        self.size = last

    def keep(self, mask: NDArray[np.bool_]) -> None:
        """Keep only the rows where `mask` is true, in order."""
        kept = int(np.count_nonzero(mask))
        for name, column in self._columns.items():
            fresh = np.zeros(max(8, kept * 2), dtype=column.dtype)
            fresh[:kept] = column[: self.size][mask]
            self._columns[name] = fresh
        self.size = kept

    def add_column(self, name: str, values: NDArray[Any]) -> None:
        column = np.zeros(self._capacity(), dtype=values.dtype)
        column[: self.size] = values
        self._columns[name] = column

    def drop_column(self, name: str) -> None:
        del self._columns[name]

    def _capacity(self) -> int:
        return len(next(iter(self._columns.values())))

    def _grow(self) -> None:
        capacity = max(8, self._capacity() * 2)
        for name, column in self._columns.items():
            bigger = np.zeros(capacity, dtype=column.dtype)
            bigger[: self.size] = column[: self.size]
            self._columns[name] = bigger
