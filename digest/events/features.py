"""Article vectors for event grouping: sparse TF-IDF over words plus a block of names and numbers.

An event is told apart from its lookalikes (two earthquakes, two rehab check-ins) mostly by who,
where and how many, so capitalised name sequences ("Hasim Rahman", "Betty Ford Center") and
numbers ("4.6", "2013", "9-14") get a TF-IDF block of their own next to the plain words. The
headline and the lead state the event; the rest of the body drifts into background, so the
headline counts three times and the first paragraphs twice.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from ..models import Article
from ..text import stop_words

TITLE_WEIGHT = 3.0  # the headline, counted as this many copies of itself
LEAD_WEIGHT = 2.0  # the first LEAD_PARAGRAPHS paragraphs
LEAD_PARAGRAPHS = 2
NAME_WEIGHT = 1.0  # the name-and-number block next to the word block (1 = as heavy)


def _char_ranges(test) -> str:
    """Regex character-class ranges of every BMP character passing `test` (`re` has no \\p{Lu})."""
    ranges: list[str] = []
    start = None
    for code in range(0x10000):
        if test(chr(code)):
            start = code if start is None else start
        elif start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    return "".join(ranges)


_UPPER = "[" + _char_ranges(lambda ch: ch.isupper() or ch.istitle()) + "]"
# A word: letters and digits with their combining marks (Devanagari vowel signs stay inside).
_WORD = re.compile("[\\w" + _char_ranges(lambda ch: unicodedata.category(ch).startswith("M")) + "]+")
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


def vectors(articles: Sequence[Article], language: str) -> sp.csr_matrix:
    """One L2-normalised row per article: [word TF-IDF | NAME_WEIGHT * name TF-IDF], float64."""
    stops = stop_words(language)

    def word_tokens(text: str) -> list[str]:
        return [w for w in _WORD.findall(text.casefold()) if w not in stops]

    def name_tokens(text: str) -> list[str]:
        return names(text, stops)

    word_block = _tfidf(articles, word_tokens)
    name_block = _tfidf(articles, name_tokens)
    return normalize(sp.hstack([word_block, NAME_WEIGHT * name_block], format="csr"))


def names(text: str, stops: frozenset[str] = frozenset()) -> list[str]:
    """Case-folded capitalised name sequences and "#"-prefixed numbers of `text`.

    A sentence's first word is dropped when it is a function word ("The", "With"); month and
    weekday names split a run ("Hasim Rahman Saturday" -> "hasim rahman"); a run of several
    words all in capitals is a shouted headline, not a name.
    """
    found: list[str] = []
    for match in _NAME.finditer(text):
        start, run = match.start(), match.group()
        if start and (text[start - 1].isalnum() or text[start - 1] in "'’-"):
            continue  # a capital inside a word ("iPhone")
        if " " in run and run.isupper():
            continue
        at_start = _starts_sentence(text, start)
        if " " in run or "'" in run or "’" in run:
            found.extend(_name_parts(run, at_start, stops))
            continue
        word = run.rstrip(".").casefold()  # the common case: one plain capitalised word
        if word not in _CALENDAR and not (at_start and word in stops):
            found.append(word)
    found.extend("#" + number for number in _NUMBER.findall(text))
    return found


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


def _tfidf(articles: Sequence[Article], analyzer) -> sp.csr_matrix:
    """Sublinear TF-IDF of weighted counts: headline, lead and rest counted apart, then summed."""
    parts = []
    for article in articles:
        paragraphs = article.paragraphs
        parts += [article.title, "\n".join(paragraphs[:LEAD_PARAGRAPHS]), "\n".join(paragraphs[LEAD_PARAGRAPHS:])]
    counts = CountVectorizer(analyzer=analyzer, dtype=np.float64)
    try:
        per_part = counts.fit_transform(parts).tocsr()
    except ValueError:  # no token at all (no names anywhere): one all-zero column, which stacks
        return sp.csr_matrix((len(articles), 1))
    weights = sp.kron(sp.identity(len(articles), format="csr"), np.array([[TITLE_WEIGHT, LEAD_WEIGHT, 1.0]]))
    weighted = (weights @ per_part).tocsr()
    return TfidfTransformer(sublinear_tf=True, norm="l2").fit_transform(weighted).tocsr()
