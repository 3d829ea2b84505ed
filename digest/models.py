"""The data that flows between stages: small immutable records, nothing else.

read -> Article (raw paragraphs)      clean -> Article (clean paragraphs)
sentences -> Sentence                 events -> Event
summarize -> Briefing of Points, each Point citing articles through Citations
"""

from __future__ import annotations

from dataclasses import dataclass, field

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Notice:
    """Something the build has to tell about one input file.

    `skipped` is True when nothing of the file (or of one record in it) reached the
    corpus; otherwise the article went on, degraded (e.g. a date that could not be read).
    """

    path: str  # relative to the seeds folder, POSIX separators
    reason: str
    skipped: bool = False
    record: str = ""  # which record inside a multi-article file ("line 3", "item 2")

    def __str__(self) -> str:
        where = f"{self.path} ({self.record})" if self.record else self.path
        verb = "skipped" if self.skipped else "warning"
        return f"{where}: {verb}: {self.reason}"


@dataclass(frozen=True)
class Article:
    """One news article. `paragraphs` are raw after reading and clean after cleaning."""

    id: str  # stable, unique, safe as a file and URL name: [A-Za-z0-9][A-Za-z0-9._-]*, never ".."
    title: str
    paragraphs: tuple[str, ...]
    path: str = ""  # source file relative to the seeds folder ("" for CLI input)
    date: str | None = None  # ISO 8601 date, YYYY-MM-DD
    date_source: str = UNKNOWN  # front matter | header | url | dateline | text | feed | record | unknown
    outlet: str | None = None
    outlet_source: str = UNKNOWN  # front matter | url | copyright | feed | record | unknown
    url: str | None = None
    language: str = "en"  # ISO 639-1 where known
    tags: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The article body; sentence offsets point into this string."""
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article, with its place in `Article.text`."""

    article_id: str
    index: int  # 0-based position among the article's sentences
    start: int  # character offsets into Article.text: text == article.text[start:end]
    end: int
    text: str


@dataclass(frozen=True)
class Event:
    """Articles that report one real-world event."""

    id: str  # stable: adding an unrelated article never changes it
    article_ids: tuple[str, ...]  # sorted by (date, id)


@dataclass(frozen=True)
class Citation:
    """Where a summary point stands in one article (verbatim or as a near-copy)."""

    article_id: str
    sentence_index: int
    start: int
    end: int
    verbatim: bool  # True: this article's sentence is the quoted text (whitespace aside)


@dataclass(frozen=True)
class Point:
    """One summary sentence: the verbatim text of one article's sentence and every source."""

    text: str
    citations: tuple[Citation, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(c.article_id for c in self.citations)


@dataclass(frozen=True)
class Briefing:
    """The summary of one event, ready to render."""

    event_id: str
    title: str
    points: tuple[Point, ...]
    article_ids: tuple[str, ...]
    date_start: str | None = None
    date_end: str | None = None
    tags: tuple[str, ...] = field(default=())
