"""Stage 3: split a clean article into sentences that keep their offsets into `Article.text`.

nupunkt (pure Python, offline) does the Punkt work, with the abbreviations of news copy
rather than the ordinary words its model takes for abbreviations (`abbreviations`); sentences
never cross a paragraph, and scripts that end sentences with their own marks (Devanagari
danda, CJK full stops, Arabic question mark) are split on those marks as well. A dateline or
publication stamp run into a paragraph's first sentence (`openers`) is a sentence of its own.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from functools import lru_cache

import nupunkt
import regex

from . import abbreviations
from .models import Article, Sentence
from .openers import opener_end


@lru_cache(maxsize=1)
def tokenizer() -> nupunkt.PunktSentenceTokenizer:
    """nupunkt's model without the ordinary words it takes for abbreviations, and with the
    abbreviations of news it lacks (`abbreviations`): "He died last week. Smith said" is two
    sentences, "Troy police Lt. Tim Fanning said" one."""
    found = nupunkt.load_default_model()
    for word in abbreviations.ORDINARY:
        found.remove_abbreviation(word)
    found.add_abbreviations(sorted(abbreviations.NEWS))
    return found


# Sentence ends that Punkt (trained on English) does not know; a cut goes after the match.
# Searched with overlapped=True: a match never hides the context of the next one, and starting
# from the mark is several times faster than a look-behind tried at every character.
_EXTRA_END = regex.compile(
    r"[\u0964\u0965\u061f\u06d4\u3002\uff01\uff1f]\s*"  # danda, Arabic ? and full stop, CJK marks
    # a pipe typed for a danda, between Devanagari words
    r"|\p{Devanagari}\s?\|\s+(?=\p{Devanagari})"
    # a full stop with no space after it between words of a script without capitals, where
    # no abbreviation is likely: at least three characters before it and two after
    r"|[\p{Arabic}\p{Hebrew}\p{Devanagari}]{3}\.(?=[\p{Arabic}\p{Hebrew}\p{Devanagari}]{2})"
)


# Every match of _EXTRA_END needs one of these characters: text without them (English with
# curly quotes, French, Greek...) is not searched at all.
_EXTRA_SCRIPTS = re.compile(
    "[\u0591-\u06ff\u0750-\u077f\u0870-\u097f\u3002\ua8e0-\ua8ff\ufb1d-\ufdff\ufe70-\uff1f"
    "\U00010e60-\U00010e7e\U00010ec2-\U00010eff\U00011b00-\U00011b09\U0001ee00-\U0001eef1]"
)


# Punkt learns abbreviations from capitalisation, which these scripts lack, so it ends a
# sentence after every dotted acronym ("सी.ओ.पी."); such a cut is undone.
_ACRONYM_END = regex.compile(r"(?:^|\s)(?:[\p{Arabic}\p{Hebrew}\p{Devanagari}]{1,2}\.){2,}$")


# A number of one to three digits with a stop, then a digit: a decimal whose point a copy
# spaced out ("$2. 6-million", "an 8. 6-magnitude quake"), not a sentence end (news does not
# start a sentence with a numeral); the cut Punkt makes there is undone.
_DECIMAL_END = re.compile(r"(?<![\d.,])\d{1,3}\.$")


# A first word that closes a bracket: what a cut inside brackets left of a word or an acronym.
_CLOSING_WORD = re.compile(r"[^\s()]{1,15}\)")


# A blank line ends a sentence even inside one paragraph (input that skipped cleaning).
_BLANK_LINE = regex.compile(r"\n[^\S\n]*\n")


def _punkt_spans(paragraph: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    block_start = 0
    for block_end in [m.start() for m in _BLANK_LINE.finditer(paragraph)] + [len(paragraph)]:
        block = paragraph[block_start:block_end]
        for _, (start, end) in tokenizer().tokenize_with_spans(block):
            start, end = block_start + start, block_start + end
            previous = spans[-1] if spans and spans[-1][0] >= block_start else None
            if previous and _false_end(paragraph[previous[0] : previous[1]].rstrip(), paragraph[start:end]):
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        block_start = block_end
    return spans


def _false_end(sentence: str, following: str) -> bool:
    """Whether Punkt cut after `sentence` where no sentence ends (`following`: the next piece it
    cut): after a dotted acronym of a script without capitals, inside a decimal, or inside
    brackets that the next piece's first word closes ("(in this case, iexplore. exe)",
    "(डबल्यू. एफ़.पी)")."""
    if _ACRONYM_END.search(sentence) or (following[:1].isdigit() and _DECIMAL_END.search(sentence)):
        return True
    return _in_brackets(sentence, following)


def _in_brackets(before: str, after: str) -> bool:
    """Whether a cut between `before` and `after` falls inside brackets that the first word after it closes."""
    return before.count("(") > before.count(")") and _CLOSING_WORD.match(after) is not None


def _spans(paragraph: str) -> list[tuple[int, int]]:
    """Sentence spans inside one paragraph, stripped of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    # Most paragraphs have no mark of another script at all: searched once, not per sentence.
    extra = _EXTRA_SCRIPTS.search(paragraph) is not None
    for start, end in _punkt_spans(paragraph):
        piece = paragraph[start:end]
        cuts = [0, *_extra_ends(piece), len(piece)] if extra else [0, len(piece)]
        for a, b in zip(cuts, cuts[1:]):
            sub = piece[a:b]
            lead = len(sub) - len(sub.lstrip())
            trail = _before_stray_stops(sub, lead, len(sub.rstrip()))
            if trail > lead:
                spans.append((start + a + lead, start + a + trail))
    return spans


