"""The fast paths of page rendering give the bytes of the plain ways they replace.

Front matter is written without PyYAML's representer, article paragraphs are escaped a whole
article at a time, printed values are escaped through a memo: each is checked here against the
straightforward code (python-frontmatter + `yaml.dump`, paragraph by paragraph escaping) on
values chosen to be awkward.
"""

from __future__ import annotations

import sys
from datetime import date, datetime

import frontmatter
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from digest import pages
from digest.models import Article, Briefing, Sentence


def reference_front_matter(body: str, meta: dict) -> str:
    """What pages._with_front_matter made before it wrote the YAML itself."""
    return frontmatter.dumps(frontmatter.Post(body.rstrip("\n") + "\n", **meta), Dumper=pages._DUMPER) + "\n"


TRICKY = [
    "", " ", "a", "-", "?", ":", "#", "- a", "? a", ": a", "-a", "?a", ":a", "a:", "a: b", "a:b", "a #b", "a#b",
    "#a", "'a'", '"a"', "it's", "a 'quoted' word", "&amp; co", "a &amp; b", "&#x27;quoted&#x27;", "*a", "!a", "|a",
    ">a", "%a", "@a", "`a`", ",a", "[a]", "{a}", "a, b", "a [b] {c}", "---", "--- a", "...", "... a", "a ---",
    " lead", "trail ", "two  spaces", "tab\there", "line\nbreak", "cr\r\nlf", "nel\x85x", "ls\u2028x", "bom\ufeffx",
    "nbsp\xa0x", "\xa0lead", "caf\u00e9", "\u65e5\u672c\u8a9e", "emoji \U0001f600", "\x07bell", "del\x7f",
    "true", "True", "FALSE", "yes", "No", "on", "Off", "y", "n", "null", "Null", "~", "1", "-1", "+1", "1.5", "1e3",
    "1_000", ".5", "-.inf", ".NaN", "0x1F", "0o17", "0b101", "017", "12:30", "1:20:30", "2022-01-10",
    "2022-01-10 10:00:00", "<<", "=", "0.", "-", "a" * 100, "word " * 30 + "end", "x" * 75 + " yz",
    ("The minister said: " + "talks went on " * 10).strip(), ("#1 " + "ranked team " * 12).strip(),
    " ".join(["w"] * 60), "a" * 79 + " b", "a" * 78 + " b c", "a" * 80 + " b", "it's " * 30 + "done",
]


@pytest.mark.parametrize("value", TRICKY)
@pytest.mark.parametrize("key", ["title", "description", "x"])
def test_front_matter_of_a_tricky_string_is_yamls(key, value):
    meta = {key: value, "search": {"exclude": True}}
    assert pages._front_matter_yaml(meta) == yaml.dump(meta, **pages._YAML_OPTIONS)
    assert pages._with_front_matter("# Body\n", meta) == reference_front_matter("# Body\n", meta)


@pytest.mark.parametrize("value", TRICKY)
def test_front_matter_of_a_tricky_list_item_is_yamls(value):
    meta = {"outlets": [value, "Two"], "tags": [value]}
    assert pages._front_matter_yaml(meta) == yaml.dump(meta, **pages._YAML_OPTIONS)


def test_front_matter_of_every_kind_of_value_is_yamls():
    meta = {
        "title": "A title",
        "description": "word " * 40,
        "sources": 3,
        "outlets": ["One", "it's two"],
        "tags": [],
        "search": {"boost": 2},
        "date": date(2022, 1, 10),
        "date_end": datetime(2022, 1, 11, 10, 30),
        "flag": True,
        "one": 1,
        "ratio": 0.5,
        "none": None,
        "nested": {"b": [1, "two"], "a": {"deep": "x: y"}},
        "empty": {},
        "mixed": ["a", 1],
    }
    assert pages._front_matter_yaml(meta) == yaml.dump(meta, **pages._YAML_OPTIONS)
    # memoised entries keep types apart: True is 1 and hashes like it, but is written "true"
    for value in (True, 1, 1.0, False, 0):
        assert pages._front_matter_yaml({"v": value}) == yaml.dump({"v": value}, **pages._YAML_OPTIONS)


