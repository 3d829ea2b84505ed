"""Language-aware word helpers shared by the summary stage and its benchmark.

Words are Unicode letters and digits with their combining marks (so Devanagari vowel
signs stay inside a word), case-folded, with apostrophes dropped so that "I'm" and a
copy that lost its apostrophe ("Im") give the same token. Stemmers and stop-word lists
come from libraries that work offline: Snowball's stemmers (PyStemmer, no data download),
sumy's Czech stemmer and sumy's stop-word lists, with jusText's lists for languages
sumy lacks. Greek, Hebrew and Hindi, which those libraries do not stem, get light
normalisers (`_LIGHT`): without them every inflected or prefixed form is a word of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import filterfalse
from pathlib import Path

import re
import unicodedata

import regex

# ISO 639-1 codes to the language names the libraries use.
_NAMES = {
    "ar": "arabic", "cs": "czech", "ca": "catalan", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "fi": "finnish", "fr": "french", "he": "hebrew",
    "hi": "hindi", "hu": "hungarian", "it": "italian", "nl": "dutch", "no": "norwegian",
    "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sk": "slovak",
    "sv": "swedish", "uk": "ukrainian",
}
LANGUAGES = tuple(_NAMES)  # the ISO 639-1 codes the word helpers know by name

_SNOWBALL = {
    "arabic", "danish", "dutch", "english", "finnish", "french", "german", "hungarian",
    "italian", "norwegian", "portuguese", "romanian", "russian", "spanish", "swedish",
}

# Languages whose apostrophe marks an elided word ("l'", "d'", "qu'", "dell'").
_ELIDING = {"french", "italian", "catalan"}

_APOSTROPHES = re.compile(r"['\u2019\u02bc\u0060\u00b4]")
_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*")
_ASCII_WORD = re.compile(r"[a-z0-9]+")


def language_name(language: str | None) -> str:
    """'en' or 'English' -> 'english'; unknown codes are returned case-folded."""
    if not language:
        return "english"
    key = language.strip().casefold()
    return _NAMES.get(key, key)


# Typographic punctuation, the usual reason an English sentence is not ASCII, as ASCII
# characters that split or join words alike: the text may then take the fast path.
_TYPOGRAPHIC = (("\u2019", "'"), ("\u2018", " "), ("\u201c", " "), ("\u201d", " "), ("\u2013", " "),
                ("\u2014", " "), ("\u2026", " "), ("\u00a0", " "))


def words(text: str) -> list[str]:
    """Case-folded word tokens of `text`, apostrophes removed, punctuation dropped."""
    if not text.isascii():
        for typographic, ascii in _TYPOGRAPHIC:
            text = text.replace(typographic, ascii)
    if text.isascii():  # the same tokens, found by the faster `re` (most news is ASCII)
        return _ASCII_WORD.findall(text.replace("'", "").replace("`", "").lower())
    return _WORD.findall(_APOSTROPHES.sub("", text).casefold())


def terms(text: str, language: str | None) -> list[str]:
    """Word tokens for comparing and weighing text: `words`, after two language-aware steps.

    Text is put in Unicode's canonical composed form first, so that two spellings of one
    letter (a Devanagari letter with a separate nukta sign or precomposed) make one word.
    In languages that elide articles and pronouns with an apostrophe ("l'attentat",
    "qu'il"), the apostrophe separates two words instead of gluing them: otherwise
    "l'attentat" and "cet attentat" would share no word.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if _elides(language):
        text = _APOSTROPHES.sub(" ", text)
    return words(text)


@lru_cache(maxsize=None)
def _elides(language: str | None) -> bool:
    return language_name(language) in _ELIDING


def count_words(text: str) -> int:
    """The budget's unit: whitespace-separated tokens."""
    return len(text.split())


class _Memo(dict):
    """Stems already computed: a plain dict lookup, the stemmer runs once per word."""

    def __init__(self, stem: Callable[[str], str], stem_many: Callable[[list[str]], list[str]]):
        super().__init__()
        self.stem, self.stem_many = stem, stem_many

    def __missing__(self, word: str) -> str:
        found = self[word] = self.stem(word)
        return found

    def learn(self, words: Iterable[str]) -> None:
        new = list(filterfalse(self.__contains__, set(words)))
        if new:
            self.update(zip(new, self.stem_many(new)))


@lru_cache(maxsize=None)
def _memo(language: str | None) -> _Memo:
    return _Memo(*_stemmers(language))


def stemmer(language: str | None) -> Callable[[str], str]:
    """A cached stem function for `language`; identity where no stemmer is known."""
    return _memo(language).__getitem__


