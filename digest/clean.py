"""Stage 2: keep an article's own prose and drop what a web page wraps around it.

Dropped: photo captions and credits, share / read-more / comment-form / contact lines, copyright
and agency credit lines, embedded tweets, section dividers, kickers and short headings, lines with
no letters, lines repeated inside an article, and lines an outlet prints in many of its articles.
What is kept stays verbatim apart from whitespace: summaries quote it and cite it. Datelines and
publication stamps run into a sentence are kept: the sentence splitter makes each a sentence of
its own, and events read their date and place.

The rules work on lines. A raw paragraph may hold several lines (a caption block, bullet points,
hard-wrapped prose); after cleaning, a line that continues an unfinished sentence is joined to the
one before, and every other line is a paragraph of its own.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .models import Article, Notice
from .read import short_hash

# An outlet's line is boilerplate when it is in at least this many of its articles...
BOILERPLATE_MIN_ARTICLES = 5
# ...and in at least this share of them...
BOILERPLATE_MIN_SHARE = 0.5
# ...and is short, unless it is in this many: a few updates of one story share long sentences.
BOILERPLATE_LONG_MIN_ARTICLES = 10
# Longer lines are prose even when they look like a widget label...
MAX_LABEL_WORDS = 25
# ...or a picture credit.
MAX_CREDIT_WORDS = 12

# Characters that end a sentence (or a clause that leads into a quote or a list).
_SENTENCE_END = frozenset('.!?…:;"”’\'»)]' + "।॥。！？؟")

# A list bullet at the start of a line; the item text is kept.
_BULLET_MARKS = "•●◦▪‣·*"
_BULLET = re.compile(rf"[{_BULLET_MARKS}-]\s+")
# The next item of a list run into one line ('* AP - "... 121,000." * BBC - "..."'): a bullet
# after a sentence's end (not a dash, which also joins clauses).
_RUN_ON_BULLET = re.compile(rf"(?<=[.!?…\"”»])\s+[{_BULLET_MARKS}]\s+")
# Share, read-more, comment-form, contact and navigation lines.
_WIDGET = re.compile(
    r"(?:source link|read more\b.*|read the (?:full|original) (?:story|article)\b.*|leave a (?:reply|comment)"
    r"|(?:your )?e-?mail address will not be published\b.*|required fields are marked\b.*|contact us"
    r"|share (?:this|on)\b.*|click here\b.*|subscribe (?:to|now)\b.*|sign up for\b.*|advertisement"
    r"|(?:sound off|tell us(?: what you think)?|let us know(?: what you think)?|share your (?:thoughts|views))"
    r"(?: in the comments?(?: (?:below|section))?)?|join the (?:conversation|discussion)"
    r"|related (?:articles|stories|coverage|news)|skip to (?:main )?content|back to top)\W*",
    re.I,
)
# Copyright notices: "Copyright CNBC", "© 2022 Reuters", "(c) 2021 X", "... All rights reserved."
_COPYRIGHT = re.compile(r"(?:copyright\b|©|\(c\)\s).*|.*\ball rights reserved\b.*", re.I)
# Agency and staff credits: "With reports from Reuters, AP and AFP", "Reporting by X; Editing by Y".
_AGENCY = re.compile(
    r"\(?(?:with (?:reports|reporting|input|files) from|(?:additional )?reporting by|writing by"
    r"|editing by|compiled by|(?:this|the) (?:story|article|report) (?:was|has been) (?:updated|corrected))\b.*",
    re.I,
)
# Credits that open with a label: "Photo: AFP", "Image credit: ...", "Photograph by ...", "Source: Reuters".
_CREDIT_LABEL = re.compile(
    r"(?:photo(?:graph)?|image|picture|video|credit|file photo|source)s?(?:\s+credits?)?\s*(?::|\||©|/|by\b).*",
    re.I,
)
# "Name | Outlet" under a picture: two short parts joined by a bar, no sentence punctuation.
_PIPE_CREDIT = re.compile(r"[^|.!?]{2,60}\|[^|.!?]{2,40}")
# A short line all in parentheses without a sentence in it: "(AFP)", "(Photo by X/AFP via Getty Images)".
_PAREN_CREDIT = re.compile(r"\([^().!?]{1,80}\)")
# Picture agencies and press offices: an unpunctuated short line naming one is a credit.
_CREDIT_NAME = re.compile(
    r"\b(?:getty images|reuters|afp|ap photo|associated press|epa|shutterstock|xinhua|anadolu|handout"
    r"|press (?:service|office)|via)\b",
    re.I,
)
# The signature under an embedded tweet: "— Name (@handle) December 31, 2021".
_TWEET_SIGNATURE = re.compile(r"[—–-]+\s*.{0,80}\(@\w{1,15}\)\s*(?:[A-Za-z]+\.? \d{1,2}, \d{4})?")
# A picture link that only embedded tweets carry.
_TWEET_PICTURE = re.compile(r"\bpic\.twitter\.com/\w+")
# Where one sentence of a line ends and the next begins, for reader prompts.
_SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+")
# A section divider wrapped in dashes: "-The U.S. warns of severe sanctions-", "— More —".
_DIVIDER = re.compile(r"[-–—=~]+\s*[^-–—=~]{0,80}?\s*[-–—=~]+")


@dataclass
class _Line:
    text: str
    paragraph: int  # index of the raw paragraph it came from
    bullet: bool = False
    keep: bool = True


def clean_article(article: Article) -> Article:
    """The article with clutter lines removed and whitespace normalised inside each paragraph."""
    lines = _split_lines(article.paragraphs)
    _mark_clutter(lines)
    _mark_repeats(lines)
    return replace(article, paragraphs=tuple(_join(lines)))


def clean(articles: Sequence[Article]) -> tuple[list[Article], list[Notice]]:
    """Clean every article, drop each outlet's recurring lines, account for articles left empty."""
    return clean_corpus([clean_article(article) for article in articles])