_STOPS = frozenset(".!?…")


def _before_stray_stops(sub: str, lead: int, trail: int) -> int:
    """Where the sentence `sub[lead:trail]` ends without stops typed again after its own
    ("... this country. ." ends after "country."): they are no sentence of their own either."""
    tail = trail
    while tail > lead and (sub[tail - 1] in _STOPS or sub[tail - 1].isspace()):
        tail -= 1  # back over the run of stops and spaces that ends the sentence
    end = tail
    while end < trail and sub[end] in _STOPS:
        end += 1  # the sentence's own stops
    return end if tail < end < trail else trail


@lru_cache(maxsize=1 << 16)
def _opening_spans(paragraph: str, first: bool) -> tuple[tuple[int, int], ...]:
    """`_spans` of a paragraph, cut after the publication stamp that opens it, or, in an
    article's first paragraph, the dateline.

    Kept for the paragraphs seen last: wire copy repeats paragraphs word for word across
    outlets (in the 10k benchmark corpus a worker meets 30% of its paragraphs again, which
    saves it a fifth of its splitting time).
    """
    cut = opener_end(paragraph, first)
    if not cut or not paragraph[cut:].strip():
        return tuple(_spans(paragraph))
    return ((0, len(paragraph[:cut].rstrip())), *((cut + a, cut + b) for a, b in _spans(paragraph[cut:])))


def _extra_ends(piece: str) -> list[int]:
    """Offsets inside `piece` after the sentence ends Punkt does not know, in order."""
    if not _EXTRA_SCRIPTS.search(piece):
        return []
    ends = {m.end() for m in _EXTRA_END.finditer(piece, overlapped=True) if 0 < m.end() < len(piece)}
    return sorted(end for end in ends if not _in_brackets(piece[:end], piece[end:]))


def split(article: Article) -> tuple[Sentence, ...]:
    """Every sentence of `article`, in order, with offsets into `article.text`; a dateline that
    opens it ("Samedi 8 janvier 2005", "WASHINGTON (AP) —"), or a publication stamp that opens a
    paragraph ("Published: 09th June 2013"), is a sentence of its own."""
    return from_spans(article, packed(article))


def packed(article: Article) -> bytes:
    """`to_spans(split(article))`, without making the Sentence records: what the pipeline
    caches for every article, most of which a rebuild never turns into sentences."""
    offsets = array("q")
    offset = 0
    for number, paragraph in enumerate(article.paragraphs):
        for start, end in _opening_spans(paragraph, first=number == 0):
            offsets.append(offset + start)
            offsets.append(offset + end)
        offset += len(paragraph) + 2  # the "\n\n" that Article.text puts between paragraphs
    return offsets.tobytes()


def to_spans(found: Sequence[Sentence]) -> bytes:
    """The offsets of `split`'s sentences, packed: what the pipeline caches instead of the
    records themselves (a fraction of their size, and loaded without building objects)."""
    return array("q", [offset for s in found for offset in (s.start, s.end)]).tobytes()


def from_spans(article: Article, spans: bytes) -> tuple[Sentence, ...]:
    """The sentences of `article` again from `to_spans` of an earlier `split`."""
    offsets = array("q")
    offsets.frombytes(spans)
    text = article.text
    return tuple(
        Sentence(article_id=article.id, index=k, start=start, end=end, text=text[start:end])
        for k, (start, end) in enumerate(zip(offsets[::2], offsets[1::2]))
    )
