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
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from ..text import stems, words
from .concepts import Numbers
from .sets import RowSets, distinct, ranges

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

_BRACKETED = re.compile(r"\[[^\]]*\]")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")


class Fingerprint(NamedTuple):
    words: frozenset[Hashable]  # stems (or their numbers)
    stems: Sequence[Hashable]  # the same in order; their pairs are read only when two are compared
    text: str  # without editorial insertions: its numbers are read only when two are compared


def fingerprint(text: str, language: str | None) -> Fingerprint:
    """The fingerprint of one sentence on its own, by its stems (the summariser builds
    its fingerprints from stems numbered per event instead)."""
    text = plain(text)
    stemmed = stems(text, language)
    return Fingerprint(frozenset(stemmed), stemmed, text)


def plain(text: str) -> str:
    """`text` without editorial insertions ("he [Putin] cannot"): they are not the source's words."""
    return _BRACKETED.sub(" ", text) if "[" in text else text


def _numbers(text: str) -> frozenset[str]:
    """As written, decimals whole: "6.6", "100,000"."""
    return frozenset(_NUMBER.findall(text))


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


def neighbours(texts: Sequence[str], language: str | None) -> list[dict[int, float]]:
    """For each text, the other texts that are near-copies of it, with their similarity."""
    distinct: dict[str, int] = {}
    ids = [distinct.setdefault(t, len(distinct)) for t in texts]
    prints = [fingerprint(t, language) for t in distinct]
    number = Numbers()  # `link` wants the stems as numbers
    stems = [number[s] for fp in prints for s in fp.stems]
    ends = np.cumsum([len(fp.stems) for fp in prints], dtype=np.int64)
    return link(np.array(stems, dtype=np.int64), ends, [fp.text for fp in prints], ids)


def link(stems: np.ndarray, ends: np.ndarray, texts: Sequence[str], ids: Sequence[int]) -> list[dict[int, float]]:
    """`neighbours` of sentences whose distinct texts are `texts` (without editorial
    insertions): sentence k has text ids[k]; the texts' stem numbers come end to end in
    `stems`, text t's ending at ends[t].

    The rule is `near_copy_score`'s with `idf_weights` of the sentences, worked out with
    array operations for all candidate pairs at once.
    """
    holders: list[list[int]] = [[] for _ in texts]
    for k, text in enumerate(ids):
        holders[text].append(k)
    words, idf, heft = _words(stems, ends, [len(group) for group in holders])
    found: list[dict[int, float]] = [{} for _ in ids]
    for group, size in zip(holders, words.size.tolist()):  # copies of one text
        if len(group) > 1 and size:
            every = dict.fromkeys(group, 1.0)
            for i in group:
                found[i] = every.copy()
                del found[i][i]
    a, b = _candidate_pairs(words, idf, heft)
    pair, word = words.expand(a)
    both = words.holds(b[pair], word)  # the words each pair shares
    shared = np.bincount(pair[both], minlength=a.size)
    weight = np.bincount(pair[both], weights=idf[word[both]], minlength=a.size)
    lighter = np.minimum(heft[a], heft[b])
    same = (shared == words.size[a]) & (words.size[a] == words.size[b])
    score = np.where(same, 1.0, weight / np.where(lighter > 0, lighter, 1.0))
    close = same | ((shared >= MIN_SHARED) & (lighter > 0) & (score >= THRESHOLD))
    starts = np.concatenate(([0], ends))
    for x, y, value, equal in zip(a[close].tolist(), b[close].tolist(), score[close].tolist(), same[close].tolist()):
        if equal or _same_order(*(
            Fingerprint(words.of(t), stems[starts[t] : starts[t + 1]].tolist(), texts[t]) for t in (x, y)
        )):
            for i in holders[x]:
                for j in holders[y]:
                    found[i][j] = found[j][i] = value
    return [dict(sorted(f.items())) if len(f) > 1 else f for f in found]