def clean_corpus(
    cleaned: Sequence[Article], keys: Sequence[Sequence[int]] | None = None
) -> tuple[list[Article], list[Notice]]:
    """The cross-corpus rules over articles that `clean_article` has already cleaned; `keys` are
    their `paragraph_keys`, when the processes that cleaned them made those too."""
    keys = [paragraph_keys(article) for article in cleaned] if keys is None else keys
    boilerplate = _outlet_boilerplate(cleaned, keys)
    shared_paths = Counter(article.path for article in cleaned)
    kept: list[Article] = []
    notices: list[Notice] = []
    for article, article_keys in zip(cleaned, keys):
        recurring = boilerplate.get(article.outlet)
        paragraphs = (
            tuple(p for p, key in zip(article.paragraphs, article_keys) if key not in recurring)
            if recurring else article.paragraphs
        )
        record = article.id if shared_paths[article.path] > 1 or not article.path else ""
        if not paragraphs:
            notices.append(Notice(article.path, "no article text left after cleaning", skipped=True, record=record))
            continue
        # The same object when nothing was cut: the pipeline keeps the work done on it.
        kept.append(article if paragraphs == article.paragraphs else replace(article, paragraphs=paragraphs))
    return _unique_ids(kept, notices)


# ---------------------------------------------------------------------------------------------
# Per-article rules
# ---------------------------------------------------------------------------------------------


def _split_lines(paragraphs: Sequence[str]) -> list[_Line]:
    """Every non-empty line, whitespace collapsed, with its bullet marker taken off."""
    lines = []
    for index, paragraph in enumerate(paragraphs):
        for raw in paragraph.split("\n"):
            text = " ".join(raw.split())
            if _DIVIDER.fullmatch(text):  # before bullets: "-Heading-" is not a list item
                lines.append(_Line(text, index, keep=False))
                continue
            bullet = None if _TWEET_SIGNATURE.fullmatch(text) else _BULLET.match(text)
            if bullet:
                text = text[bullet.end() :]
            for item in _RUN_ON_BULLET.split(text) if bullet else [text]:
                if item:
                    lines.append(_Line(item, index, bullet=bool(bullet)))
    return lines


def _mark_clutter(lines: list[_Line]) -> None:
    for index, line in enumerate(lines):
        above = lines[index - 1] if index else None
        same_block = above if above and above.paragraph == line.paragraph else None
        # False for the rest of a hard-wrapped sentence: "read more about it." there is prose
        fresh = same_block is None or not same_block.keep or _ends_sentence(same_block.text)
        if _TWEET_SIGNATURE.fullmatch(line.text):
            line.keep = False
            if above:
                above.keep = False  # the tweet's own text sits right above its signature
        elif _is_credit(line.text, fresh):
            line.keep = False
            if same_block:
                same_block.keep = False  # a caption and its credit form one block
                below = lines[index + 1] if index + 1 < len(lines) else None
                if below and _key(below.text) == _key(same_block.text):
                    below.keep = False  # pages often print the caption again under the credit
        elif _is_clutter(line.text, fresh):
            line.keep = False


def _is_credit(text: str, fresh: bool) -> bool:
    """A photo or picture-agency credit line; only the bar and bracket forms may end a wrapped line."""
    words = _words(text)
    if words > MAX_CREDIT_WORDS:
        return False
    if _PIPE_CREDIT.fullmatch(text) or _PAREN_CREDIT.fullmatch(text):
        return True
    named = words <= 8 and not _ends_sentence(text) and bool(_CREDIT_NAME.search(text))
    return fresh and (named or bool(_CREDIT_LABEL.fullmatch(text)))


