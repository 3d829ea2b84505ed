"""Rendering: front matter, citations and their anchors, escaping of hostile input, overrides."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import frontmatter
import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest import pages, sentences
from digest.models import Article, Briefing, Citation, Notice, Point
from digest.pipeline import Corpus, Result

# The Markdown extensions of mkdocs.yml, so what is checked here is what the site renders.
EXTENSIONS = ["attr_list", "md_in_html", "admonition", "tables", "toc"]

HOSTILE_TITLE = "<script>alert(1)</script> {{ 7*7 }} {% if 1 %}x{% endif %} [x](javascript:alert(1)) a | b"


def _article(id, title, paragraphs, **kw) -> Article:
    return Article(id=id, title=title, paragraphs=tuple(paragraphs), path=f"{id}.txt", **kw)


def _cite(sents, article_id, index) -> Citation:
    s = sents[article_id][index]
    return Citation(article_id, index, s.start, s.end, verbatim=True)


def make_result(briefing_title="Talks held in Geneva", first_title=HOSTILE_TITLE) -> Result:
    a = _article(
        "a1",
        first_title,
        [
            "Officials met in Geneva on Monday. The talks | lasted *eight* hours.",
            "1. A list-looking paragraph with [x](javascript:alert(1)) and {{ 7*7 }}.",
        ],
        date="2022-01-10", date_source="header", outlet="Outlet <One>", outlet_source="url",
        url="javascript:alert(1)", tags=("Diplomacy",),
    )
    b = _article(
        "b2", "Second report", ["Geneva hosted the talks. Both sides spoke afterwards."],
        date="2022-01-11", outlet="Two", url="https://example.org/news/a_b?x=1&y=(2)",
    )
    c = _article("c3", "Unrelated", ["Nothing to see here."], date="2021-05-02", outlet="Three")
    articles = (a, b, c)
    sents = {x.id: sentences.split(x) for x in articles}
    geneva = Briefing(
        event_id="ev-geneva",
        title=briefing_title,
        points=(
            Point(sents["a1"][1].text, (_cite(sents, "a1", 1), _cite(sents, "b2", 0))),
            Point(sents["b2"][1].text, (_cite(sents, "b2", 1),)),
        ),
        article_ids=("a1", "b2"),
        date_start="2022-01-10",
        date_end="2022-01-11",
        tags=("Europe",),
    )
    older = Briefing(
        event_id="ev-old",
        title="An older event",
        points=(Point(sents["c3"][0].text, (_cite(sents, "c3", 0),)),),
        article_ids=("c3",),
        date_start="2021-05-02",
        date_end="2021-05-02",
    )
    corpus = Corpus(
        files=("a1.txt", "b2.txt", "c3.txt", "broken.pdf"),
        articles=articles,
        notices=(Notice("broken.pdf", "not a text file", skipped=True), Notice("b2.txt", "no outlet found")),
    )
    return Result(corpus=corpus, sentences=sents, events=(), briefings=(older, geneva))


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return pages.render(make_result())


class _Html(HTMLParser):
    """Collects tags with their attributes, and the text."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(source)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def html_of(page: str) -> _Html:
    body = frontmatter.loads(page).content
    return _Html(markdown.markdown(body, extensions=EXTENSIONS))


def test_every_page_is_rendered(rendered):
    assert set(rendered) == {
        "index.md", "archive.md", "tags.md", "ingest.md",
        "briefings/ev-geneva.md", "briefings/ev-old.md",
        "articles/a1.md", "articles/b2.md", "articles/c3.md",
    }


def test_briefing_front_matter_parses_back(rendered):
    meta = frontmatter.loads(rendered["briefings/ev-geneva.md"]).metadata
    assert meta["title"] == "Talks held in Geneva"
    assert str(meta["date"]) == "2022-01-10" and str(meta["date_end"]) == "2022-01-11"
    assert meta["sources"] == 2
    assert meta["outlets"] == ["Outlet &lt;One&gt;", "Two"]  # HTML-escaped: Material prints meta raw
    assert meta["tags"] == ["Europe", "Diplomacy"]
    assert meta["description"] == "The talks | lasted *eight* hours."


