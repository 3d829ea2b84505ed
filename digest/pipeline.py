"""Runs the stages in order: read -> clean -> sentences -> events -> summaries -> pages -> site.

Every door (the CLI, the MkDocs plugin, the benchmarks) comes through here, so the site,
`digest build` and `digest summarize` share one code path.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import cache, clean, events, read, sentences, summarize
from .cache import Cache
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


def load(seeds: Path, progress: bool = False, store: Cache = Cache(None)) -> Corpus:
    """Read and clean every file below `seeds`; files whose bytes are unchanged come from `store`.

    The per-article cleaning is cached with the read; the cross-corpus rules run every time.
    """
    paths, notices = read.discover(seeds)
    keys = {path: _file_key(path, seeds) for path in paths}
    known = store.get_many("read", keys.values())
    fresh = [path for path in paths if keys[path] not in known]
    read_now = dict(zip(fresh, _map(_read_one, [(p, seeds) for p in fresh], progress, "read")))
    store.put_many("read", {keys[p]: read_now[p] for p in fresh})
    store.keep_only("read", keys.values())
    raw: list[Article] = []
    for path in paths:
        found, problems = read_now[path] if path in read_now else known[keys[path]]
        raw.extend(found)
        notices.extend(problems)
    cleaned, problems = clean.clean_corpus(raw)
    notices.extend(problems)
    files = sorted({p.relative_to(seeds).as_posix() for p in paths} | {n.path for n in notices if n.path})
    return Corpus(files=tuple(files), articles=tuple(cleaned), notices=tuple(read.merge_notices(notices)))


def _file_key(path: Path, root: Path) -> str:
    try:
        content = path.read_bytes()
    except OSError as error:  # unreadable: never cached, read_file reports it
        return cache.key("unreadable", path.relative_to(root).as_posix(), str(error), time.time_ns())
    return cache.key("file", path.relative_to(root).as_posix(), content)


def _read_one(job: tuple[Path, Path]) -> tuple[list[Article], list[Notice]]:
    path, root = job
    articles, notices = read.read_file(path, root)
    return [clean.clean_article(a) for a in articles], notices


def split_all(articles: Iterable[Article]) -> dict[str, tuple[Sentence, ...]]:
    return {a.id: sentences.split(a) for a in articles}


def run(seeds: Path, settings: Settings = Settings(), progress: bool = False, cache_dir: Path | None = None) -> Result:
    """The whole pipeline over a folder, in memory; with `cache_dir`, unchanged work is reused."""
    store = Cache(cache_dir / "cache.sqlite" if cache_dir is not None else None)
    try:
        corpus = load(seeds, progress, store)
        return run_articles(corpus, settings, progress, store)
    finally:
        store.close()


def run_articles(
    corpus: Corpus, settings: Settings = Settings(), progress: bool = False, store: Cache = Cache(None)
) -> Result:
    """Sentences, events and briefings for an already read corpus."""
    articles = {a.id: a for a in corpus.articles}
    article_keys = {a.id: cache.key("article", a) for a in corpus.articles}

    known = store.get_many("sentences", article_keys.values())
    sents = {aid: known[k] if k in known else sentences.split(articles[aid]) for aid, k in article_keys.items()}
    store.put_many("sentences", {k: sents[aid] for aid, k in article_keys.items() if k not in known})
    store.keep_only("sentences", article_keys.values())

    groups_key = cache.key("events", sorted(article_keys.values()))
    evts = store.get_many("events", [groups_key]).get(groups_key)
    if evts is None:
        evts = events.group(corpus.articles)
        store.put_many("events", {groups_key: evts})
        store.keep_only("events", [groups_key])

    briefing_keys = [cache.key("briefing", e, [article_keys[a] for a in e.article_ids], settings) for e in evts]
    known = store.get_many("briefing", briefing_keys)
    todo = [(e, k) for e, k in zip(evts, briefing_keys) if k not in known]
    made = dict(zip((k for _, k in todo), summarize_events([e for e, _ in todo], articles, sents, settings, progress)))
    store.put_many("briefing", made)
    store.keep_only("briefing", briefing_keys)
    briefings = tuple(known.get(k) or made[k] for k in briefing_keys)
    return Result(corpus=corpus, sentences=sents, events=evts, briefings=briefings, settings=settings)


def summarize_events(
    evts: Sequence[Event],
    articles: Mapping[str, Article],
    sents: Mapping[str, tuple[Sentence, ...]],
    settings: Settings = Settings(),
    progress: bool = False,
) -> list[Briefing]:
    """One briefing per event, in order; on both cores when there are many events."""
    jobs = [(e, {a: articles[a] for a in e.article_ids}, {a: sents[a] for a in e.article_ids}, settings) for e in evts]
    return _map(_summarize_one, jobs, progress, "summarize")


def _summarize_one(job) -> Briefing:
    event, articles, sents, settings = job
    return summarize.summarize(event, articles, sents, words=settings.words)


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
    cache_dir: Path | None = None,
) -> BuildReport:
    """The whole pipeline, then the Markdown pages written under `out` (atomically)."""
    from . import pages, publish

    result = run(seeds, settings, progress, cache_dir)
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


def _map(function, jobs: Sequence, progress: bool, desc: str) -> list:
    """`function` over `jobs`, in order; on both cores when there is enough work to pay for the pool."""
    if len(jobs) < _POOL_THRESHOLD or (os.cpu_count() or 1) < 2:
        return [function(job) for job in _progress(jobs, desc, progress)]
    with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 4)) as pool:
        chunk = max(1, len(jobs) // 64)
        return list(_progress(pool.map(function, jobs, chunksize=chunk), desc, progress, total=len(jobs)))


_POOL_THRESHOLD = 200  # below this, starting worker processes costs more than it saves


def _progress(items, desc: str, enabled: bool, total: int | None = None):
    """A tqdm bar on stderr when asked for and stderr is a terminal; the plain sequence otherwise."""
    if not enabled:
        return items
    import sys

    from tqdm import tqdm

    return tqdm(items, desc=desc, total=total, unit="item", disable=not sys.stderr.isatty(), leave=False)