def learn_stems(tokens: Iterable[str], language: str | None) -> None:
    """Stem the new words among `tokens` for `stemmer(language)` in one call, which for
    Snowball's stemmers costs a fraction of a call per word."""
    _memo(language).learn(tokens)


def stem_all(tokens: Sequence[str], language: str | None) -> list[str]:
    """`stemmer(language)` applied to each token."""
    return list(map(stemmer(language), tokens))


def _stemmers(language: str | None) -> tuple[Callable[[str], str], Callable[[list[str]], list[str]]]:
    """The stem function of `language`, and one that stems a list of words."""
    name = language_name(language)
    stem: Callable[[str], str]
    if name in _SNOWBALL:
        import Stemmer  # PyStemmer: Snowball's own C stemmers, imported in milliseconds

        snowball = Stemmer.Stemmer(name)
        snowball.maxCacheSize = 0  # `_Memo` caches: PyStemmer's own cache makes a new word cost 6 times more
        stem, stem_many = snowball.stemWord, snowball.stemWords
    elif name in ("czech", "slovak"):
        stem = _czech_stemmer()
        stem_many = None
    elif name in _LIGHT:
        stem = _LIGHT[name]
        stem_many = None
    else:
        return _identity, list
    return _letters_only(stem), _letters_only_many(stem_many or (lambda words: list(map(stem, words))))


