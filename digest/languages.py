"""Which language an article is in when its file does not say (plain text, HTML, Markdown or
records without a language field).

The language picks the stop words, stemmer and function words of every later stage, and
events are grouped per language, so a French or Greek article read as English would be
summarised and grouped badly. Most news here is English, which a quick count of English
function words settles first: on TAC 2011 and ECB+ every English document has at least 21% of
them in its opening, every other document at most 10%. Greek and Hebrew are the only living
languages written in their scripts, so a text mostly in one of them is settled without a model
too (py3langid agreed on all 1,208 such articles of the 10k benchmark corpus).

Any other text goes to CLD2 (pycld2, Google's detector in C++), which answers in a tenth of a
millisecond where py3langid (langid.py's model, pure Python over each byte) takes one and a
half; only when CLD2 names no language, or is unsure and finds its best language in less than
MIN_CLD2_SHARE of the text, does py3langid decide. On the 1,682 TAC 2011 and ECB+ documents and
the 1,960 texts of the 10k benchmark corpus that reach this step, the two agree on every text
CLD2 is sure of, and on all 10 it is unsure of (French WikiNews articles whose opening dateline
CLD2 cannot place: French in 70-78% of the text). CLD2 raises on C1 control characters and
lone surrogates, so they are taken out of what it reads: on the 10 TAC documents that hold
some, it is then sure and right.

py3langid's model takes 87 MB and most of a second to load: with CLD2 it is needed so rarely
(by none of the 10k benchmark texts) that it is loaded by the first text that needs it
(`preload_model`), which keeps it out of the fork server and every worker.
"""

from __future__ import annotations

import re

try:
    import pycld2  # installed only where it has wheels (Linux on x86-64, macOS on ARM): 20 ms to import
except ImportError:
    pycld2 = None

SAMPLE_CHARS = 600  # langid is as right on the opening as on the whole text (TAC 2011: 700 of 700)
MIN_WORDS = 8  # fewer words than this say too little: the default stays
DEFAULT = "en"

_ENGLISH = frozenset(
    "the of and to in a is that for on with as was by at said from it his be are has have an were will".split()
)
_ENGLISH_SHARE = 0.2
_WORD = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
_OWN_SCRIPT = (("el", re.compile("[\u0370-\u03ff\u1f00-\u1fff]")), ("he", re.compile("[\u0590-\u05ff\ufb1d-\ufb4f]")))


def detect(text: str) -> str:
    """An ISO 639-1 code for `text` ("en", "fr", "el"...); DEFAULT when the text is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    words = _WORD.findall(sample.casefold())
    if len(words) < MIN_WORDS:
        return DEFAULT
    if sum(map(_ENGLISH.__contains__, words)) >= _ENGLISH_SHARE * len(words):
        return "en"
    if not sample.isascii():
        letters = len(_LETTER.findall(sample))
        for language, script in _OWN_SCRIPT:
            if len(script.findall(sample)) * 2 > letters:
                return language
    return _cld2(sample) or _langid(sample)


# CLD2's names for two languages that langid.py and ISO 639-1 call otherwise.
_CLD2_RENAMED = {"iw": "he", "jw": "jv"}
# CLD2 unsure of a text still has it right when its best language holds this share (percent)
# of the text: the rest is what it cannot place (names, a dateline), not another language.
MIN_CLD2_SHARE = 60
_CLD2_REFUSES = re.compile("[\x80-\x9f\ud800-\udfff]")  # C1 control characters, lone surrogates


def _cld2(sample: str) -> str | None:
    """CLD2's language for `sample` when it is sure of one, or finds it in most of the text;
    None otherwise, or without pycld2."""
    if pycld2 is None:
        return None
    try:
        reliable, _, found = pycld2.detect(_CLD2_REFUSES.sub("", sample))
    except (pycld2.error, ValueError):
        return None
    name, share = found[0][1], found[0][2]
    code = _CLD2_RENAMED.get(name, name)
    # "un" is unknown; "xx-Arab" and the like name a script only; "zh-Hant" has no plain code
    sure = reliable or share >= MIN_CLD2_SHARE
    return code if sure and code.isalpha() and code != "un" else None


def _langid(sample: str) -> str:
    import py3langid  # here: loading its model takes half a second, and most text never needs it

    return str(py3langid.classify(sample)[0])


def preload_model() -> None:
    """Load py3langid's model now, when it decides most texts (without pycld2), rather than at
    the first text that needs it; with CLD2, it is left for that text."""
    if pycld2 is None:
        import py3langid

        py3langid.classify("")  # its model is loaded on the first call and kept
