"""How rare each word is in its language at large: the word weights of event grouping.

Grouping weighs a word by its inverse frequency. Counted in the corpus itself (document
frequency), as it was until now, one more article moves every weight of its language, so every
similarity and every event of that language has to be worked out again on each push. Taken from
a fixed table, an article's vector depends on that article alone. The table is wordfreq's
(word frequencies of 44 languages from Wikipedia, subtitles, news, books and the web): a word's
weight is ln(1 / frequency). It also groups better than the corpus's own counts did (B-cubed F1,
`bench/events_quality.py`, with `features.NAME_WEIGHT` 1 then 0.6: ECB+ 93.2 -> 92.9, TAC 2011's
seven languages 78.5 -> 93.8), which a corpus of a few related stories skews.

wordfreq's "small" lists hold the words used at least once per million (Zipf 3, 27,000-57,000
words a language); a word they lack weighs as the rarest listed ones. They load in a tenth of a
second for seven languages; the "large" lists (down to once per hundred million) took 1.1 s and
grouped no better (ECB+ 93.4, TAC 92.1 with NAME_WEIGHT 0.7; the small lists 92.7, 93.0). A
language wordfreq has no list for weighs every word alike. The files are read directly (gzipped
msgpack, wordfreq's "cBpack"): importing wordfreq also imports `regex`, `ftfy` and `langcodes`.
"""

from __future__ import annotations

import gzip
import math
from functools import lru_cache

from ..text import package_folder

@lru_cache(maxsize=None)
def weights(language: str) -> tuple[dict[str, float], float]:
    """(word -> ln(1 / frequency), the weight of an unlisted word) for `language` (ISO 639-1);
    ({}, 1.0) when wordfreq has no list for it."""
    buckets = _buckets(language)
    if not buckets:
        return {}, 1.0
    step = math.log(10.0) / 100.0
    table = {word: index * step for index, bucket in enumerate(buckets) for word in bucket}
    rarest = max(index for index, bucket in enumerate(buckets) if bucket)
    return table, rarest * step


def _buckets(language: str) -> list[list[str]]:
    """wordfreq's small list for `language`: bucket i holds the words of frequency 10 ** (-i / 100)."""
    folder = package_folder("wordfreq")
    if folder is None or not (language.isalpha() and language.isascii()):
        return []  # a language from an article's metadata must lead to no other file
    path = folder / "data" / f"small_{language}.msgpack.gz"
    if not path.is_file():
        return []
    import msgpack

    with gzip.open(path, "rb") as packed:
        header, *buckets = msgpack.load(packed, raw=False)
    if header != {"format": "cB", "version": 1}:
        raise ValueError(f"{path}: not a wordfreq word list of the kind this version reads ({header})")
    return buckets