def _is_clutter(text: str, fresh: bool) -> bool:
    """Lines that are not prose: no letters, tweet pictures, and (when not a wrapped sentence's rest) labels."""
    if not any(ch.isalpha() for ch in text) or _TWEET_PICTURE.search(text):
        return True
    if not fresh:
        return False
    if _words(text) <= MAX_LABEL_WORDS:
        if any(rule.fullmatch(text) for rule in (_WIDGET, _COPYRIGHT, _AGENCY)):
            return True
        # a reader's prompt: questions, then a widget ("What do you think? Sound off in the comments below!")
        *asked, last = _SENTENCE_BREAK.split(text)
        if asked and all(q.endswith("?") for q in asked) and _WIDGET.fullmatch(last):
            return True
    return _is_short_heading(text)


def _is_short_heading(text: str) -> bool:
    """A kicker or heading: at most three words and no sentence punctuation ("politics", "Contact Us")."""
    return len(text) <= 40 and _words(text) <= 3 and not _ends_sentence(text)


def _words(line: str) -> int:
    """The words of a line of `_split_lines`, whose spaces are single and inner: a count of
    spaces instead of a split, as the rules ask three times per line."""
    return line.count(" ") + 1 if line else 0


def _ends_sentence(text: str) -> bool:
    return bool(text) and text[-1] in _SENTENCE_END


def _key(text: str) -> str:
    """Lines that differ only in case or spacing are the same line."""
    if "  " in text or not text.isprintable():  # a whitespace run, or a newline or tab in it
        text = " ".join(text.split())
    elif text[:1] == " " or text[-1:] == " ":
        text = text.strip(" ")
    return text.casefold()


def _mark_repeats(lines: list[_Line]) -> None:
    """Keep the first of lines repeated inside an article (pull quotes, captions printed twice)."""
    seen: set[str] = set()
    for line in lines:
        if line.keep:
            key = _key(line.text)
            line.keep = key not in seen
            seen.add(key)


def _join(lines: list[_Line]) -> list[str]:
    """Paragraphs of the kept lines: a line that continues an unfinished sentence joins the one before."""
    paragraphs: list[str] = []
    for index, line in enumerate(lines):
        if not line.keep:
            continue
        above = lines[index - 1] if index else None
        continues = (
            above is not None and above.keep and above.paragraph == line.paragraph
            and not line.bullet and not _ends_sentence(above.text)
        )
        if continues:
            paragraphs[-1] += " " + line.text
        else:
            paragraphs.append(line.text)
    return paragraphs


# ---------------------------------------------------------------------------------------------
# Cross-corpus rules
# ---------------------------------------------------------------------------------------------


def paragraph_keys(article: Article) -> tuple[int, ...]:
    """Each paragraph of an article with an outlet as the outlet rules compare them (none without
    one): a 56-bit hash of its `_key`, and its word count (at most 255) in the low byte.

    Made where the article is read and cleaned, on the workers: the corpus rules, in the main
    process between the two passes, then only count numbers. Two distinct paragraphs of one
    outlet share a hash about once in 10^7 corpora of 200,000 paragraphs.
    """
    return tuple(map(_paragraph_key, article.paragraphs)) if article.outlet else ()


def _paragraph_key(paragraph: str) -> int:
    key = _key(paragraph)
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=7).digest()
    words = key.count(" ") + 1 if key else 0  # `_key` leaves single spaces between words only
    return int.from_bytes(digest, "big") << 8 | min(words, 255)


def _outlet_boilerplate(articles: Sequence[Article], keys: Sequence[Sequence[int]]) -> dict[str, frozenset[int]]:
    """Per outlet, the paragraphs found in many of its articles (newsletter plugs, legal notes);
    `keys` are each article's `paragraph_keys`.

    Articles without a known outlet are left alone: unrelated sources share no template, and
    copies of one wire story would otherwise lose their common sentences.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    sizes: Counter[str] = Counter()
    for article, article_keys in zip(articles, keys):
        if article.outlet:
            sizes[article.outlet] += 1
            counts[article.outlet].update(set(article_keys))
    return {
        outlet: frozenset(
            key for key, found in counts[outlet].items()
            if found >= BOILERPLATE_MIN_ARTICLES and found >= BOILERPLATE_MIN_SHARE * size
            and ((key & 0xFF) <= MAX_LABEL_WORDS or found >= BOILERPLATE_LONG_MIN_ARTICLES)
        )
        for outlet, size in sizes.items()
    }


def _unique_ids(articles: list[Article], notices: list[Notice]) -> tuple[list[Article], list[Notice]]:
    """Two files can slug to one id ("a.txt", "a.md"): the later one gets a hash of its path."""
    seen: set[str] = set()
    unique = []
    for article in articles:
        if article.id in seen:
            new_id = f"{article.id}-{short_hash(article.path + '#' + article.title)}"
            notices.append(Notice(article.path, f"id '{article.id}' already taken; renamed '{new_id}'"))
            article = replace(article, id=new_id)
        seen.add(article.id)
        unique.append(article)
    return unique, notices
