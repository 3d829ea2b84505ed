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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp

from ..models import Article

DECAY_GRACE_DAYS = 3  # coverage of one event spreads over a few days at full similarity...
DECAY_HALF_LIFE_DAYS = 30  # ...then the similarity halves with every month between two articles
QUERY_TERMS = 20  # an article's heaviest terms (its distinctive words and names) used to look...
SEARCHED_TERMS = 40  # ...among the heaviest terms of the others for candidates
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


def nearest(vectors: sp.csr_matrix, days: np.ndarray, k: int, floor: float) -> Neighbours:
    """The `k` most similar other articles of each article (fewer in a small corpus).

    `vectors` has L2-normalised rows; pairs further apart in time than `decay_window(floor)` are
    not compared, since they cannot reach `floor`.
    """
    n = vectors.shape[0]
    order = np.lexsort((np.arange(n), np.nan_to_num(days), np.isnan(days)))
    ordered = vectors[order].tocsr()
    ordered_days = days[order]
    dated = int(np.count_nonzero(~np.isnan(days)))
    query, searched = _heaviest_terms(ordered, (QUERY_TERMS, SEARCHED_TERMS))
    window = decay_window(floor)
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start, stop in _blocks(dated, n):
        if stop <= dated:  # dated block: the window around its dates, plus the undated
            low, high = ordered_days[start] - window, ordered_days[stop - 1] + window
            first = int(np.searchsorted(ordered_days[:dated], low, side="left"))
            last = int(np.searchsorted(ordered_days[:dated], high, side="right"))
            ranges = [(first, last), (dated, n)]
        else:
            ranges = [(0, n)]
        rows, cols = _candidates(query, searched, ordered_days, start, stop, ranges)
        found.append(_exact_top(ordered, ordered_days, rows, cols, k))
    rows, cols, sims = (np.concatenate(parts) for parts in zip(*found))
    return Neighbours(rows=order[rows.astype(int)], cols=order[cols.astype(int)], sims=sims)


def _blocks(dated: int, n: int) -> list[tuple[int, int]]:
    """Row ranges of at most BLOCK_ROWS that never mix dated and undated articles."""
    edges = [*range(0, dated, BLOCK_ROWS), dated, *range(dated, n, BLOCK_ROWS), n]
    edges = sorted(set(edges))
    return [(a, b) for a, b in zip(edges, edges[1:]) if b > a]


def _heaviest_terms(matrix: sp.csr_matrix, keeps: Sequence[int]) -> list[sp.csr_matrix]:
    """`matrix` with only the `keep` largest entries of each row, for each `keep` of `keeps`:
    one sort for all of them."""
    row_of = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    order, rank = ranked_per_row(row_of, matrix.data)
    found = []
    for keep in keeps:
        kept = order[rank < keep]
        found.append(sp.csr_matrix((matrix.data[kept], (row_of[kept], matrix.indices[kept])), shape=matrix.shape))
    return found


def _candidates(query, searched, days, start, stop, ranges) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (row, col) in ordered positions: each row's CANDIDATES best by heavy-term overlap."""
    block_t = query[start:stop].T.tocsr()
    rows_all, cols_all, scores_all = [], [], []
    for first, last in ranges:
        if last <= first:
            continue
        product = (searched[first:last] @ block_t).tocoo()  # (columns, block rows)
        cols = product.row + first
        rows = product.col + start
        scores = product.data * decay(days[rows], days[cols])
        useful = (scores >= MIN_CANDIDATE_SCORE) & (rows != cols)
        rows_all.append(rows[useful])
        cols_all.append(cols[useful])
        scores_all.append(scores[useful])
    if not rows_all:
        return np.zeros(0, int), np.zeros(0, int)
    rows, cols, scores = (np.concatenate(parts) for parts in (rows_all, cols_all, scores_all))
    kept = top_per_row(rows - start, scores, CANDIDATES)
    return rows[kept], cols[kept]


def _exact_top(ordered, days, rows, cols, k) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact decayed cosine of candidate pairs, the best `k` per row, descending."""
    if len(rows) == 0:
        return rows, cols, np.zeros(0)
    unique_cols, col_pos = np.unique(cols, return_inverse=True)
    unique_rows, row_pos = np.unique(rows, return_inverse=True)
    block = (ordered[unique_rows] @ ordered[unique_cols].T).toarray()
    sims = block[row_pos, col_pos] * decay(days[rows], days[cols])
    kept = top_per_row(rows - rows.min(), sims, k)
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
    # One stable sort on a composite key: the row, then the score descending within it.
    key = rows * 4.0 - np.clip(scores, 0.0, 2.0)
    order = np.argsort(key, kind="stable")
    sorted_rows = rows[order]
    first = np.empty(len(order), dtype=bool)
    first[0] = True
    np.not_equal(sorted_rows[1:], sorted_rows[:-1], out=first[1:])
    row_start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    return order, np.arange(len(order)) - row_start
