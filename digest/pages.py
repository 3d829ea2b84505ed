"""Stage 6: render a pipeline result into the site's Markdown pages.

`render()` returns {relative POSIX path: Markdown text}; nothing is written here (see
`publish.write_tree` and the MkDocs plugin for that).

Safety: article titles, texts, outlets and URLs come from arbitrary input files, so every
string that reaches a template is escaped on output by default (Jinja's `finalize` hook runs
`md_escape` on anything that is not `Markup`). Only values built here from checked parts —
relative links between pages, http(s) URLs — are `Markup`. A site's own template therefore
cannot forget to escape. Front matter values are HTML-escaped instead: MkDocs and Material
print `page.meta.title` and `description` into the HTML unescaped.

Templates (the built-in ones live in the repository's top-level `templates/`; a file of the
same name in an override folder wins):

    briefing.md.j2  one event:  briefings/<event-id>.md
    article.md.j2   one source: articles/<article-id>.md (cited sentences carry id="s<index>")
    index.md.j2     latest briefings first: index.md
    archive.md.j2   briefings by year and month: archive.md
    tags.md.j2      Material's tags listing: tags.md
    ingest.md.j2    every input file and what became of it: ingest.md
"""

from __future__ import annotations

import hashlib
import html
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from itertools import accumulate
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

import yaml
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from .models import Article, Briefing, Notice, Sentence

# The built-in templates: top-level `templates/` of a source checkout, or `digest/templates/`
# where a wheel ships them as package data.
_PACKAGE = Path(__file__).resolve().parent
DEFAULT_TEMPLATES = next(
    (p for p in (_PACKAGE.parent / "templates", _PACKAGE / "templates") if p.is_dir()),
    _PACKAGE.parent / "templates",
)

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

# Characters that Markdown (with the extensions in mkdocs.yml), HTML, attr_list ("{: ...}")
# or a template engine could read as syntax anywhere in a line. Written as character
# references, which Python-Markdown passes through and browsers show as the character.
_INLINE = {
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "&#92;", "`": "&#96;", "*": "&#42;",
    "_": "&#95;", "{": "&#123;", "}": "&#125;", "[": "&#91;", "]": "&#93;", "|": "&#124;",
    "#": "&#35;", "~": "&#126;", "^": "&#94;", "$": "&#36;",
}
_INLINE_RE = re.compile("|".join(re.escape(c) for c in _INLINE))
# Only special at the start of a block: lists ("-", "+", "1."), admonitions ("!!!"),
# setext/hr lines ("=", "-"), definition lists (":"), details ("???").
_LEADING_RE = re.compile(r"^(\d*)([-+=!:?.)])")
# Control characters: invisible, and Python-Markdown uses \x02/\x03 as its own placeholders.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SPACE = re.compile(r"\s")  # str.isspace's characters, found without a Python-level loop


def md_escape(value: object) -> str:
    """`value` as Markdown that renders to exactly its text: one line, no markup, no HTML.

    Whitespace runs (newlines included) become one space, so a value can never start a
    new block (heading, list, code, table row) inside the line it is put in.
    """
    return _md_escape_text(value if type(value) is str else str(value))


@lru_cache(maxsize=65536)  # nine calls in ten are for a value seen before: outlets, dates, briefing titles
def _md_escape_text(text: str) -> str:
    text = " ".join(_CONTROL.sub("", text).split())
    text = _INLINE_RE.sub(lambda m: _INLINE[m.group()], text)
    return _LEADING_RE.sub(lambda m: m.group(1) + f"&#{ord(m.group(2))};", text)


def meta_escape(value: object) -> str:
    """A front matter string: plain text on one line, HTML-escaped, since Material prints it raw.

    Inside `mkdocs build` the plugin unescapes it for the feeds and escapes it again for the theme."""
    return html.escape(" ".join(_CONTROL.sub("", str(value)).split()), quote=True)


