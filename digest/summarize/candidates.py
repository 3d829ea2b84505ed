"""Which sentences may become summary points, and which copy of a point reads best.

A point is shown alone, out of its article, so it has to stand on its own: long enough
to say something, a statement that ends like one (not a question, not a heading or a
caption without a full stop), not a quotation whose speaker is in another sentence, not an
author's "I", "we" or "you" (a blog's, a column's) outside quotation marks, and no leftover
web clutter (links, @handles, bullets of symbols, talk of a link that is gone).
Whether a sentence is part of a quotation that other sentences open or close takes its
paragraph (`in_quotations`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence

import regex

from ..openers import is_stamp
from ..text import count_words

MIN_WORDS = 6
# Longer "sentences" are nearly always several glued together (a failed split, a caption
# run into the text); they would also eat a third of a briefing.
MAX_WORDS = 80

# (a link may come spaced out, as ECB+ writes them: "http: / / bit. ly")
_CLUTTER = re.compile(r"https?\s?:\s?/\s?/|www\.|\S@\S|(?:^|\s)@\w|\w\.(?:com|org|net)\b", re.IGNORECASE)
# A sentence that points at a link the copy no longer has: "The patch can be downloaded here."
_LINK_TALK = re.compile(
    r"\b(?:click|tap|download(?:ed)?|available|found|read|watch|listen|register|sign up)\b.*\bhere\W*$"
    r"|\b(?:this|the following|the) link\b|\blinks? below\b",
    re.IGNORECASE,
)
_OPEN_QUOTES = "\"“„«‘'‚‹"
_CLOSE_QUOTES = "\"”»’'‹›“"
# full stop, exclamation, ellipsis, Devanagari danda (and the pipe typed for it), Arabic and CJK full stops
_STATEMENT_ENDS = (".", "!", "\u2026", "\u0964", "\u0965", "|", "\u06d4", "\u3002", "\uff01")


def is_candidate(text: str, n: int | None = None, language: str | None = None) -> bool:
    """True when `text` (of `n` words, when the caller has counted them; in `language`) can be
    shown as a point."""
    n = count_words(text) if n is None else n
    if n < MIN_WORDS or n > MAX_WORDS:
        return False
    if not _ends_a_statement(text) or _has_clutter(text):  # a question does not end a statement
        return False
    if not _mostly_letters(text) or _starts_mid_sentence(text):
        return False
    return not is_bare_quote(text) and not is_stamp(text) and not in_own_voice(text, language)


# Quoted words, to be left out of `in_own_voice`: a closed quotation, or an open one to the
# end of the sentence; a single quote opens one after a space only ("she said 'I ran").
_QUOTED = re.compile(r"""“[^”]*(?:”|$)|«[^»]*(?:»|$)|"[^"]*(?:"|$)|(?:^|(?<=\s))[‘'][^’']*(?:[’'](?!\w)|$)""")
# The pronouns of the first and second person, per language whose pronouns are listed here
# ("us", not "US"; "I" but not "i").
_OWN_VOICE = {
    "en": re.compile(
        r"\b(?:I(?:['’](?:m|ve|d|ll))?|[Mm]e|[Mm]y|mine|myself|[Ww]e(?:['’](?:re|ve|ll|d))?|us|[Oo]urs?|ourselves"
        r"|[Yy]ou(?:['’](?:re|ve|ll|d))?|[Yy]ours?|yoursel(?:f|ves))\b"
    )
}


def in_own_voice(text: str, language: str | None) -> bool:
    """Whether `text` speaks as "I", "we" or "you" outside quotation marks: a blogger's or
    columnist's own voice ("I'm glad we got the verdict we got.", "Go ahead and start throwing
    your credit cards at the screen, folks."), or a quotation that lost its marks. Shown as a
    point it would read as the briefing's own statement, as a bare quotation would.

    A capitalised pronoun right after a capitalised word other than the first is part of a name
    ("World War I", "Annex I", the "Sea Me We 4" cable), and "I" before a full stop or hyphen an
    initial or a road ("I-95").
    """
    pattern = _OWN_VOICE.get(language or "")
    if pattern is None:
        return False
    plain = _QUOTED.sub(" ", text)
    for found in pattern.finditer(plain):
        word = found.group()
        if word[0].isupper():
            words_before = plain[: found.start()].split()
            previous = words_before[-1] if len(words_before) > 1 else ""  # not the sentence's first word ("Surely I was")
            if plain[found.start() - 1 : found.start()] == " " and previous[:1].isupper() and previous[-1].isalnum():
                continue
            if word == "I" and plain[found.end() : found.end() + 1] in (".", "-"):
                continue
        return True
    return False


