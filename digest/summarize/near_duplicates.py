"""Find sentences that say the same thing in (almost) the same words.

Syndicated and rewritten copies of one sentence differ in punctuation, quote marks,
lost apostrophes ("Im"), dropped dashes, a clause added or cut, or a machine
translation's word choice. They still share most of their *rare* words, while two
different sentences about the same topic share the event's common words (the names,
the place) but not the rare ones. So two sentences match when the lighter one is
mostly contained in the other, each word weighted by its rarity among the sentences
compared (IDF), and they share enough words, and no number of the lighter one is
missing from the other ("stage 13" is not "stage 15").

Candidate pairs come from an inverted index on the rarer words, so an event with
thousands of sentences is not compared all-pairs.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..text import stems

# Weighted containment at or above this makes two sentences near-copies.
THRESHOLD = 0.7
# Distinct words two near-copies share at least (unless their word sets are equal).
MIN_SHARED = 6
# IDF treats any batch as if it had at least this many sentences, so that a handful of
# sentences compared on their own still weigh words like a real event would.
MIN_COLLECTION = 100

# Editorial insertions ("he [Putin] cannot") are not the source's words.
_BRACKETED = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class Fingerprint:
    words: frozenset[str]  # stemmed, case-folded
    numbers: frozenset[str]


def fingerprint(text: str, language: str | None) -> Fingerprint:
    found = frozenset(stems(_BRACKETED.sub(" ", text), language))
    return Fingerprint(words=found, numbers=frozenset(w for w in found if w[:1].isdigit()))


def idf_weights(prints: Iterable[Fingerprint]) -> dict[str, float]:
    """Rarity of each word among `prints` (smoothed; see MIN_COLLECTION)."""
    counts: dict[str, int] = defaultdict(int)
    total = 0
    for fp in prints:
        total += 1
        for word in fp.words:
            counts[word] += 1
    size = max(total, MIN_COLLECTION) + 1
    return {word: math.log(size / (n + 0.5)) for word, n in counts.items()}


def similarity(a: Fingerprint, b: Fingerprint, idf: Mapping[str, float]) -> float:
    """How much of the lighter sentence the other one carries, by word rarity (0..1)."""
    default = math.log(MIN_COLLECTION + 1)  # a word never seen is as rare as can be

    def weight(words: Iterable[str]) -> float:
        return sum(idf.get(w, default) for w in words)

    lighter = min(weight(a.words), weight(b.words))
    if lighter <= 0:
        return 0.0
    return weight(a.words & b.words) / lighter


def is_near_copy(a: Fingerprint, b: Fingerprint, idf: Mapping[str, float]) -> bool:
    if not a.words or not b.words:
        return False
    if a.words == b.words:
        return True
    shorter, longer = (a, b) if len(a.words) <= len(b.words) else (b, a)
    if not shorter.numbers <= longer.numbers:
        return False
    if len(a.words & b.words) < MIN_SHARED:
        return False
    return similarity(a, b, idf) >= THRESHOLD


def neighbours(
    texts: Sequence[str], language: str | None, idf: Mapping[str, float] | None = None
) -> list[dict[int, float]]:
    """For each text, the other texts that are near-copies of it, with their similarity.

    `idf` defaults to the rarity of words among `texts` themselves.
    """
    prints = [fingerprint(t, language) for t in texts]
    weights = idf_weights(prints) if idf is None else idf
    found: list[dict[int, float]] = [{} for _ in texts]
    for i, j in _candidate_pairs(prints):
        if is_near_copy(prints[i], prints[j], weights):
            score = similarity(prints[i], prints[j], weights)
            found[i][j] = score
            found[j][i] = score
    return found


def _candidate_pairs(prints: Sequence[Fingerprint]) -> list[tuple[int, int]]:
    """Pairs sharing at least two of their rarer words, or equal word sets; sorted."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, fp in enumerate(prints):
        for word in fp.words:
            postings[word].append(i)
    # A word in very many sentences says little about copying; skipping it keeps the
    # pair count near linear. True copies still share several rarer words.
    cap = max(30, len(prints) // 20)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for ids in postings.values():
        if len(ids) > cap:
            continue
        for x, i in enumerate(ids):
            for j in ids[x + 1 :]:
                shared[(i, j)] += 1
    pairs = {pair for pair, n in shared.items() if n >= 2}
    by_words: dict[frozenset[str], list[int]] = defaultdict(list)
    for i, fp in enumerate(prints):
        if fp.words:
            by_words[fp.words].append(i)
    for ids in by_words.values():
        pairs.update((i, j) for x, i in enumerate(ids) for j in ids[x + 1 :])
    return sorted(pairs)