@lru_cache(maxsize=65536)  # called once per citation; the same values recur
def safe_url(url: str | None) -> Markup | None:
    """An absolute http(s) URL ready for a Markdown link target, or None for anything else.

    Characters that could end the link or start markup are percent-encoded; `%` is kept so
    an already encoded URL is not encoded twice.
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or _SPACE.search(url):
        return None
    return Markup(quote(url, safe=":/?#@$&+,;=%-._~"))


@lru_cache(maxsize=65536)  # called once per citation; the same values recur
def page_slug(identifier: str) -> str:
    """A file name for an id: the id itself when URL-safe, else a readable part plus a hash."""
    if _SAFE_ID.match(identifier):
        return identifier
    readable = re.sub(r"[^a-z0-9]+", "-", identifier.lower()).strip("-")[:40] or "x"
    return f"{readable}-{hashlib.sha1(identifier.encode()).hexdigest()[:10]}"


def briefing_path(event_id: str) -> str:
    return f"briefings/{page_slug(event_id)}.md"


def article_path(article_id: str) -> str:
    return f"articles/{page_slug(article_id)}.md"


@lru_cache(maxsize=65536)  # called once per citation; the same values recur
def format_date(iso: str | None) -> str:
    parsed = _parse_date(iso)
    if parsed is None:
        return iso or "undated"
    return f"{parsed.day} {_MONTHS[parsed.month - 1]} {parsed.year}"


def format_span(start: str | None, end: str | None) -> str:
    """'3 January 2022', '3–5 January 2022', '31 December 2021 – 2 January 2022'."""
    first, last = _parse_date(start), _parse_date(end)
    if first is None or last is None or first == last:
        return format_date(start or end)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{format_date(end)}"
    return f"{format_date(start)} – {format_date(end)}"


def _parse_date(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Cite:
    number: int  # the source's number in the briefing's source list
    href: Markup  # relative link to the cited sentence's anchor
    tooltip: str


@dataclass(frozen=True)
class SummaryPoint:
    text: str
    citations: tuple[Cite, ...]


@dataclass(frozen=True)
class Source:
    number: int
    title: str
    outlet: str
    date: str
    href: Markup  # the local copy
    url: Markup | None  # the original, when it is an http(s) URL
    url_text: str  # any other URL, shown as text only


@dataclass(frozen=True)
class BriefingView:
    event_id: str
    title: str
    href: Markup  # relative to the site root
    date: str
    month: str  # archive heading, "January 2022" or "Undated"
    lead: str  # the first summary sentence
    points: tuple[SummaryPoint, ...]
    sources: tuple[Source, ...]
    outlets: tuple[str, ...]


@dataclass(frozen=True)
class BriefingLink:
    """A briefing as an article page links to it."""

    title: str
    href: Markup  # relative to the article page


@dataclass(frozen=True)
class IngestRow:
    path: str
    status: str
    briefings: tuple[BriefingView, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    """One page to write: everything it shows (`inputs`, for a cache key) and how to make it."""

    inputs: tuple
    make: Callable[[], str]


LATEST = 30  # briefings on the home page; the archive lists them all


def render(result, templates: Sequence[Path] = ()) -> dict[str, str]:
    """Every generated page of `result` (a `pipeline.Result`), keyed by relative POSIX path.

    `templates` are override folders searched before the built-in templates.
    """
    return {path: page.make() for path, page in plan(result, templates).items()}


def plan(result, templates: Sequence[Path] = (), views: Mapping[str, "BriefingView"] | None = None) -> dict[str, Page]:
    """Every page of `result`, not rendered yet: a rebuild renders only pages whose inputs changed.

    An article's inputs name it by its content hash (`result.corpus.keys`) when the pipeline
    made one: its sentences and their anchors follow from its text. `views` are briefing views
    already made (`briefing_view`), by event id.
    """
    env = environment(templates)
    articles = result.articles
    known = views or {}
    views = {b.event_id: known.get(b.event_id) or briefing_view(b, articles) for b in result.briefings}
    cited = _cited_sentences(result.briefings)
    # Article pages sit one folder down: their links to briefings are made once per briefing.
    citing = _citing_briefings([_relative(v, up=1) for v in views.values()], result.briefings)

    keys = result.corpus.keys
    pages = {
        briefing_path(b.event_id): _briefing_page(env, b, views[b.event_id], articles, result.briefing_keys.get(b.event_id))
        for b in result.briefings
    }
    for a in result.corpus.articles:
        links = citing.get(a.id, [])
        pages[article_path(a.id)] = _article_page(env, a, result.sentences, cited.get(a.id, ()), links, keys.get(a.id))
    pages.update(site_pages(result, env, views))
    return dict(sorted(pages.items()))


def event_pages(
    briefing: Briefing,
    view: "BriefingView",
    env: Environment,
    articles: Mapping[str, Article],
    sentences: Mapping[str, Sequence[Sentence]],
    article_keys: Mapping[str, str],
    briefing_key: str | None,
) -> dict[str, Page]:
    """The pages of one briefing and of its articles, the same as `plan` makes them, before the
    other briefings exist: a build renders them while the rest are being summarised.

    An article page shows the briefings that list or cite the article and its cited sentences, so
    this holds when no other briefing lists or cites these articles: events share no article
    (`events.group`), and a briefing cites only articles of its event, which is checked here.
    """
    cited = _cited_sentences([briefing])
    citing = _citing_briefings([_relative(view, up=1)], [briefing])
    if citing.keys() != set(briefing.article_ids):
        raise ValueError(f"briefing {briefing.event_id} cites an article outside its event")
    pages = {briefing_path(briefing.event_id): _briefing_page(env, briefing, view, articles, briefing_key)}
    for aid in briefing.article_ids:
        if aid in articles:
            article = articles[aid]
            pages[article_path(aid)] = _article_page(env, article, sentences, cited.get(aid, ()), citing[aid], article_keys.get(aid))
    return pages


def site_pages(result, env: Environment, views: Mapping[str, "BriefingView"]) -> dict[str, Page]:
    """The home page, archive, tags and ingest report; `views` are every briefing's, by event id."""
    newest = sorted(result.briefings, key=_newest_first)
    ordered = [views[b.event_id] for b in newest]
    context = {
        "briefings": ordered[:LATEST],
        "briefing_count": len(ordered),
        "months": _by_month(ordered),
        "rows": _ingest_rows(result, ordered),
        "article_count": len(result.corpus.articles),
        "file_count": len(result.corpus.files),
    }
    site = {
        # Listings of briefings and files: searching them would only find the briefings twice.
        "index.md": ("index.md.j2", {"title": "Briefings", "search": {"exclude": True}}),
        "archive.md": ("archive.md.j2", {"title": "Archive", "search": {"exclude": True}}),
        "tags.md": ("tags.md.j2", {"title": "Tags"}),
        "ingest.md": ("ingest.md.j2", {"title": "Ingest report", "search": {"exclude": True}}),
    }
    # What the site pages show follows from every briefing and article, every file and notice.
    everything = (
        [(b.event_id, result.briefing_keys.get(b.event_id) or b) for b in newest],
        [(a.id, result.corpus.keys.get(a.id) or a) for a in result.corpus.articles],
        result.corpus.files,
        result.corpus.notices,
    )
    # hashed once here: its text runs to megabytes, and each site page's key would hash it again
    summary = hashlib.sha256(repr(everything).encode()).hexdigest()
    return {
        path: Page(("site", template, summary), partial(_render_page, env, template, meta, **context))
        for path, (template, meta) in site.items()
    }


