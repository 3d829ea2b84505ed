"""Stage 1: turn every file below the seeds folder into raw Articles, and say why when it cannot.

Formats: loose .txt, Markdown with YAML front matter, HTML (trafilatura), JSON and JSON Lines
records, RSS/Atom feeds (feedparser). Reading never raises: a file that gives nothing becomes a
skipped Notice; a file kept with less than it should have (a bad front-matter field, a cut)
becomes a warning Notice. A file (or one record of a file of records) gets at most one Notice,
its problems joined by " | ". Every article runs through the same `_finish` step, so header lines,
dates, outlets and paragraphs follow one set of rules whatever the format.
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import io
import json
import os
import re
import reprlib
import stat
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import frontmatter
import lxml.etree
import lxml.html
import markdown
import yaml

from . import languages
from .models import UNKNOWN, Article, Notice

MAX_FILE_BYTES = 8 * 2**20  # files of records: the largest real corpus is ~3 MB; beyond this only the start is read
MAX_PAGE_BYTES = 2 * 2**20  # one-article files: far above any real page; Markdown and HTML parsing slow down past it
# ~30,000 words, 12x the longest article of the evaluation sets: the rest is a runaway file,
# and every later stage (sentences, summaries) pays for each character of it.
MAX_ARTICLE_CHARS = 200_000
# News dates outside these years are typos or placeholders ("0001-01-01", "9999-12-31").
YEARS = range(1900, 2101)
HEADER_LINES = 6  # title, kicker, date, URL and byline all sit within the first few lines
SNIFF_BYTES = 8192  # how much of a file the binary check looks at

# File signatures of common binary formats that may carry a text extension by mistake.
_MAGIC = {b"\x89PNG": "PNG image", b"PK\x03\x04": "zip archive", b"%PDF": "PDF document",
          b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image", b"\x1f\x8b": "gzip archive"}

# ---------------------------------------------------------------------------------------------
# Dates, URLs and the line shapes of a loose header
# ---------------------------------------------------------------------------------------------

_MONTHS = {name[:3].lower(): number for number, name in enumerate(calendar.month_name) if name}
# A lead word before a date-only line: "Published: ", "Updated ", a weekday "Monday, ".
_LEAD = r"(?:(?:published|posted|updated|dated?)\s*:?\s*)?(?:[a-z]+day,?\s+)?"
# An optional clock time after a date: "10:42 AM ET", "T09:30:00Z", ", 14:05 +0100".
_TIME = r"(?:[T,\s]+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?\s*(?:Z|[a-z]{2,4}|[+-]\d{2}:?\d{2})?)?"
# "2022-01-03", "2022/01/03", "2022.01.03" (year first is never ambiguous).
_YMD_DATE = re.compile(_LEAD + r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})" + _TIME, re.I)
# "20220103"
_COMPACT_DATE = re.compile(_LEAD + r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})", re.I)
# "January 3, 2022", "Jan. 3 2022", "Monday, January 3rd, 2022"
_MDY_DATE = re.compile(_LEAD + r"(?P<m>[a-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _TIME, re.I)
# "3 January 2022", "3rd Jan. 2022"
_DMY_DATE = re.compile(_LEAD + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m>[a-z]{3,9})\.?,?\s+(?P<y>\d{4})" + _TIME, re.I)
_DATE_FORMS = (_YMD_DATE, _COMPACT_DATE, _MDY_DATE, _DMY_DATE)
# A date as a URL path segment: "/2022/01/03/", "/2022-01-03-", "/2013/may/03/".
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>\d{1,2}|[a-z]{3,9})[/-](?P<d>\d{1,2})(?=[/_.-]|$)", re.I)
# A news dateline opening the body: "WASHINGTON, Jan. 3, 2022 (Reuters) - ...", "3 January 2022 — ...".
_DATELINE = re.compile(
    r"(?:[A-Z][A-Za-z .,'-]{1,40}?,\s+)?(?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4})"
    r"\s*(?:\([^()]{1,40}\)\s*)?[-–—]"
)
# A line that is nothing but a web address.
_URL_LINE = re.compile(r"(?:https?://|www\.)\S+", re.I)
# A byline: "By Jane Doe", "By Jane Doe and John Roe, Reuters" (no sentence punctuation at the end).
_BYLINE = re.compile(r"by\s+[^\W\d_][^.!?]{1,80}", re.I)
# A "Copyright 2022 CNBC." / "© The Times. All rights reserved." line; the group is the owner.
_COPYRIGHT = re.compile(
    r"(?:copyright|©|\(c\))\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?(?P<owner>[^.©|]{2,60}?)"
    r"\s*\.?\s*(?:all rights reserved\.?)?",
    re.I,
)
# A headline does not end with these (a sentence or a clause does)...
_SENTENCE_END = ".,;:"
# ...once closing quotes and brackets are set aside.
_CLOSING = "\"'”’»)]"


def parse_date(text: str) -> str | None:
    """ISO date of a string that is only a date (with an optional lead word or clock time)."""
    text = text.strip()
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match and (found := _iso(match["y"], match["m"], match["d"])):
            return found
    return None


def _iso(year: str, month: str, day: str) -> str | None:
    """`YYYY-MM-DD` of the parts, or None if they are not a plausible calendar date."""
    number = int(month) if month.isdigit() else _month_number(month)
    if number is None or int(year) not in YEARS:  # 8-digit ids are not dates
        return None
    try:
        return date(int(year), number, int(day)).isoformat()
    except ValueError:
        return None


def _month_number(word: str) -> int | None:
    """1..12 for an English month name or its abbreviation ("Jan", "Sept", "January")."""
    number = _MONTHS.get(word[:3].lower())
    if number and (calendar.month_name[number].lower().startswith(word.lower()) or word.lower() == "sept"):
        return number
    return None


def _url_date(url: str | None) -> str | None:
    match = _URL_DATE.search(_url_parts(url)[1])
    return _iso(match["y"], match["m"], match["d"]) if match else None


def _domain(url: str | None) -> str | None:
    """`dailytimes.com.pk` for `https://www.dailytimes.com.pk/...`."""
    return _url_parts(url)[0].removeprefix("www.") or None


def _url_parts(url: str | None) -> tuple[str, str]:
    """(host, path) of a URL with or without its scheme; empty for a malformed one."""
    try:
        parts = urlsplit(url if "//" in url else "//" + url) if url else None
        return (parts.hostname or "", parts.path) if parts else ("", "")
    except ValueError:  # "http://[broken" and the like
        return "", ""


def _looks_like_url(text: str) -> bool:
    return bool(_URL_LINE.fullmatch(text.strip()))


# ---------------------------------------------------------------------------------------------
# From text lines to an Article: header, paragraphs, fallbacks (shared by every format)
# ---------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    """What is known of an article before its body is read; fields match `Article`."""

    title: str = ""
    date: str | None = None
    date_source: str = UNKNOWN
    outlet: str | None = None
    outlet_source: str = UNKNOWN
    url: str | None = None
    language: str | None = None  # from metadata; found from the text when None
    tags: tuple[str, ...] = ()
    problems: list[str] = field(default_factory=list)  # warnings about the article, for Notices

    def set_date(self, value: str | None, source: str) -> None:
        if value and not self.date:
            self.date, self.date_source = value, source

    def set_outlet(self, value: str | None, source: str) -> None:
        if value and not self.outlet:
            self.outlet, self.outlet_source = value, source


_TOO_LONG = f"text longer than {MAX_ARTICLE_CHARS:,} characters; the rest is ignored"


class _NoText(ValueError):
    """The input holds no article text; the message says why."""


def _finish(draft: _Draft, text: str, article_id: str, path: str) -> Article:
    """Header lines, paragraphs and the date/outlet/title fallbacks; raises _NoText."""
    if len(text) > MAX_ARTICLE_CHARS:
        text = text[:MAX_ARTICLE_CHARS]
        draft.problems.append(_TOO_LONG)
    text, draft.title = _without_controls(text), " ".join(_without_controls(draft.title).split())
    lines = text.split("\n")
    start = _read_header(lines, draft)
    body = _paragraphs(lines[start:])
    if not body and draft.title and any(_same_text(line, draft.title) for line in lines[:start]):
        body = [draft.title]  # a one-line article: its headline is all the text there is
    if not body:
        raise _NoText("no article text")
    draft.set_date(_url_date(draft.url), "url")
    dateline = _DATELINE.match(body[0])
    draft.set_date(dateline and parse_date(dateline["date"]), "dateline")
    draft.set_outlet(_domain(draft.url), "url")
    draft.set_outlet(_copyright_owner(body), "copyright")
    if not draft.title:
        draft.title = _opening_words(body[0])
        draft.problems.append("no title found; using the opening words")
    # No date is normal (the article says "unknown"), not a degraded read: no notice.
    return Article(
        id=article_id, title=draft.title, paragraphs=tuple(body), path=path,
        date=draft.date, date_source=draft.date_source, outlet=draft.outlet,
        outlet_source=draft.outlet_source, url=draft.url, tags=draft.tags,
        language=draft.language or languages.detect("\n".join(body)),
    )


def _read_header(lines: list[str], draft: _Draft) -> int:
    """Take the kicker, title, date-only, URL-only and byline lines at the top; return where the body starts."""
    looked = 0
    title_seen = False
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if looked == HEADER_LINES:
            return index
        looked += 1
        if found := parse_date(line):
            draft.set_date(found, "header")
        elif _looks_like_url(line):
            draft.url = draft.url or line
        elif _BYLINE.fullmatch(line) and len(line.split()) <= 8:
            pass
        elif not title_seen and _is_kicker(line):
            pass
        elif not title_seen and draft.title and _same_text(line, draft.title):
            title_seen = True  # the known title repeated as the first line of the body
        elif not title_seen and not draft.title and _is_headline(line):
            draft.title, title_seen = line, True
        else:
            return index
    return len(lines)


def _is_kicker(line: str) -> bool:
    """A section label over a headline: "politics", "world news", "BUSINESS"."""
    words = line.split()
    return len(words) <= 3 and len(line) <= 30 and (line.islower() or line.isupper()) and line[-1].isalpha()


def _is_headline(line: str) -> bool:
    """Short, has letters, and does not end like a sentence or a clause (closing quotes aside)."""
    last = line.rstrip(_CLOSING)[-1:]
    return (
        len(line) <= 300 and len(line.split()) <= 30 and last not in _SENTENCE_END
        and any(ch.isalpha() for ch in line)
    )


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated blocks; when the text has no blank line, every line is a paragraph."""
    kept = [line.rstrip() for line in lines]
    filled = [index for index, line in enumerate(kept) if line]
    if not filled:
        return []
    kept = kept[filled[0] : filled[-1] + 1]
    if all(kept):
        return kept
    return re.split(r"\n{2,}", "\n".join(kept))


