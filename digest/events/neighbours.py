"""Each article's nearest neighbours by time-decayed cosine similarity, without all pairs.

Articles are put in date order (undated ones last). A block of dated articles is compared only
with the dated articles inside the decay window around it and with the undated ones; a block of
undated articles is compared with everything. Candidates come from a sparse product that keeps
each query article's heaviest terms only (its distinctive words and names), so a common word
shared by half the corpus does not make every pair a candidate; the best candidates are then
scored exactly on the full vectors.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp

from ..models import Article

DECAY_GRACE_DAYS = 3  # coverage of one event spreads over a few days at full similarity...
DECAY_HALF_LIFE_DAYS = 30  # ...then the similarity halves with every month between two articles
QUERY_TERMS = 15  # an article's heaviest terms (its distinctive words and names) used to look...
SEARCHED_TERMS = 30  # ...among the heaviest terms of the others for candidates
# (20 and 40 found the same events on ECB+, TAC 2011 and the 10k/50k benchmark corpora, B-cubed
# within 0.1, and took 30% longer at 50k, where shared heavy terms make most of the work)
CANDIDATES = 40  # candidates per article scored exactly
MIN_CANDIDATE_SCORE = 0.02  # overlap on the query terms below which a pair is not a candidate
BLOCK_ROWS = 256  # articles compared at once (bounds the memory of one sparse product)


@dataclass(frozen=True)
class Neighbours:
    """The top similarities of each article, as parallel arrays of pairs (row, col)."""

    rows: np.ndarray  # article index
    cols: np.ndarray  # neighbour index
    sims: np.ndarray  # decayed cosine similarity, descending within a row


def day_numbers(articles: Sequence[Article]) -> np.ndarray:
    """Days since 1970-01-01 of each article's date; NaN when unknown or unreadable."""
    days = np.full(len(articles), np.nan)
    for index, article in enumerate(articles):
        try:
            days[index] = date.fromisoformat((article.date or "")[:10]).toordinal() - 719163
        except ValueError:
            pass
    return days


def decay(days_a: np.ndarray, days_b: np.ndarray) -> np.ndarray:
    """Similarity factor for the time between two articles; 1 when either date is unknown."""
    gap = np.abs(days_a - days_b)
    late = np.maximum(np.nan_to_num(gap, nan=0.0) - DECAY_GRACE_DAYS, 0.0)
    return np.power(0.5, late / DECAY_HALF_LIFE_DAYS)


def decay_window(floor: float) -> float:
    """Days apart beyond which even identical articles fall below similarity `floor`."""
    return DECAY_GRACE_DAYS + DECAY_HALF_LIFE_DAYS * math.log2(1.0 / floor)