def _briefing_page(
    env: Environment, briefing: Briefing, view: "BriefingView", articles: Mapping[str, Article], key: str | None
) -> Page:
    """A briefing's page; its inputs are its content hash (`key`) when the pipeline made one."""
    meta = {
        "title": meta_escape(view.title),
        "description": meta_escape(view.lead),
        "sources": len(view.sources),
        "outlets": [meta_escape(o) for o in view.outlets],
        "tags": [meta_escape(t) for t in _tags(briefing, articles)],
        "search": {"boost": 2},
    }
    meta.update(_dates(briefing))
    return Page(
        ("briefing", key or (view, sorted(meta.items()))), partial(_render_page, env, "briefing.md.j2", meta, briefing=view)
    )


def _article_page(
    env: Environment,
    article: Article,
    sentences: Mapping[str, Sequence[Sentence]],
    cited: Iterable[int],
    citing: Iterable["BriefingView"],
    key: str | None,
) -> Page:
    """An article's page; its inputs name the article by its content hash (`key`) when the pipeline made one."""
    cites = sorted(cited)
    # Only what the page shows of them, which is also all its inputs name.
    links = [BriefingLink(v.title, v.href) for v in citing]
    # Article pages stay out of the search index: it would hold every article's full text
    # (tens of MB at 10,000 articles) and take the browser seconds to load. Briefings quote
    # and link them; the search finds the briefings.
    meta = {"title": meta_escape(article.title or article.path or article.id), "search": {"exclude": True}}
    return Page(
        ("article", key or article, cites, links),
        partial(_render_article, env, article, sentences, set(cites), links, meta),
    )