def _copyright_owner(paragraphs: list[str]) -> str | None:
    """The owner named by the last "Copyright X" line, if it reads like a name."""
    owner = None
    for paragraph in paragraphs:
        for line in paragraph.split("\n"):
            match = _COPYRIGHT.fullmatch(line.strip())
            if match and len(match["owner"].split()) <= 6 and "reserved" not in match["owner"].lower():
                owner = match["owner"].strip()
    return owner


def _opening_words(paragraph: str, count: int = 12) -> str:
    words = paragraph.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


# ---------------------------------------------------------------------------------------------
# Ids: stable, unique within a folder, safe as URL and file names
# ---------------------------------------------------------------------------------------------

# Anything outside the id alphabet [a-z0-9._-].
_NOT_ID = re.compile(r"[^a-z0-9._-]+")
# Runs of dots, so that no id ever contains "..".
_DOTS = re.compile(r"\.{2,}")
# A record id that may be kept as given ("M0000.english", "1_10ecb").
_SAFE_RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def slug(text: str, limit: int = 80) -> str:
    """Lowercase ASCII id made of `text`; "" when nothing of it survives."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    cut = _DOTS.sub(".", _NOT_ID.sub("-", ascii_text)).strip("._-")
    if len(cut) > limit:  # keep long names apart after cutting them
        cut = cut[: limit - 11].strip("._-") + "-" + short_hash(text)
    return cut


def file_id(rel: str) -> str:
    """`000_c48a26ba9f690fd9` for `000_c48a26ba9f690fd9.txt`; folders join with "-"."""
    stem = rel.rsplit(".", 1)[0] if "." in rel.rsplit("/", 1)[-1] else rel
    return slug(stem.replace("/", "-")) or "file-" + short_hash(rel)


def _record_id(given: object, fallback_text: str) -> str:
    """The record's own id when it is safe as is, else a slug plus a hash of it or of the text."""
    if isinstance(given, (str, int)) and str(given).strip():
        given = str(given).strip()
        if _SAFE_RECORD_ID.fullmatch(given) and ".." not in given:
            return given
        return (slug(given, 40) or "record") + "-" + short_hash(given)
    return (slug(_opening_words(fallback_text, 6), 40) or "record") + "-" + short_hash(fallback_text)