def defects(text: str) -> int:
    """How many signs of a damaged copy `text` shows; the least damaged copy is shown.

    Copies of one sentence lose quote marks, apostrophes and dashes on their way through
    feeds and scrapers; a double space where a dash was, or quotes that do not pair up,
    give them away.
    """
    found = 0
    if "  " in text:
        found += 1
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        found += 1
    first = text.lstrip()[:1]
    if first and not (first.isalnum() or first in _OPEN_QUOTES):
        found += 1  # a bullet or dash left in front
    return found


def is_bare_quote(text: str) -> bool:
    """A sentence that is one quotation from end to end, so its speaker is elsewhere."""
    stripped = text.strip()
    if not stripped or stripped[0] not in _OPEN_QUOTES:
        return False
    body = stripped.rstrip(".…!;:,) ")
    if not body or body[-1] not in _CLOSE_QUOTES:
        return False
    inner = body[1:-1]
    return not any(mark in inner for mark in "\"“”«»")


def _has_clutter(text: str) -> bool:
    """Links, addresses and handles, or talk of a link; each regex runs only when one of its anchors is there."""
    low = text.lower()
    if ("here" in low or "link" in low) and _LINK_TALK.search(text):
        return True
    if "@" not in text and "/" not in text:
        if "www." not in low and ".com" not in low and ".org" not in low and ".net" not in low:
            return False
    return _CLUTTER.search(text) is not None


def _ends_a_statement(text: str) -> bool:
    """Ends with a full stop or the like; headings, bylines and captions mostly do not."""
    return text.rstrip(_CLOSE_QUOTES + ")]} \u00a0")[-1:] in _STATEMENT_ENDS


_NOT_LETTER = regex.compile(r"[^\p{L}\p{M}]+")
_ASCII = bytes(range(128))
_ASCII_NOT_LETTER = bytes(c for c in _ASCII if not chr(c).isalpha())


def _mostly_letters(text: str) -> bool:
    """At least half the characters that are not spaces are letters (or their marks)."""
    # ASCII letters alone, counted by deleting bytes (much faster than a regex), against
    # every character, settle it for most Latin-script text
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _ASCII_NOT_LETTER))
    if 2 * ascii_letters >= len(text):
        return True
    chars = len("".join(text.split()))
    if 2 * ascii_letters >= chars:
        return True
    return not text.isascii() and 2 * len(_NOT_LETTER.sub("", text)) >= chars


def _starts_mid_sentence(text: str) -> bool:
    """A lower-case first letter in a script with case: the rest of a badly split sentence."""
    for c in text:
        if c.isalpha():
            return c.islower() and c.upper() != c
        if c.isdigit():
            return False
    return False


# How many sentences a quotation with a missing end is taken to reach: a stray or lost mark
# (one quote in a long, single-paragraph text) must not silence the rest of the article.
QUOTE_REACH = 3
# Quotation marks and paragraph breaks, for `in_quotations`. An ASCII single quote opens a
# quotation only after a space or an opening bracket and before a letter ("'I'm glad"); one
# after a letter closes one if a quotation is open (else it is an apostrophe: dogs'); one
# between letters is an apostrophe (don't) and is not matched.
_MARKS = re.compile(r"""\n\n|["“”„«»‘’]|(?P<opens>(?:(?<=^)|(?<=[\s(\[—–-]))'(?=[^\W\d_]))|(?<=\S)'(?![^\W\d_])""")
# Where a mark may start. `re` skips ahead to these characters only in a pattern that starts
# with them, not in _MARKS (its lookbehinds come first): scanning for them, and trying _MARKS
# only there, finds the same marks about ten times faster.
_MARK_STARTS = re.compile(r"""[\n"“”„«»‘’']""")


def _marks(text: str) -> Iterator[re.Match[str]]:
    """The matches of _MARKS.finditer(text)."""
    end = 0
    for candidate in _MARK_STARTS.finditer(text):
        at = candidate.start()
        if at >= end and (found := _MARKS.match(text, at)):  # match() sees what comes before `at`
            end = found.end()
            yield found