def _words(stems: np.ndarray, ends: np.ndarray, copies: Sequence[int]) -> tuple[RowSets, np.ndarray, np.ndarray]:
    """Which text has which word (stem number), each word's `idf_weights` and each text's
    weight (heft)."""
    words = RowSets.runs(stems, ends, int(stems.max()) + 1 if stems.size else 1)
    counts = np.bincount(words.members, weights=np.asarray(copies, dtype=float)[words.rows], minlength=words.width)
    total = max(sum(copies), MIN_COLLECTION) + 1
    values, which = np.unique(counts, return_inverse=True)  # few distinct counts: few logarithms
    idf = np.array([math.log(total / (n + 0.5)) for n in values.tolist()])[which]
    return words, idf, np.bincount(words.rows, weights=idf[words.members], minlength=words.count)


def _score(a: Fingerprint, b: Fingerprint, heft_a: float, heft_b: float, idf: Mapping[str, float]) -> float | None:
    """`near_copy_score` with the weights of both word sets known."""
    if not a.words or not b.words:
        return None
    if a.words == b.words:
        return 1.0
    shared = a.words & b.words
    if len(shared) < MIN_SHARED:
        return None
    if not _same_order(a, b):
        return None
    lighter = min(heft_a, heft_b)
    if lighter <= 0:
        return None
    score = _weight(shared, idf) / lighter
    return score if score >= THRESHOLD else None


def _same_order(a: Fingerprint, b: Fingerprint) -> bool:
    """The checks beyond shared words: the shorter one's numbers all stand in the other,
    and enough of its adjacent word pairs."""
    shorter, longer = (a, b) if len(a.words) <= len(b.words) else (b, a)
    if not _numbers(shorter.text) <= _numbers(longer.text):
        return False
    pairs = set(zip(shorter.stems, shorter.stems[1:]))
    return len(pairs.intersection(zip(longer.stems, longer.stems[1:]))) >= MIN_PAIRS * len(pairs)


def _candidate_pairs(words: RowSets, idf: np.ndarray, heft: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (a < b) that can reach THRESHOLD, found by prefix filtering.

    If the lighter sentence A keeps THRESHOLD of its weight in B, B must hold one of A's
    rarest words that make up just over (1 - THRESHOLD) of A's weight (its "prefix").
    So each sentence looks up only its prefix words, which are rare and so seldom shared,
    instead of being compared with every other sentence. Sentences too short to share
    MIN_SHARED words can only match an identical word set.
    """
    rarity = idf[words.members]
    order = np.lexsort((-rarity, words.rows))  # each text's rarest words first
    running = np.concatenate(([0.0], np.cumsum(rarity[order])))
    before = running[:-1] - running[words.start[words.rows]]  # weight of the text's rarer words
    rows = words.rows[order]
    # a word is looked up while the rarer ones weigh at most (1 - THRESHOLD) of the text; a
    # hair of slack only adds candidates, never loses one to rounding
    probe = (before <= (1 - THRESHOLD) * heft[rows] * (1 + 1e-9)) & (words.size[rows] >= MIN_SHARED)
    looked = words.members[order][probe]
    by_word = np.argsort(words.members, kind="stable")  # postings: the texts holding each word
    first = np.searchsorted(words.members[by_word], looked)
    pair, where = ranges(first, np.bincount(words.members, minlength=words.width)[looked])
    a, b = rows[probe][pair], words.rows[by_word][where]
    keep = (a != b) & (heft[b] >= heft[a])
    found = distinct(np.minimum(a, b)[keep] * words.count + np.maximum(a, b)[keep])
    short: dict[frozenset, list[int]] = defaultdict(list)
    for k in np.flatnonzero((words.size > 0) & (words.size < MIN_SHARED)).tolist():
        short[words.of(k)].append(k)
    same = [i * words.count + j for ids in short.values() for x, i in enumerate(ids) for j in ids[x + 1 :]]
    if same:
        found = distinct(np.concatenate((found, np.array(same, dtype=np.int64))))
    return np.divmod(found, words.count)