def test_citations_point_at_anchored_sentences(rendered):
    briefing = rendered["briefings/ev-geneva.md"]
    links = re.findall(r"\]\(\.\./articles/([a-z0-9]+)\.md#s(\d+)", briefing)
    assert links == [("a1", "1"), ("b2", "0"), ("b2", "1")]
    result = make_result()
    for article_id, index in links:
        anchors = [attrs for tag, attrs in html_of(rendered[f"articles/{article_id}.md"]).tags if attrs.get("id") == f"s{index}"]
        assert len(anchors) == 1 and anchors[0]["class"] == "cite"
        # The anchored span holds exactly the cited sentence.
        sentence = result.sentences[article_id][int(index)].text
        span = re.search(rf'<span class="cite" id="s{index}">(.*?)</span>', rendered[f"articles/{article_id}.md"])
        assert "".join(_Html(span.group(1)).text) == sentence


def test_citation_numbers_follow_the_source_list(rendered):
    parsed = html_of(rendered["briefings/ev-geneva.md"])
    cite_links = [a["href"] for tag, a in parsed.tags if tag == "a" and "#s" in a.get("href", "")]
    assert cite_links == ["../articles/a1.md#s1", "../articles/b2.md#s0", "../articles/b2.md#s1"]
    body = frontmatter.loads(rendered["briefings/ev-geneva.md"]).content
    assert "[\\[1\\]](../articles/a1.md#s1" in body and "[\\[2\\]](../articles/b2.md#s0" in body
    sources = body.split("## Sources", 1)[1]
    assert sources.index("articles/a1.md") < sources.index("articles/b2.md")


def test_uncited_sentences_carry_no_anchor(rendered):
    ids = [a["id"] for _, a in html_of(rendered["articles/a1.md"]).tags if a.get("id", "").startswith("s")]
    assert ids == ["s1"]


def test_hostile_text_renders_as_text(rendered):
    for path in ("articles/a1.md", "briefings/ev-geneva.md", "index.md", "ingest.md"):
        parsed = html_of(rendered[path])
        tags = {tag for tag, _ in parsed.tags}
        assert "script" not in tags, path
        hrefs = [a.get("href", "") for _, a in parsed.tags]
        assert not any(h.lower().startswith("javascript") for h in hrefs), path
        assert all(not k.startswith("on") for _, a in parsed.tags for k in a), path
    article = "".join(html_of(rendered["articles/a1.md"]).text)
    assert "<script>alert(1)</script> {{ 7*7 }} {% if 1 %}x{% endif %} [x](javascript:alert(1)) a | b" in article
    assert "1. A list-looking paragraph with [x](javascript:alert(1)) and {{ 7*7 }}." in article
    assert "The talks | lasted *eight* hours." in article
    assert "49" not in article


def test_front_matter_title_is_html_escaped(rendered):
    meta = frontmatter.loads(rendered["articles/a1.md"]).metadata
    assert "<" not in meta["title"] and "&lt;script&gt;" in meta["title"]


def test_only_http_urls_become_links(rendered):
    a1 = html_of(rendered["articles/a1.md"])
    assert not [a for tag, a in a1.tags if tag == "a" and "alert" in a.get("href", "")]
    assert "javascript:alert(1)" in "".join(a1.text)  # shown, as text
    b2 = html_of(rendered["articles/b2.md"])
    assert ("a", {"href": "https://example.org/news/a_b?x=1&y=%282%29"}) in b2.tags


def test_pipes_do_not_break_the_ingest_table(rendered):
    result = make_result()
    evil = Notice("x|y.txt", "bad | worse", skipped=True)
    corpus = Corpus(files=(*result.corpus.files, "x|y.txt"), articles=result.corpus.articles, notices=(*result.corpus.notices, evil))
    page = pages.render(Result(corpus=corpus, sentences=result.sentences, events=(), briefings=result.briefings))["ingest.md"]
    table = markdown.markdown(frontmatter.loads(page).content, extensions=EXTENSIONS)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    assert len(rows) == 1 + 5
    assert all(row.count("<td") == 4 for row in rows[1:])
    assert "x|y.txt" in "".join(_Html(table).text)


