"""Runs the stages in order: read -> clean -> sentences -> events -> summaries -> pages -> site.

Every door (the CLI, the MkDocs plugin, the benchmarks) comes through here, so the site,
`digest build` and `digest summarize` share one code path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import clean, events, read, sentences, summarize
from .models import Article, Briefing, Event, Notice, Sentence


@dataclass(frozen=True)
class Settings:
    """Everything that changes the output. Part of the cache key."""

    words: int = 250  # word budget of a briefing


@dataclass(frozen=True)
class Corpus:
    """What reading and cleaning made of a folder: every file is accounted for."""

    files: tuple[str, ...]  # every file seen, relative POSIX paths, sorted
    articles: tuple[Article, ...]
    notices: tuple[Notice, ...]


@dataclass(frozen=True)
class Result:
    corpus: Corpus
    sentences: Mapping[str, tuple[Sentence, ...]]
    events: tuple[Event, ...]
    briefings: tuple[Briefing, ...]
    settings: Settings = field(default_factory=Settings)

    @property
    def articles(self) -> dict[str, Article]:
        return {a.id: a for a in self.corpus.articles}


def load(seeds: Path, progress: bool = False) -> Corpus:
    """Read and clean every file below `seeds`."""
    paths, notices = read.discover(seeds)
    raw: list[Article] = []
    for path in _progress(paths, "read", progress):
        found, problems = read.read_file(path, seeds)
        raw.extend(found)
        notices.extend(problems)
    cleaned, problems = clean.clean(raw)
    notices.extend(problems)
    files = sorted({p.relative_to(seeds).as_posix() for p in paths} | {n.path for n in notices})
    return Corpus(files=tuple(files), articles=tuple(cleaned), notices=tuple(notices))


def split_all(articles: Iterable[Article]) -> dict[str, tuple[Sentence, ...]]:
    return {a.id: sentences.split(a) for a in articles}


def summarize_events(
    evts: Sequence[Event],
    articles: Mapping[str, Article],
    sents: Mapping[str, tuple[Sentence, ...]],
    settings: Settings,
    progress: bool = False,
) -> tuple[Briefing, ...]:
    return tuple(
        summarize.summarize(e, articles, sents, words=settings.words)
        for e in _progress(evts, "summarize", progress)
    )


def run(seeds: Path, settings: Settings = Settings(), progress: bool = False) -> Result:
    """The whole pipeline over a folder, in memory."""
    corpus = load(seeds, progress)
    return run_articles(corpus, settings, progress)


def run_articles(corpus: Corpus, settings: Settings = Settings(), progress: bool = False) -> Result:
    """Sentences, events and briefings for an already read corpus."""
    articles = {a.id: a for a in corpus.articles}
    sents = split_all(corpus.articles)
    evts = events.group(corpus.articles)
    briefings = summarize_events(evts, articles, sents, settings, progress)
    return Result(corpus=corpus, sentences=sents, events=evts, briefings=briefings, settings=settings)


@dataclass(frozen=True)
class BuildReport:
    result: Result
    written: int
    unchanged: int
    removed: int


def build(
    seeds: Path,
    out: Path,
    settings: Settings = Settings(),
    templates: Path | None = None,
    progress: bool = False,
) -> BuildReport:
    """The whole pipeline, then the Markdown pages written under `out` (atomically)."""
    from . import pages, publish

    result = run(seeds, settings, progress)
    overrides = [templates] if templates is not None and templates.is_dir() else []
    counts = publish.write_tree(pages.render(result, overrides), out)
    return BuildReport(result=result, written=counts["written"], unchanged=counts["unchanged"], removed=counts["removed"])


def cluster_records(records: Sequence[dict], progress: bool = False) -> tuple[list[tuple[str, str]], list[Notice]]:
    """(record id, event id) for every record, in input order; records without text get their own event."""
    notices: list[Notice] = []
    raw: list[Article] = []
    record_ids: list[str] = []
    for number, record in enumerate(records, 1):
        record_id = str(record.get("id", f"line-{number}"))
        record_ids.append(record_id)
        try:
            raw.append(read.article_from_record(record, record_label=f"line {number}"))
        except ValueError as error:
            notices.append(Notice(path="", record=f"line {number}", reason=str(error), skipped=True))
            raw.append(None)  # type: ignore[arg-type]
    present = [a for a in raw if a is not None]
    cleaned, problems = clean.clean(present)
    notices.extend(problems)
    event_of = {aid: e.id for e in events.group(cleaned) for aid in e.article_ids}
    assignment = []
    for record_id, article in zip(record_ids, raw):
        event_id = event_of.get(article.id) if article is not None else None
        assignment.append((record_id, event_id or f"alone-{record_id}"))
    return assignment, notices


def summarize_records(
    records: Sequence[dict], settings: Settings = Settings(), progress: bool = False
) -> Iterator[tuple[Briefing, list[Notice]]]:
    """One briefing per event record {id, articles: [...]}, keeping the event's own id."""
    for record in _progress(records, "summarize", progress):
        notices: list[Notice] = []
        articles: list[Article] = []
        language = record.get("language")
        for number, item in enumerate(record.get("articles") or [], 1):
            if language and isinstance(item, dict) and "language" not in item:
                item = {**item, "language": language}
            try:
                articles.append(clean.clean_article(read.article_from_record(item, record_label=f"article {number}")))
            except ValueError as error:
                notices.append(Notice(path="", record=f"event {record.get('id')} article {number}", reason=str(error), skipped=True))
        event = Event(id=str(record.get("id", "")), article_ids=tuple(a.id for a in articles))
        by_id = {a.id: a for a in articles}
        yield summarize.summarize(event, by_id, split_all(articles), words=settings.words), notices


def _progress(items: Sequence, desc: str, enabled: bool):
    """A tqdm bar on stderr when asked for and stderr is a terminal; the plain sequence otherwise."""
    if not enabled:
        return items
    import sys

    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="item", disable=not sys.stderr.isatty(), leave=False)