# ---------------------------------------------------------------------------------------------
# Records (JSON objects): the CLI and the .json / .jsonl readers
# ---------------------------------------------------------------------------------------------

# Language names used by corpora (TAC MultiLing says "english") mapped to ISO 639-1 codes.
_LANGUAGE_CODES = {
    "arabic": "ar", "chinese": "zh", "czech": "cs", "dutch": "nl", "english": "en", "french": "fr",
    "german": "de", "greek": "el", "hebrew": "he", "hindi": "hi", "italian": "it", "japanese": "ja",
    "polish": "pl", "portuguese": "pt", "romanian": "ro", "russian": "ru", "spanish": "es",
    "turkish": "tr", "ukrainian": "uk",
}
# An ISO 639 code with an optional region: "en", "pt-BR", "en_US".
_LANGUAGE_TAG = re.compile(r"(?P<code>[a-z]{2,3})(?:[-_][a-z0-9]{2,8})*", re.I)


def article_from_record(record: dict, *, path: str = "", record_label: str = "") -> Article:
    """A raw Article from `{id, title, text, date, source, url, language, tags}`; ValueError if no text.

    The record's own id is kept when it is safe as a name; a record without one is named after
    `path` and `record_label` ("input-line-3") when given, else after its opening words.
    """
    article, _ = _record_article(record, path)
    named = "-".join(part for part in (path and file_id(path), slug(record_label)) if part)
    if named and not isinstance(record.get("id"), (str, int)):
        article = replace(article, id=named)
    return article


