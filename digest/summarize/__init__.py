"""Stage 5: an extractive, cited briefing for each event.

1. Every sentence of the event's articles is fingerprinted; near-copies (syndicated or
   rewritten versions of one sentence) are linked (`near_duplicates`).
2. Sentences that can stand alone as a point (`candidates`) are collapsed with their
   near-copies into one option, shown in the copy that looks least damaged.
3. Options are scored by the concepts they cover (`concepts`), weighted by how many
   articles report them, and the best set within the word budget is chosen (`select`).
4. Each chosen sentence becomes a Point citing every article that carries it or a
   near-copy; points are read in the order the event's articles first told them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..models import Article, Briefing, Citation, Event, Point, Sentence
from ..text import count_words, stems, stop_words, words as word_tokens
from .candidates import defects, is_candidate
from .concepts import concept_weights, sentence_concepts
from .near_duplicates import neighbours
from .select import Option, select

__all__ = ["Method", "summarize"]


@dataclass(frozen=True)
class Method:
    """Choices of the summariser; the defaults are what the site uses."""

    position_prior: float = 0.5  # bonus in article-count units for an article's first sentence
    title_concepts: bool = False  # count article titles when weighting concepts
    min_articles: int = 2
    lead_boost: float = 0.0
    lead_depth: int = 0
    min_words: int = 6
    decay: float = 0.0
    lede_per_word: float = 0.0


DEFAULT = Method()
_TITLE_WORDS = 12  # a fallback title is the first point cut to this many words


def summarize(
    event: Event,
    articles: Mapping[str, Article],
    sentences: Mapping[str, tuple[Sentence, ...]],
    words: int = 250,
    language: str | None = None,
    *,
    method: Method = DEFAULT,
) -> Briefing:
    """The briefing of `event`: at most `words` words of whole, cited sentences."""
    members = [articles[i] for i in event.article_ids if i in articles]
    lang = language or _main_language(members)
    rank = {a.id: k for k, a in enumerate(members)}
    pool = [s for a in members for s in sentences.get(a.id, ())]
    near = neighbours([s.text for s in pool], lang)

    shown = _collapse(pool, near, rank, method.min_words)
    depth = _depths(pool, method.min_words)
    per_sentence = [sentence_concepts(s.text, lang) for s in pool]
    weights = concept_weights(
        _by_article(members, pool, per_sentence, lang, method),
        min_articles=method.min_articles, lead_boost=method.lead_boost, lead_depth=method.lead_depth, decay=method.decay,
    )
    options = [
        Option(
            words=count_words(pool[i].text),
            concepts=per_sentence[i],
            bonus=method.position_prior / (1 + min(depth[j] for j in [i, *near[i]]))
            + method.lede_per_word * count_words(pool[i].text) * (min(depth[j] for j in [i, *near[i]]) == 0),
        )
        for i in shown
    ]
    chosen = [shown[k] for k in select(options, weights, words, _conflicts(shown, near))]
    chosen.sort(key=lambda i: _first_told(i, pool, near, rank))
    points = tuple(_point(i, pool, near, rank) for i in chosen)

    dates = sorted(a.date for a in members if a.date)
    return Briefing(
        event_id=event.id,
        title=_title(members, points, lang),
        points=points,
        article_ids=event.article_ids,
        date_start=dates[0] if dates else None,
        date_end=dates[-1] if dates else None,
        tags=tuple(sorted({t for a in members for t in a.tags})),
    )


def _main_language(members: Sequence[Article]) -> str | None:
    counts = Counter(a.language for a in members if a.language)
    if not counts:
        return None
    return min(counts, key=lambda lang: (-counts[lang], lang))


def _collapse(pool: Sequence[Sentence], near: Sequence[Mapping[int, float]], rank: Mapping[str, int], min_words: int) -> list[int]:
    """One sentence per group of near-copies that may be shown, in pool order.

    Candidates are visited best copy first (fewest signs of damage, then earliest);
    each one not yet a copy of a kept sentence is kept, and its copies are set aside.
    """
    order = sorted(
        (i for i, s in enumerate(pool) if is_candidate(s.text) and count_words(s.text) >= min_words),
        key=lambda i: (defects(pool[i].text), rank[pool[i].article_id], pool[i].index),
    )
    kept: list[int] = []
    covered: set[int] = set()
    for i in order:
        if i in covered:
            continue
        kept.append(i)
        covered.add(i)
        covered.update(near[i])
    return sorted(kept)


def _conflicts(shown: Sequence[int], near: Sequence[Mapping[int, float]]) -> list[tuple[int, int]]:
    """Pairs of options (positions in `shown`) that share a near-copy: they repeat each other."""
    holders: dict[int, list[int]] = defaultdict(list)
    for k, i in enumerate(shown):
        for j in [i, *near[i]]:
            holders[j].append(k)
    pairs = {(a, b) for ks in holders.values() for x, a in enumerate(ks) for b in ks[x + 1 :] if a != b}
    return sorted((min(p), max(p)) for p in pairs)


def _by_article(
    members: Sequence[Article],
    pool: Sequence[Sentence],
    per_sentence: Sequence[frozenset],
    lang: str | None,
    method: Method,
) -> list[list[tuple[frozenset, bool]]]:
    grouped: dict[str, list[tuple[frozenset, bool]]] = {a.id: [] for a in members}
    for s, found in zip(pool, per_sentence):
        grouped[s.article_id].append((found, count_words(s.text) >= method.min_words))
    if method.title_concepts:
        for a in members:
            if a.title:
                grouped[a.id].append((sentence_concepts(a.title, lang), False))
    return [grouped[a.id] for a in members]


def _depths(pool: Sequence[Sentence], min_words: int) -> list[int]:
    """How many substantial sentences (not datelines or captions) come before each one in its article."""
    seen: dict[str, int] = defaultdict(int)
    found = []
    for s in pool:
        found.append(seen[s.article_id])
        if count_words(s.text) >= min_words:
            seen[s.article_id] += 1
    return found


def _first_told(i: int, pool: Sequence[Sentence], near: Sequence[Mapping[int, float]], rank: Mapping[str, int]) -> tuple[int, int]:
    """Where the event's articles, in date order, first tell this point."""
    return min((rank[pool[j].article_id], pool[j].index) for j in [i, *near[i]])


