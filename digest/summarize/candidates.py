"""Which sentences may become summary points, and which copy of a point reads best.

A point is shown alone, out of its article, so it has to stand on its own: long enough
to say something, a statement that ends like one (not a question, not a heading or a
caption without a full stop), not a quotation whose speaker is in another sentence, and
no leftover web clutter (links, @handles, bullets of symbols).
"""

from __future__ import annotations

import re

import regex

from ..text import count_words

MIN_WORDS = 6
# Longer "sentences" are nearly always several glued together (a failed split, a caption
# run into the text); they would also eat a third of a briefing.
MAX_WORDS = 80

_CLUTTER = re.compile(r"https?://|www\.|\S@\S|(?:^|\s)@\w|\w\.(?:com|org|net)\b", re.IGNORECASE)
_OPEN_QUOTES = "\"“„«‘'‚‹"
_CLOSE_QUOTES = "\"”»’'‹›“"
# full stop, exclamation, ellipsis, Devanagari danda (and the pipe typed for it), Arabic and CJK full stops
_STATEMENT_ENDS = (".", "!", "\u2026", "\u0964", "\u0965", "|", "\u06d4", "\u3002", "\uff01")


def is_candidate(text: str, n: int | None = None) -> bool:
    """True when `text` (of `n` words, when the caller has counted them) can be shown as a point."""
    n = count_words(text) if n is None else n
    if n < MIN_WORDS or n > MAX_WORDS:
        return False
    if not _ends_a_statement(text) or _has_clutter(text):  # a question does not end a statement
        return False
    if not _mostly_letters(text) or _starts_mid_sentence(text):
        return False
    return not is_bare_quote(text)


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
    """Links, addresses and handles; the regex runs only when one of its anchors is there."""
    if "@" not in text and "/" not in text:
        low = text.lower()
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
