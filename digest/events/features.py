"""Article vectors for event grouping: sparse TF-IDF over words plus a block of names and numbers.

An event is told apart from its lookalikes (two earthquakes, two rehab check-ins) mostly by who,
where and how many, so capitalised name sequences ("Hasim Rahman", "Betty Ford Center") and
numbers ("4.6", "2013", "9-14") get a block of their own next to the plain words. The headline
and the lead state the event; the rest of the body drifts into background, so the headline
counts three times and the first paragraphs twice.

Term frequencies are sublinear (1 + ln count). A word's IDF is how rare it is in its language
at large (`background`), not in the corpus, so an article's vector depends on that article
alone. Names and numbers are rare by nature and weigh alike: weighing a name by its words'
rarity and a number by a fixed weight did no better (B-cubed F1 on ECB+ and TAC 2011, with the
names block as heavy as the words: 93.2 and 88.4 against 92.8 and 88.5, wordfreq's large lists).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import filterfalse, repeat
from typing import TYPE_CHECKING

import numpy as np

from ..models import Article
from ..text import stop_words
from . import background

if TYPE_CHECKING:
    import scipy.sparse as sp

# scipy.sparse (a third of a second to import) is imported by the functions that build
# vectors: a rebuild that finds its events in the cache unpickles Terms without it.

TITLE_WEIGHT = 3  # the headline, counted as this many copies of itself
LEAD_WEIGHT = 2  # the first LEAD_PARAGRAPHS paragraphs
LEAD_PARAGRAPHS = 2
# The name-and-number block next to the word block (1 = as heavy). B-cubed F1 on ECB+ / TAC 2011
# for 0.5, 0.6, 0.7, 0.8, 1.0: 92.6 / 94.1, 92.9 / 93.8, 92.7 / 93.0, 92.1 / 90.0, 92.2 / 89.8.
NAME_WEIGHT = 0.6
PARAGRAPH_CACHE = 4096  # paragraphs whose terms a process keeps (`_paragraph_terms`)


def _char_ranges(flags: bytes) -> str:
    """Regex character-class ranges of the BMP characters whose flag byte (one per code point,
    in order) is 1: `re` has no \\p{Lu}. Every process start pays for this, so the flags come
    from C-level maps rather than a Python loop."""
    runs = re.finditer(rb"\x01+", flags)
    return "".join(f"{re.escape(chr(run.start()))}-{re.escape(chr(run.end() - 1))}" for run in runs)


# Every BMP character in order, decoded in one go (a chr() per code point takes longer).
_BMP = np.arange(0x10000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
# Upper- and titlecase letters ("Dž"): for one character, istitle() is isupper() or titlecase.
_UPPER = "[" + _char_ranges(bytes(map(str.istitle, _BMP))) + "]"
# A word: letters and digits with their combining marks (Devanagari vowel signs stay inside).
_WORD = re.compile("[\\w" + _char_ranges(bytes(kind[0] == "M" for kind in map(unicodedata.category, _BMP))) + "]+")
del _BMP
# Lowercase words that may sit inside a name: "Bank of America", "Stade de Suisse".
_CONNECTORS = ("of", "de", "del", "della", "der", "den", "van", "von", "da", "du", "des", "la", "le", "al", "bin")
_CAP_WORD = _UPPER + r"[\w'’.-]*\w|" + _UPPER
# A run of capitalised words, possibly joined by connectors.
_NAME = re.compile(rf"(?:{_CAP_WORD})(?:[ \t]+(?:(?:{'|'.join(_CONNECTORS)})[ \t]+)?(?:{_CAP_WORD}))*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_POSSESSIVE = re.compile(r"['’]s?$")
# What may stand between the end of a sentence and the first word of the next.
_OPENERS = " \t\"“«'‘("
_SENTENCE_END = frozenset(".!?:;\n")
# Month and weekday names are capitalised but name no one; numbers carry the date.
_CALENDAR = frozenset(
    name.lower().rstrip(".")
    for names in (calendar.month_name, calendar.month_abbr, calendar.day_name, calendar.day_abbr)
    for name in names
    if name
) | {"sept"}


@dataclass(frozen=True)
class Terms:
    """One article's weighted term counts, as computed once per article and cached.

    Terms are identified by a 32-bit CRC of their text (words and names hashed apart), so the
    counts of thousands of articles are stacked into one matrix with array operations only:
    no corpus-wide vocabulary has to be built in Python. Two of ~100,000 distinct terms share a
    hash about once per corpus, which moves no similarity measurably.
    """

    words: np.ndarray  # int64 term hashes
    word_weights: np.ndarray  # float64: (1 + ln count) * the word's `background` weight, where
    # count = headline x TITLE_WEIGHT + lead x LEAD_WEIGHT + rest
    names: np.ndarray
    name_weights: np.ndarray  # float64: 1 + ln count

    def __reduce__(self):
        # Pickled as raw bytes: ten thousand of them load from the cache several times faster
        # than as numpy arrays.
        return _terms_from_bytes, tuple(a.tobytes() for a in (self.words, self.word_weights, self.names, self.name_weights))


def _terms_from_bytes(words: bytes, word_weights: bytes, names: bytes, name_weights: bytes) -> Terms:
    return Terms(
        np.frombuffer(words, np.int64), np.frombuffer(word_weights, np.float64),
        np.frombuffer(names, np.int64), np.frombuffer(name_weights, np.float64),
    )  # fmt: skip


def terms(article: Article) -> Terms:
    """The weighted terms of `article` (in its own language's stop words and word weights)."""
    language = article.language.casefold()
    stops = stop_words(language)
    paragraphs = article.paragraphs
    parts = ((article.title,), paragraphs[:LEAD_PARAGRAPHS], paragraphs[LEAD_PARAGRAPHS:])
    # Weights are small integers: counting a part's tokens that many times over keeps the
    # weighted count in C (and the terms in the order they first appear).
    word_counts: Counter[str] = Counter()
    name_counts: Counter[str] = Counter()
    for weight, part in zip((TITLE_WEIGHT, LEAD_WEIGHT, 1), parts):
        words: list[str] = []
        runs: list[str] = []
        numbers: list[str] = []
        # A part is its paragraphs joined by line breaks; each one after the first is looked at
        # behind the line break that precedes it there, which is all `names` sees of the one before.
        for number, paragraph in enumerate(part):
            found_words, found_runs, found_numbers = _paragraph_terms(paragraph if number == 0 else "\n" + paragraph, stops)
            words += found_words
            runs += found_runs
            numbers += found_numbers
        found_names = runs + numbers
        for _ in range(weight):
            word_counts.update(words)
            name_counts.update(found_names)
    table, unlisted = background.weights(language)
    rarity = np.fromiter(map(table.get, word_counts, repeat(unlisted)), np.float64, len(word_counts))
    word_codes, counts = _hashed(word_counts, b"w")
    name_codes, name_tf = _hashed(name_counts, b"n")
    return Terms(word_codes, (1.0 + np.log(counts)) * rarity, name_codes, 1.0 + np.log(name_tf))


@lru_cache(maxsize=PARAGRAPH_CACHE)
def _paragraph_terms(text: str, stops: frozenset[str]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The words (stop words left out), names and "#"-numbers of one paragraph of a part.

    Kept for the paragraphs seen last, as `sentences` keeps their splits: wire copy repeats
    paragraphs word for word, and the pipeline hands a worker the articles that share
    paragraphs one after another. No token, name or number crosses a line break, so a part's
    terms are its paragraphs' in order (names first, then numbers, as `names` lists them).
    """
    runs, numbers = _names_and_numbers(text, stops)
    return tuple(filterfalse(stops.__contains__, _WORD.findall(text.casefold()))), tuple(runs), tuple(numbers)


def _hashed(counts: Mapping[str, float], kind: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, counts) in the order of `counts`; the weights of two terms of one article that
    share a hash (about once in 100,000 articles) are added up when the corpus matrix is made."""
    # crc32(kind + term), continued from the kind's checksum: computed afresh in a C-level map
    # chain, this took less time than looking terms up in a per-process dict of their hashes.
    encoded = map(str.encode, counts, repeat("utf-8"), repeat("surrogatepass"))
    codes = np.fromiter(map(zlib.crc32, encoded, repeat(_SEEDS[kind])), np.int64, len(counts))
    return codes, np.fromiter(counts.values(), np.float64, len(counts))


_SEEDS = {kind: zlib.crc32(kind) for kind in (b"w", b"n")}


def vectors(articles: Sequence[Article], known: Mapping[str, Terms] | None = None) -> sp.csr_matrix:
    """One L2-normalised row per article: [word block | NAME_WEIGHT * name block], float64, each
    block L2-normalised; a row depends on its article only.

    `known` holds already computed `terms` by article id (the pipeline caches them per file).
    """
    return vectors_and_columns(articles, known)[0]


def vectors_and_columns(articles: Sequence[Article], known: Mapping[str, Terms] | None = None) -> tuple[sp.csr_matrix, np.ndarray]:
    """`vectors`, and the term each column stands for: ascending int64 codes, a word's hash, or
    NAME_COLUMNS plus a name's (a block without terms has one empty column, coded -1 in it)."""
    import scipy.sparse as sp

    found = [known[a.id] if known is not None and a.id in known else terms(a) for a in articles]
    word_block, word_columns = _block([t.words for t in found], [t.word_weights for t in found])
    name_block, name_columns = _block([t.names for t in found], [t.name_weights for t in found])
    matrix = _normalize(sp.hstack([word_block, NAME_WEIGHT * name_block], format="csr"))
    return matrix, np.concatenate([word_columns, name_columns + NAME_COLUMNS])


NAME_COLUMNS = 1 << 33  # added to a name's hash (< 2 ** 32) to code its column after every word's


def names(text: str, stops: frozenset[str] = frozenset()) -> list[str]:
    """Case-folded capitalised name sequences and "#"-prefixed numbers of `text`.

    A sentence's first word is dropped when it is a function word ("The", "With"); month and
    weekday names split a run ("Hasim Rahman Saturday" -> "hasim rahman"); a run of several
    words all in capitals is a shouted headline, not a name.
    """
    runs, numbers = _names_and_numbers(text, stops)
    return runs + numbers


def _names_and_numbers(text: str, stops: frozenset[str]) -> tuple[list[str], list[str]]:
    """`names` of `text`: the names of its capitalised runs, and its "#"-numbers."""
    found: list[str] = []
    for match in _NAME.finditer(text):
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in "'’-"):
            continue  # a capital inside a word ("iPhone")
        inside, opening = _run_names(match.group(), stops)
        # where the sentence starts only matters when the run's first word is a stop word
        found += opening if opening is not inside and _starts_sentence(text, start) else inside
    return found, ["#" + number for number in _NUMBER.findall(text)]


@lru_cache(maxsize=1 << 16)
def _run_names(run: str, stops: frozenset[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names of one capitalised run of `names`: (inside a sentence, opening one), the same
    object twice when they agree. Cached: runs recur ("The", "Barack Obama"); the 10,000
    articles of the scale benchmark hold 341,000 runs, 30,000 of them distinct."""
    if " " in run and run.isupper():
        inside = opening = ()  # a shouted headline
    elif " " in run or "'" in run or "’" in run:
        inside, opening = tuple(_name_parts(run, False, stops)), tuple(_name_parts(run, True, stops))
    else:
        word = run.rstrip(".").casefold()  # the common case: one plain capitalised word
        inside = () if word in _CALENDAR else (word,)
        opening = () if word in stops else inside
    return (inside, inside) if opening == inside else (inside, opening)


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` opens the text, a line or a sentence."""
    before = text[max(0, start - 8) : start].rstrip(_OPENERS)
    if not before:
        return start <= 8  # only openers before it: the text's start, or too far to tell
    if before[-1] in "\"”»)’'" and len(before) > 1:
        return before[-2] in _SENTENCE_END
    return before[-1] in _SENTENCE_END


def _name_parts(run: str, at_start: bool, stops: frozenset[str]) -> list[str]:
    """The names in one capitalised run: split at calendar words and after possessives."""
    parts: list[str] = []
    current: list[str] = []
    for index, token in enumerate(run.split()):
        word = _POSSESSIVE.sub("", token).rstrip(".").casefold()
        if word in _CALENDAR or (index == 0 and at_start and word in stops):
            parts.append(" ".join(current))
            current = []
            continue
        current.append(word)
        if word != token.rstrip(".").casefold():  # a possessive ends the name: "Klitschko's Ukrainian"
            parts.append(" ".join(current))
            current = []
    parts.append(" ".join(current))
    return [name for name in map(_trim_connectors, parts) if name]


def _trim_connectors(name: str) -> str:
    tokens = name.split()
    while tokens and tokens[-1] in _CONNECTORS:
        tokens.pop()
    return " ".join(tokens)


def _block(codes: Sequence[np.ndarray], weights: Sequence[np.ndarray]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Rows of term weights over the terms of all rows, L2-normalised, and the columns' term
    hashes (ascending)."""
    import scipy.sparse as sp

    n = len(codes)
    lengths = np.fromiter((len(c) for c in codes), dtype=np.int64, count=n)
    if not lengths.sum():  # no term at all (no names anywhere): one all-zero column, which stacks
        return sp.csr_matrix((n, 1)), np.array([-1], dtype=np.int64)
    columns, flat = np.unique(np.concatenate(codes), return_inverse=True)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    matrix = sp.csr_matrix((np.concatenate(weights), flat, indptr), shape=(n, len(columns)))
    matrix.sum_duplicates()  # hash collisions inside one article; also sorts each row's columns
    return _normalize(matrix), columns


def _normalize(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit L2 norm; all-zero rows stay zero."""
    import scipy.sparse as sp

    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0.0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)