def _record_article(record: object, path: str, source: str = "record") -> tuple[Article, list[str]]:
    """The article and the warnings about it; ValueError (with the reason) when there is no text."""
    if not isinstance(record, dict):
        raise ValueError(f"not a JSON object but {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no text" if text is None else "'text' is empty or not a string")
    draft = _Draft()
    _apply_fields(draft, record, source)
    try:
        article = _finish(draft, _normalize_newlines(text), _record_id(record.get("id"), text), path)
    except _NoText as error:
        raise ValueError(str(error)) from None
    return article, draft.problems


def _apply_fields(draft: _Draft, fields: dict, source: str) -> None:
    """Copy title, date, source/url, language and tags of a record or front matter; warn on bad values."""
    title = fields.get("title")
    if isinstance(title, str) and title.strip():
        draft.title = " ".join(title.split())
    elif title not in (None, ""):
        draft.problems.append(f"title {_shown(title)} is not text; ignored")
    _apply_date(draft, fields.get("date"), source)
    for key in ("url", "link"):
        if isinstance(fields.get(key), str) and _looks_like_url(fields[key]):
            draft.url = draft.url or fields[key].strip()
    outlet = fields.get("source", fields.get("outlet"))
    if isinstance(outlet, str) and _looks_like_url(outlet):
        draft.url = draft.url or outlet.strip()
    elif isinstance(outlet, str) and outlet.strip():
        draft.set_outlet(outlet.strip(), source)
    _apply_language(draft, fields.get("language", fields.get("lang")))
    _apply_tags(draft, fields.get("tags"))


def _apply_date(draft: _Draft, value: object, source: str) -> None:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):  # YAML reads an unquoted 2022-01-03 as a date
        if value.year in YEARS:
            draft.set_date(value.isoformat(), source)
        else:
            draft.problems.append(f"date {value.isoformat()} is outside {YEARS[0]}-{YEARS[-1]}; ignored")
    elif isinstance(value, str) and value.strip():
        if found := parse_date(value):
            draft.set_date(found, source)
        else:
            draft.problems.append(f"date {_shown(value)} is not a date; ignored")
    elif value is not None and value != "":
        draft.problems.append(f"date {_shown(value)} is not a date; ignored")


def _apply_language(draft: _Draft, value: object) -> None:
    if value is None or value == "":
        return
    text = value.strip().lower() if isinstance(value, str) else ""
    match = _LANGUAGE_TAG.fullmatch(text)
    if text in _LANGUAGE_CODES:
        draft.language = _LANGUAGE_CODES[text]
    elif match:
        draft.language = match["code"]
    else:
        draft.problems.append(f"language {_shown(value)} is not a language code; found from the text instead")


def _apply_tags(draft: _Draft, value: object) -> None:
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, list) and all(isinstance(tag, (str, int, float)) for tag in value):
        draft.tags = tuple(dict.fromkeys(str(tag).strip() for tag in value if str(tag).strip()))
    elif value is not None:
        draft.problems.append(f"tags {_shown(value)} are not a list of words; ignored")


def _shown(value: object) -> str:
    """A short, bounded description of a bad value for a notice.

    YAML aliases can nest lists a billion items deep ("billion laughs") while sharing them in
    memory; a plain repr() would expand them all.
    """
    short = reprlib.Repr()  # attributes, not arguments: Python 3.11
    short.maxlevel, short.maxstring, short.maxother = 1, 60, 60
    short.maxlist = short.maxtuple = short.maxdict = short.maxset = 4
    return short.repr(value)


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Unicode's control characters (category Cc) other than tab, newline, carriage return, form feed.
_CC_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Control characters (tab and newlines aside) and the two non-characters that XML refuses:
# stray bytes of a scraped page, invisible in text, and fatal to lxml.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")


def _without_controls(text: str) -> str:
    # str.replace, not str.translate: translate walks the text in Python-level steps, ten times slower
    return _CONTROLS.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))


# ---------------------------------------------------------------------------------------------
# Discovery and decoding
# ---------------------------------------------------------------------------------------------