def templates_digest(templates: Sequence[Path] = ()) -> str:
    """A hash of every template a render may use, override folders first (part of a page's cache key)."""
    digest = hashlib.sha256()
    for place, folder in enumerate([*templates, DEFAULT_TEMPLATES]):
        folder = Path(folder)
        digest.update(f"folder {place}\0".encode())  # its rank, not its path: a moved checkout keeps its cache
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _render_page(env: Environment, template: str, meta: Mapping, **context) -> str:
    return _with_front_matter(_template(env, template).render(**context), meta)


def _template(env: Environment, name: str) -> Template:
    """`env.get_template(name)`, with its globals made one dict: Jinja keeps them as a ChainMap
    over the environment's, which each render copies into its context at several times the cost.
    (The environment's globals are set when it is made, so the copy holds the same.)"""
    template = env.get_template(name)
    if type(template.globals) is not dict:
        template.globals = dict(template.globals)
    return template


def _render_article(
    env: Environment,
    article: Article,
    sentences: Mapping[str, Sequence[Sentence]],
    cited: set[int],
    links: list[BriefingLink],
    meta: Mapping,
) -> str:
    return _render_page(
        env,
        "article.md.j2",
        meta,
        article=article,
        date=format_date(article.date) if article.date else "",
        url=safe_url(article.url),
        paragraphs=_marked_paragraphs(article, sentences.get(article.id, ()), cited),
        briefings=links,
    )


def environment(templates: Sequence[Path] = ()) -> Environment:
    """The Jinja environment: override folders first, escaping on output by default."""
    loaders = [FileSystemLoader(str(folder)) for folder in templates if Path(folder).is_dir()]
    loaders.append(FileSystemLoader(str(DEFAULT_TEMPLATES)))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=False,  # HTML autoescaping is the wrong escape for Markdown; finalize does ours
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        finalize=_finalize,
        # A build makes its environment and renders thousands of pages with the same templates:
        # no stat of the template file before each one.
        auto_reload=False,
    )
    env.filters["md_escape"] = lambda v: Markup(md_escape(v))
    return env


def _finalize(value: object) -> object:
    """Escape every printed value unless it was built safe (Markup)."""
    if type(value) is str:  # the most common case first: Jinja calls this for every {{ }}
        return _md_escape_text(value)
    if isinstance(value, (Markup, int, float)):
        return value
    return md_escape(value)


# libyaml's emitter: the same text as PyYAML's own for every page of the 10k benchmark corpus,
# in a fifth of the time (it escapes a few more characters, such as emoji, which load back the same).
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# What python-frontmatter's `dumps` passes to `yaml.dump`.
_YAML_OPTIONS = {"Dumper": _DUMPER, "default_flow_style": False, "allow_unicode": True}


def _with_front_matter(body: str, meta: Mapping) -> str:
    """`frontmatter.dumps(frontmatter.Post(body, **meta))` plus a newline, without its per-call objects."""
    # dumps: "---\n{yaml.strip()}\n---\n\n{content}\n".strip(), where its `u()` turns CRLF into LF
    metadata = _front_matter_yaml(meta).strip().replace("\r\n", "\n")
    head = f"---\n{metadata}\n---\n\n"
    tail = body.rstrip()  # the same as stripping the whole post: it starts with "---"
    return "".join((head, tail, "\n")) if tail else head.rstrip() + "\n"


