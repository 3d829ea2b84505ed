"""Concepts: the units of information a summary should cover (Gillick & Favre 2009).

A concept is a pair of adjacent stemmed words, unless both are stop words ("of the").
Its weight is the number of articles that mention it: what several outlets report is
what the event is about. News puts the gist first, so an article counts extra for a
concept that its lede (first substantial sentence) states. Concepts that few articles
mention outside their ledes (one, or no more than a fifth of a larger event's) are
dropped as detail, unless the event is too small for that to leave enough concepts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Sequence

from ..text import function_words, stem_all, terms

Concept = tuple[str, str]

MIN_ARTICLES = 2  # a concept outside the ledes counts when this many articles mention it,
# and more than this share of them: in a big event, what two outlets of twenty mention is a
# detail (Gillick & Favre keep concepts of 3 or more of 10 documents; so did TAC 2011 here,
# 0.2237 ROUGE-2 at 250 words against 0.2181 with 2 of 10)
MIN_SHARE = 0.2
MIN_CONCEPTS = 10  # fewer concepts than this survive: keep every concept
LEDE_BOOST = 1.0  # extra weight an article gives a concept its lede states


def sentence_concepts(text: str, language: str | None) -> frozenset[Concept]:
    tokens = terms(text, language)
    return concepts_of(tokens, stem_all(tokens, language), function_words(language))


def concepts_of(tokens: Sequence[str], stemmed: Sequence[str], stop: Collection[str]) -> frozenset[Concept]:
    """The concepts of a sentence given its terms, their stems and the language's stop words."""
    keep = [t not in stop for t in tokens]
    return frozenset(
        (a, b) for a, b, x, y in zip(stemmed, stemmed[1:], keep, keep[1:]) if x or y
    )


def concept_weights(
    articles: Sequence[Sequence[frozenset[Concept]]],
    ledes: Sequence[frozenset[Concept]],
    lede_boost: float = LEDE_BOOST,
) -> dict[Concept, float]:
    """Weight of each concept over an event.

    `articles[k]` holds the concept sets of article k's sentences and `ledes[k]` the
    concepts of its lede. Each article mentioning a concept adds 1, or 1 + `lede_boost`
    when its lede states it.
    """
    mentions: Counter[Concept] = Counter()  # articles that mention the concept
    told: Counter[Concept] = Counter()  # articles whose lede states it
    for sentences, lede in zip(articles, ledes):
        mentions.update(frozenset().union(*sentences, lede))
        told.update(lede)
    weight = {c: n + lede_boost * told[c] for c, n in mentions.items()}
    least = max(MIN_ARTICLES, math.floor(MIN_SHARE * len(articles)) + 1)
    kept = {c: w for c, w in weight.items() if mentions[c] >= least or c in told}
    return kept if len(kept) >= MIN_CONCEPTS else weight
