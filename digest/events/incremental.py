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

from ..models import Article
from . import features, linkage, neighbours
from .neighbours import Neighbours


@dataclass(frozen=True)
class Grouping:
    """What grouping one batch of articles found, for the next run to start from."""

    floor: float
    ids: tuple[str, ...]  # the batch's articles, in its order
    prints: tuple[bytes, ...]  # what decides each one's vector and date (`fingerprint`)
    candidates: Neighbours  # each article's candidates (`neighbours.Index.nearest`), by index
    neighbours: Neighbours  # ... and its nearest neighbours among them
    pieces: dict[bytes, list[np.ndarray]]  # clusters of each component (`linkage.clusters_and_pieces`)


def fingerprint(terms: features.Terms, day: float) -> bytes:
    """A digest of an article's terms and date: all its vector and its window depend on."""
    digest = hashlib.blake2b(np.float64(day).tobytes(), digest_size=16)
    for part in (terms.words, terms.word_weights, terms.names, terms.name_weights):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part.tobytes())
    return digest.digest()


def group(
    articles: Sequence[Article], floor: float, terms: Mapping[str, features.Terms] | None, previous: Grouping | None
) -> tuple[list[list[Article]], Grouping]:
    """The events of `articles` (as lists of articles) and what the next run needs of this one."""
    known = terms or {}
    found_terms = {a.id: known[a.id] if a.id in known else features.terms(a) for a in articles}
    days = neighbours.day_numbers(articles)
    prints = tuple(fingerprint(found_terms[a.id], day) for a, day in zip(articles, days.tolist()))
    vectors = features.vectors(articles, found_terms)
    index = neighbours.Index(vectors, days, floor)
    k = linkage.NEIGHBOURHOOD * 2
    if previous is None or previous.floor != floor:
        found = index.nearest(k)
        candidates, near = canonical(found.candidates), canonical(found.neighbours)
    else:
        candidates, near = _update(previous, articles, prints, index, k)
    clusters, pieces = linkage.clusters_and_pieces(
        vectors, days, near, floor, prints, previous.pieces if previous is not None else None
    )
    state = Grouping(floor, tuple(a.id for a in articles), prints, candidates, near, pieces)
    return [[articles[i] for i in members] for members in clusters], state


def _update(
    previous: Grouping, articles: Sequence[Article], prints: Sequence[bytes], index: neighbours.Index, k: int
) -> tuple[Neighbours, Neighbours]:
    """Candidates and neighbours of every article: the previous run's where nothing they depend
    on changed, looked up again for the rest."""
    old_index = {(i, p): n for n, (i, p) in enumerate(zip(previous.ids, previous.prints))}
    old_of = np.array([old_index.get((a.id, p), -1) for a, p in zip(articles, prints)], dtype=np.int64)
    new_of_old = np.full(len(previous.ids), -1, dtype=np.int64)
    kept = old_of >= 0
    new_of_old[old_of[kept]] = np.flatnonzero(kept)
    added = np.flatnonzero(~kept)
    gone = new_of_old < 0
    redo = np.zeros(len(articles), dtype=bool)
    redo[added] = True
    if len(added):
        redo[index.concerned(added)] = True
    # an article that had a removed (or changed) one among its candidates
    lost = np.unique(previous.candidates.rows[gone[previous.candidates.cols]])
    redo[new_of_old[lost][new_of_old[lost] >= 0]] = True

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
