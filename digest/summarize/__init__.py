"""Stage 5: an extractive, cited briefing for each event.

1. Every sentence of the event's articles is fingerprinted; near-copies (syndicated or
   rewritten versions of one sentence) are linked (`near_duplicates`).
2. Sentences that can stand alone as a point (`candidates`) are collapsed with their
   near-copies into one option, shown in the copy that looks least damaged.
3. Options are scored by the concepts they cover (`concepts`), weighted by how many
   articles report them, and the best set within the word budget is chosen (`select`).
   Options that would tell one point twice may not both be chosen: near-copies, the same
   words with other figures, or one that holds most of the other's content stems.
4. Each chosen sentence becomes a Point citing every article that carries it or a
   near-copy a reader can recognise (`near_duplicates.carries`); points are read in the
   order the event's articles first told them.

Each distinct sentence text is tokenised and stemmed once (wire copies repeat many), and
every step works from that analysis.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import NamedTuple

import numpy as np
from scipy.sparse import csr_array

from ..models import Article, Briefing, Citation, Event, Point, Sentence
from ..text import count_words, function_words, learn_stems, stem_all, stemmer, terms
from .candidates import MIN_WORDS, defects, in_quotations, is_candidate
from .concepts import LEDE_BOOST, Numbers, concept_sets, concept_weights, held_by
from .near_duplicates import carries, link, plain
from .select import choose_from
from .sets import RowSets

__all__ = ["Method", "summarize"]

Links = Sequence[Mapping[int, float]]  # for each pooled sentence: its near-copies and their similarity


@dataclass(frozen=True)
class Method:
    """Choices of the summariser, for the benchmark to compare; the defaults are the site's."""

    lede_boost: float = LEDE_BOOST  # extra concept weight from an article's lede
    position_prior: float = 0.5  # tie-breaker: bonus for an article's lede, halving at each later sentence
    # bonus (in article counts) per further article carrying the sentence or a near-copy:
    # wording that several outlets repeat (a key quote, a wire paragraph) is a main point.
    # Kept small next to concept weight (tens of article counts per sentence), so that it
    # breaks near-ties instead of overriding coverage (5.0 scored lower on TAC, bench --variants).
    copy_bonus: float = 2.0
    exact: bool = False  # solve the selection's integer program instead of searching (slow)
    # Two options conflict when this share of the shorter one's content stems is in the other:
    # outlets tell one point in their own words ("Half of the entrance roof collapsed" / "Half the
    # roof at the entrance has collapsed but ..."), which share few bigrams (concepts). Of 0.5,
    # 0.6, 0.7 and 0.8, 0.6 scored best on TAC in English and in the other six languages' mean
    # (bench --variants); in the 10k benchmark corpus's English briefings, point pairs sharing 70%
    # of the shorter one's words fell from 97 to 8. None: no such conflicts.
    max_containment: float | None = 0.6


DEFAULT = Method()
TITLE_WORDS = 12  # a title made from the first point keeps this many words


class _Text(NamedTuple):
    """What the summariser needs to know of one distinct sentence text."""

    words: int  # the budget's unit
    candidate: bool  # may be shown as a point
    defects: int  # signs of a damaged copy (counted for candidates only)


class _Analysis(NamedTuple):
    ids: list[int]  # each sentence's distinct text
    texts: list[_Text]  # each distinct text's analysis
    concepts: RowSets  # the concepts of each distinct text
    prints: tuple[np.ndarray, np.ndarray, list[str]]  # `link`'s stems, ends and texts
    numbers: Numbers  # each stem's number in this event
    content: RowSets  # the content stems (not function words, not numbers) of each distinct text


