"""Average-link clustering of articles with a locally scaled similarity threshold.

Two articles may share an event when their similarity reaches

    need(i, j) = max(MIN_SIMILARITY, RELATIVE * sqrt(density(i) * density(j)))

where an article's density is the mean similarity of its NEIGHBOURHOOD nearest neighbours (near
copies left out). A fixed cosine threshold does not carry over between corpora: how similar two
reports of one event look depends on their length, on writing style and on how crowded the
topic is. Scaling by the local density ("self-tuning" affinities, Zelnik-Manor & Perona 2004)
asks instead for a pair to be nearly as close as each article's own nearest neighbours are, which
is what splits two lookalike events that share a vocabulary (two earthquakes in one region);
the absolute floor keeps lone articles, whose neighbours are all far, from joining anything.

Clusters are average-link over the scaled score s / need: a cluster pair merges while their mean
score is at least 1. Such a merge needs at least one pair scoring 1 or more, so clusters never
cross the connected components of the graph of neighbour pairs scoring >= 1; average linkage is
run exactly (scipy) inside each component, on dense similarities of that component only. A
component above MAX_COMPONENT articles (a chain through a crowded topic) is first cut on stricter
edges, which makes linkage inside it approximate; corpora of real news rarely get there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from .neighbours import Neighbours, decay, top_per_row

# scipy.cluster and scipy.sparse.csgraph are imported where they are used: they cost more to
# import (scipy.spatial, scipy.linalg) than a rebuild that reuses its cached events takes.

# The absolute floor: about the median similarity of an article to its most similar *unrelated*
# article (another ECB+ topic: 0.09, another TAC cluster: 0.10) when words were weighted by the
# corpus's own counts, so a pair below it is no closer than chance neighbours are. With the
# background weights (`background`) that median is 0.13 on both; a floor of 0.12 or 0.13 kept
# ECB+ B-cubed F1 (92.9, 92.8) and lowered TAC 2011's (93.8 -> 91.2, 89.7), so it stayed.
MIN_SIMILARITY = 0.10
# The relative part: a pair must be at least this share of its articles' usual neighbour
# similarity. Not tuned per data set: ECB+ B-cubed F1 stays within 0.90-0.93 for 0.55-0.65.
RELATIVE = 0.6
NEIGHBOURHOOD = 10  # neighbours that define an article's density (ECB+ F1 0.92-0.94 for 8-12)
# Near copies (one wire story in several outlets) are left out of the density: ten copies of
# a story would otherwise ask every other report of the event to look like a copy.
DUPLICATE = 0.8
MAX_COMPONENT = 2000  # larger components are cut on stricter edges before dense linkage
STRICTER = 1.25  # factor on the edge score each time a component is too large


def import_scipy() -> None:
    """Import now what grouping imports when it first runs (half a second), for a caller with
    time to spare before then."""
    import scipy.cluster.hierarchy  # noqa: F401
    import scipy.sparse.csgraph  # noqa: F401
    import scipy.spatial.distance  # noqa: F401


def density(n: int, neighbours: Neighbours) -> np.ndarray:
    """Mean similarity of each article's NEIGHBOURHOOD nearest non-copy neighbours (0 if none)."""
    distinct = neighbours.sims < DUPLICATE
    rows, sims = neighbours.rows[distinct], neighbours.sims[distinct]
    kept = top_per_row(rows, sims, NEIGHBOURHOOD)
    return np.bincount(rows[kept], weights=sims[kept], minlength=n) / NEIGHBOURHOOD


def required(density_a: np.ndarray, density_b: np.ndarray, floor: float = MIN_SIMILARITY) -> np.ndarray:
    """The similarity a pair needs to share an event (see the module docstring)."""
    return np.maximum(floor, RELATIVE * np.sqrt(density_a * density_b))


