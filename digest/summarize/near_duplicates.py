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
and no pair that could match is missed. Identical texts (wire copies) are fingerprinted
and compared once.

Linking decides what the briefing must not say twice; citing asks more (`carries`): a
near-copy is cited only when the plain words of the shorter sentence, as written, stand
in the other, so that a reader who compares the two sees the point there.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..text import stems, words

# Weighted containment at or above this makes two sentences near-copies.
THRESHOLD = 0.7
# Distinct words two near-copies share at least (unless their word sets are equal).
MIN_SHARED = 6
# IDF treats any batch as if it had at least this many sentences, so that a handful of
# sentences compared on their own still weigh words like a real event would.
MIN_COLLECTION = 100
_UNSEEN = math.log(MIN_COLLECTION + 1)  # a word never seen is as rare as can be

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


def fingerprint(text: str, language: str | None, stemmed: Sequence[str] | None = None) -> Fingerprint:
    """`stemmed` may hand over `stems(text, language)` when the caller has them already."""
    if "[" in text or stemmed is None:
        text = _BRACKETED.sub(" ", text)
        stemmed = stems(text, language)
    return Fingerprint(
        words=frozenset(stemmed),
        pairs=frozenset(zip(stemmed, stemmed[1:])),
        numbers=frozenset(_NUMBER.findall(text)),
    )


def idf_weights(prints: Iterable[Fingerprint], copies: Sequence[int] | None = None) -> dict[str, float]:
    """Rarity of each word among `prints` (smoothed; see MIN_COLLECTION).

    `copies[k]`, when given, is how many sentences print k stands for.
    """
    counts: Counter[str] = Counter()
    total = 0
    for k, fp in enumerate(prints):
        n = 1 if copies is None else copies[k]
        total += n
        if n == 1:
            counts.update(fp.words)
        else:
            for word in fp.words:
                counts[word] += n
    size = max(total, MIN_COLLECTION) + 1
    return {word: math.log(size / (n + 0.5)) for word, n in counts.items()}


def _weight(words: Iterable[str], idf: Mapping[str, float]) -> float:
    try:
        return math.fsum(map(idf.__getitem__, words))  # every word known: the usual case
    except KeyError:
        return math.fsum(idf.get(w, _UNSEEN) for w in words)


def similarity(a: Fingerprint, b: Fingerprint, idf: Mapping[str, float]) -> float:
    """How much of the lighter sentence the other one carries, by word rarity (0..1)."""
    lighter = min(_weight(a.words, idf), _weight(b.words, idf))
    if lighter <= 0:
        return 0.0
    return _weight(a.words & b.words, idf) / lighter


def near_copy_score(a: Fingerprint, b: Fingerprint, idf: Mapping[str, float]) -> float | None:
    """The similarity of `a` and `b` when they are near-copies of each other, else None."""
    return _score(a, b, _weight(a.words, idf), _weight(b.words, idf), idf)


def is_near_copy(a: Fingerprint, b: Fingerprint, idf: Mapping[str, float]) -> bool:
    return near_copy_score(a, b, idf) is not None


def carries(cited: str, point: str) -> bool:
    """Whether a reader finds `point` in the sentence `cited`: the same text, or the shorter
    of the two has THRESHOLD of its distinct words, as written (no stemming, no rarity
    weights), in the other, and they share at least MIN_SHARED words."""
    if " ".join(cited.split()) == " ".join(point.split()):
        return True
    a, b = set(words(cited)), set(words(point))
    shared = len(a & b)
    return shared >= MIN_SHARED and shared >= THRESHOLD * min(len(a), len(b))


def neighbours(
    texts: Sequence[str], language: str | None, idf: Mapping[str, float] | None = None
) -> list[dict[int, float]]:
    """For each text, the other texts that are near-copies of it, with their similarity.

    `idf` defaults to the rarity of words among `texts` themselves.
    """
    distinct: dict[str, int] = {}
    ids = [distinct.setdefault(t, len(distinct)) for t in texts]
    return link([fingerprint(t, language) for t in distinct], ids, idf)


def link(prints: Sequence[Fingerprint], ids: Sequence[int], idf: Mapping[str, float] | None = None) -> list[dict[int, float]]:
    """`neighbours` of sentences whose distinct texts have `prints`: sentence k has text ids[k]."""
    copies = Counter(ids)
    weights = idf_weights(prints, [copies[k] for k in range(len(prints))]) if idf is None else idf
    holders: list[list[int]] = [[] for _ in prints]
    for k, text in enumerate(ids):
        holders[text].append(k)
    found: list[dict[int, float]] = [{} for _ in ids]
    for group in holders:  # copies of one text
        if len(group) > 1 and prints[ids[group[0]]].words:
            for i in group:
                found[i].update((j, 1.0) for j in group if j != i)
    heft = [_weight(fp.words, weights) for fp in prints]
    for a, b in _candidate_pairs(prints, weights, heft):
        score = _score(prints[a], prints[b], heft[a], heft[b], weights)
        if score is not None:
            for i in holders[a]:
                for j in holders[b]:
                    found[i][j] = score
                    found[j][i] = score
    return [dict(sorted(f.items())) if len(f) > 1 else f for f in found]


def _score(a: Fingerprint, b: Fingerprint, heft_a: float, heft_b: float, idf: Mapping[str, float]) -> float | None:
    """`near_copy_score` with the weights of both word sets known."""
    if not a.words or not b.words:
        return None
    if a.words == b.words:
        return 1.0
    shared = a.words & b.words
    if len(shared) < MIN_SHARED:
        return None
    shorter, longer = (a, b) if len(a.words) <= len(b.words) else (b, a)
    if not shorter.numbers <= longer.numbers:
        return None
    if len(shorter.pairs & longer.pairs) < MIN_PAIRS * len(shorter.pairs):
        return None
    lighter = min(heft_a, heft_b)
    if lighter <= 0:
        return None
    score = _weight(shared, idf) / lighter
    return score if score >= THRESHOLD else None


def _candidate_pairs(
    prints: Sequence[Fingerprint], idf: Mapping[str, float], heft: Sequence[float] | None = None
) -> list[tuple[int, int]]:
    """Every pair that can reach THRESHOLD, found by prefix filtering; sorted.

    If the lighter sentence A keeps THRESHOLD of its weight in B, B must hold one of A's
    rarest words that make up just over (1 - THRESHOLD) of A's weight (its "prefix").
    So each sentence looks up only its prefix words, which are rare and so seldom shared,
    instead of being compared with every other sentence. Sentences too short to share
    MIN_SHARED words can only match an identical word set.
    """
    weight = heft if heft is not None else [_weight(fp.words, idf) for fp in prints]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, fp in enumerate(prints):
        for word in fp.words:
            postings[word].append(i)
    rarity = {w: -idf.get(w, _UNSEEN) for w in postings}
    pairs: set[tuple[int, int]] = set()
    same_words: dict[frozenset[str], list[int]] = defaultdict(list)
    for a, fp in enumerate(prints):
        if not fp.words:
            continue
        same_words[fp.words].append(a)
        if len(fp.words) < MIN_SHARED:
            continue
        # any order of equally rare words finds every pair that can match
        left = (1 - THRESHOLD) * weight[a]
        for word in sorted(fp.words, key=rarity.__getitem__):
            for b in postings[word]:
                if b != a and weight[b] >= weight[a]:
                    pairs.add((a, b) if a < b else (b, a))
            left += rarity[word]
            if left < 0:
                break
    for ids in same_words.values():
        pairs.update((i, j) for x, i in enumerate(ids) for j in ids[x + 1 :])
    return sorted(pairs)