def _analyse(texts: Sequence[str], lang: str | None) -> _Analysis:
    """Whole-event passes, not one per text: a call per text and step costs more than the step."""
    distinct: dict[str, int] = {}
    ids = [distinct.setdefault(t, len(distinct)) for t in texts]
    tokens = [terms(t, lang) for t in distinct]
    numbers = Numbers()
    flat, stems, ends = _numbered(tokens, lang, numbers)
    stopped = list(map(function_words(lang).__contains__, flat))
    concepts = concept_sets(stems, stopped, ends)[0]
    text_of = np.repeat(np.arange(len(ends)), np.diff(ends, prepend=0))
    keep = ~np.array(stopped, dtype=bool) & ~np.fromiter(map(str.isdigit, flat), dtype=bool, count=len(flat))
    content = RowSets(text_of[keep], np.array(stems, dtype=np.int64)[keep], len(ends), len(numbers))
    plain_texts = list(map(plain, distinct))
    if any(p is not t for p, t in zip(plain_texts, distinct)):  # fingerprints leave editorial insertions out
        tokens = [terms(p, lang) if p is not t else found for p, t, found in zip(plain_texts, distinct, tokens)]
        _, stems, ends = _numbered(tokens, lang, numbers)
    prints = (np.array(stems, dtype=np.int64), ends, plain_texts)
    counts = list(map(count_words, distinct))
    found = [
        _Text(n, candidate, defects(t) if candidate else 0)
        for t, n, candidate in zip(distinct, counts, map(is_candidate, distinct, counts, repeat(lang)))
    ]
    return _Analysis(ids, found, concepts, prints, numbers, content)


def _numbered(tokens: Sequence[list[str]], lang: str | None, numbers: Numbers) -> tuple[list[str], list[int], np.ndarray]:
    """The texts' tokens in one list, their stems' numbers, and where each text's tokens end."""
    flat = list(chain.from_iterable(tokens))
    learn_stems(flat, lang)
    stems = list(map(numbers.__getitem__, map(stemmer(lang), flat)))
    return flat, stems, np.cumsum(list(map(len, tokens)), dtype=np.int64)


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
    found = _analyse([s.text for s in pool], lang)
    texts = [found.texts[k] for k in found.ids]
    near = link(*found.prints, found.ids)
    depth = _depths(pool, texts)

    mentions, ledes = _by_article(members, pool, found.ids, depth, texts)
    weights = concept_weights(
        held_by(found.concepts, mentions), held_by(found.concepts, ledes), len(members), lede_boost=method.lede_boost
    )
    shown = _collapse(pool, near, rank, texts, _quoted(members, sentences))
    chosen = choose_from(
        *found.concepts.expand(np.array([found.ids[i] for i in shown], dtype=np.int64)),
        weights,
        np.array([texts[i].words for i in shown], dtype=float),
        np.array([_bonus(i, pool, near, depth, method) for i in shown]),
        words,
        _repeats(shown, pool, near, found, method),
        exact=method.exact,
    )
    chosen = [shown[k] for k in chosen]
    chosen.sort(key=lambda i: min((rank[pool[j].article_id], pool[j].index) for j in [i, *near[i]]))
    points = tuple(_point(i, pool, near, rank) for i in chosen)

    dates = sorted(a.date for a in members if a.date)
    return Briefing(
        event_id=event.id,
        title=_title(members, points, lang, found, mentions),
        points=points,
        article_ids=event.article_ids,
        date_start=dates[0] if dates else None,
        date_end=dates[-1] if dates else None,
        tags=tuple(sorted({t for a in members for t in a.tags})),
    )


def _main_language(members: Sequence[Article]) -> str | None:
    counts = Counter(a.language for a in members if a.language)
    return min(counts, key=lambda lang: (-counts[lang], lang)) if counts else None


def _depths(pool: Sequence[Sentence], texts: Sequence[_Text]) -> list[int]:
    """For each sentence, how many substantial sentences (not datelines, captions) precede it."""
    seen: dict[str, int] = defaultdict(int)
    found = []
    for s, t in zip(pool, texts):
        found.append(seen[s.article_id])
        if t.words >= MIN_WORDS:
            seen[s.article_id] += 1
    return found