def _front_matter_yaml(meta: Mapping) -> str:
    """`yaml.dump(meta, **_YAML_OPTIONS)`, one top-level entry at a time.

    PyYAML's Python representer costs more than the rest of a page's rendering. An entry of a
    block mapping is written the same whatever surrounds it, so each is made on its own: common
    strings directly (`_yaml_scalar`), anything else by `yaml.dump` of that entry alone, which is
    memoised for the values that recur (`search`, dates, counts). Whatever this does not know
    (other keys, other types, an object met twice, which yaml writes as an anchor and an alias)
    goes to `yaml.dump` whole."""
    if (
        not meta
        or not _YAML_FAST
        or _DUMPER.yaml_path_resolvers  # resolve() would depend on where a value is
        or any(type(k) is not str or not _plain_key(k) for k in meta)
        or not _unaliased(meta.values())
    ):
        return yaml.dump(dict(meta), **_YAML_OPTIONS)
    parts = []
    for key in sorted(meta):  # yaml.dump's sort_keys
        value = meta[key]
        kind = type(value)
        if kind is str:
            text = _yaml_scalar(value, len(key) + 2)
            parts.append(f"{key}: {text}\n" if text is not None else _yaml_entry(key, value))
        elif kind is list and value and all(type(v) is str for v in value):
            parts.append(f"{key}:\n")  # a block sequence in a mapping is not indented: "- item"
            for item in value:
                text = _yaml_scalar(item, 2)
                parts.append(f"- {text}\n" if text is not None else _yaml_entry(key, [item])[len(key) + 2:])
        else:
            parts.append(_yaml_entry(key, value))
    return "".join(parts)


# Characters libyaml writes as they are in a plain or single-quoted scalar (its IS_PRINTABLE, with
# allow_unicode), less line breaks (\x85 is not printable there, \u2028 and \u2029 are breaks).
_YAML_UNSAFE = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]")
# First characters that make a plain scalar an indicator (libyaml's yaml_emitter_analyze_scalar).
_YAML_FIRST = frozenset("#,[]{}&*!|>'\"%@`")
_YAML_STR = "tag:yaml.org,2002:str"
_YAML_WIDTH = 80  # libyaml's best_width: it folds a line at a space past this column
_YAML_INDENT = 2  # where a folded value goes on: the mapping's indent (0) plus best_indent
# Only libyaml's emitter is copied here; with PyYAML's own, every entry goes through yaml.dump.
_YAML_FAST = _DUMPER is getattr(yaml, "CSafeDumper", None)
_RESOLVER = _DUMPER(None) if _YAML_FAST else None  # its resolve(): plain text that would load as non-str


def _yaml_scalar(value: str, column: int) -> str | None:
    """How libyaml writes the str `value` as a block mapping value or sequence item starting at
    `column`: plain when it may be, else single-quoted, folded at spaces past column 80; None for
    values it is not worth copying libyaml for (breaks, unusual characters, runs of spaces)."""
    if not value or _YAML_UNSAFE.search(value) or "  " in value or value[0] == " " or value[-1] == " ":
        return None
    if (
        value[0] in _YAML_FIRST
        or (value[0] in "-?:" and (len(value) == 1 or value[1] == " "))
        or value.startswith(("---", "..."))
        or ": " in value
        or value[-1] == ":"
        or " #" in value
        or _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) != _YAML_STR
    ):
        text = "'" + value.replace("'", "''") + "'"  # from `column` on, like a plain one
    else:
        text = value
    if column + len(text) <= _YAML_WIDTH + 1:  # no space past column 80
        return text
    # Fold: a space (single, here) written past column 80 becomes a line break and the indent.
    # A single-quoted scalar is never folded at its first or last character, which are quotes.
    lines, width = [], column
    words = text.split(" ")
    line = [words[0]]
    width += len(words[0])
    for word in words[1:]:
        if width > _YAML_WIDTH:
            lines.append(" ".join(line))
            line, width = [word], _YAML_INDENT + len(word)
        else:
            line.append(word)
            width += 1 + len(word)
    lines.append(" ".join(line))
    return ("\n" + " " * _YAML_INDENT).join(lines)


@lru_cache(maxsize=64)
def _plain_key(key: str) -> bool:
    """Whether yaml.dump writes `key` as is, as a mapping key."""
    return yaml.dump({key: 0}, **_YAML_OPTIONS) == f"{key}: 0\n"


_NO_ALIAS = frozenset((str, int, float, bool, type(None)))  # the common ones its test lets pass


def _unaliased(values: Iterable) -> bool:
    """Whether yaml.dump writes `values` with no anchor or alias, in types `_front_matter_yaml`
    knows: no object it does not ignore for aliases (its representer's test) appears twice."""
    seen = set()
    stack = list(values)
    while stack:
        value = stack.pop()
        if type(value) in _NO_ALIAS or _RESOLVER.ignore_aliases(value):
            continue
        if id(value) in seen:
            return False
        seen.add(id(value))
        kind = type(value)
        if kind is dict:
            stack += value.keys()
            stack += value.values()
        elif kind is list:
            stack += value
        elif kind is not date:
            return False
    return True