def _point(i: int, pool: Sequence[Sentence], near: Sequence[Mapping[int, float]], rank: Mapping[str, int]) -> Point:
    shown = pool[i]
    flat = " ".join(shown.text.split())
    best: dict[str, tuple[tuple, Sentence, bool]] = {}
    for j, score in [(i, 1.0), *near[i].items()]:
        s = pool[j]
        verbatim = " ".join(s.text.split()) == flat
        key = (not verbatim, -score, s.index)
        if s.article_id not in best or key < best[s.article_id][0]:
            best[s.article_id] = (key, s, verbatim)
    citations = tuple(
        Citation(article_id=s.article_id, sentence_index=s.index, start=s.start, end=s.end, verbatim=verbatim)
        for _, s, verbatim in sorted(best.values(), key=lambda v: rank[v[1].article_id])
    )
    return Point(text=shown.text, citations=citations)


def _title(members: Sequence[Article], points: Sequence[Point], lang: str | None) -> str:
    """The headline of the article whose title's words the other articles use most."""
    stop = stop_words(lang)
    bodies = [set(stems(a.title + " " + a.text, lang)) for a in members]
    best, best_score = "", -1.0
    for a in members:
        title = " ".join(a.title.split())
        if count_words(title) < 3:
            continue
        content = set(stems(" ".join(w for w in word_tokens(title) if w not in stop), lang))
        if not content:
            continue
        score = sum(sum(w in body for body in bodies) for w in content) / len(content)
        if score > best_score:
            best, best_score = title, score
    if best:
        return best
    if points:
        cut = points[0].text.split()
        return " ".join(cut[:_TITLE_WORDS]) + ("…" if len(cut) > _TITLE_WORDS else "")
    return members[0].title if members and members[0].title else "Untitled event"