def _by_article(
    members: Sequence[Article],
    pool: Sequence[Sentence],
    ids: Sequence[int],
    depth: Sequence[int],
    texts: Sequence[_Text],
) -> tuple[RowSets, RowSets]:
    """The distinct texts of each article's sentences, and of its lede (first substantial sentence)."""
    row = {a.id: k for k, a in enumerate(members)}
    rows, texts_of = np.array([row[s.article_id] for s in pool], dtype=np.int64), np.array(ids, dtype=np.int64)
    lede = np.array([d == 0 and t.words >= MIN_WORDS for d, t in zip(depth, texts)], dtype=bool)
    width = max(ids, default=0) + 1
    return (
        RowSets(rows, texts_of, len(members), width),
        RowSets(rows[lede], texts_of[lede], len(members), width),
    )


def _quoted(members: Sequence[Article], sentences: Mapping[str, tuple[Sentence, ...]]) -> list[bool]:
    """For each pooled sentence, whether it lies inside a quotation another sentence opens or closes."""
    found: list[bool] = []
    for a in members:
        spans = [(s.start, s.end) for s in sentences.get(a.id, ())]
        found += in_quotations(a.text, spans) if spans else []
    return found


def _collapse(
    pool: Sequence[Sentence], near: Links, rank: Mapping[str, int], texts: Sequence[_Text], quoted: Sequence[bool]
) -> list[int]:
    """One sentence per group of near-copies that may be shown, in pool order.

    Candidates (not inside a quotation that other sentences open or close, in any copy: one
    outlet's copy may have lost the marks that show it) are visited best copy first (fewest
    signs of damage, then earliest); each one that is not a copy of a kept sentence is kept,
    and its copies set aside.
    """
    order = sorted(
        (i for i, t in enumerate(texts) if t.candidate and not any(quoted[j] for j in [i, *near[i]])),
        key=lambda i: (texts[i].defects, rank[pool[i].article_id], pool[i].index),
    )
    kept: list[int] = []
    covered: set[int] = set()
    for i in order:
        if i not in covered:
            kept.append(i)
            covered.add(i)
            covered.update(near[i])
    return sorted(kept)


def _bonus(i: int, pool: Sequence[Sentence], near: Links, depth: Sequence[int], method: Method) -> float:
    """Preference beyond concepts: told early in an article, carried by several articles."""
    copies = [i, *near[i]]
    earliest = min(depth[j] for j in copies)
    carriers = len({pool[j].article_id for j in copies})
    return method.position_prior * 0.5**earliest + method.copy_bonus * (carriers - 1)


def _repeats(
    shown: Sequence[int], pool: Sequence[Sentence], near: Links, found: _Analysis, method: Method
) -> list[tuple[int, int]]:
    """Pairs of options (positions in `shown`) that would tell one point twice, so may not both be
    chosen: near-copies, the same words but for their numbers, or one holding most of the other's
    content stems."""
    pairs = {*_near_copies(shown, near), *_same_but_numbers(shown, pool), *_contained(shown, found, method.max_containment)}
    return sorted(pairs)


def _near_copies(shown: Sequence[int], near: Links) -> list[tuple[int, int]]:
    """Options that share a near-copy."""
    holders: dict[int, list[int]] = defaultdict(list)
    for k, i in enumerate(shown):
        for j in [i, *near[i]]:
            holders[j].append(k)
    return _pairs_within(holders.values())


_DIGITS = re.compile(r"\d+")


def _same_but_numbers(shown: Sequence[int], pool: Sequence[Sentence]) -> list[tuple[int, int]]:
    """Options whose words are the same but for numbers: copies of one report with its figures
    updated ("222,571 dead" and later "222,573 dead") would state one point twice, with two
    figures. Neither cites the other."""
    by_words: dict[str, list[int]] = defaultdict(list)
    for k, i in enumerate(shown):
        by_words[" ".join(_DIGITS.sub("0", pool[i].text).casefold().split())].append(k)
    return _pairs_within(by_words.values())


