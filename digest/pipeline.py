"""Runs the stages in order: read -> clean -> sentences -> events -> summaries -> pages -> site.

Every door (the CLI, the MkDocs plugin, the benchmarks) comes through here, so the site,
`digest build` and `digest summarize` share one code path.
"""

from __future__ import annotations

import atexit
import functools
import gc
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import chain
from dataclasses import dataclass, field
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, clean, read, sentences
from .cache import Cache
from .models import Article, Briefing, Event, Notice, Sentence

# Grouping and summarising (numpy, scipy: half a second of imports) are imported where they are
# used, so that a build starts its worker processes (`_pool`) that much sooner.
if TYPE_CHECKING:
    from .events.features import Terms
    from .pages import BriefingView, Page


@dataclass(frozen=True)
class Settings:
    """Everything that changes the output. Part of the cache key."""

    words: int = 250  # word budget of a briefing


@dataclass(frozen=True)
class Corpus:
    """What reading and cleaning made of a folder: every file is accounted for.

    The per-article work that needs no other article (sentences, event terms) is done on both
    cores and cached; `sentences`, `terms` and `keys` hold it by article id.
    """

    files: tuple[str, ...]  # every file seen, relative POSIX paths, sorted
    articles: tuple[Article, ...]
    notices: tuple[Notice, ...]
    sentences: Mapping[str, tuple[Sentence, ...]] = field(default_factory=dict)
    terms: Mapping[str, Terms] = field(default_factory=dict)
    keys: Mapping[str, str] = field(default_factory=dict)  # a hash naming each article's content


@dataclass(frozen=True)
class Prepared:
    """The work done on one clean article alone, compact enough to cache by the thousand."""

    spans: bytes  # its sentences, packed (`sentences.packed`)
    terms: Terms


def prepare(article: Article) -> Prepared:
    from .events import features

    return Prepared(sentences.packed(article), features.terms(article))


class SentenceMap(Mapping[str, tuple[Sentence, ...]]):
    """Each article's sentences, made from their cached offsets only when asked for: a rebuild
    that summarises two events does not build Sentence records for ten thousand articles."""

    def __init__(self, articles: Mapping[str, Article], spans: Mapping[str, bytes]):
        self._articles, self._spans, self._made = articles, spans, {}

    def __getitem__(self, article_id: str) -> tuple[Sentence, ...]:
        if article_id not in self._made:
            self._made[article_id] = sentences.from_spans(self._articles[article_id], self._spans[article_id])
        return self._made[article_id]

    def spans(self, article_id: str) -> bytes:
        """The packed offsets of the article's sentences (`sentences.to_spans`)."""
        return self._spans[article_id]

    def fetch(self, article_ids: Iterable[str]) -> None:
        """Read these articles' offsets from the cache in one go, where they come from there."""
        if isinstance(self._spans, cache.Stored):
            self._spans.fetch(article_ids)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._spans  # Mapping's own would build the sentences to find out

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)


@dataclass(frozen=True)
class Result:
    corpus: Corpus
    sentences: Mapping[str, tuple[Sentence, ...]]
    events: tuple[Event, ...]
    briefings: tuple[Briefing, ...]
    settings: Settings = field(default_factory=Settings)
    briefing_keys: Mapping[str, str] = field(default_factory=dict)  # event id -> content hash

    @property
    def articles(self) -> dict[str, Article]:
        return {a.id: a for a in self.corpus.articles}