# Types whose equal values yaml.dump writes the same (not float: 0.0 == -0.0; not datetime: time zones).
_SAME_TEXT = frozenset((str, int, bool, type(None), date))


def _entry_token(value: object) -> object:
    """A hashable stand-in for `value`, equal only for values yaml.dump writes alike; None if none."""
    kind = type(value)
    if kind in _SAME_TEXT:
        return (kind, value)  # with the type: True == 1, and they hash alike
    if kind is list or kind is dict:
        items = value.items() if kind is dict else enumerate(value)
        tokens = tuple((_entry_token(k), _entry_token(v)) for k, v in items)
        if all(k is not None and v is not None for k, v in tokens):
            return (kind, tokens)
    return None


_ENTRIES: dict = {}


def _yaml_entry(key: str, value: object) -> str:
    """`yaml.dump({key: value})`, memoised for the values `_entry_token` stands for."""
    token = (key, _entry_token(value))
    found = _ENTRIES.get(token) if token[1] is not None else None
    if found is None:
        found = yaml.dump({key: value}, **_YAML_OPTIONS)
        if token[1] is not None:
            if len(_ENTRIES) >= 4096:
                _ENTRIES.clear()
            _ENTRIES[token] = found
    return found


def _newest_first(briefing: Briefing) -> tuple:
    """Sort key: latest end date first, undated last, then by id for a stable order."""
    end = briefing.date_end or briefing.date_start or ""
    return ("" if end else "~", _invert(end), briefing.event_id)


def _invert(text: str) -> str:
    """A key that sorts ISO dates in descending order."""
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


def briefing_view(briefing: Briefing, articles: Mapping[str, Article]) -> BriefingView:
    """What a template shows of a briefing: numbered sources, linked citations, dates."""
    numbers = {aid: n for n, aid in enumerate(briefing.article_ids, 1)}
    # A cited article missing from article_ids still gets a number rather than a broken link.
    for point in briefing.points:
        for aid in point.sources:
            numbers.setdefault(aid, len(numbers) + 1)
    sources = tuple(_source(n, articles.get(aid), aid) for aid, n in numbers.items())
    points = tuple(
        SummaryPoint(
            text=p.text,
            citations=tuple(
                Cite(
                    number=numbers[c.article_id],
                    href=_markup(f"../{article_path(c.article_id)}#s{c.sentence_index}"),
                    tooltip=_link_title(sources[numbers[c.article_id] - 1].title),
                )
                for c in p.citations
            ),
        )
        for p in briefing.points
    )
    start = _parse_date(briefing.date_start)
    return BriefingView(
        event_id=briefing.event_id,
        title=briefing.title or "Untitled event",
        href=Markup(briefing_path(briefing.event_id)),
        date=format_span(briefing.date_start, briefing.date_end),
        month=f"{_MONTHS[start.month - 1]} {start.year}" if start else "Undated",
        lead=points[0].text if points else "",
        points=points,
        sources=sources,
        outlets=tuple(sorted({s.outlet for s in sources if s.outlet})),
    )


@lru_cache(maxsize=65536)  # called once per citation; the same values recur
def _link_title(text: str) -> Markup:
    """Text for a Markdown link title ("..."): escaped, and no quote that could end it."""
    return Markup(md_escape(text).replace('"', "&quot;"))


def _source(number: int, article: Article | None, article_id: str) -> Source:
    if article is None:
        return Source(number, article_id, "", "", _markup(f"../{article_path(article_id)}"), None, "")
    url = safe_url(article.url)
    return Source(
        number=number,
        title=article.title or article.path or article.id,
        outlet=article.outlet or "",
        date=format_date(article.date) if article.date else "",
        href=_markup(f"../{article_path(article.id)}"),
        url=url,
        url_text="" if url or not article.url else article.url,
    )


def _relative(view: BriefingView, up: int) -> BriefingView:
    """The same briefing with its link made relative to a page `up` folders deep."""
    return replace(view, href=Markup("../" * up + view.href))


def _dates(briefing: Briefing) -> dict:
    """Front matter dates as YAML dates (the RSS plugin reads `date`, `date_end`)."""
    start = _parse_date(briefing.date_start)
    end = _parse_date(briefing.date_end) or start
    return {"date": start, "date_end": end} if start else {}