def discover(root: Path) -> tuple[list[Path], list[Notice]]:
    """Every regular file below `root`, sorted by relative POSIX path, and a Notice for each one passed over."""
    root = Path(root)
    if not root.is_dir():
        return [], [Notice(".", "the seeds folder does not exist or is not a folder", skipped=True)]
    real_root = root.resolve()
    files: list[Path] = []
    notices: list[Notice] = []
    for path, problem in _walk(root, real_root):
        if problem:
            notices.append(Notice(path.relative_to(root).as_posix(), problem, skipped=True))
        else:
            files.append(path)
    files.sort(key=relative_name(root))
    notices.sort(key=lambda n: n.path)
    return files, notices


def relative_name(root: Path) -> Callable[[Path], str]:
    """The POSIX path relative to `root` of a file `discover` found under it.

    Every such path was made by joining names onto `root`, so slicing its string gives the same
    as `Path.relative_to(...).as_posix()` in a fraction of the time (ten thousand files)."""
    prefix = len(os.path.join(str(Path(root)), ""))
    return lambda path: str(path)[prefix:].replace(os.sep, "/")


def _walk(folder: Path, real_root: Path) -> Iterator[tuple[Path, str]]:
    """(path, "") for each file to read, (path, reason) for each entry passed over."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        yield folder, f"folder cannot be read ({error.strerror or error})"
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            if not entry.is_dir(follow_symlinks=False):
                yield path, "hidden file"
            continue  # hidden folders (.git, .cache) are tooling, not articles: passed over silently
        if entry.is_symlink():
            problem = _symlink_problem(path, real_root)
            if problem:
                yield path, problem
                continue
            mode = _mode(path)
        else:  # the type the folder listing gave: no stat per file (it takes one only where it gave none)
            mode = _entry_mode(entry)
        if mode is None:
            yield path, "cannot be read (stat failed)"
        elif stat.S_ISDIR(mode):
            if entry.is_symlink():
                yield path, "symlink to a folder (its files are read at their own place)"
            else:
                yield from _walk(path, real_root)
        elif not stat.S_ISREG(mode):
            yield path, "not a regular file"  # a FIFO or device would block or never end
        elif not os.access(path, os.R_OK):
            yield path, "file cannot be read (permission denied)"
        else:
            yield path, ""


def _symlink_problem(path: Path, real_root: Path) -> str:
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return "symlink loop"
    except OSError as error:
        return "symlink loop" if "loop" in str(error).lower() else "broken symlink"
    if not target.is_relative_to(real_root):
        return "symlink pointing outside the seeds folder"
    return ""


def _entry_mode(entry: os.DirEntry) -> int | None:
    """`_mode` of a directory entry that is not a symlink: the file type bits only."""
    try:
        if entry.is_dir(follow_symlinks=False):
            return stat.S_IFDIR
        return stat.S_IFREG if entry.is_file(follow_symlinks=False) else entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return None


def _mode(path: Path) -> int | None:
    try:
        return path.stat().st_mode
    except OSError:
        return None


def _binary_kind(data: bytes) -> str | None:
    """Why `data` is not text, or None. UTF-16 text has NUL bytes too, hence the BOM check first."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            return kind
    return "binary data (NUL bytes)" if b"\0" in data[:SNIFF_BYTES] else None


