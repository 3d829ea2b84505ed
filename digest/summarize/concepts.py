"""Concepts: the units of information a summary should cover (Gillick & Favre 2009).

A concept is a pair of adjacent stemmed words, unless both are stop words ("of the").
Its weight is the number of articles that mention it: what several outlets report is
what the event is about. News puts the gist first, so an article counts extra for a
concept that its lede (first substantial sentence) states. Concepts that only one
article mentions, outside its lede, are dropped as detail, unless the event is too
small for that to leave enough concepts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..text import stemmer, stop_words, words

Concept = tuple[str, str]

MIN_ARTICLES = 2  # a concept outside the ledes counts when this many articles mention it
MIN_CONCEPTS = 10  # fewer concepts than this survive: keep every concept
LEDE_BOOST = 1.0  # extra weight an article gives a concept its lede states


def sentence_concepts(text: str, language: str | None) -> frozenset[Concept]:
    tokens = words(text)
    stop = stop_words(language)
    stem = stemmer(language)
    return frozenset(
        (stem(a), stem(b)) for a, b in zip(tokens, tokens[1:]) if not (a in stop and b in stop)
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
    weight: Counter[Concept] = Counter()
    mentions: Counter[Concept] = Counter()
    in_a_lede: set[Concept] = set()
    for sentences, lede in zip(articles, ledes):
        found = frozenset().union(*sentences)
        mentions.update(found)
        in_a_lede |= lede
        for concept in found:
            weight[concept] += 1.0 + (lede_boost if concept in lede else 0.0)
    kept = {c: w for c, w in weight.items() if mentions[c] >= MIN_ARTICLES or c in in_a_lede}
    return kept if len(kept) >= MIN_CONCEPTS else dict(weight)