def clusters_and_pieces(
    vectors: sp.csr_matrix,
    days: np.ndarray,
    neighbours: Neighbours,
    floor: float = MIN_SIMILARITY,
    prints: Sequence[bytes] | None = None,
    known: Mapping[bytes, list[np.ndarray]] | None = None,
) -> tuple[list[np.ndarray], dict[bytes, list[np.ndarray]]]:
    """Clusters as arrays of article indices, each ascending, ordered by their first index; and
    the clusters of each component of several articles by a key of what decides them: its
    articles (`prints`, one fingerprint of terms and date per article) and their densities. A
    component found in `known` is not clustered again. (No keys without `prints`.)"""
    n = vectors.shape[0]
    dens = density(n, neighbours)
    scores = neighbours.sims / required(dens[neighbours.rows], dens[neighbours.cols], floor)
    clusters: list[np.ndarray] = []
    pieces: dict[bytes, list[np.ndarray]] = {}
    for members in _components(n, neighbours.rows, neighbours.cols, scores, 1.0):
        if len(members) == 1:
            clusters.append(members)
            continue
        key = _piece_key(members, prints, dens, floor) if prints is not None else None
        local = known.get(key) if known is not None and key is not None else None
        if local is None:
            # One product per component: only the pairs inside it are needed. (Products over
            # batches of components of up to 1,024 articles, meant to save scipy's per-call
            # overhead, spent more on the pairs across components: the 10k benchmark corpus's
            # products took 0.32-0.43 CPU-s that way against 0.18-0.29.)
            rows = vectors[members]
            found = _average_link((rows @ rows.T).toarray(), days, dens, members, floor)
            local = [np.searchsorted(members, part) for part in found]
        if key is not None:
            pieces[key] = local
        clusters += [members[part] for part in local]
    return sorted(clusters, key=lambda members: int(members[0])), pieces


def _piece_key(members: np.ndarray, prints: Sequence[bytes], dens: np.ndarray, floor: float) -> bytes:
    """Average linkage inside a component follows from its articles in order (their vectors
    and dates), their densities and the floor."""
    digest = hashlib.blake2b(np.float64(floor).tobytes(), digest_size=16)
    digest.update(b"".join(prints[i] for i in members.tolist()))
    digest.update(dens[members].tobytes())
    return digest.digest()


def _components(n, rows, cols, scores, level) -> list[np.ndarray]:
    """Article index arrays of the components of edges scoring >= level, none above MAX_COMPONENT."""
    from scipy.sparse.csgraph import connected_components

    strong = scores >= level
    graph = sp.coo_matrix((np.ones(int(strong.sum())), (rows[strong], cols[strong])), shape=(n, n))
    count, labels = connected_components(graph, directed=True, connection="weak")
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    pieces: list[np.ndarray] = []
    for start, stop in zip(bounds, bounds[1:]):
        members = order[start:stop]
        if len(members) <= MAX_COMPONENT:
            pieces.append(members)
            continue
        inside = np.isin(rows, members) & np.isin(cols, members) & strong
        local = np.searchsorted(members, np.stack([rows[inside], cols[inside]]))
        for sub in _components(len(members), local[0], local[1], scores[inside], level * STRICTER):
            pieces.append(members[sub])
    return pieces


def _average_link(sims: np.ndarray, days, dens, members: np.ndarray, floor: float) -> list[np.ndarray]:
    """Average-link clusters (merge while the mean scaled score is >= 1) of one component whose
    undecayed cosine similarities are `sims`."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    sims = sims * decay(days[members][:, None], days[members][None, :])
    scores = sims / required(dens[members][:, None], dens[members][None, :], floor)
    top = max(float(scores.max()), 1.0) + 1.0
    distances = top - scores
    np.fill_diagonal(distances, 0.0)
    tree = linkage(squareform(distances, checks=False), method="average")
    flat = fcluster(tree, t=top - 1.0, criterion="distance")
    return [members[flat == label] for label in np.unique(flat)]