def decode(data: bytes, complete: bool = True) -> tuple[str, str | None]:
    """Text of `data` with LF newlines, and a warning when it was not UTF-8; ValueError if undecodable.

    `complete` is False when `data` is the start of a longer file: a character cut in two at the
    end is then dropped rather than an error.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, warning = _decode_start(data, "utf-16", complete), None
        except UnicodeDecodeError:
            raise ValueError("undecodable: broken UTF-16") from None
    else:
        try:
            text, warning = _decode_start(data, "utf-8-sig", complete), None
        except UnicodeDecodeError:
            text, warning = _decode_broken_utf8(data, complete)
    sample = text[:SNIFF_BYTES]
    controls = len(_CC_CONTROLS.findall(sample))
    if controls > len(sample) // 20:  # real text has next to no control characters
        raise ValueError("undecodable: mostly control characters")
    return _normalize_newlines(text), warning


def _decode_start(data: bytes, encoding: str, complete: bool, errors: str = "strict") -> str:
    return codecs.getincrementaldecoder(encoding)(errors).decode(data, final=complete)


def _decode_broken_utf8(data: bytes, complete: bool) -> tuple[str, str]:
    """UTF-8 with its few bad bytes replaced when it is mostly UTF-8, else Windows-1252.

    A legacy 8-bit file almost never holds a valid UTF-8 multi-byte sequence, while a UTF-8
    file with one damaged byte holds many: read as Windows-1252 it would turn every accent
    into mojibake ("CafÃ©").
    """
    text = _decode_start(data, "utf-8-sig", complete, errors="replace")
    broken = text.count("\ufffd")
    valid = len(text) - len(text.encode("ascii", "ignore")) - broken  # non-ASCII characters decoded
    if valid > broken:
        return text, f"invalid UTF-8 ({broken} bad byte sequence{'s' if broken > 1 else ''} replaced by U+FFFD)"
    return _decode_legacy(data), "not UTF-8; read as Windows-1252"


def _decode_legacy(data: bytes) -> str:
    """Windows-1252; the five bytes it leaves undefined read as Latin-1."""
    return data.decode("latin-1").translate(_CP1252_OVER_LATIN1)


def _cp1252_char(byte: int) -> str | None:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return None


# Latin-1 decoding mapped onto Windows-1252 for 0x80..0x9F (curly quotes, dashes, the euro sign).
_CP1252_OVER_LATIN1 = {b: _cp1252_char(b) for b in range(0x80, 0xA0) if _cp1252_char(b)}


# ---------------------------------------------------------------------------------------------
# Formats
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Input:
    """One file's bytes as read, for the format readers."""

    rel: str  # path relative to the seeds folder, POSIX
    data: bytes
    cut: bool  # only the start of the file was read

    def text(self) -> tuple[str, list[Notice]]:
        """Decoded text and a warning when it was not UTF-8; _NoText when undecodable or blank."""
        try:
            text, warning = decode(self.data, complete=not self.cut)
        except ValueError as error:
            raise _NoText(str(error)) from None
        text = _without_controls(text)
        if not text.strip():
            raise _NoText("only whitespace")
        return text, [Notice(self.rel, warning)] if warning else []


def read_file(path: Path, root: Path, data: bytes | None = None) -> tuple[list[Article], list[Notice]]:
    """The articles of one file and the Notices about it. Never raises.

    `data`: the file's bytes, when the caller has read them already (the pipeline hashes each
    file first): not read a second time."""
    path, root = Path(path), Path(root)
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        return [], [Notice(rel, f"unsupported file type '{path.suffix or '(none)'}'", skipped=True)]
    cap = MAX_FILE_BYTES if reader in _RECORD_READERS else MAX_PAGE_BYTES
    if data is not None:
        data = data[: cap + 1]
    else:
        try:
            with path.open("rb") as handle:
                data = handle.read(cap + 1)
        except OSError as error:
            return [], [Notice(rel, f"cannot be read ({error.strerror or error})", skipped=True)]
    if not data.strip():
        return [], [Notice(rel, "empty file", skipped=True)]
    if kind := _binary_kind(data):
        return [], [Notice(rel, f"binary file ({kind})", skipped=True)]
    source = _Input(rel, data[:cap], cut=len(data) > cap)
    notices = [Notice(rel, f"larger than {cap / 2**20:g} MB; only the start is read")] if source.cut else []
    try:
        articles, more = reader(source)
    except _NoText as error:
        articles, more = [], [Notice(rel, str(error), skipped=True)]
    except Exception as error:  # "never raises": a parser bug must cost one file, not the build
        articles, more = [], [Notice(rel, f"could not be read ({type(error).__name__}: {_first_line(error)})", skipped=True)]
    return articles, merge_notices(notices + more)


def merge_notices(notices: Iterable[Notice]) -> list[Notice]:
    """One notice per file, or per record of a file of records, in order of first appearance.

    The reason that skipped it comes first; the warnings follow, separated by " | ".
    """
    groups: dict[tuple[str, str], list[Notice]] = {}
    for notice in notices:
        groups.setdefault((notice.path, notice.record), []).append(notice)
    merged = []
    for (path, record), group in groups.items():
        group.sort(key=lambda n: not n.skipped)  # stable: otherwise in the order they arose
        reasons = dict.fromkeys(n.reason for n in group)
        merged.append(Notice(path, " | ".join(reasons), skipped=group[0].skipped, record=record))
    return merged


def _single(draft: _Draft, text: str, rel: str, notices: list[Notice]) -> tuple[list[Article], list[Notice]]:
    article = _finish(draft, text, file_id(rel), rel)
    return [article], notices + [Notice(rel, warning) for warning in draft.problems]


def _read_txt(source: _Input) -> tuple[list[Article], list[Notice]]:
    text, notices = source.text()
    return _single(_Draft(), text, source.rel, notices)


# A front matter block that YAML could not read, to be cut off so the body can still be used.
_FRONT_MATTER_BLOCK = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
# An ATX heading line: "# Title", "## Title ##".
_MD_HEADING = re.compile(r"#{1,6}[ \t]+(?P<text>.+?)(?:[ \t]+#+)?[ \t]*")


