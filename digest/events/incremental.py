"""Grouping one language again after a change, redoing only what the change concerns.

Every step of grouping is local once an article's vector depends on that article alone
(`background`): an article's candidates and nearest neighbours depend on the articles within
its date window, and the average linkage of a component on that component's articles and
their densities. `Grouping` keeps what the last run found; the next run

1. looks up neighbours again only for the articles that are new or changed, those that had a
   removed or changed article among their candidates, and those a new article may become a
   candidate of (`neighbours.Index.concerned`);
2. works out densities, scores and components afresh (array operations over all pairs found);
3. clusters again only the components whose articles or densities differ (`linkage`).

The result is the one a run without `previous` gives, bit for bit (`tests/test_events.py`
checks it on real articles added and removed at random).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..models import Article
from . import features, linkage, neighbours
from .neighbours import Neighbours


@dataclass(frozen=True)
class Grouping:
    """What grouping one batch of articles found, for the next run to start from."""

    floor: float
    ids: tuple[str, ...]  # the batch's articles, in its order
    prints: tuple[bytes, ...]  # what decides each one's vector and date (`fingerprints`)
    columns: np.ndarray  # the term of each column of the matrices (`features.vectors_and_columns`)
    vectors: sp.csr_matrix  # the articles' vectors, and their heaviest terms
    query: sp.csr_matrix  # (`neighbours.heaviest_terms`), a row per article
    searched: sp.csr_matrix
    candidates: Neighbours  # each article's candidates (`neighbours.Index.nearest`), by index
    neighbours: Neighbours  # ... and its nearest neighbours among them
    pieces: dict[bytes, list[np.ndarray]]  # clusters of each component (`linkage.clusters_and_pieces`)


def fingerprints(
    articles: Sequence[Article], terms: Mapping[str, features.Terms], days: np.ndarray, keys: Mapping[str, str] | None
) -> tuple[bytes, ...]:
    """A digest per article of its id and of all its vector and date depend on: its content key
    where the caller has one (the pipeline's), else its terms and day."""
    found = []
    for article, day in zip(articles, days.tolist()):
        digest = hashlib.blake2b(article.id.encode("utf-8", "surrogatepass") + b"\0", digest_size=16)
        if keys is not None and article.id in keys:
            digest.update(keys[article.id].encode())
        else:
            digest.update(np.float64(day).tobytes())
            found_terms = terms[article.id] if article.id in terms else features.terms(article)
            for part in (found_terms.words, found_terms.word_weights, found_terms.names, found_terms.name_weights):
                digest.update(len(part).to_bytes(8, "little"))
                digest.update(part.tobytes())
        found.append(digest.digest())
    return tuple(found)


def group(
    articles: Sequence[Article],
    floor: float,
    terms: Mapping[str, features.Terms] | None,
    previous: Grouping | None,
    keys: Mapping[str, str] | None = None,
) -> tuple[list[list[Article]], Grouping]:
    """The events of `articles` (as lists of articles) and what the next run needs of this one.
    `keys` name each article's content (optional)."""
    found_terms = terms or {}  # the pipeline's reads each article's from the cache when asked for
    if keys is None:  # the fingerprints need every article's terms: made once, here
        found_terms = {a.id: found_terms[a.id] if a.id in found_terms else features.terms(a) for a in articles}
    days = neighbours.day_numbers(articles)
    prints = fingerprints(articles, found_terms, days, keys)
    k = linkage.NEIGHBOURHOOD * 2
    if previous is None or previous.floor != floor:
        vectors, columns = features.vectors_and_columns(articles, found_terms)
        query, searched = neighbours.heaviest_terms(vectors)
        found = neighbours.Index(vectors, days, floor, (query, searched)).nearest(k)
        candidates, near = canonical(found.candidates), canonical(found.neighbours)
    else:
        old_of = _old_numbers(previous, articles, prints)
        columns, vectors, query, searched = _matrices(previous, articles, old_of, found_terms)
        index = neighbours.Index(vectors, days, floor, (query, searched))
        candidates, near = _update(previous, old_of, index, k)
    clusters, pieces = linkage.clusters_and_pieces(
        vectors, days, near, floor, prints, previous.pieces if previous is not None else None
    )
    state = Grouping(floor, tuple(a.id for a in articles), prints, columns, vectors, query, searched, candidates, near, pieces)
    return [[articles[i] for i in members] for members in clusters], state


def _old_numbers(previous: Grouping, articles: Sequence[Article], prints: Sequence[bytes]) -> np.ndarray:
    """Each article's number in `previous`, -1 for one that is new or changed."""
    old = {p: n for n, p in enumerate(previous.prints)}  # a print holds the article's id
    return np.array([old.get(p, -1) for p in prints], dtype=np.int64)


def _matrices(
    previous: Grouping, articles: Sequence[Article], old_of: np.ndarray, terms: Mapping[str, features.Terms]
) -> tuple[np.ndarray, sp.csr_matrix, sp.csr_matrix, sp.csr_matrix]:
    """The columns, vectors and heaviest terms of `articles`: the previous rows of the unchanged
    ones, made afresh for the others. A row is the same either way (it depends on its article
    alone, its entries in the order of their terms), only the column numbers differ."""
    kept = np.flatnonzero(old_of >= 0)
    fresh = np.flatnonzero(old_of < 0)
    fresh_vectors, fresh_columns = features.vectors_and_columns([articles[i] for i in fresh], terms)
    fresh_query, fresh_searched = neighbours.heaviest_terms(fresh_vectors)
    columns = np.union1d(previous.columns, fresh_columns)
    # rows in the order [kept..., fresh...], then put in the articles' order
    place = np.empty(len(articles), dtype=np.int64)
    place[kept], place[fresh] = np.arange(len(kept)), len(kept) + np.arange(len(fresh))
    stacked = []
    for old, new in ((previous.vectors, fresh_vectors), (previous.query, fresh_query), (previous.searched, fresh_searched)):
        parts = [_renumbered(old[old_of[kept]], previous.columns, columns), _renumbered(new, fresh_columns, columns)]
        stacked.append(sp.vstack(parts, format="csr")[place])
    # Columns no row uses any more (a removed article's terms) are dropped, as a fresh run has none.
    used = np.bincount(stacked[0].indices, minlength=len(columns)) > 0
    number = np.cumsum(used) - 1
    return columns[used], *(_renumbered_by(m, number, int(used.sum())) for m in stacked)


def _renumbered(matrix: sp.csr_matrix, old_columns: np.ndarray, columns: np.ndarray) -> sp.csr_matrix:
    """`matrix` over `old_columns` as a matrix over `columns` (a superset, both ascending)."""
    return _renumbered_by(matrix, np.searchsorted(columns, old_columns), len(columns))


def _renumbered_by(matrix: sp.csr_matrix, number: np.ndarray, width: int) -> sp.csr_matrix:
    return sp.csr_matrix((matrix.data, number[matrix.indices], matrix.indptr), shape=(matrix.shape[0], width))


def _update(previous: Grouping, old_of: np.ndarray, index: neighbours.Index, k: int) -> tuple[Neighbours, Neighbours]:
    """Candidates and neighbours of every article: the previous run's where nothing they depend
    on changed, looked up again for the rest."""
    kept = old_of >= 0
    new_of_old = np.full(len(previous.ids), -1, dtype=np.int64)
    new_of_old[old_of[kept]] = np.flatnonzero(kept)
    added = np.flatnonzero(~kept)
    gone = new_of_old < 0
    redo = ~kept
    if len(added):
        redo[index.concerned(added)] = True
    # an article that had a removed (or changed) one among its candidates
    lost = new_of_old[np.unique(previous.candidates.rows[gone[previous.candidates.cols]])]
    redo[lost[lost >= 0]] = True

    looked_up = index.nearest(k, only=np.flatnonzero(redo))
    return _merged(previous.candidates, new_of_old, redo, looked_up.candidates), _merged(
        previous.neighbours, new_of_old, redo, looked_up.neighbours
    )


def _merged(old: Neighbours, new_of_old: np.ndarray, redo: np.ndarray, fresh: Neighbours) -> Neighbours:
    """The previous pairs of the articles not looked up again (in the new numbering), and the
    fresh pairs of those that were, in one canonical order: by article, each one's in rank order."""
    rows, cols = new_of_old[old.rows], new_of_old[old.cols]
    keep = (rows >= 0) & ~redo[np.maximum(rows, 0)]
    return canonical(
        Neighbours(
            rows=np.concatenate([rows[keep], fresh.rows]),
            cols=np.concatenate([cols[keep], fresh.cols]),
            sims=np.concatenate([old.sims[keep], fresh.sims]),
        )
    )


def canonical(pairs: Neighbours) -> Neighbours:
    """`pairs` ordered by article, keeping each article's pairs in the order they came."""
    order = np.argsort(pairs.rows, kind="stable")
    return Neighbours(rows=pairs.rows[order], cols=pairs.cols[order], sims=pairs.sims[order])