def test_front_matter_keeps_yamls_anchors_and_aliases():
    """yaml.dump writes an object met twice as an anchor and an alias: a briefing without an end
    date has its start date object as `date_end` too."""
    day, search = date(2022, 1, 10), {"exclude": True}
    briefing = Briefing(event_id="e", title="t", points=(), article_ids=(), date_start="2022-01-10", date_end=None)
    for meta in ({"title": "t", **pages._dates(briefing)}, {"date": day, "date_end": day}, {"a": search, "b": search},
                 {"a": [day], "b": {"c": day}}, {"a": ["x"], "b": ["x"]}):
        assert pages._front_matter_yaml(meta) == yaml.dump(meta, **pages._YAML_OPTIONS)
        assert pages._with_front_matter("# Body\n", meta) == reference_front_matter("# Body\n", meta)
    assert "&id001" in pages._front_matter_yaml({"date": day, "date_end": day})
    # equal but distinct objects: no alias, and the memo does not mix the two up
    apart = {"date": date(2022, 1, 10), "date_end": date(2022, 1, 10)}
    assert pages._front_matter_yaml(apart) == yaml.dump(apart, **pages._YAML_OPTIONS) == "date: 2022-01-10\ndate_end: 2022-01-10\n"


@pytest.mark.parametrize("value", [0.0, -0.0, 1.5, float("inf"), datetime(2022, 1, 1), (), ("a",), {"x"}, b"raw"])
def test_front_matter_of_other_types_is_yamls(value):
    for meta in ({"v": value}, {"v": [value]}, {"v": {"w": value}}):
        try:
            want = yaml.dump(meta, **pages._YAML_OPTIONS)
        except yaml.YAMLError as error:
            with pytest.raises(type(error)):
                pages._front_matter_yaml(meta)
        else:
            assert pages._front_matter_yaml(meta) == want


@pytest.mark.parametrize("meta", [{}, {1: "a", "b": 2}, {"needs quotes: yes": 1}, {"true": 1}, {"": 1}])
def test_front_matter_with_unusual_keys_is_yamls(meta):
    assert pages._front_matter_yaml(meta) == yaml.dump(meta, **pages._YAML_OPTIONS)


@pytest.mark.parametrize("body", ["", "\n", "  \n\t\n", "text", "text  \n\n", "text\r\n", "a\u3000", "\n\nlead\n"])
def test_front_matter_around_any_body_is_frontmatters(body):
    meta = {"title": "T", "search": {"exclude": True}}
    assert pages._with_front_matter(body, meta) == reference_front_matter(body, meta)


_CHARS = list("ab AB09 :#-?'\",.[]{}&*!|>%@`~=<+_\\/\t\n\r") + ["\x85", "\u2028", "\xa0", "\u00e9", "\U0001f600", "\ufeff"]
_WORDS = st.sampled_from(["a", "it's", "talks", "#1", "a:", "x: y", "&amp;", "true", "12:30", "-", "word", "caf\u00e9"])
_STRINGS = st.one_of(
    st.text(alphabet=st.sampled_from(_CHARS), max_size=20),
    st.lists(_WORDS, min_size=1, max_size=40).map(" ".join),  # long, so folded at column 80
    st.lists(_WORDS, min_size=1, max_size=40).map(lambda w: pages.meta_escape(" ".join(w))),
)


@settings(max_examples=600, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["title", "description", "outlets", "tags", "date", "sources", "search"]),
        st.one_of(_STRINGS, st.lists(_STRINGS, max_size=4), st.integers(), st.booleans(), st.dates(),
                  st.just({"exclude": True})),
        min_size=1,
    )
)
def test_front_matter_is_yamls(meta):
    assert pages._front_matter_yaml(meta) == yaml.dump(meta, **pages._YAML_OPTIONS)


@pytest.mark.skipif(not pages._YAML_FAST, reason="the direct writer copies libyaml's emitter only")
def test_common_values_take_the_direct_way():
    """The point of it: plain and quoted one-line strings, folded or not, need no yaml.dump."""
    for value in ["Plain title", "Quoted: title", "it's &amp; co", "12:30", "word " * 30 + "end"]:
        assert pages._yaml_scalar(value.strip(), 7) is not None


# Article paragraphs: whole-article escaping against paragraph by paragraph escaping.