class Index:
    """Articles in date order (undated last) with their heaviest terms, to look up neighbours.

    An article is compared only with the articles within `decay_window(floor)` days of it, since
    those further apart cannot reach `floor`, and with the undated ones; an undated article with
    all. What an article finds depends only on the articles, not on which others are looked up
    with it, so a rebuild looks up again only the articles a change may concern (`concerned`)
    and finds what looking up all of them finds.
    """

    def __init__(
        self, vectors: sp.csr_matrix, days: np.ndarray, floor: float, heavy: tuple[sp.csr_matrix, sp.csr_matrix] | None = None
    ):
        """`heavy`: `heaviest_terms(vectors)`, when already known."""
        n = vectors.shape[0]
        self.n, self.window = n, decay_window(floor)
        self.order = np.lexsort((np.arange(n), np.nan_to_num(days), np.isnan(days)))
        self.position = np.empty(n, dtype=np.int64)
        self.position[self.order] = np.arange(n)
        self.ordered = vectors[self.order].tocsr()
        self.days = days[self.order]
        self.dated = int(np.count_nonzero(~np.isnan(days)))
        query, searched = heavy if heavy is not None else heaviest_terms(vectors)
        self.query, self.searched = query[self.order].tocsr(), searched[self.order].tocsr()

    def nearest(self, k: int, only: np.ndarray | None = None) -> Found:
        """The `k` nearest neighbours of every article, or of the articles `only` (indices)."""
        wanted = np.arange(self.n) if only is None else np.sort(self.position[np.asarray(only, dtype=np.int64)])

        def look_up(block: np.ndarray) -> tuple[np.ndarray, ...]:
            rows, cols, scores = _candidates(self.query, self.searched, self.days, block, self._ranges(block), self.window)
            return (rows, cols, scores, *_exact_top(self.ordered, self.days, rows, cols, k))

        blocks = _blocks(wanted, self.dated)
        # Blocks are independent, and the sparse products and sorts release the GIL: two threads
        # take 2.4 s where one takes 4.5 (English of the 50k benchmark corpus), while a core is
        # free (a build groups the largest language last, when the workers run out of events).
        if len(blocks) > 1 and (os.cpu_count() or 1) > 1:
            with ThreadPoolExecutor(max_workers=2) as threads:
                found = list(threads.map(look_up, blocks))  # in block order, whichever ends first
        else:
            found = [look_up(block) for block in blocks]
        empty = (np.zeros(0, dtype=np.int64),) * 5 + (np.zeros(0),)
        cand_rows, cand_cols, cand_scores, rows, cols, sims = (np.concatenate(c) for c in zip(*found)) if found else empty
        order = self.order
        return Found(
            Neighbours(rows=order[rows.astype(int)], cols=order[cols.astype(int)], sims=sims),
            Neighbours(rows=order[cand_rows.astype(int)], cols=order[cand_cols.astype(int)], sims=cand_scores),
        )

    def concerned(self, added: np.ndarray) -> np.ndarray:
        """The articles (indices) whose candidates one of the articles `added` may enter: those it
        reaches MIN_CANDIDATE_SCORE with, within their window (a superset of those it enters)."""
        found = [np.zeros(0, dtype=np.int64)]
        for block in _blocks(np.sort(self.position[np.asarray(added, dtype=np.int64)]), self.dated):
            # The scores of _candidates with the roles turned: the others' query terms against
            # the added articles' searched terms.
            product = (self.query @ self.searched[block].T).tocoo()  # (all, block)
            rows, cols = product.row, block[product.col]
            gap = np.abs(self.days[rows] - self.days[cols])
            scores = product.data * decay(self.days[rows], self.days[cols])
            # (summed in another order than _candidates sums them: a hair below the bar counts)
            found.append(rows[(scores >= MIN_CANDIDATE_SCORE * (1 - 1e-9)) & (rows != cols) & ~(gap > self.window)])
        return np.unique(self.order[np.concatenate(found)])

    def _ranges(self, block: np.ndarray) -> list[tuple[int, int]]:
        """Position ranges that hold every article within the window of one of `block`'s."""
        if block[-1] >= self.dated:
            return [(0, self.n)]
        days, dated = self.days, self.dated
        first = int(np.searchsorted(days[:dated], days[block[0]] - self.window, side="left"))
        last = int(np.searchsorted(days[:dated], days[block[-1]] + self.window, side="right"))
        return [(first, last), (dated, self.n)]


@dataclass(frozen=True)
class Found:
    """What `nearest` found: the exact top neighbours, and the candidates they were chosen from
    (their heavy-term overlap as `sims`), which `regroup` keeps to know whose change concerns whom."""

    neighbours: Neighbours
    candidates: Neighbours


def _blocks(wanted: np.ndarray, dated: int) -> list[np.ndarray]:
    """`wanted` (ascending positions) in runs of at most BLOCK_ROWS that never mix dated and undated."""
    split = int(np.searchsorted(wanted, dated))
    return [part[i : i + BLOCK_ROWS] for part in (wanted[:split], wanted[split:]) for i in range(0, len(part), BLOCK_ROWS)]


def heaviest_terms(vectors: sp.csr_matrix) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Each article's QUERY_TERMS and SEARCHED_TERMS heaviest terms (its distinctive words and
    names), as two matrices like `vectors`: a row's depend on that row alone."""
    query, searched = _heaviest_terms(vectors, (QUERY_TERMS, SEARCHED_TERMS))
    return query, searched