def load(seeds: Path, progress: bool = False, store: Cache = Cache(None)) -> Corpus:
    """Read, clean and prepare every file below `seeds`; work on unchanged input comes from `store`.

    Two passes on both cores, with the cross-corpus cleaning rules between them, so that no
    article is split twice: reading and per-article cleaning (cached by the file's bytes), then
    sentences and event terms of the final articles (cached by the article's content).
    """
    # A first build starts the workers at once: their fork server imports its modules while the
    # files are found and hashed. A rebuild, which mostly finds its work in the cache, starts
    # them only for a map that needs them (`_imap`): an unchanged rebuild at 10k took 4.5-4.6 s
    # that way against 4.8-4.9 s (three alternating pairs; the workers' start-up shares the cores).
    if not store.holds("read") and _holds_files(seeds, _POOL_THRESHOLD):
        _pool()
    paths, notices = read.discover(seeds)
    relative = dict(zip(paths, map(read.relative_name(seeds), paths)))
    by_status = _FileKeys(paths, relative, store)
    known = store.get_many("read", by_status.keys.values())
    fresh = [path for path in paths if by_status.keys.get(path) not in known]
    jobs = [(p, seeds, relative[p] if p not in by_status.keys else None) for p in fresh]
    read_now: dict[Path, _Read] = {}
    for path, (key, readable, result) in zip(fresh, _map(_read_one, jobs, progress, "read")):
        if key is not None:
            by_status.found(path, key, readable)
        read_now[path] = result
    keys = by_status.record()
    # Written while the workers prepare the articles (`_prepared`): they would wait now.
    store.put_later("read", {keys[p]: read_now[p] for p in fresh})
    store.keep_only("read", keys.values())
    # An article the corpus rules leave alone (the same object) is named by its file and place
    # there, which is cheaper than hashing its text; one they change, by its content.
    origin: dict[int, str] = {}
    raw: list[Article] = []
    raw_keys: list[tuple[int, ...]] = []
    for path in paths:
        found, problems, paragraph_keys = read_now[path] if path in read_now else known[keys[path]]
        for index, article in enumerate(found):
            origin[id(article)] = cache.key("from file", keys[path], index)
            raw.append(article)
        raw_keys += paragraph_keys
        notices.extend(problems)
    cleaned, problems = clean.clean_corpus(raw, raw_keys)
    notices.extend(problems)
    article_keys = {a.id: origin.get(id(a)) or cache.key("article", a) for a in cleaned}
    ready = _prepared(cleaned, article_keys, store, progress)
    files = sorted(set(relative.values()) | {n.path for n in notices if n.path})
    return Corpus(
        files=tuple(files),
        articles=tuple(cleaned),
        notices=tuple(read.merge_notices(notices)),
        sentences=SentenceMap({a.id: a for a in cleaned}, ready("spans")),
        terms=ready("terms"),
        keys=article_keys,
    )


def by_story(articles: Sequence[Article]) -> list[Article]:
    """`articles` with those that share a paragraph (copies of one wire story) next to each other,
    each story where its first article stood.

    A worker keeps the work done on the paragraphs it met last (`sentences`, `features`), and
    the pool hands out consecutive articles together: in the 10k benchmark corpus a worker then
    meets 40% of its paragraph text again instead of 27%.
    """
    first: dict[str, int] = {}
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, article in enumerate(articles):
        for paragraph in article.paragraphs:
            if len(paragraph) >= STORY_PARAGRAPH:
                a, b = root(first.setdefault(paragraph, i)), root(i)
                parent[max(a, b)] = min(a, b)
    story = [root(i) for i in range(len(articles))]
    return [articles[i] for i in sorted(range(len(articles)), key=story.__getitem__)]


STORY_PARAGRAPH = 80  # characters: shorter paragraphs ("Source: AP", "Updated 14:02") tie unrelated stories


def _holds_files(folder: Path, count: int) -> bool:
    """Whether `folder` holds at least `count` files: counted no further, long before `read.discover` is done."""
    found = 0
    for _, _, files in os.walk(folder):
        found += len(files)
        if found >= count:
            return True
    return False


def _prepared(
    cleaned: Sequence[Article], keys: Mapping[str, str], store: Cache, progress: bool
) -> Callable[[str], cache.Stored]:
    """One field of the prepared form of every article by id (`Prepared`'s, by name): made on
    both cores, or read from `store` when first asked for (a rebuild that summarises two events
    reads the sentences of their articles only, not ten thousand articles': 0.24 s at 10k). The
    fields share what is read: an article's record is read once for both."""
    cached = store.keys_of("prepared")
    todo = by_story([a for a in cleaned if keys[a.id] not in cached])
    results = _imap(prepare, todo, progress, "prepare")
    # This process only waits for the workers now: the cache writes put off so far, and these
    # results a thousand at a time, are written meanwhile.
    store.flush()
    if _on_pool(todo):
        # imported while this process only waits, not when grouping starts with the workers idle
        from .events import linkage

        linkage.import_scipy()
    made: dict[str, Prepared] = {}
    batch: dict[str, Prepared] = {}
    for key, prepared in zip((keys[a.id] for a in todo), results):
        made[key] = batch[key] = prepared
        if len(batch) == CACHE_BATCH:
            store.put_many("prepared", batch)
            batch = {}
    store.put_many("prepared", batch)
    store.keep_only("prepared", keys.values())
    by_id = {a.id: keys[a.id] for a in cleaned}
    return lambda field: cache.Stored(store, "prepared", by_id, made, field=field)


