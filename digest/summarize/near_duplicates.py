"""Find sentences that say the same thing in (almost) the same words.

Syndicated and rewritten copies of one sentence differ in punctuation, quote marks,
lost apostrophes ("Im"), dropped dashes, a clause added or cut, or a machine
translation's word choice. They still share most of their *rare* words, while two
different sentences about the same topic share the event's common words (the names,
the place) but not the rare ones. So two sentences match when the lighter one is
mostly contained in the other, each word weighted by its rarity among the sentences
compared (IDF), and they share enough words, some of them in the same order, and no
number of the lighter one is missing from the other ("stage 13" is not "stage 15").

Candidate pairs come from an inverted index probed with each sentence's rarest words
(prefix filtering), so an event with thousands of sentences is not compared all-pairs,
and no pair that could match is missed.
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

# Share of the lighter sentence's adjacent word pairs the other must repeat: a copy keeps
# much of its word order, a long sentence that merely uses the same words does not.
MIN_PAIRS = 0.3

# Editorial insertions ("he [Putin] cannot") are not the source's words.
_BRACKETED = re.compile(r"\[[^\]]*\]")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")


@dataclass(frozen=True)
class Fingerprint:
    words: frozenset[str]  # stemmed, case-folded
    pairs: frozenset[tuple[str, str]]  # adjacent words: the order a copy keeps
    numbers: frozenset[str]  # as written, decimals whole: "6.6", "100,000"


def fingerprint(text: str, language: str | None) -> Fingerprint:
    own = _BRACKETED.sub(" ", text)
    sequence = stems(own, language)
    return Fingerprint(
        words=frozenset(sequence),
        pairs=frozenset(zip(sequence, sequence[1:])),
        numbers=frozenset(_NUMBER.findall(own)),
    )


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


def near_copy_score(a: Fingerprint, b: Fingerprint, idf: Mapping[str, float]) -> float | None:
    """The similarity of `a` and `b` when they are near-copies of each other, else None."""
    if not a.words or not b.words:
        return None
    if a.words == b.words:
        return 1.0
    if len(a.words & b.words) < MIN_SHARED:
        return None
    shorter, longer = (a, b) if len(a.words) <= len(b.words) else (b, a)
    if not shorter.numbers <= longer.numbers:
        return None
    if len(shorter.pairs & longer.pairs) < MIN_PAIRS * len(shorter.pairs):
        return None
    score = similarity(a, b, idf)
    return score if score >= THRESHOLD else None


def is_near_copy(a: Fingerprint, b: Fingerprint, idf: Mapping[str, float]) -> bool:
    return near_copy_score(a, b, idf) is not None


def neighbours(
    texts: Sequence[str], language: str | None, idf: Mapping[str, float] | None = None
) -> list[dict[int, float]]:
    """For each text, the other texts that are near-copies of it, with their similarity.

    `idf` defaults to the rarity of words among `texts` themselves.
    """
    prints = [fingerprint(t, language) for t in texts]
    weights = idf_weights(prints) if idf is None else idf
    found: list[dict[int, float]] = [{} for _ in texts]
    for i, j in _candidate_pairs(prints, weights):
        score = near_copy_score(prints[i], prints[j], weights)
        if score is not None:
            found[i][j] = score
            found[j][i] = score
    return found


def _candidate_pairs(prints: Sequence[Fingerprint], idf: Mapping[str, float]) -> list[tuple[int, int]]:
    """Every pair that can reach THRESHOLD, found by prefix filtering; sorted.

    If the lighter sentence A keeps THRESHOLD of its weight in B, B must hold one of A's
    rarest words that make up just over (1 - THRESHOLD) of A's weight (its "prefix").
    So each sentence looks up only its prefix words, which are rare and so seldom shared,
    instead of being compared with every other sentence. Sentences too short to share
    MIN_SHARED words can only match an identical word set.
    """
    default = math.log(MIN_COLLECTION + 1)
    weight = [sum(idf.get(w, default) for w in fp.words) for fp in prints]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, fp in enumerate(prints):
        for word in fp.words:
            postings[word].append(i)
    pairs: set[tuple[int, int]] = set()
    same_words: dict[frozenset[str], list[int]] = defaultdict(list)
    for a, fp in enumerate(prints):
        if not fp.words:
            continue
        same_words[fp.words].append(a)
        if len(fp.words) < MIN_SHARED:
            continue
        rarest = sorted(fp.words, key=lambda w: (-idf.get(w, default), w))
        left = (1 - THRESHOLD) * weight[a]
        for word in rarest:
            for b in postings[word]:
                if b != a and weight[b] >= weight[a]:
                    pairs.add((min(a, b), max(a, b)))
            left -= idf.get(word, default)
            if left < 0:
                break
    for ids in same_words.values():
        pairs.update((i, j) for x, i in enumerate(ids) for j in ids[x + 1 :])
    return sorted(pairs)
