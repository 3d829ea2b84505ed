"""Properties over generated hostile input (hypothesis, derandomized: the same examples every run).

Reading: every reader takes any bytes without raising and accounts for the file; ids are safe;
sentence offsets point at the sentence text. Rendering: any title, text, outlet, URL, tag or
notice goes through `digest.pages` into Markdown whose front matter parses back to the same
title, and whose HTML (Python-Markdown with the site's extensions) carries no script, no event
handler, no active URL and no evaluated template syntax.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

import frontmatter
import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest import clean, pages, read, sentences
from digest.models import Article, Briefing, Citation, Event, Notice, Point
from digest.pipeline import Corpus, Result
from hostile import INJECTIONS, scan_html

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
SAFE_PAGE = re.compile(r"(?:briefings/|articles/)?[a-z0-9][a-z0-9_-]*\.md")
TEMPLATE_TAGS = re.compile(r'<span class="cite" id="s\d+">|</span>|<div class="digest-article">|</div>|</?p>|<!-- material/tags -->')
MARKDOWN_EXTENSIONS = ["attr_list", "md_in_html", "admonition", "tables", "toc"]
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

PROPERTY_SETTINGS = settings(
    derandomize=True, deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow],
)

# --- strategies ----------------------------------------------------------------------------------

# Strings that mean something to YAML, Markdown, HTML, Jinja or a URL parser.
_TRICKY = INJECTIONS + (
    "null", "true", "~", "123", "2022-01-03", "- item", "? key", ": value", "'", '"', "#", "&anchor", "*alias",
    "!tag", "%YAML 1.2", "---", "...", "|", ">", "\\", "`code`", "**bold**", "# heading", "1. one", "> quote",
    "{: .class }", "{ #id }", "!!! note", "<!-- x -->", "</span>", '<span class="cite" id="s0">', "&amp;", "&#60;",
    "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "\u202e", "\u200b", "\ufeff", "🇺🇦", "ﷺ", "\u0000",
)
_PIECES = st.one_of(st.sampled_from(_TRICKY), st.text(max_size=12), st.sampled_from([" ", "\n", "\r\n", "\t", ". "]))
hostile_text = st.lists(_PIECES, max_size=8).map("".join)
visible_text = hostile_text.filter(lambda t: " ".join(CONTROL.sub("", t).split()))
urls = st.one_of(
    st.none(), hostile_text,
    st.sampled_from([
        "https://example.com/a", "https://example.com/a\"onmouseover=\"alert(1)", "javascript:alert(1)",
        "JaVaScRiPt:alert(1)", " javascript:alert(1)", "http://[broken", "//evil.example/x", "https://ex ample.com",
        "https://example.com/<script>", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
    ]),
)


def _front_matter(fields: dict) -> str:
    return "---\n" + "".join(f"{key}: {value}\n" for key, value in fields.items()) + "---\n"


@st.composite
def file_contents(draw) -> tuple[str, bytes]:
    """(suffix, bytes) of a file each reader may meet: raw bytes, odd encodings, or its own format
    filled with hostile strings."""
    suffix = draw(st.sampled_from(sorted(read._READERS)))
    title, value = draw(hostile_text), draw(hostile_text)
    text = f"{draw(hostile_text)} The council approved the plan on Tuesday. {draw(hostile_text)}"
    shaped = {
        ".txt": f"{title}\n\n{text}", ".text": f"{title}\n{value}\n\n{text}",
        ".md": _front_matter({"title": title, "date": value, "tags": value}) + f"\n# {title}\n\n{text}",
        ".markdown": f"---\n{value}\n---\n{text}",
        ".html": f"<html><head><title>{title}</title><script>{value}</script></head><body><p>{text}</p>"
                 f"<img src=x onerror={value}><a href='javascript:{value}'>{title}</a></body></html>",
        ".htm": f"<p>{text}</p>",
        ".json": json.dumps([{"id": value, "title": title, "text": text, "date": value, "url": value, "tags": [value]}]),
        ".jsonl": json.dumps({"id": title, "text": text}) + "\n" + value + "\n" + json.dumps({"text": value, "language": value}),
        ".xml": f"<rss><channel><title>{title}</title><item><title>{title}</title><description>{text}</description>"
                f"<link>{value}</link></item></channel></rss>",
        ".rss": f"<?xml version='1.0'?><rss version='2.0'><channel><item><title>{title}</title><description><![CDATA[{text}]]>"
                f"</description></item></channel></rss>",
        ".atom": f"<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>{title}</title><content>{text}</content></entry></feed>",
    }[suffix]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
    form = draw(st.sampled_from(["encoded"] * 3 + ["junk appended", "bytes"]))
    if form == "bytes":
        return suffix, draw(st.binary(max_size=300))
    content = shaped.encode(encoding, errors="ignore")
    return suffix, content + draw(st.binary(min_size=1, max_size=8)) if form == "junk appended" else content


# --- reading -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


@settings(PROPERTY_SETTINGS, max_examples=200)
@given(file_contents())
def test_read_file_never_raises_and_accounts_for_the_file(folder, case):
    suffix, content = case
    path = folder / f"input{suffix}"
    path.write_bytes(content)
    articles, notices = read.read_file(path, folder)

    # nothing read: a notice says what was skipped (a file-level warning, such as the encoding
    # it was read in, may come with it: b"\x80" as JSONL is read as Windows-1252, then its
    # one line is not JSON)
    assert articles or any(n.skipped for n in notices)
    assert all(n.path == path.name and n.reason.strip() for n in notices)
    repeated = [record for record, count in Counter(n.record for n in notices).items() if count > 1]
    assert repeated == [], "one notice per file or record"
    ids = [a.id for a in articles]
    assert len(set(ids)) == len(ids)
    for article in articles:
        assert SAFE_ID.fullmatch(article.id) and ".." not in article.id, article.id
        assert "\r" not in article.text
        cleaned = clean.clean_article(article)
        _assert_offsets(cleaned)


def _assert_offsets(article: Article) -> None:
    end = 0
    for index, sentence in enumerate(sentences.split(article)):
        assert sentence.index == index and sentence.article_id == article.id
        assert end <= sentence.start < sentence.end <= len(article.text)
        assert article.text[sentence.start : sentence.end] == sentence.text
        end = sentence.end


@PROPERTY_SETTINGS
@given(st.lists(visible_text, min_size=1, max_size=4), visible_text)
def test_sentence_offsets_hold_for_any_paragraphs(paragraphs, title):
    lines = tuple(" ".join(p.split()) for p in paragraphs)
    _assert_offsets(Article(id="a", title=title, paragraphs=tuple(p for p in lines if p) or ("x",)))


@settings(derandomize=True, deadline=None, max_examples=200)
@given(hostile_text)
def test_ids_are_safe_for_any_file_name_or_record_id(name):
    for found in (read.file_id(name), read.file_id(f"folder/{name}.txt"), read._record_id(name, name or "text")):
        assert SAFE_ID.fullmatch(found) and ".." not in found, found


# --- rendering -----------------------------------------------------------------------------------


@st.composite
def results(draw) -> Result:
    """A one-article, one-briefing pipeline result whose every string is drawn."""
    paragraphs = tuple(p for p in (" ".join(t.split()) for t in draw(st.lists(visible_text, min_size=1, max_size=3))) if p)
    article = Article(
        id="hostile-article", title=draw(visible_text), paragraphs=paragraphs or ("Text.",), path=draw(visible_text),
        date=draw(st.one_of(st.none(), st.just("2022-01-03"), hostile_text)), outlet=draw(st.one_of(st.none(), hostile_text)),
        url=draw(urls), tags=tuple(draw(st.lists(visible_text, max_size=2))),
    )
    found = sentences.split(article)
    points = tuple(
        Point(text=s.text, citations=(Citation(article.id, s.index, s.start, s.end, True),)) for s in found[:3]
    )
    event_id = draw(st.one_of(st.just("2022-01-03-council-budget-0a1b2c3d"), visible_text))
    briefing = Briefing(
        event_id=event_id, title=draw(visible_text), points=points, article_ids=(article.id,),
        date_start=article.date, date_end=article.date, tags=tuple(draw(st.lists(visible_text, max_size=2))),
    )
    corpus = Corpus(
        files=(article.path, "other.txt"), articles=(article,),
        notices=(Notice("other.txt", draw(visible_text), skipped=True), Notice(article.path, draw(visible_text))),
    )
    return Result(corpus=corpus, sentences={article.id: found}, events=(Event(event_id, (article.id,)),), briefings=(briefing,))


def shown(text: str) -> str:
    """What a page shows of `text`: control characters dropped, whitespace runs as one space."""
    return " ".join(CONTROL.sub("", text).split())


@PROPERTY_SETTINGS
@given(results())
def test_rendered_pages_carry_no_markup_from_their_input(result):
    rendered = pages.render(result)
    [article], [briefing] = result.corpus.articles, result.briefings
    for path, page in rendered.items():
        assert SAFE_PAGE.fullmatch(path), path
        post = frontmatter.loads(page)
        stray = [tag for tag in re.findall(r"<[^>]*>?", post.content) if not TEMPLATE_TAGS.fullmatch(tag)]
        assert not stray, (path, stray)
        assert "<script" not in page.lower() and "{{" not in post.content and "{%" not in post.content, path
        for target in re.findall(r"\]\(([^)\s]*)", post.content):
            assert re.match(r"(?:https?://|\.\./|[a-z0-9])", target), (path, target)
        scan = scan_html(markdown.markdown(post.content, extensions=MARKDOWN_EXTENSIONS))
        assert not (scan.scripts or scan.handlers or scan.active_urls), (path, scan.scripts, scan.handlers, scan.active_urls)

    article_page = frontmatter.loads(rendered[pages.article_path(article.id)])
    assert html.unescape(article_page["title"]) == shown(article.title)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", markdown.markdown(article_page.content, extensions=MARKDOWN_EXTENSIONS), re.S)
    assert html.unescape(re.sub(r"<[^>]+>", "", heading[1])) == shown(article.title)
    briefing_page = frontmatter.loads(rendered[pages.briefing_path(briefing.event_id)])
    assert html.unescape(briefing_page["title"]) == shown(briefing.title)