def _read_markdown(source: _Input) -> tuple[list[Article], list[Notice]]:
    text, notices = source.text()
    draft = _Draft()
    if len(text) > MAX_ARTICLE_CHARS:  # cut before converting: Markdown takes seconds per megabyte
        text = text[:MAX_ARTICLE_CHARS]
        draft.problems.append(_TOO_LONG)
    try:
        fields, body = frontmatter.parse(text)  # python-frontmatter loads YAML with yaml.SafeLoader
        _apply_fields(draft, fields, "front matter")
    except (yaml.YAMLError, ValueError, TypeError) as error:
        draft.problems.append(f"front matter is not valid YAML ({_first_line(error)}); ignored")
        body = _FRONT_MATTER_BLOCK.sub("", text, count=1)
    body = body.lstrip("\n")
    heading = _MD_HEADING.fullmatch(body.split("\n", 1)[0].strip())
    if heading and not draft.title:
        draft.title = " ".join(_html_paragraphs(_to_html(heading["text"])))
        body = body.split("\n", 1)[1] if "\n" in body else ""
    plain = "\n\n".join(_markdown_paragraphs(body))
    if heading and not plain:
        plain = draft.title  # a headline alone is a one-line article, as in a .txt file
    return _single(draft, plain, source.rel, notices)


_BLANK_LINES = re.compile(r"\n\s*\n")  # what ends a paragraph in Markdown and in text taken from HTML
# Anything a Markdown rule could act on: inline markup, escapes, entities and HTML; a line that
# starts a list, quote, heading, rule, code block or setext underline; a hard line break (two
# spaces, or a tab, which the converter expands, at a line's end);
# control characters (Python-Markdown's own placeholders among them).
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>&\x00-\x08\x0b-\x1f\x7f]|^(?:[ \t]|\d+[.)]|[-+=#])|(?:\t[ \t]*| {2,})$", re.M)


def _markdown_paragraphs(body: str) -> list[str]:
    """The plain paragraphs of a Markdown body. News bodies are mostly plain paragraphs that no
    Markdown rule touches; those are split at blank lines directly, as the converter would
    split them, at a fiftieth of its cost."""
    if _MARKDOWN_SYNTAX.search(body):
        return _html_paragraphs(_to_html(body))
    return [" ".join(block.split()) for block in _BLANK_LINES.split(body) if block.strip()]


_MARKDOWN: markdown.Markdown | None = None


def _to_html(text: str) -> str:
    """`markdown.markdown(text)`, on one converter reset each time: building one costs as much
    as converting a short article."""
    global _MARKDOWN
    if _MARKDOWN is None:
        _MARKDOWN = markdown.Markdown()
    return _MARKDOWN.reset().convert(text)


def _first_line(error: Exception) -> str:
    return str(error).strip().split("\n")[0][:120]


def _read_html(source: _Input) -> tuple[list[Article], list[Notice]]:
    text, notices = source.text()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lxml FutureWarnings from inside trafilatura
        import trafilatura  # here, not at the top: a corpus without HTML never pays its import

        found = trafilatura.bare_extraction(
            text, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    draft = _Draft()
    if found is None or not (found.text or "").strip():
        # Too little text for trafilatura's main-content rules: keep every block but scripts and styles.
        draft.title = _html_title(text)
        body = "\n\n".join(_html_paragraphs(text))
    else:
        draft.title = " ".join((found.title or "").split())
        draft.url = found.url if found.url and _looks_like_url(found.url) else None
        url_date = _url_date(draft.url)
        draft.set_date(found.date, "url" if found.date and found.date == url_date else "header")
        draft.set_outlet(found.sitename, "front matter")
        body = found.text
    return _single(draft, body, source.rel, notices)


# An XML declaration, which lxml refuses in an already decoded string (XHTML pages, feed bodies).
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
# Tags whose content is never article text.
_DROPPED_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "head", "figcaption")
# Tags that start a new paragraph.
_BLOCK_TAGS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 blockquote pre br tr td th dt dd section article header footer "
    "aside nav figure ul ol table hr title body".split()
)


def _html_paragraphs(html: str) -> list[str]:
    """Plain paragraphs of an HTML document or fragment: one per block element, whitespace collapsed."""
    try:
        fragment = _without_controls(_XML_DECLARATION.sub("", html, count=1))  # feed entries come here undecoded
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except lxml.etree.ParserError:  # nothing but comments or whitespace
        return []
    for element in list(root.iter(*_DROPPED_TAGS)):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
    blocks = _BLANK_LINES.split(root.text_content())
    return [" ".join(block.split()) for block in blocks if block.strip()]


