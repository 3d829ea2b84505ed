"""Language-aware word helpers shared by the summary stage and its benchmark.

Words are Unicode letters and digits with their combining marks (so Devanagari vowel
signs stay inside a word), case-folded, with apostrophes dropped so that "I'm" and a
copy that lost its apostrophe ("Im") give the same token. Stemmers and stop-word lists
come from libraries that work offline: nltk's Snowball stemmers (no data download),
sumy's Czech stemmer and sumy's stop-word lists, with jusText's lists for languages
sumy lacks. Greek, Hebrew and Hindi, which those libraries do not stem, get light
normalisers (`_LIGHT`): without them every inflected or prefixed form is a word of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import unicodedata

import regex

# ISO 639-1 codes to the language names the libraries use.
_NAMES = {
    "ar": "arabic", "cs": "czech", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "fi": "finnish", "fr": "french", "he": "hebrew",
    "hi": "hindi", "hu": "hungarian", "it": "italian", "nl": "dutch", "no": "norwegian",
    "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sk": "slovak",
    "sv": "swedish", "uk": "ukrainian",
}
_SNOWBALL = {
    "arabic", "danish", "dutch", "english", "finnish", "french", "german", "hungarian",
    "italian", "norwegian", "portuguese", "romanian", "russian", "spanish", "swedish",
}

_APOSTROPHES = regex.compile(r"['\u2019\u02bc\u0060\u00b4]")
_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*")


def language_name(language: str | None) -> str:
    """'en' or 'English' -> 'english'; unknown codes are returned case-folded."""
    if not language:
        return "english"
    key = language.strip().casefold()
    return _NAMES.get(key, key)


def words(text: str) -> list[str]:
    """Case-folded word tokens of `text`, apostrophes removed, punctuation dropped."""
    return _WORD.findall(_APOSTROPHES.sub("", text).casefold())


def count_words(text: str) -> int:
    """The budget's unit: whitespace-separated tokens."""
    return len(text.split())


@lru_cache(maxsize=None)
def stemmer(language: str | None) -> Callable[[str], str]:
    """A cached stem function for `language`; identity where no stemmer is known."""
    name = language_name(language)
    stem: Callable[[str], str]
    if name in _SNOWBALL:
        from nltk.stem.snowball import SnowballStemmer

        stem = SnowballStemmer(name).stem
    elif name in ("czech", "slovak"):
        from sumy.nlp.stemmers.czech import stem_word

        stem = stem_word
    elif name in _LIGHT:
        stem = _LIGHT[name]
    else:
        return _identity
    return lru_cache(maxsize=200_000)(_letters_only(stem))


def _letters_only(stem: Callable[[str], str]) -> Callable[[str], str]:
    """Tokens with digits ("2005", "a330") pass unstemmed (sumy's Czech stemmer warns on them)."""

    def apply(word: str) -> str:
        return word if any(c.isdigit() for c in word) else stem(word)

    return apply


def _identity(word: str) -> str:
    return word


def _greek(word: str) -> str:
    """Accents dropped: capitalised and all-caps Greek is often written without them."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


# Hebrew writes the conjunction, the article and most prepositions as one-letter prefixes
# ("and", "the", "in", "to", "from", "that", "as"); two may stack ("and the", "that in").
_HEBREW_PREFIXES = frozenset("והבלמשכ")
_HEBREW_MIN = 3  # letters a word keeps after its prefixes are stripped


def _hebrew(word: str) -> str:
    """Up to two prefix letters stripped while at least _HEBREW_MIN letters remain.

    A word whose own first letter is a prefix letter loses it too, but it does so in
    every form, so its forms still meet.
    """
    for _ in range(2):
        if len(word) > _HEBREW_MIN and word[0] in _HEBREW_PREFIXES:
            word = word[1:]
    return word


# Hindi inflectional suffixes, longest first (Ramanathan & Rao, "A Lightweight Stemmer
# for Hindi", 2003): the longest one the word ends with is removed.
_HINDI_SUFFIXES = tuple(
    sorted(
        (
            "ाएंगी ाएंगे ाऊंगी ाऊंगा ाइयाँ ाइयों ाइयां "
            "ाएगी ाएगा ाओगी ाओगे एंगी ेंगी एंगे ेंगे ूंगी ूंगा ातीं नाओं नाएं ताओं ताएं ियाँ ियों ियां "
            "ाकर ाइए ाईं ाया ेगी ेगा ोगी ोगे ाने ाना ाते ाती ाता तीं ाओं ाएं ुओं ुएं ुआं "
            "कर ाओ िए ाई ाए ने नी ना ते ीं ती ता ाँ ां ों ें "
            "ो े ू ु ी ि ा"
        ).split(),
        key=lambda suffix: (-len(suffix), suffix),
    )
)


def _hindi(word: str) -> str:
    for suffix in _HINDI_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)]
    return word


_LIGHT: dict[str, Callable[[str], str]] = {"greek": _greek, "hebrew": _hebrew, "hindi": _hindi}


@lru_cache(maxsize=None)
def stop_words(language: str | None) -> frozenset[str]:
    """Function words of `language`, normalised like `words` output; empty if none known."""
    name = language_name(language)
    found: frozenset[str] = frozenset()
    try:
        from sumy.utils import get_stop_words

        found = frozenset(get_stop_words(name))
    except LookupError:
        try:  # jusText comes with trafilatura and covers languages sumy lacks (Hindi)
            import justext

            found = frozenset(justext.get_stoplist(name.capitalize()))
        except (ImportError, ValueError):
            found = frozenset()
    return frozenset(w for word in found for w in words(word))


def stems(text: str, language: str | None) -> list[str]:
    """Stemmed word tokens of `text`."""
    stem = stemmer(language)
    return [stem(w) for w in words(text)]
