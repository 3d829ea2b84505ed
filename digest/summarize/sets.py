"""Sets of small whole numbers (stems, concepts) for each of many rows (texts, articles), as
flat NumPy arrays.

A summary compares hundreds of sentence texts by the stems and stem pairs they hold. As
Python sets, every union and count costs an interpreter step per element; as one sorted
array of codes (row * width + member), a union is a sort, a count a bincount, a lookup a
binary search, whatever the number of rows. SciPy's sparse matrices would do the same
but cost tens of microseconds per call in checks, many times the work on small rows.
"""

from __future__ import annotations

import numpy as np


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (`np.unique` without its overhead)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if values.size else values


def ranges(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges starts[k] .. starts[k] + lengths[k]: each element's range k, and its value."""
    owner = np.repeat(np.arange(lengths.size), lengths)
    offset = np.arange(owner.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return owner, np.repeat(starts, lengths) + offset


class RowSets:
    """A set of members (0 <= member < width) for each of `count` rows."""

    def __init__(self, rows: np.ndarray, members: np.ndarray, count: int, width: int):
        """From pairs (rows[k], members[k]), repeats allowed."""
        self.count, self.width = count, max(width, 1)
        self.codes = distinct(np.asarray(rows, dtype=np.int64) * self.width + np.asarray(members, dtype=np.int64))
        self.rows, self.members = np.divmod(self.codes, self.width)
        self.size = np.bincount(self.rows, minlength=count)
        self.start = np.cumsum(self.size) - self.size

    @classmethod
    def runs(cls, members: np.ndarray, ends: np.ndarray, width: int) -> RowSets:
        """From the members of every row end to end, row k's ending at ends[k]."""
        return cls(np.repeat(np.arange(len(ends)), np.diff(ends, prepend=0)), members, len(ends), width)

    def of(self, row: int) -> frozenset[int]:
        return frozenset(self.members[self.start[row] : self.start[row] + self.size[row]].tolist())

    def expand(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every member of each of `rows`: which of `rows` it belongs to (position), and the member."""
        owner, where = ranges(self.start[rows], self.size[rows])
        return owner, self.members[where]

    def holds(self, rows: np.ndarray, members: np.ndarray) -> np.ndarray:
        """Whether row rows[k] holds members[k], for each k."""
        if not self.codes.size:
            return np.zeros(len(rows), dtype=bool)
        keys = np.asarray(rows, dtype=np.int64) * self.width + members
        at = np.minimum(np.searchsorted(self.codes, keys), self.codes.size - 1)
        return self.codes[at] == keys