def _tags(briefing: Briefing, articles: Mapping[str, Article]) -> list[str]:
    """The briefing's own tags, then its articles' tags, each once."""
    found = list(briefing.tags)
    for aid in briefing.article_ids:
        found.extend(articles[aid].tags if aid in articles else ())
    return list(dict.fromkeys(t.strip() for t in found if t.strip()))


def _cited_sentences(briefings: Iterable[Briefing]) -> dict[str, set[int]]:
    cited: dict[str, set[int]] = {}
    for briefing in briefings:
        for point in briefing.points:
            for c in point.citations:
                cited.setdefault(c.article_id, set()).add(c.sentence_index)
    return cited


def _citing_briefings(views: Sequence[BriefingView], briefings: Sequence[Briefing]) -> dict[str, list[BriefingView]]:
    by_id = {v.event_id: v for v in views}
    citing: dict[str, list[BriefingView]] = {}
    for briefing in sorted(briefings, key=lambda b: b.event_id):
        members = set(briefing.article_ids) | {aid for p in briefing.points for aid in p.sources}
        for aid in sorted(members):
            citing.setdefault(aid, []).append(by_id[briefing.event_id])
    return citing


def _marked_paragraphs(article: Article, sentences: Sequence[Sentence], cited: set[int]) -> list[Markup]:
    """The article's paragraphs as escaped HTML, each cited sentence in an anchored span.

    HTML, not Markdown: the template puts them in a raw HTML block, which Markdown passes through
    untouched, so the bulk of the site's text costs MkDocs no inline parsing (and nothing in an
    article can be read as Markdown). Sentence offsets point into `article.text` (paragraphs
    joined by a blank line), so the paragraph boundaries are recomputed the same way.
    Whitespace runs become one space and each paragraph is stripped.

    The whole article is escaped in one go (escaping maps each character on its own): its
    paragraphs joined by a control character, the spans marked by two more, which become the HTML
    tags once the text around them is escaped. Printable text holds no control character, so they
    cannot be mistaken; any other text is made paragraph by paragraph (`_marked_piecewise`).
    """
    paragraphs = article.paragraphs
    # Printable: no control character, and no whitespace but " " (str.split's whitespace is not printable).
    if not paragraphs or not all(map(str.isprintable, paragraphs)):
        return _marked_piecewise(article, sentences, cited)
    spans = _spans(paragraphs, sentences, cited)
    if spans is None:
        return _marked_piecewise(article, sentences, cited)
    joined = _SEPARATOR.join(paragraphs)
    # Whitespace is then already one space at a time, none at either end, in most text:
    # checking is cheaper than splitting it into words.
    tidy = not (
        "  " in joined
        or joined.startswith(" ")
        or joined.endswith(" ")
        or f" {_SEPARATOR}" in joined
        or f"{_SEPARATOR} " in joined
    )
    if spans:
        pieces: list[str] = []
        cursor = 0
        for number, s in spans:  # offsets in `joined`: each separator is one character, not two
            start, end = s.start - number, s.end - number
            pieces += (joined[cursor:start], _OPEN, joined[start:end], _CLOSE)
            cursor = end
        pieces.append(joined[cursor:])
        joined = "".join(pieces)
    escaped = _html_escape(joined)
    if spans:
        parts = escaped.split(_OPEN)
        tagged = [parts[0]]
        for (_, s), part in zip(spans, parts[1:]):
            tagged += (f'<span class="cite" id="s{s.index}">', part)
        escaped = "".join(tagged).replace(_CLOSE, "</span>")
    marked = escaped.split(_SEPARATOR)
    if not tidy:
        marked = [" ".join(p.split()) for p in marked]
    return list(map(_markup, filter(None, marked)))


# Markup(text) for a plain str, without Markup.__new__'s Python-level checks (a call per paragraph).
_markup = partial(str.__new__, Markup)
# Between paragraphs, around a cited sentence: control characters, which keep text of Latin-1 one
# byte a character (private-use ones would make it two), and which _html_escape keeps as they are.
_SEPARATOR, _OPEN, _CLOSE = "\x00", "\x01", "\x02"


