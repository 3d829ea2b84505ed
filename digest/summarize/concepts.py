"""Concepts: the units of information a summary should cover (Gillick & Favre 2009).

A concept is a pair of adjacent stemmed words, unless both are stop words ("of the").
Its weight is the number of articles that mention it: what several outlets report is
what the event is about. Concepts of a single article are noise and are dropped, unless
the event is too small for that to leave enough of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from ..text import stemmer, stop_words, words

Concept = tuple[str, str]

MIN_ARTICLES = 2  # a concept counts when this many articles mention it
MIN_CONCEPTS = 10  # fewer shared concepts than this: fall back to every concept


STOP_MODE = "both"
DF_POWER = 1.0
UNIGRAMS = 0.0
TF_ALPHA = 0.0


def sentence_concepts(text: str, language: str | None) -> frozenset[Concept]:
    tokens = words(text)
    stop = stop_words(language)
    stem = stemmer(language)
    if STOP_MODE == "skip":
        tokens = [t for t in tokens if t not in stop]
    if STOP_MODE == "any":
        found = {(stem(a), stem(b)) for a, b in zip(tokens, tokens[1:]) if not (a in stop or b in stop)}
    else:
        found = {(stem(a), stem(b)) for a, b in zip(tokens, tokens[1:]) if not (a in stop and b in stop)}
    if UNIGRAMS:
        found |= {(stem(a), "") for a in tokens if a not in stop}
    return frozenset(found)


def concept_weights(
    per_article: Sequence[Sequence[tuple[frozenset[Concept], bool]]],
    min_articles: int = MIN_ARTICLES,
    lead_boost: float = 0.0,
    lead_depth: int = 0,
    decay: float = 0.0,
) -> dict[Concept, float]:
    """Weight of each concept: the number of articles that carry it.

    `per_article` holds, for each article, its sentences in order as (concepts,
    substantive) pairs. An article whose p-th substantive sentence first states the
    concept counts 1 + boost(p); boost(p) = lead_boost / (1 + p) ** decay for p < lead_depth.
    """
    weight: Counter[Concept] = Counter()
    articles: Counter[Concept] = Counter()
    sentences: Counter[Concept] = Counter()
    in_lead: set[Concept] = set()
    for article in per_article:
        first: dict[Concept, int] = {}
        p = 0
        for found, substantive in article:
            sentences.update(found)
            if substantive:
                for c in found:
                    first.setdefault(c, p)
                p += 1
        every = set().union(*(f for f, _ in article)) if article else set()
        articles.update(every)
        for c in every:
            q = first.get(c, lead_depth)
            bonus = lead_boost / (1 + q) ** decay if q < lead_depth else 0.0
            if bonus:
                in_lead.add(c)
            weight[c] += 1.0 + bonus
    for c in weight:
        weight[c] = (weight[c] + TF_ALPHA * (sentences[c] - articles[c])) ** DF_POWER * (UNIGRAMS if c[1] == "" else 1.0)
    shared = {c: w for c, w in weight.items() if articles[c] >= min_articles or c in in_lead}
    if len(shared) >= MIN_CONCEPTS:
        return shared
    return {c: float(n) for c, n in sentences.items()}


def coverage(concepts: Iterable[Concept], weights: Mapping[Concept, float]) -> float:
    return sum(weights.get(c, 0.0) for c in set(concepts))