def _html_title(html: str) -> str:
    match = re.search(r"<title[^>]*>(.*?)</title>", html, re.I | re.S)
    return " ".join(_html_paragraphs(match[1])) if match else ""


def _read_json(source: _Input) -> tuple[list[Article], list[Notice]]:
    text, notices = source.text()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _NoText(f"not valid JSON ({error.msg}, line {error.lineno})") from None
    items = document if isinstance(document, list) else [document]
    labelled = [(f"item {n}", item) for n, item in enumerate(items, 1)]
    return _from_records(labelled, source.rel, notices)


def _read_jsonl(source: _Input) -> tuple[list[Article], list[Notice]]:
    text, notices = source.text()
    lines = text.split("\n")
    if source.cut:
        lines = lines[:-1]  # the last line was cut by the size cap
    labelled = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            labelled.append((f"line {number}", json.loads(line)))
        except json.JSONDecodeError as error:
            notices.append(Notice(source.rel, f"not valid JSON ({error.msg})", skipped=True, record=f"line {number}"))
    return _from_records(labelled, source.rel, notices)


def _from_records(labelled: list[tuple[str, object]], rel: str, notices: list[Notice], source: str = "record"):
    """Articles of labelled JSON records; a record holding `articles` (a TAC cluster) gives each of them."""
    articles: list[Article] = []
    prefix = file_id(rel)
    for label, record in _expand_clusters(labelled):
        try:
            article, problems = _record_article(record, rel, source)
        except ValueError as error:
            notices.append(Notice(rel, str(error), skipped=True, record=label))
            continue
        given = "" if record.get("id") is None else str(record["id"]).strip()
        # An id like "a1" or "M0000.english" names the article; a URL or URN id is only hashed.
        part = slug(given, 40) if _SAFE_RECORD_ID.fullmatch(given) else short_hash(given or article.text)
        articles.append(replace(article, id=f"{prefix}-{part}"))
        notices.extend(Notice(rel, problem, record=label) for problem in problems)
    if not articles and not notices:
        raise _NoText("no records")
    return _unique_ids(articles), notices


def _expand_clusters(labelled: list[tuple[str, object]]) -> Iterator[tuple[str, object]]:
    for label, record in labelled:
        inner = record.get("articles") if isinstance(record, dict) and "text" not in record else None
        if isinstance(inner, list):
            for n, item in enumerate(inner, 1):
                if isinstance(item, dict) and "language" in record:
                    item = {"language": record["language"], **item}
                yield f"{label}, article {n}", item
        else:
            yield label, record


def _unique_ids(articles: list[Article]) -> list[Article]:
    """Give a repeated id (two records with one id) a hash of the text, keeping the first as is."""
    seen: set[str] = set()
    unique = []
    for article in articles:
        if article.id in seen:
            article = replace(article, id=f"{article.id}-{short_hash(article.text + str(len(seen)))}")
        seen.add(article.id)
        unique.append(article)
    return unique


def _read_feed(source: _Input) -> tuple[list[Article], list[Notice]]:
    # Bytes through a stream: feedparser would fetch a string that looks like a URL.
    import feedparser  # here, not at the top: most corpora hold no feed

    parsed = feedparser.parse(io.BytesIO(source.data))
    if not parsed.entries:
        reason = f" ({_first_line(parsed.bozo_exception)})" if parsed.get("bozo") else ""
        raise _NoText(f"not an RSS/Atom feed with entries{reason}")
    channel = parsed.feed
    records = []
    for entry in parsed.entries:
        bodies = [c.get("value", "") for c in entry.get("content", [])] + [entry.get("summary", "")]
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        records.append({
            "id": entry.get("id") or entry.get("link"),
            "title": _plain_title(entry.get("title", "")),
            "text": "\n\n".join(_html_paragraphs(max(bodies, key=len))),
            "url": entry.get("link"),
            "date": date(*published[:3]) if published else None,
            "source": _plain_title(channel.get("title", "")),
            "language": channel.get("language"),
            "tags": [t.get("term") for t in entry.get("tags", []) if t.get("term")],
        })
    labelled = [(f"entry {n}", record) for n, record in enumerate(records, 1)]
    return _from_records(labelled, source.rel, [], source="feed")


def _plain_title(html: str) -> str:
    return " ".join(_html_paragraphs(html))


_READERS = {
    ".txt": _read_txt, ".text": _read_txt,
    ".md": _read_markdown, ".markdown": _read_markdown,
    ".html": _read_html, ".htm": _read_html,
    ".json": _read_json, ".jsonl": _read_jsonl,
    ".xml": _read_feed, ".rss": _read_feed, ".atom": _read_feed,
}
# Readers of files that hold many articles, and so may be larger.
_RECORD_READERS = (_read_json, _read_jsonl, _read_feed)