def _spans(paragraphs: Sequence[str], sentences: Sequence[Sentence], cited: set[int]) -> list[tuple[int, Sentence]] | None:
    """The cited sentences to mark, in text order, each with the number of its paragraph.

    A sentence is marked in the paragraph that holds it whole, unless it overlaps the one
    marked before it. None if one ends before it starts (no sentence the splitter makes):
    where `_marked_piecewise` marks that is not worth copying."""
    anchored = sorted((s for s in sentences if s.index in cited), key=lambda s: s.start)
    if not anchored:
        return []
    if any(s.start > s.end for s in anchored):
        return None
    starts = list(accumulate((len(p) + 2 for p in paragraphs[:-1]), initial=0))  # "\n\n" between them
    spans = []
    cursor = -1  # where the last marked sentence ends
    for s in anchored:
        number = bisect_right(starts, s.start) - 1
        if number < 0 or s.end > starts[number] + len(paragraphs[number]):
            continue
        if spans and spans[-1][0] == number and s.start < cursor:
            continue
        spans.append((number, s))
        cursor = s.end
    return spans


def _marked_piecewise(article: Article, sentences: Sequence[Sentence], cited: set[int]) -> list[Markup]:
    """`_marked_paragraphs` for text with control characters or whitespace other than spaces."""
    anchored = sorted((s for s in sentences if s.index in cited), key=lambda s: s.start)
    text = article.text
    marked: list[Markup] = []
    offset = 0
    for paragraph in article.paragraphs:
        end = offset + len(paragraph)
        pieces: list[str] = []
        cursor = offset
        for s in anchored:
            if s.start < cursor or s.end > end:
                continue
            pieces.append(_html_text(text[cursor:s.start]))
            pieces.append(f'<span class="cite" id="s{s.index}">{_html_text(text[s.start:s.end])}</span>')
            cursor = s.end
        pieces.append(_html_text(text[cursor:end]))
        joined = " ".join("".join(pieces).split())
        if joined:
            marked.append(Markup(joined))
        offset = end + 2  # the "\n\n" between paragraphs in Article.text
    return marked


def _html_text(text: str) -> str:
    """`text` as HTML text: no control characters, nothing that could open a tag or an entity."""
    return _html_escape(_CONTROL.sub("", text))


def _html_escape(text: str) -> str:
    # html.escape(quote=False), then braces and brackets: str.replace is several times faster
    # than str.translate here. Braces: no template syntax for a later pass (a macros plugin);
    # brackets: no link syntax, should a site's own template ever put the text outside the raw block.
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("{", "&#123;").replace("}", "&#125;").replace("[", "&#91;").replace("]", "&#93;")
    )


def _by_month(views: Sequence[BriefingView]) -> list[tuple[str, list[BriefingView]]]:
    """Briefings grouped under month headings, in the home page's newest-first order."""
    groups: dict[str, list[BriefingView]] = {}
    for view in views:
        groups.setdefault(view.month, []).append(view)
    return list(groups.items())


def _ingest_rows(result, views: Sequence[BriefingView]) -> list[IngestRow]:
    """One row per input file: which briefings it reached, or why it did not."""
    by_event = {v.event_id: v for v in views}
    article_briefings: dict[str, list[str]] = {}
    for briefing in result.briefings:
        for aid in briefing.article_ids:
            article_briefings.setdefault(aid, []).append(briefing.event_id)
    notices: dict[str, list[Notice]] = {}
    for notice in result.corpus.notices:
        notices.setdefault(notice.path, []).append(notice)

    by_path: dict[str, list[Article]] = {}
    for article in result.corpus.articles:
        by_path.setdefault(article.path, []).append(article)

    rows = []
    for path in result.corpus.files:
        articles = by_path.get(path, [])
        event_ids = sorted({e for a in articles for e in article_briefings.get(a.id, ())})
        problems = notices.get(path, [])
        reasons = tuple(f"{n.record}: {n.reason}" if n.record else n.reason for n in problems)
        if event_ids:
            status = "used"
        elif articles:
            status = "read, in no briefing"
        elif problems and all(n.skipped for n in problems):
            status = "skipped"
        else:
            status = "no article found"
        if status == "used" and any(n.skipped for n in problems):
            status = "used, some records skipped"
        rows.append(IngestRow(path, status, tuple(by_event[e] for e in event_ids), reasons))
    return rows