def in_quotations(text: str, spans: Sequence[tuple[int, int]]) -> list[bool]:
    """For each sentence (offsets into `text`, in order), whether it lies inside a quotation
    that another sentence opens or closes: shown alone it would state as fact what someone
    said, and its speaker is elsewhere.

    A sentence that opens a quotation itself ('He said: "We won.') keeps its speaker, unless
    the quotation is all it holds from its first character and goes on past its end. News
    opens each paragraph of a long quotation again, so a quotation runs at most to the end
    of its paragraph; a closing mark with nothing open ends one begun in an earlier
    paragraph, and the sentences before it in its paragraph are inside. A quotation with
    one end missing reaches at most QUOTE_REACH sentences.
    """
    starts = [start for start, _ in spans]
    inside = [False] * len(spans)
    opens_bare: set[int] = set()  # sentences whose first character opens a quotation
    double: tuple[int, str] | None = None  # (sentence, mark) that opened the double quotation now open
    single: int | None = None
    first = 0  # the first sentence of the current paragraph
    for found in _marks(text):
        mark, k = found.group(), bisect_right(starts, found.start()) - 1  # k: the sentence holding it
        if mark == "'":
            mark = "‘" if found.group("opens") else "’"
        elif mark == '"':
            mark = _double_role(text, found.start(), double is not None)
            if not mark or (mark == "”" and double is None and not _ends_before(text, found.start())):
                # with nothing open, only a mark right after a sentence's end is sure to close a
                # quotation; elsewhere it is too often something else (an inch, a Hebrew prefix)
                continue
        at_start = found.start() == starts[k] if k >= 0 else False
        if mark == "\n\n":
            for opener in (double[0] if double else None, single):
                if opener is not None:
                    _spanned(inside, opener, min(k, opener + QUOTE_REACH), opener in opens_bare)
            double, single, first = None, None, k + 1
        elif mark == "‘":
            single = k
            if at_start:
                opens_bare.add(k)
        elif mark == "’":
            if single is not None:
                _spanned(inside, single, k, single in opens_bare and k > single)
                single = None
        elif double is None:
            if mark in "”»":  # closes what an earlier paragraph opened
                for j in range(max(first, k - QUOTE_REACH + 1), k + 1):
                    inside[j] = True
            else:
                double = (k, mark)
                if at_start:
                    opens_bare.add(k)
        elif mark == "“" and double[1] in "“«":
            double = (k, mark)  # a quotation reopened: the one before was never closed
            if at_start:
                opens_bare.add(k)
        elif mark != "„":
            _spanned(inside, double[0], k, double[0] in opens_bare and k > double[0])
            double = None
    for opener in (double[0] if double else None, single):
        if opener is not None:
            _spanned(inside, opener, min(len(spans) - 1, opener + QUOTE_REACH), opener in opens_bare)
    return inside


def _double_role(text: str, at: int, is_open: bool) -> str:
    """An ASCII double quote as the typographic mark it stands for (`is_open`: whether a double
    quotation is open): opening where a word starts after it, closing where one ends before it;
    none between two letters, where it marks an abbreviation (Hebrew writes gershayim so: צה"ל).

    Between two spaces it tells which only where a sentence or paragraph starts or a sentence or
    clause ends before it, as in copy that spaces its marks out ('" This is a side street. We
    want a stop sign. "', 'green until 95th Avenue, " he said'): there it closes the open
    quotation or opens one before a word; elsewhere it is nothing.
    """
    before, after = text[at - 1 : at] or " ", text[at + 1 : at + 2] or " "
    if before.isspace() and after.isspace():
        if not (at == 0 or before == "\n" or _ends_before(text, at)):
            return ""
        if is_open:
            return "”"
        return "“" if after == " " and text[at + 2 : at + 3].isalnum() else ""
    if before.isalpha() and after.isalpha():
        return ""
    return "“" if (before.isspace() or before in "([—–-") and not after.isspace() else "”"


_CLAUSE_ENDS = frozenset(".!?,…")


def _ends_before(text: str, at: int) -> bool:
    """Whether a sentence or clause ends right before `at`, or before one space there."""
    before = text[max(0, at - 2) : at]
    return before[-1:] in _CLAUSE_ENDS if not before[-1:].isspace() else before[:1] in _CLAUSE_ENDS


def _spanned(inside: list[bool], opener: int, closer: int, bare: bool) -> None:
    """A quotation from sentence `opener` to `closer`: the sentences after the opener are inside
    it, and the opener too when it is `bare`: all quotation from its first character, which goes
    on past its end ('"Until it closes, it will be business as usual.': no speaker in it)."""
    if bare:
        inside[opener] = True
    for j in range(opener + 1, closer + 1):
        inside[j] = True
