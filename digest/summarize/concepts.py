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
from scipy.sparse import csr_array

from ..text import function_words, stem_all, terms

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


def concept_matrix(stems: Sequence[int], stopped: Sequence[bool], ends: Sequence[int]) -> tuple[csr_array, np.ndarray]:
    """Which text has which concept: a (texts, concepts) matrix of ones, and each concept's code.

    The texts' stem numbers and whether each token is a stop word come end to end, text k
    ending at `ends[k]`; a pair of adjacent tokens of one text is a concept unless both
    are stop words. Concepts are numbered in the order of their codes.
    """
    numbers, stop = np.asarray(stems, dtype=np.int64), np.asarray(stopped, dtype=bool)
    ends = np.asarray(ends, dtype=np.int64)
    text = np.repeat(np.arange(len(ends)), np.diff(ends, prepend=0))
    keep = (text[:-1] == text[1:]) & ~(stop[:-1] & stop[1:])
    codes, column = np.unique(((numbers[:-1] << SHIFT) | numbers[1:])[keep], return_inverse=True)
    found = csr_array((np.ones(column.size), (text[:-1][keep], column)), shape=(len(ends), codes.size))
    found.sum_duplicates()
    found.data[:] = 1.0
    return found, codes


def sentence_concepts(text: str, language: str | None) -> frozenset[tuple[str, str]]:
    """The concepts of one sentence as pairs of stems, for reading."""
    tokens = terms(text, language)
    numbers = Numbers()
    numbered = [numbers[s] for s in stem_all(tokens, language)]
    stop = function_words(language)
    _, codes = concept_matrix(numbered, [t in stop for t in tokens], [len(tokens)])
    stem_of = {n: s for s, n in numbers.items()}
    low = (1 << SHIFT) - 1
    return frozenset((stem_of[int(c) >> SHIFT], stem_of[int(c) & low]) for c in codes)


def concept_weights(
    mentions: csr_array, ledes: csr_array, lede_boost: float = LEDE_BOOST
) -> np.ndarray:
    """Weight of each concept over an event.

    `mentions` is (articles, concepts), non-zero where an article mentions a concept;
    `ledes` the same for the concepts that an article's lede states. Each article
    mentioning a concept adds 1, or 1 + `lede_boost` when its lede states it; a concept
    dropped as detail weighs 0.
    """
    articles = mentions.shape[0]
    said = (mentions > 0).astype(np.int64).sum(axis=0)
    told = (ledes > 0).astype(np.int64).sum(axis=0)
    weight = said + lede_boost * told
    least = max(MIN_ARTICLES, math.floor(MIN_SHARE * articles) + 1)
    kept = (said >= least) | (told > 0)
    return np.where(kept, weight, 0.0) if kept.sum() >= MIN_CONCEPTS else weight