def _heaviest_terms(matrix: sp.csr_matrix, keeps: Sequence[int]) -> list[sp.csr_matrix]:
    """`matrix` with only the `keep` largest entries of each row (ties: the earlier column), for
    each `keep` of `keeps`: one sort for all of them."""
    row_of = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    order, rank = ranked_per_row(row_of, matrix.data)
    found = []
    for keep in keeps:
        kept = order[rank < keep]
        found.append(sp.csr_matrix((matrix.data[kept], (row_of[kept], matrix.indices[kept])), shape=matrix.shape))
    return found


def _candidates(query, searched, days, block, ranges, window) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (row, col) in ordered positions, with their scores: each row of `block`'s
    CANDIDATES best by heavy-term overlap, among the articles in its own window (ties: the
    earlier position first)."""
    block_t = query[block].T.tocsr()
    rows_all, cols_all, scores_all = [], [], []
    for first, last in ranges:
        if last <= first:
            continue
        product = searched[first:last] @ block_t  # (columns, block rows)
        # The decay is at most 1, so a pair whose overlap is below the bar stays below it: those
        # (half of a crowded window's pairs) are dropped before anything else is made of them.
        at = np.flatnonzero(product.data >= MIN_CANDIDATE_SCORE)
        cols = np.repeat(np.arange(first, last), np.diff(product.indptr))[at]
        rows = block[product.indices[at]]
        row_days, col_days = days[rows], days[cols]
        near = (rows != cols) & ~(np.abs(row_days - col_days) > window)  # NaN: undated, kept
        rows, cols = rows[near], cols[near]
        scores = product.data[at][near] * decay(row_days[near], col_days[near])
        useful = scores >= MIN_CANDIDATE_SCORE
        rows_all.append(rows[useful])
        cols_all.append(cols[useful])
        scores_all.append(scores[useful])
    if not rows_all:
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0)
    rows, cols, scores = (np.concatenate(parts) for parts in (rows_all, cols_all, scores_all))
    # One row's entries stand in ascending column order (the product's rows are the columns),
    # so ties keep the earlier position first, whichever rows are looked up together.
    kept = top_per_row(rows, scores, CANDIDATES)
    return rows[kept], cols[kept], scores[kept]


def _exact_top(ordered, days, rows, cols, k) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact decayed cosine of candidate pairs, the best `k` per row, descending."""
    if len(rows) == 0:
        return rows, cols, np.zeros(0)
    unique_cols, col_pos = np.unique(cols, return_inverse=True)
    unique_rows, row_pos = np.unique(rows, return_inverse=True)
    block = (ordered[unique_rows] @ ordered[unique_cols].T).toarray()
    sims = block[row_pos, col_pos] * decay(days[rows], days[cols])
    kept = top_per_row(rows, sims, k)
    return rows[kept], cols[kept], sims[kept]


def top_per_row(rows: np.ndarray, scores: np.ndarray, keep: int) -> np.ndarray:
    """Indices of the `keep` highest scores of each row, ordered by row then score descending.

    `rows` are non-negative ints; equal scores keep their input order (which is deterministic).
    """
    order, rank = ranked_per_row(rows, scores)
    return order[rank < keep]


def ranked_per_row(rows: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every index ordered by row then score descending (as `top_per_row`), and each one's
    0-based rank within its row."""
    if len(rows) == 0:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    # One stable sort on an integer key: the row, then the score descending, scores (in [0, 2])
    # taken to 2 ** -38 (ties closer than 4e-12 keep their input order). The float key row * 4 -
    # score rounded scores by an amount that grew with the row's number, which a rebuild changes
    # (`incremental`); two stable sorts, scores then rows, took twice as long. Rows < 2 ** 22.
    steps = np.rint(np.clip(scores, 0.0, 2.0) * 2.0**38).astype(np.int64)
    order = np.argsort(rows.astype(np.int64) * (1 << 40) - steps, kind="stable")
    sorted_rows = rows[order]
    first = np.empty(len(order), dtype=bool)
    first[0] = True
    np.not_equal(sorted_rows[1:], sorted_rows[:-1], out=first[1:])
    row_start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    return order, np.arange(len(order)) - row_start