def _czech_stemmer() -> Callable[[str], str]:
    """sumy's Czech stemmer, loaded without `sumy.nlp.stemmers`, whose package imports nltk
    (about 2.5 s in every worker process that meets a Czech article)."""
    import importlib.util
    import sys

    name = "sumy.nlp.stemmers.czech"
    if name not in sys.modules:
        package = package_folder("sumy")
        assert package is not None
        spec = importlib.util.spec_from_file_location(name, package / "nlp" / "stemmers" / "czech.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name].stem_word


def _has_digit(word: str) -> bool:
    return not word.isalpha() and any(map(str.isdigit, word))


def _letters_only(stem: Callable[[str], str]) -> Callable[[str], str]:
    """Tokens with digits ("2005", "a330") pass unstemmed (sumy's Czech stemmer warns on them)."""

    def apply(word: str) -> str:
        return word if _has_digit(word) else stem(word)

    return apply


def _letters_only_many(stem_many: Callable[[list[str]], list[str]]) -> Callable[[list[str]], list[str]]:
    """`_letters_only` for a stemmer of lists."""

    def apply(words: list[str]) -> list[str]:
        odd = {w for w in words if not w.isalpha() and any(map(str.isdigit, w))}
        if not odd:
            return stem_many(words)
        plain = [w for w in words if w not in odd]
        found = dict(zip(plain, stem_many(plain)))
        return [found.get(w, w) for w in words]

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


_HINDI_BY_LENGTH = tuple(
    (n, frozenset(x for x in _HINDI_SUFFIXES if len(x) == n))
    for n in sorted({len(x) for x in _HINDI_SUFFIXES}, reverse=True)
)


# Two spellings of one Devanagari word: a nasal consonant with a virama before another
# consonant or the anusvara ("हिन्दी", "हिंदी"; "भूकम्प", "भूकंप"), the candrabindu or the anusvara
# ("यहाँ", "यहां"), a nukta or none ("फ़रवरी", "फरवरी"), zero-width joiners. Hindi news writes
# both in one event; IR normalisers fold them (Pingali & Varma; Lucene's HindiNormalizer).
_DEAD_NASAL = re.compile("[\u0919\u091e\u0923\u0928\u092e]\u094d(?=[\u0915-\u0939\u0958-\u095f])")
_HINDI_FOLD = str.maketrans(
    {"\u0901": "\u0902", "\u093c": None, "\u200c": None, "\u200d": None, "\u0929": "\u0928", "\u0931": "\u0930",
     "\u0934": "\u0933", **{chr(0x0958 + k): base for k, base in enumerate("\u0915\u0916\u0917\u091c\u0921\u0922\u092b\u092f")}}
)


def _hindi(word: str) -> str:
    """Spelling variants folded (`_HINDI_FOLD`, `_DEAD_NASAL`), then the longest suffix of
    _HINDI_SUFFIXES removed, if two letters remain."""
    word = _DEAD_NASAL.sub("\u0902", word.translate(_HINDI_FOLD))
    for n, suffixes in _HINDI_BY_LENGTH:
        if len(word) > n + 1 and word[-n:] in suffixes:
            return word[:-n]
    return word


_LIGHT: dict[str, Callable[[str], str]] = {"greek": _greek, "hebrew": _hebrew, "hindi": _hindi}


@lru_cache(maxsize=None)
def stop_words(language: str | None) -> frozenset[str]:
    """Function words of `language`, normalised like `words` output; empty if none known.

    sumy's list (as its `get_stop_words` reads it), else jusText's (which comes with trafilatura
    and covers languages sumy lacks, Hindi; as its `get_stoplist` reads it), read from their
    folders: importing sumy's utilities (which import requests) and jusText took 0.19 s of the
    worker pool's start, where the fork server loads every list (`preload`)."""
    name = language_name(language)
    if not (name.isalpha() and name.isascii()):
        return frozenset()  # a language from an article's metadata must lead to no other file
    found: frozenset[str] = frozenset()
    if (lines := _package_lines("sumy", f"data/stopwords/{name}.txt")) is not None:
        found = frozenset(w.rstrip() for w in lines if w)
    elif (lines := _package_lines("justext", f"stoplists/{name.capitalize()}.txt")) is not None:
        found = frozenset(w.lower() for w in lines)
    return frozenset(w for word in found for w in words(word))


def _package_lines(package: str, relative: str) -> list[str] | None:
    """The lines of the file at `relative` in `package`'s folder; None if there is none."""
    folder = package_folder(package)
    if folder is None:
        return None
    try:
        return (folder / relative).read_bytes().decode("utf-8").splitlines()
    except OSError:
        return None


def package_folder(package: str) -> Path | None:
    """Where an installed package's files are, found without importing it (None if not installed)."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def stems(text: str, language: str | None) -> list[str]:
    """Stemmed terms of `text`."""
    return stem_all(terms(text, language), language)


# Function words where the libraries' lists fall short. sumy's French list lacks "de", "un",
# "une", "à", "aux", "cette" and the elided "l", "d", "qu", yet holds content words ("état",
# "force", "personnes"); jusText's Hindi list is a frequency list of Wikipedia that holds
# "भारत", "सरकार", "ट्रेन", "स्टेशन". A stop word must be a word that says nothing of the event.
_FUNCTION_WORDS = {
    "french": """
        a à afin ai ainsi alors au aucun aucune aujourd auprès aussi autre autres aux avaient
        avais avait avant avec avoir ayant c ça car ce ceci cela celle celles celui cependant ces
        cet cette ceux chacun chaque chez ci comme comment contre d dans de depuis des dès donc
        dont du durant elle elles en encore entre es est et étaient était étant été être eu eux
        fait faire font fut hui il ils j je jusqu l la laquelle le lequel les lesquels leur leurs
        lors lorsqu lorsque lui m ma mais me même mêmes mes moi moins mon n ne ni nos notre nous
        on ont or ou où par parce parmi pas pendant peu peut plus plusieurs pour pourquoi puis
        puisqu puisque qu quand que quel quelle quelles quels qui quoi s sa sans se selon sera
        seront ses si sien soit son sont sous sur t ta tandis te tes toi ton tous tout toute
        toutes très tu un une vers via vos votre vous y
    """,
    "hindi": """
        अगर अथवा अपना अपनी अपने अब अभी आदि आप इन इनका इनकी इनके इन्हें इस इसका इसकी इसके इसमें
        इसलिए इसी इसे उन उनका उनकी उनके उनको उन्हें उन्होंने उस उसका उसकी उसके उसको उसने उसी उसे
        एक एवं ऐसा ऐसी ऐसे और कर करके करता करती करते करना करने कहा का कि किंतु किन्तु किया किए
        किये किस किसी की कुछ के को कोई कौन क्या क्योंकि गई गए गया गयी गये जब जा जाता जाती जाते
        जाने जिन जिस जिसका जिसकी जिसके जिसे जैसे जो तक तथा तब तो था थी थीं थे दिया दी द्वारा
        न ना नहीं ने पर परंतु परन्तु पहले फिर बाद भी मे में मैं यदि यह यहाँ यहां या ये रहा रही
        रहे लिए लिये लेकिन वह वहाँ वहां वाला वाली वाले वे व साथ से ही हुआ हुई हुए है हैं हो होगा
        होगी होंगे होता होती होते होने
    """,
}


@lru_cache(maxsize=None)
def function_words(language: str | None) -> frozenset[str]:
    """The summariser's stop words: `stop_words`, or a curated list where the library's falls
    short; normalised like `terms` output."""
    name = language_name(language)
    listed = _FUNCTION_WORDS[name].split() if name in _FUNCTION_WORDS else stop_words(language)
    return frozenset(w for word in listed for w in terms(word, language))