# A file changed this long before a build (or earlier) is known by its status to the next one:
# an edit within one tick of the file system's clock after it was hashed would leave the same
# status (git's "racy" files); two seconds cover the coarsest clocks (FAT).
SETTLED_NS = 2_000_000_000


class _FileKeys:
    """Each file's content key (`_file_key`), and the files whose status says they are unchanged.

    The status is the file's device, inode, size, and modification and change times, as git's
    index keeps it: an edit changes the change time, which no program can set back (restoring
    the modification time with `touch -d` or `cp -p` does not hide an edit). A file whose status
    an earlier build recorded is not read again: a rebuild of ten thousand files takes their
    status in a tenth of the time it takes to read and hash them. Files not known so are hashed
    here when the store holds read results (a rebuild: most of them are there under their
    content), and otherwise by the workers that read them (`found`).
    """

    def __init__(self, paths: Sequence[Path], relative: Mapping[Path, str], store: Cache):
        self.store = store
        settled = time.time_ns() - SETTLED_NS
        self.status: dict[Path, str] = {}
        self.settled: set[Path] = set()
        for path in paths:
            try:
                st = os.stat(path)
            except OSError:
                continue  # `_file_key` says why
            # repr: a file name may hold lone surrogates, which SQLite cannot store
            self.status[path] = repr((cache.CODE_VERSION, relative[path], st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
            if max(st.st_mtime_ns, st.st_ctime_ns) < settled:
                self.settled.add(path)
        self.recorded = store.get_many("status", self.status.values())
        self.keys: dict[Path, str] = {}
        self.new: dict[str, str] = {}  # status -> key, to record
        hash_here = store.holds("read")
        for path in paths:
            key = self.recorded.get(self.status.get(path, ""))
            if key is not None:
                self.keys[path] = key
            elif hash_here:
                self.found(path, *_file_key(path, relative[path]))

    def found(self, path: Path, key: str, readable: bool) -> None:
        self.keys[path] = key
        if readable and path in self.settled:
            self.new[self.status[path]] = key

    def record(self) -> dict[Path, str]:
        """Every file's key, once each is `found`; the statuses of settled files are recorded."""
        self.store.put_later("status", self.new)
        self.store.keep_only("status", [*self.new, *(s for s in self.status.values() if s in self.recorded)])
        return self.keys


def _file_key(path: Path, relative: str) -> tuple[str, bool]:
    """A hash of the file's name and bytes, and whether it could be read."""
    return _hashed_file(path, relative)[:2]


def _hashed_file(path: Path, relative: str) -> tuple[str, bool, bytes | None]:
    """`_file_key`, and the file's bytes (None when it could not be read)."""
    try:
        content = path.read_bytes()
    except OSError as error:  # unreadable: never cached, read_file reports it
        return cache.key("unreadable", relative, str(error), time.time_ns()), False, None
    return cache.key("file", relative, content), True, content


_Read = tuple[list[Article], list[Notice], list[tuple[int, ...]]]  # what a file gave, as cached


def _read_one(job: tuple[Path, Path, str | None]) -> tuple[str | None, bool, _Read]:
    """(the file's key and whether it was readable, when `relative` is given; its cleaned articles,
    notices and the articles' `clean.paragraph_keys`)."""
    path, root, relative = job
    key, readable, content = _hashed_file(path, relative) if relative is not None else (None, True, None)
    articles, notices = read.read_file(path, root, content)  # the bytes just hashed, not read again
    cleaned = [clean.clean_article(a) for a in articles]
    return key, readable, (cleaned, notices, [clean.paragraph_keys(a) for a in cleaned])


def split_all(articles: Iterable[Article]) -> dict[str, tuple[Sentence, ...]]:
    return {a.id: sentences.split(a) for a in articles}


CACHE_BATCH = 1000  # results written to the cache at a time while the workers go on

FEW_COLLECTIONS = (100_000, 50, 1000)  # gc thresholds in the pipeline (Python's default: 700, 10, 10)


@contextmanager
def _few_collections() -> Iterator[None]:
    """Cyclic garbage collection only now and then while the pipeline runs (`FEW_COLLECTIONS`).

    A build makes millions of small objects (articles, sentences, pages) and almost no cycles:
    ten full collections of a 10k build found 10 objects, and with Python's default thresholds
    the collector took about 10% of the build's CPU (single process: 46.8 and 49.4 CPU-s with
    the defaults, 43.4 and 42.8 with these; the same peak memory).
    """
    before = gc.get_threshold()
    gc.set_threshold(*FEW_COLLECTIONS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@_few_collections()
def run(seeds: Path, settings: Settings = Settings(), progress: bool = False, cache_dir: Path | None = None) -> Result:
    """The whole pipeline over a folder, in memory; with `cache_dir`, unchanged work is reused."""
    store = _store(cache_dir)
    try:
        corpus = load(seeds, progress, store)
        result = run_articles(corpus, settings, progress, store)
        _settle(corpus)  # the result outlives the cache
        return result
    finally:
        store.close()


def _settle(corpus: Corpus) -> None:
    """Read from the cache what of `corpus` is still only there (`_prepared`)."""
    if isinstance(corpus.terms, cache.Stored):
        corpus.terms.settle()


def run_articles(
    corpus: Corpus,
    settings: Settings = Settings(),
    progress: bool = False,
    store: Cache = Cache(None),
    each: Callable[[Briefing, str, _Rendered | None], None] | None = None,
    pages: _EventPages | None = None,
) -> Result:
    """Events and briefings for an already read corpus.

    `each` is called with every briefing, its content hash and, with `pages`, the pages the
    workers rendered of it (None when it was summarised here or found in the cache) as soon as
    the briefing is made (by language, the largest last; in event order within one): the
    workers go on summarising the next events meanwhile.
    """
    from . import events

    articles = {a.id: a for a in corpus.articles}
    keys = {a.id: corpus.keys.get(a.id) or cache.key("article", a) for a in corpus.articles}
    # A corpus from `load` carries every article's sentences; one built by hand may not.
    sents = corpus.sentences if all(a in corpus.sentences for a in articles) else split_all(corpus.articles)

    # Each language's events go to the workers as soon as it is grouped (grouping runs on one
    # core), the largest language last: the workers summarise the others meanwhile, instead of
    # waiting for every event of the corpus. When the workers are up already, a language with
    # few events goes to them too (`eager`), rather than being summarised here. (Cold 10k build,
    # three alternating pairs: 16.8-17.2 s this way, 17.5-18.6 s with the small languages handed
    # over together once all were grouped; one at a time without `eager` was slower still, as
    # each was summarised here.)
    batches = sorted(events.by_language(corpus.articles), key=len)
    grouped: list[Event] = []
    batch_keys: list[str] = []
    briefing_keys: dict[str, str] = {}  # event id -> content hash
    streams: list[Iterator[tuple[Event, Briefing, bool]]] = []
    grouping_keys: list[str] = []
    for batch in batches:
        evts, batch_key, grouping_key = _events(batch, keys, store, corpus.terms)
        grouping_keys.append(grouping_key)
        hashes = {e.id: cache.key("briefing", e, [keys[a] for a in e.article_ids], settings) for e in evts}
        known = store.get_many("briefing", hashes.values())
        fresh = [e for e in evts if hashes[e.id] not in known]
        made = _summarized(fresh, articles, sents, settings, progress, pages, hashes, corpus.keys)  # submitted to the workers now
        streams.append(_in_order(evts, hashes, known, made))
        grouped += evts
        batch_keys.append(batch_key)
        briefing_keys.update(hashes)
    store.keep_only("events", batch_keys)
    store.keep_only("grouping", grouping_keys)

    by_event: dict[str, Briefing] = {}
    fresh_briefings: dict[str, Briefing] = {}
    for event, briefing, rendered, is_fresh in chain.from_iterable(streams):
        by_event[event.id] = briefing
        if is_fresh:
            fresh_briefings[briefing_keys[event.id]] = briefing
        if each is not None:
            each(briefing, briefing_keys[event.id], rendered)
    store.put_many("briefing", fresh_briefings)
    store.keep_only("briefing", briefing_keys.values())
    evts = events.ordered(grouped, articles)
    return Result(
        corpus=corpus,
        sentences=sents,
        events=evts,
        briefings=tuple(by_event[e.id] for e in evts),
        settings=settings,
        briefing_keys={e.id: briefing_keys[e.id] for e in evts},
    )


def _in_order(
    evts: Sequence[Event],
    hashes: Mapping[str, str],
    known: Mapping[str, Briefing],
    made: Iterator[tuple[Briefing, _Rendered | None]],
) -> Iterator[tuple[Event, Briefing, _Rendered | None, bool]]:
    """(event, briefing, its pages if rendered, whether it is new) in the order of `evts`; `made`
    yields the new ones in that order."""
    for event in evts:
        found = known.get(hashes[event.id])
        yield (event, found, None, False) if found is not None else (event, *next(made), True)


def _events(
    batch: Sequence[Article], keys: Mapping[str, str], store: Cache, terms: Mapping[str, Terms]
) -> tuple[list[Event], str, str]:
    """The events of one of `events.by_language`'s batches, and the cache keys of the batch and
    of its grouping. Each language is grouped on its own, so a language none of whose articles
    changed keeps its cached events: an English article added regroups English only, and
    only what that article concerns (`events.incremental`), from the last build's grouping."""
    from . import events

    batch_key = cache.key("events", sorted(keys[a.id] for a in batch))
    grouping_key = cache.key("grouping", batch[0].language.casefold())
    found = store.get_many("events", [batch_key]).get(batch_key)
    if found is None:
        previous = store.get_many("grouping", [grouping_key]).get(grouping_key)
        if previous is None and isinstance(terms, cache.Stored):
            terms.fetch(a.id for a in batch)  # all of them needed: in one query
        found, grouping = events.regroup_batch(batch, previous, terms=terms, keys=keys)
        store.put_many("events", {batch_key: found})
        store.put_many("grouping", {grouping_key: grouping})
    return list(found), batch_key, grouping_key


def summarize_events(
    evts: Sequence[Event],
    articles: Mapping[str, Article],
    sents: Mapping[str, tuple[Sentence, ...]],
    settings: Settings = Settings(),
    progress: bool = False,
    eager: bool = False,
) -> Iterator[Briefing]:
    """One briefing per event, in order, each as soon as it is made; on both cores when there are
    many events, or with `eager` more than one while the workers are up already.

    A job carries its articles' sentences as packed offsets into their text, not as records:
    a tenth of the objects to pickle, and the main process never builds them.
    """
    return _imap(_summarize_one, _jobs(evts, articles, sents, settings), progress, "summarize", eager)


def _summarized(
    evts: Sequence[Event],
    articles: Mapping[str, Article],
    sents: Mapping[str, tuple[Sentence, ...]],
    settings: Settings,
    progress: bool,
    pages: _EventPages | None,
    hashes: Mapping[str, str],
    article_keys: Mapping[str, str],
) -> Iterator[tuple[Briefing, _Rendered | None]]:
    """`summarize_events(..., eager=True)`, each briefing with its pages when the workers make
    them (`pages` given): a worker has the event's articles and sentences at hand, and this
    process, which groups the events and writes the cache meanwhile, would be left rendering
    after the workers are done (50k: 5 s with one core idle, against none with this)."""
    jobs = _jobs(evts, articles, sents, settings)
    if pages is None or not _on_pool(jobs, eager=True):  # summarised here: rendered here, as pages are cached
        return ((briefing, None) for briefing in _imap(_summarize_one, jobs, progress, "summarize", eager=True))
    jobs = [(*job, pages, hashes[e.id], {a: article_keys.get(a) for a in e.article_ids}) for e, job in zip(evts, jobs)]
    return _imap(_summarize_and_render, jobs, progress, "summarize", eager=True)


def _jobs(evts: Sequence[Event], articles: Mapping[str, Article], sents: Mapping[str, tuple[Sentence, ...]], settings: Settings) -> list[tuple]:
    if isinstance(sents, SentenceMap):
        sents.fetch(a for e in evts for a in e.article_ids)
    packed = sents.spans if isinstance(sents, SentenceMap) else lambda a: sentences.to_spans(sents[a])
    return [(e, {a: articles[a] for a in e.article_ids}, {a: packed(a) for a in e.article_ids}, settings) for e in evts]


def _summarize_one(job) -> Briefing:
    return _summarize_with_sentences(job)[0]


def _summarize_with_sentences(job) -> tuple[Briefing, dict[str, tuple[Sentence, ...]]]:
    from . import summarize

    event, articles, spans, settings = job[:4]
    sents = {a: sentences.from_spans(articles[a], spans[a]) for a in event.article_ids}
    return summarize.summarize(event, articles, sents, words=settings.words), sents


def _summarize_and_render(job) -> tuple[Briefing, _Rendered]:
    briefing, sents = _summarize_with_sentences(job)
    _, articles, _, _, pages, key, article_keys = job
    return briefing, pages.render(briefing, key, articles, sents, article_keys)


# A briefing's view and its pages' texts with their cache keys, by path, as a worker made them.
_Rendered = tuple["BriefingView", dict[str, tuple[str, str]]]


@dataclass(frozen=True)
class _EventPages:
    """How a worker renders the pages of a briefing (`pages.event_pages`) as `_Pages` would."""

    templates: tuple[Path, ...]
    version: str  # `pages.templates_digest(templates)`

    def render(
        self,
        briefing: Briefing,
        key: str,
        articles: Mapping[str, Article],
        sents: Mapping[str, tuple[Sentence, ...]],
        article_keys: Mapping[str, str | None],
    ) -> _Rendered:
        from . import pages

        view = pages.briefing_view(briefing, articles)
        planned = pages.event_pages(briefing, view, _jinja(self.templates, self.version), articles, sents, article_keys, key)
        return view, {path: (_page_key(path, page, self.version), page.make()) for path, page in planned.items()}


@functools.lru_cache(maxsize=4)
def _jinja(templates: tuple[Path, ...], version: str):
    """A worker's Jinja environment for these template folders, made once for each `version` of
    their files (the environment does not look at them again: `pages.environment`)."""
    from . import pages

    return pages.environment(templates)


def _page_key(path: str, page: Page, version: str) -> str:
    """The cache key of a page: its path, what it shows and the templates' digest."""
    return cache.key("page", path, page.inputs, version)


@dataclass(frozen=True)
class BuildReport:
    result: Result
    written: int
    unchanged: int
    removed: int


@_few_collections()
def build(
    seeds: Path,
    out: Path,
    settings: Settings = Settings(),
    templates: Path | None = None,
    progress: bool = False,
    cache_dir: Path | None = None,
) -> BuildReport:
    """The whole pipeline, then the Markdown pages written under `out` (atomically)."""
    from . import publish

    overrides = [templates] if templates is not None else []
    store = _store(cache_dir)
    try:
        result, site = _run_site(seeds, settings, overrides, progress, store)
        # Pages the last build wrote with the same keys are kept without their texts being read.
        record_key = cache.key("written", os.fspath(Path(out).absolute()))
        record = store.get_many("written", [record_key]).get(record_key) or {}
        counts = publish.write_tree(site.texts(), out, keys=site.keys, record=record)
        store.put_many("written", {record_key: record})
        store.keep_only("written", [record_key])
    finally:
        store.close()
    return BuildReport(result=result, written=counts["written"], unchanged=counts["unchanged"], removed=counts["removed"])


def run_and_render(
    seeds: Path,
    settings: Settings = Settings(),
    templates: Sequence[Path] = (),
    progress: bool = False,
    cache_dir: Path | None = None,
) -> tuple[Result, dict[str, str]]:
    """The pipeline and every page's Markdown; with `cache_dir`, unchanged work and pages are reused."""
    store = _store(cache_dir)
    try:
        result, site = _run_site(seeds, settings, templates, progress, store)
        _settle(result.corpus)  # the result outlives the cache
        return result, dict(site.texts().items())
    finally:
        store.close()


@_few_collections()
def _run_site(
    seeds: Path, settings: Settings, templates: Sequence[Path], progress: bool, store: Cache
) -> tuple[Result, _Pages]:
    corpus = load(seeds, progress, store)
    site = _Pages(corpus, templates, store)
    result = run_articles(corpus, settings, progress, store, each=site.add, pages=site.for_workers)
    release_pool()  # the workers hold hundreds of MB: stopped before the site pages are made and written
    site.finish(result)
    return result, site


def _store(cache_dir: Path | None) -> Cache:
    return Cache(cache_dir / "cache.sqlite" if cache_dir is not None else None)


class _Pages:
    """Every page of a build, reusing each one whose inputs (and templates, and code) are unchanged.

    A briefing's page and its articles' pages are rendered by the worker that summarised it, which
    has the articles and sentences at hand (`for_workers`), or here as soon as the briefing is made
    (`add`) when it was summarised here; the site pages, which list every briefing, last
    (`finish`), here: sending every briefing's view to a worker would cost more than rendering them.
    """

    def __init__(self, corpus: Corpus, templates: Sequence[Path], store: Cache):
        from . import pages

        self.corpus, self.store = corpus, store
        self.articles = {a.id: a for a in corpus.articles}
        self.env, self.version = pages.environment(templates), pages.templates_digest(templates)
        self.for_workers = _EventPages(tuple(templates), self.version)
        # The last build's views and pages, in two queries rather than two per event: a rebuild
        # needs nearly all of them, and a cold build finds none.
        self.known_views: dict[str, BriefingView] = store.get_all("view")
        # Each briefing's pages by path, with their cache keys: a briefing the last build showed
        # with these templates needs neither its pages planned nor their inputs hashed again.
        self.known_paths: dict[str, dict[str, str]] = store.get_all("paths")
        self.made_paths: dict[str, dict[str, str]] = {}
        self.paths_keys: list[str] = []
        # The keys of the cached pages: their texts are read only when asked for (`texts`).
        self.have: set[str] = store.keys_of("page")
        self.views: dict[str, BriefingView] = {}  # by event id
        self.made_views: dict[str, BriefingView] = {}  # by cache key, for the cache
        self.view_keys: list[str] = []
        self.keys: dict[str, str] = {}  # page path -> cache key
        self.made: dict[str, str] = {}  # the pages rendered here, by cache key, for the cache
        self.rendered: dict[str, str] = {}  # ... all of them

    def add(self, briefing: Briefing, key: str, rendered: _Rendered | None = None) -> None:
        """Render the pages of `briefing` (`key`: its content hash) and of its articles, unless
        a worker did (`rendered`)."""
        from . import pages

        # A briefing's view follows from the briefing and its articles, both in its content hash.
        view_key = cache.key("view", key)
        view = self.known_views.get(view_key)
        if view is None:
            view = rendered[0] if rendered is not None else pages.briefing_view(briefing, self.articles)
            self.made_views[view_key] = view
        self.views[briefing.event_id] = view
        self.view_keys.append(view_key)
        # The pages follow from the briefing, its articles (both in `key`) and the templates.
        paths_key = cache.key("paths", key, self.version)
        self.paths_keys.append(paths_key)
        known = self.known_paths.get(paths_key)
        if known is not None and all(k in self.have for k in known.values()):
            self.keys.update(known)
        elif rendered is not None:  # by a worker: (cache key, text) by path
            texts = rendered[1]
            self.made_paths[paths_key] = self._keep({path: key for path, (key, _) in texts.items()}, lambda path: texts[path][1])
        else:
            corpus = self.corpus
            if isinstance(corpus.sentences, SentenceMap):
                corpus.sentences.fetch(briefing.article_ids)
            planned = pages.event_pages(briefing, view, self.env, self.articles, corpus.sentences, corpus.keys, key)
            self.made_paths[paths_key] = self._render(planned)
        # Into the cache a batch at a time while the workers summarise, rather than all at the
        # end, when nothing else is left to do.
        if len(self.made) >= CACHE_BATCH:
            self._store_made()

    def finish(self, result: Result) -> None:
        """Render the site pages once every briefing is added."""
        from . import pages

        self._render(pages.site_pages(result, self.env, self.views))
        self._store_made()
        self.store.keep_only("view", self.view_keys)
        self.store.keep_only("paths", self.paths_keys)
        self.store.keep_only("page", self.keys.values())
        self.keys = dict(sorted(self.keys.items()))

    def texts(self) -> Mapping[str, str]:
        """Every page's Markdown by path (after `finish`): the pages rendered in this build, and the
        cached ones read from the cache at the first one asked for (every one not read yet)."""
        return cache.Stored(self.store, "page", self.keys, self.rendered, bulk=True)

    def _store_made(self) -> None:
        """Put the views and pages made since the last call into the cache."""
        self.store.put_many("view", self.made_views)
        self.store.put_many("page", self.made)
        self.rendered.update(self.made)
        self.store.put_many("paths", self.made_paths)  # after the pages they name: a killed build leaves none without them
        self.made, self.made_views, self.made_paths = {}, {}, {}

    def _render(self, planned: Mapping[str, Page]) -> dict[str, str]:
        """Render the planned pages that are not in the cache; their cache keys by path."""
        keys = {path: _page_key(path, page, self.version) for path, page in planned.items()}
        return self._keep(keys, lambda path: planned[path].make())

    def _keep(self, keys: Mapping[str, str], text: Callable[[str], str]) -> dict[str, str]:
        """Take the pages `keys` names (cache key by path), the text of each one not in the cache
        from `text(path)`; their keys by path."""
        for path, key in keys.items():
            if key not in self.have:
                self.made[key] = text(path)
                self.have.add(key)
        self.keys.update(keys)
        return dict(keys)


def cluster_records(records: Sequence[dict], progress: bool = False) -> tuple[list[tuple[str, str]], list[Notice]]:
    """(record id, event id) for every record, in input order; records without text get their own event."""
    from . import events

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
    from . import summarize

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
    return list(_imap(function, jobs, progress, desc))


def _imap(function, jobs: Sequence, progress: bool, desc: str, eager: bool = False) -> Iterator:
    """`_map`'s results one by one as they come; the pool has every job from the start.

    Fewer jobs than `_POOL_THRESHOLD` are done here: a rebuild's one new file or event would
    otherwise wait for the workers to start (they take a second or two). With `eager` they go to
    the workers if those are up already (and there is more than one: one is not worth the trip)."""
    if not _on_pool(jobs, eager):
        return map(function, _progress(jobs, desc, progress))
    chunk = max(1, len(jobs) // 64)
    return iter(_progress(_pool().map(function, jobs, chunksize=chunk), desc, progress, total=len(jobs)))


def _on_pool(jobs: Sequence, eager: bool = False) -> bool:
    """Whether `_imap` gives `jobs` to the worker processes: enough to pay for starting them or,
    `eager`, more than one while they are up already."""
    if (os.cpu_count() or 1) < 2:
        return False
    return len(jobs) >= _POOL_THRESHOLD or (eager and _POOL is not None and len(jobs) > 1)


_POOL_THRESHOLD = 200  # below this, starting worker processes costs more than it saves
_POOL: ProcessPoolExecutor | None = None


def _pool() -> ProcessPoolExecutor:
    """The pool of workers that reads and summarises (`release_pool` stops it once summaries are
    made). Workers come from a fork server that has loaded this module, py3langid's model and the
    stop words (`preload`) and nothing else: forked from the main process instead, each would
    carry (and, as Python touches every object, copy) the whole corpus the main process holds by then."""
    global _POOL
    if _POOL is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([f"{__package__}.preload"])
        _POOL = ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 4), mp_context=context)
        from multiprocessing import forkserver

        # The fork server is a new interpreter run with `-c`: its module path would start with
        # the working folder (Python 3.11 ignores the path the server is given), so a `digest`
        # folder there, another checkout, say, would stand in for this package in every
        # worker. It gets this process's module path instead.
        with _environment(PYTHONSAFEPATH="1", PYTHONPATH=os.pathsep.join(p for p in sys.path if p)):
            forkserver.ensure_running()  # starts the server and returns; workers fork from it once it is ready
    return _POOL


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Environment variables set for what this process starts meanwhile, and restored after."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def release_pool() -> None:
    """Stop the worker processes (the next map starts new ones from the fork server)."""
    global _POOL
    if _POOL is not None:
        _POOL.shutdown()
        _POOL = None


atexit.register(release_pool)


def _progress(items, desc: str, enabled: bool, total: int | None = None):
    """A tqdm bar on stderr when asked for and stderr is a terminal; the plain sequence otherwise."""
    if not enabled:
        return items
    import sys

    from tqdm import tqdm

    return tqdm(items, desc=desc, total=total, unit="item", disable=not sys.stderr.isatty(), leave=False)
