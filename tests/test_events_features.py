"""digest.events.features' faster code against the straightforward definitions it replaces."""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.events import background, features
from digest.models import Article
from digest.text import stop_words

ENGLISH, FRENCH = stop_words("en"), stop_words("fr")
# Pieces that exercise every branch of `names`: sentence starts behind openers, stop words and
# calendar words in runs, possessives, connectors, shouted runs, tabs, capitals inside words,
# titlecase digraphs, numbers, and letters outside the BMP.
PIECES = [
    "The", "the", "said", "and", "Le", "In", "A", "I", "Bank", "of", "de", "America", "Monde", "Hasim", "Rahman", "Sept.",
    "Saturday", "Jan", "Klitschko's", "O'Neil", "dogs'", "Mr.", "U.S.", "NASA", "AND", "iPhone", "McDonald",
    "Dž", "ǅemal", "Ⅻ", "𝐀b", "Ἀθήνα", "Straße", "4.6", "9-14", "1,000", "२०१३", "𝟐", "😀", ". ", ": ", "! ", "\n", "\n\n",
    " ", " ", " ", "\t", '"', "“", "«", "(", "-", "'", "’",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _slow_ranges(test) -> str:
    """Class ranges of the BMP characters passing `test`, one character at a time."""
    ranges, start = [], None
    for code in range(0x10001):
        if code < 0x10000 and test(chr(code)):
            start = code if start is None else start
        elif start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    return "".join(ranges)


def _plain_names(text: str, stops: frozenset[str]) -> list[str]:
    """`names` without its cache, deciding each run's sentence start up front."""
    found: list[str] = []
    for match in features._NAME.finditer(text):
        start, run = match.start(), match.group()
        if start and (text[start - 1].isalnum() or text[start - 1] in "'’-"):
            continue
        if " " in run and run.isupper():
            continue
        at_start = features._starts_sentence(text, start)
        if " " in run or "'" in run or "’" in run:
            found.extend(features._name_parts(run, at_start, stops))
            continue
        word = run.rstrip(".").casefold()
        if word not in features._CALENDAR and not (at_start and word in stops):
            found.append(word)
    found.extend("#" + number for number in features._NUMBER.findall(text))
    return found


def _plain_terms(article: Article) -> tuple[np.ndarray, ...]:
    """`terms` counted on weighted token lists, hashed and weighed one term at a time: words by
    (1 + ln count) * their background weight, names and numbers by 1 + ln count."""
    stops = stop_words(article.language.casefold())
    lead, rest = article.paragraphs[: features.LEAD_PARAGRAPHS], article.paragraphs[features.LEAD_PARAGRAPHS :]
    words: list[str] = []
    found: list[str] = []
    for weight, text in zip((features.TITLE_WEIGHT, features.LEAD_WEIGHT, 1), (article.title, "\n".join(lead), "\n".join(rest))):
        words += features._WORD.findall(text.casefold()) * weight
        found += _plain_names(text, stops) * weight
    word_counts = {w: c for w, c in Counter(words).items() if w not in stops}
    table, unlisted = background.weights(article.language.casefold())
    out = []
    for kind, counts in ((b"w", word_counts), (b"n", Counter(found))):
        out.append(np.array([zlib.crc32(kind + t.encode("utf-8", "surrogatepass")) for t in counts], np.int64))
        rarity = [table.get(t, unlisted) if kind == b"w" else 1.0 for t in counts]
        out.append(np.array([(1.0 + math.log(c)) * r for c, r in zip(counts.values(), rarity)], np.float64))
    return tuple(out)


def test_character_classes_are_those_of_their_definitions():
    assert features._UPPER == "[" + _slow_ranges(lambda ch: ch.isupper() or ch.istitle()) + "]"
    marks = _slow_ranges(lambda ch: unicodedata.category(ch).startswith("M"))
    assert features._WORD.pattern == "[\\w" + marks + "]+"
    assert features._WORD.findall("नमस्ते दुनिया, e\u0301te\u0301") == ["नमस्ते", "दुनिया", "e\u0301te\u0301"]


def test_a_run_is_named_by_where_it_stands_not_where_it_was_first_met():
    features._run_names.cache_clear()
    text = "The Times reported it. Readers said The Times agreed. (The Times"
    assert features.names(text, ENGLISH) == ["times", "readers", "the times", "times"]
    assert features.names("Readers said The Times agreed. The Times reported it.", ENGLISH) == ["readers", "the times", "times"]
    # the same run under another language's stop words
    assert features.names("Le Monde a dit. Le Monde", FRENCH) == ["monde", "monde"]
    assert features.names("Le Monde a dit. Le Monde", ENGLISH) == ["le monde", "le monde"]


@settings(max_examples=400, deadline=None)
@given(text=texts, language=st.sampled_from(["en", "fr", "xx"]))
def test_names_are_those_of_the_plain_definition(text, language):
    stops = stop_words(language)
    assert features.names(text, stops) == _plain_names(text, stops)


def test_hashes_are_the_crc32_of_kind_and_term_in_first_seen_order():
    counts = Counter({"élan": 2, "a\ud800b": 1, "x": 3, "東京": 6})
    codes, values = features._hashed(counts, b"n")
    assert codes.dtype == np.int64 and values.dtype == np.float64
    assert codes.tolist() == [zlib.crc32(b"n" + t.encode("utf-8", "surrogatepass")) for t in counts]
    assert values.tolist() == [2.0, 1.0, 3.0, 6.0]
    assert [len(a) for a in features._hashed(Counter(), b"w")] == [0, 0]


@settings(max_examples=150, deadline=None)
@given(title=texts, paragraphs=st.lists(texts, max_size=5), language=st.sampled_from(["en", "fr", "hi"]))
def test_terms_are_those_of_the_plain_definition(title, paragraphs, language):
    article = Article(id="a", title=title, paragraphs=tuple(paragraphs), language=language)
    found = features.terms(article)
    expected = _plain_terms(article)
    for got, want in zip((found.words, found.word_weights, found.names, found.name_weights), expected):
        assert got.dtype == want.dtype and len(got) == len(want)
        assert got.tolist() == want.tolist() if got.dtype == np.int64 else np.allclose(got, want, rtol=1e-12, atol=0)


def test_a_word_weighs_by_its_rarity_in_the_language_at_large():
    table, unlisted = background.weights("en")
    assert table["the"] < table["earthquake"] < table["magnitude"] < unlisted
    assert "qwzxqwzx" not in table and unlisted == max(table.values())
    assert background.weights("xx") == ({}, 1.0)  # no list: every word alike
    assert background.weights("../en") == ({}, 1.0)  # a language name names no other file
    article = Article(id="a", title="Earthquake", paragraphs=("The magnitude of the earthquake.",), language="en")
    found = features.terms(article)
    weight = dict(zip(found.words.tolist(), found.word_weights.tolist()))
    code = {w: zlib.crc32(b"w" + w.encode()) for w in ("earthquake", "magnitude")}
    # counted 3 (headline) + 2 (lead) and 2 times: sublinear counts times the word's rarity
    assert math.isclose(weight[code["earthquake"]], (1 + math.log(5)) * table["earthquake"])
    assert math.isclose(weight[code["magnitude"]], (1 + math.log(2)) * table["magnitude"])


def test_an_article_vector_depends_on_that_article_alone():
    def article(i: int, text: str) -> Article:
        return Article(id=f"a{i}", title=text.split(".")[0], paragraphs=(text,), language="en")

    one = article(0, "Hasim Rahman lost the title in Las Vegas. The fight went twelve rounds.")
    others = [article(i, f"Story {i} about a flood in Region {i}. Rain fell for {i} days.") for i in range(1, 6)]
    alone = features.vectors([one])
    among = features.vectors([*others, one])
    row = among[len(others)]
    assert np.isclose(alone.multiply(alone).sum(), 1.0)
    assert sorted(alone.data.tolist()) == sorted(row.data.tolist())
