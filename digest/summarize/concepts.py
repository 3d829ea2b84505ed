"""Concepts: the units of information a summary should cover (Gillick & Favre 2009).

A concept is a pair of adjacent stemmed words, unless both are stop words ("of the").
Its weight is the number of articles that mention it: what several outlets report is
what the event is about. News puts the gist first, so an article counts extra for a
concept that its lede (first substantial sentence) states. Concepts that few articles
mention outside their ledes (one, or no more than a fifth of a larger event's) are
dropped as detail, unless the event is too small for that to leave enough concepts.

Stems are numbered per event (`Numbers`) and a concept is one number made of its two
stems' numbers: sets of small integers hash and compare several times faster than sets
of string pairs, and every later step is set arithmetic over concepts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..text import function_words, stem_all, terms
from .sets import RowSets, distinct

SHIFT = 32  # a concept's code: (first stem's number << SHIFT) | second stem's number

MIN_ARTICLES = 2  # a concept outside the ledes counts when this many articles mention it,
# and more than this share of them: in a big event, what two outlets of twenty mention is a
# detail (Gillick & Favre keep concepts of 3 or more of 10 documents; so did TAC 2011 here,
# 0.2237 ROUGE-2 at 250 words against 0.2181 with 2 of 10)
MIN_SHARE = 0.2
MIN_CONCEPTS = 10  # fewer concepts than this survive: keep every concept
LEDE_BOOST = 1.0  # extra weight an article gives a concept its lede states


class Numbers(dict):
    """Stem -> its number, given in order of first appearance (so the same for the same input)."""

    def __missing__(self, stem: str) -> int:
        found = self[stem] = len(self)
        return found


def concept_sets(stems: Sequence[int], stopped: Sequence[bool], ends: Sequence[int]) -> tuple[RowSets, np.ndarray]:
    """Which text has which concept (numbered in the order of their codes), and each concept's code.

    The texts' stem numbers and whether each token is a stop word come end to end, text k
    ending at `ends[k]`; a pair of adjacent tokens of one text is a concept unless both
    are stop words.
    """
    numbers, stop = np.asarray(stems, dtype=np.int64), np.asarray(stopped, dtype=bool)
    ends = np.asarray(ends, dtype=np.int64)
    text = np.repeat(np.arange(len(ends)), np.diff(ends, prepend=0))
    keep = (text[:-1] == text[1:]) & ~(stop[:-1] & stop[1:])
    pairs = ((numbers[:-1] << SHIFT) | numbers[1:])[keep]
    codes = distinct(pairs)
    return RowSets(text[:-1][keep], np.searchsorted(codes, pairs), len(ends), codes.size), codes


def held_by(concepts: RowSets, groups: RowSets) -> np.ndarray:
    """For each concept, how many groups (articles: sets of texts) hold it in one of their texts."""
    owner, concept = concepts.expand(groups.members)
    held = distinct(groups.rows[owner] * concepts.width + concept)
    return np.bincount(held % concepts.width, minlength=concepts.width)


def sentence_concepts(text: str, language: str | None) -> frozenset[tuple[str, str]]:
    """The concepts of one sentence as pairs of stems, for reading."""
    tokens = terms(text, language)
    numbers = Numbers()
    numbered = [numbers[s] for s in stem_all(tokens, language)]
    stop = function_words(language)
    _, codes = concept_sets(numbered, [t in stop for t in tokens], [len(tokens)])
    stem_of = {n: s for s, n in numbers.items()}
    low = (1 << SHIFT) - 1
    return frozenset((stem_of[int(c) >> SHIFT], stem_of[int(c) & low]) for c in codes)


def concept_weights(said: np.ndarray, told: np.ndarray, articles: int, lede_boost: float = LEDE_BOOST) -> np.ndarray:
    """Weight of each concept over an event of `articles` articles.

    `said[c]` articles mention concept c, `told[c]` of them in their lede. Each article
    mentioning a concept adds 1, or 1 + `lede_boost` when its lede states it; a concept
    dropped as detail weighs 0.
    """
    weight = said + lede_boost * told
    least = max(MIN_ARTICLES, math.floor(MIN_SHARE * articles) + 1)
    kept = (said >= least) | (told > 0)
    return np.where(kept, weight, 0.0) if kept.sum() >= MIN_CONCEPTS else weight