def test_ingest_accounts_for_every_file(rendered):
    text = "".join(html_of(rendered["ingest.md"]).text)
    for path in ("a1.txt", "b2.txt", "c3.txt", "broken.pdf"):
        assert path in text
    assert "skipped" in text and "not a text file" in text and "no outlet found" in text


def test_home_lists_latest_first_and_archive_by_month(rendered):
    home = frontmatter.loads(rendered["index.md"]).content
    assert home.index("briefings/ev-geneva.md") < home.index("briefings/ev-old.md")
    assert "10–11 January 2022 · 2 sources from 2 outlets" in home
    archive = frontmatter.loads(rendered["archive.md"]).content
    assert archive.index("## January 2022") < archive.index("## May 2021")


def test_output_is_deterministic():
    first = pages.render(make_result())
    shuffled = make_result()
    shuffled = Result(corpus=shuffled.corpus, sentences=shuffled.sentences, events=(), briefings=shuffled.briefings[::-1])
    assert pages.render(shuffled) == first


def test_override_template_wins(tmp_path):
    (tmp_path / "briefing.md.j2").write_text("# Custom: {{ briefing.title }}\n", encoding="utf-8")
    out = pages.render(make_result(briefing_title="<b>bold</b> *x*"), [tmp_path])
    body = frontmatter.loads(out["briefings/ev-geneva.md"]).content
    assert body == "# Custom: &lt;b&gt;bold&lt;/b&gt; &#42;x&#42;"  # an override escapes by default too
    assert out["index.md"] == pages.render(make_result(briefing_title="<b>bold</b> *x*"))["index.md"]


def test_missing_override_folder_falls_back(tmp_path):
    assert pages.render(make_result(), [tmp_path / "absent"]) == pages.render(make_result())


def test_unsafe_ids_get_safe_file_names():
    assert pages.page_slug("ev-1_a") == "ev-1_a"
    slug = pages.page_slug("../Evil Event/..")
    assert re.fullmatch(r"[a-z0-9][a-z0-9_-]*", slug) and slug != pages.page_slug("../Evil Event/...")


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://example.org/a", True),
        ("HTTP://example.org/a", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("//example.org/a", False),
        ("https://exa mple.org", False),
        ("file:///etc/passwd", False),
        ("", False),
    ],
)
def test_safe_url(url, ok):
    assert (pages.safe_url(url) is not None) == ok


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 1.-+=!:?)#*_`[]()<>&|{}%~^$\\/\"'\t\n\x02\x03é")), max_size=30))
def test_md_escape_renders_back_to_the_same_text(text):
    html = markdown.markdown(pages.md_escape(text), extensions=EXTENSIONS)
    parsed = _Html(html)
    visible = " ".join("".join(c for c in text if c not in "\x02\x03").split())
    assert "".join(parsed.text) == visible
    assert [tag for tag, _ in parsed.tags] == (["p"] if visible else [])


def test_event_pages_and_site_pages_are_the_pages_of_the_whole_plan():
    """A build renders each briefing's pages as the briefing is made, the site pages last: the
    same pages, with the same inputs, as `plan` makes from the whole result."""
    result = make_result()
    env = pages.environment()
    views = {b.event_id: pages.briefing_view(b, result.articles) for b in result.briefings}
    made = {}
    for b in result.briefings:
        made.update(pages.event_pages(b, views[b.event_id], env, result.articles, result.sentences, {}, None))
    made.update(pages.site_pages(result, env, views))
    planned = pages.plan(result)
    assert {p: (page.inputs, page.make()) for p, page in made.items()} == {
        p: (page.inputs, page.make()) for p, page in planned.items()
    }


def test_event_pages_refuse_a_briefing_that_cites_an_article_outside_its_event():
    result = make_result()
    geneva = next(b for b in result.briefings if b.event_id == "ev-geneva")
    narrowed = replace(geneva, article_ids=("a1",))  # yet it still cites b2
    view = pages.briefing_view(narrowed, result.articles)
    with pytest.raises(ValueError, match="outside its event"):
        pages.event_pages(narrowed, view, pages.environment(), result.articles, result.sentences, {}, None)