def _pairs_within(groups: Iterable[Sequence[int]]) -> list[tuple[int, int]]:
    """Every pair (a, b), a before b, of each group."""
    return [(a, b) for ks in groups for x, a in enumerate(ks) for b in ks[x + 1 :]]


def _contained(shown: Sequence[int], found: _Analysis, at_least: float | None) -> list[tuple[int, int]]:
    """Options one of which has `at_least` of its content stems in the other (None: no pairs)."""
    if at_least is None or len(shown) < 2:
        return []
    rows = np.array([found.ids[i] for i in shown], dtype=np.int64)
    owner, member = found.content.expand(rows)
    x = csr_array((np.ones(owner.size), (owner, member)), shape=(len(shown), found.content.width))
    sizes = found.content.size[rows]
    shared = (x @ x.T).tocoo()  # stems two options share, for each pair that shares any
    smaller = np.minimum(sizes[shared.row], sizes[shared.col])
    hit = (shared.row < shared.col) & (shared.data >= at_least * smaller - 1e-9)
    return list(zip(shared.row[hit].tolist(), shared.col[hit].tolist()))


def _point(i: int, pool: Sequence[Sentence], near: Links, rank: Mapping[str, int]) -> Point:
    """The point for pooled sentence `i`, citing one sentence in each article that carries it."""
    flat = " ".join(pool[i].text.split())
    best: dict[str, tuple[tuple[bool, float, int], Sentence, bool]] = {}
    for j, score in [(i, 1.0), *near[i].items()]:
        s = pool[j]
        verbatim = " ".join(s.text.split()) == flat
        if not verbatim and not carries(s.text, pool[i].text):
            continue  # close enough not to repeat, too far to show as the same point
        key = (not verbatim, -score, s.index)  # the exact copy, else the closest, else the first
        if s.article_id not in best or key < best[s.article_id][0]:
            best[s.article_id] = (key, s, verbatim)
    citations = tuple(
        Citation(article_id=s.article_id, sentence_index=s.index, start=s.start, end=s.end, verbatim=verbatim)
        for _, s, verbatim in sorted(best.values(), key=lambda v: rank[v[1].article_id])
    )
    return Point(text=pool[i].text, citations=citations)


def _title(
    members: Sequence[Article], points: Sequence[Point], lang: str | None, found: _Analysis, mentions: RowSets
) -> str:
    """The headline whose words the event's articles use most; else the first point, shortened."""
    stop = function_words(lang)
    heads = [terms(a.title, lang) for a in members]
    head_stems = [list(map(found.numbers.__getitem__, stem_all(tokens, lang))) for tokens in heads]
    # how many articles use each stem, in their headline or their text
    stems, ends, _ = found.prints
    width = len(found.numbers)
    owner, used = RowSets.runs(stems, ends, width).expand(mentions.members)
    rows = np.repeat(np.arange(len(members)), list(map(len, head_stems)))
    told = RowSets(
        np.concatenate((mentions.rows[owner], rows)),
        np.concatenate((used, np.fromiter(chain.from_iterable(head_stems), dtype=np.int64, count=rows.size))),
        len(members),
        width,
    )
    users = np.bincount(told.members, minlength=width).tolist()
    best, best_score = "", 0.0
    for a, tokens, numbered in zip(members, heads, head_stems):
        title = " ".join(a.title.split())
        content = {n for word, n in zip(tokens, numbered) if word not in stop}
        if count_words(title) < 3 or not content:
            continue
        score = sum(users[n] for n in content) / len(content)
        if score > best_score:
            best, best_score = title, score
    if best:
        return best
    if points:
        cut = points[0].text.split()
        return " ".join(cut[:TITLE_WORDS]) + ("…" if len(cut) > TITLE_WORDS else "")
    titled = [a.title.strip() for a in members if a.title.strip()]
    return titled[0] if titled else "Untitled event"