_PRINTABLE = ["a", "b", " ", "  ", ".", "&", "<", ">", "{", "}", "[", "]", '"', "'", "\u00e9", "\u65e5"]
_AWKWARD = ["\n", "\t", "\x00", "\x01", "\x02", "\x0b", "\x1f", "\x7f", "\xa0", "\u2003", "\ue000"]
# Mostly printable text (escaped a whole article at a time), some not (paragraph by paragraph).
_TEXT = st.one_of(
    st.lists(st.sampled_from(_PRINTABLE), max_size=12).map("".join),
    st.lists(st.sampled_from(_PRINTABLE + _AWKWARD), max_size=12).map("".join),
)


@st.composite
def articles_with_citations(draw):
    paragraphs = tuple(draw(st.lists(_TEXT, min_size=0, max_size=5)))
    article = Article(id="a", title="t", paragraphs=paragraphs)
    length = len(article.text)
    sentences = []
    for index in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, length + 2))
        end = draw(st.integers(start, length + 3))
        if draw(st.integers(0, 20)) == 0:  # no sentence the splitter makes: out of range, or ends before it starts
            start, end = draw(st.integers(-2, length + 3)), draw(st.integers(-2, length + 3))
        sentences.append(Sentence("a", index, start, end, article.text[start:end]))
    cited = set(draw(st.lists(st.integers(0, 8), max_size=8)))
    return article, sentences, cited


@settings(max_examples=1500, deadline=None)
@given(articles_with_citations())
def test_marked_paragraphs_are_those_made_paragraph_by_paragraph(case):
    article, sentences, cited = case
    fast = pages._marked_paragraphs(article, sentences, cited)
    assert fast == pages._marked_piecewise(article, sentences, cited)
    assert all(type(p) is Markup for p in fast)


def test_only_the_space_is_printable_whitespace():
    """Why printable paragraphs need no splitting into words when they hold no run of spaces."""
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if c.isprintable() and c.isspace()] == [" "]


def test_marked_paragraphs_mark_sentences_in_printable_text():
    paragraphs = ("First one. Second <one> & {x}.", "Third  [one]. Fourth.", "", " Fifth. ")
    article = Article(id="a", title="t", paragraphs=paragraphs)
    text = article.text
    found = ["First one.", "Second <one> & {x}.", "Third  [one].", "Fourth.", "Fifth.", "fth."]
    bounds = [(text.index(f), text.index(f) + len(f)) for f in found]  # the last overlaps the one before
    sentences = [Sentence("a", i, s, e, text[s:e]) for i, (s, e) in enumerate(bounds)]
    marked = pages._marked_paragraphs(article, sentences, {1, 2, 4, 5})
    assert marked == pages._marked_piecewise(article, sentences, {1, 2, 4, 5})
    assert marked == [
        'First one. <span class="cite" id="s1">Second &lt;one&gt; &amp; &#123;x&#125;.</span>',
        '<span class="cite" id="s2">Third &#91;one&#93;.</span> Fourth.',
        '<span class="cite" id="s4">Fifth.</span>',
    ]


# Printed values: the memo and the type checks of _finalize change no output.


def reference_finalize(value):
    if isinstance(value, Markup) or isinstance(value, (int, float)):
        return value
    return pages.md_escape(value)


@pytest.mark.parametrize(
    "value", ["", "plain", "a *b* _c_", "1. list", "  spaced\tout\n", Markup("<b>safe</b>"), 3, True, 2.5, None,
              ["a", "*b*"], date(2022, 1, 2)]
)
def test_finalize_prints_what_it_printed(value):
    once, twice = pages._finalize(value), pages._finalize(value)
    assert once == twice == reference_finalize(value) and type(once) is type(reference_finalize(value))


def test_escape_memo_keeps_types_apart():
    assert pages.md_escape(True) == "True" and pages.md_escape(1) == "1" and pages.md_escape(1.0) == "1&#46;0"
    assert pages.md_escape(Markup("*x*")) == pages.md_escape("*x*") == "&#42;x&#42;"


def test_space_pattern_is_isspace():
    """safe_url refuses a URL with whitespace: found by a regex rather than str.isspace per character."""
    found = [c for c in range(sys.maxunicode + 1) if bool(pages._SPACE.match(chr(c))) != chr(c).isspace()]
    assert found == []
