"""Stage 1: discovery, decoding, every input format, header rules, ids."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest import read
from digest.models import Article, Notice

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "read"
DATA = REPO.parent / "shared" / "data"
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]*")


def read_one(path: Path, root: Path) -> tuple[list[Article], list[Notice]]:
    return read.read_file(path, root)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def only_article(folder: Path, name: str, content: str | bytes) -> tuple[Article, list[Notice]]:
    articles, notices = read_one(write(folder, name, content), folder)
    assert len(articles) == 1, notices
    return articles[0], notices


def skipped_reason(folder: Path, name: str, content: str | bytes) -> str:
    articles, notices = read_one(write(folder, name, content), folder)
    assert articles == []
    assert len(notices) == 1 and notices[0].skipped and notices[0].path == name
    return notices[0].reason


# --- the seeds -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    files, notices = read.discover(SEEDS)
    assert notices == []
    found = {}
    for path in files:
        articles, _ = read.read_file(path, SEEDS)
        assert len(articles) == 1
        found[path.name[:3]] = articles[0]
    return found


def test_seed_titles(seeds):
    assert seeds["000"].title == "Biden to discuss European security with Ukraine President"
    assert seeds["001"].title == "Biden to contact Ukraine leader after warning Russia not to invade"
    assert seeds["003"].title == (
        "Biden to Speak With Ukraine President Zelenskyy, Says He ‘Made It Clear' to Putin That Russia Cannot Invade"
    )


def test_seed_001_header_date_url_and_outlet(seeds):
    article = seeds["001"]
    assert (article.date, article.date_source) == ("2022-01-03", "header")
    assert article.url.startswith("https://dailytimes.com.pk/863190/")
    assert (article.outlet, article.outlet_source) == ("dailytimes.com.pk", "url")
    assert article.paragraphs[0].startswith("A senior US official")  # header lines are not body


def test_seed_003_kicker_is_not_title_and_copyright_names_outlet(seeds):
    article = seeds["003"]
    assert "politics" not in article.paragraphs[0]
    assert (article.outlet, article.outlet_source) == ("CNBC", "copyright")


def test_seeds_without_a_dated_header_have_unknown_dates(seeds):
    for key in ("000", "002", "003", "004"):
        assert (seeds[key].date, seeds[key].date_source) == (None, "unknown")


def test_seed_ids_and_paths(seeds):
    assert seeds["000"].id == "000_c48a26ba9f690fd9"
    assert seeds["000"].path == "000_c48a26ba9f690fd9.txt"
    # no blank lines in 000: every line is a paragraph; blank-line blocks in 002
    assert len(seeds["000"].paragraphs) == 20
    assert len(seeds["002"].paragraphs) == 22
    assert seeds["002"].paragraphs[-1] == "With reports from Reuters, AP and AFP\nSource link"


def test_missing_date_is_unknown_and_no_warning():
    (article,), notices = read.read_file(SEEDS / "000_c48a26ba9f690fd9.txt", SEEDS)
    assert (article.date, article.date_source) == (None, "unknown") and notices == []


# --- discovery -------------------------------------------------------------------------------


def test_discover_recurses_sorts_and_passes_over_hidden_things(tmp_path):
    for name in ("b.txt", "a/z.txt", "a/b.md", ".git/config", ".hidden.txt", "c.TXT"):
        write(tmp_path, name, "x")
    files, notices = read.discover(tmp_path)
    assert [f.relative_to(tmp_path).as_posix() for f in files] == ["a/b.md", "a/z.txt", "b.txt", "c.TXT"]
    assert notices == [Notice(".hidden.txt", "hidden file", skipped=True)]


def test_discover_symlinks(tmp_path):
    root = tmp_path / "seeds"
    write(root, "real.txt", "Headline\n\nBody text here.")
    write(tmp_path, "outside.txt", "secret")
    (root / "inside-link.txt").symlink_to(root / "real.txt")
    (root / "outside-link.txt").symlink_to(tmp_path / "outside.txt")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / "broken.txt").symlink_to(root / "missing.txt")
    (root / "dir-link").symlink_to(root)
    files, notices = read.discover(root)
    assert [f.name for f in files] == ["inside-link.txt", "real.txt"]
    reasons = {n.path: n.reason for n in notices}
    assert reasons == {
        "broken.txt": "broken symlink",
        "dir-link": "symlink to a folder (its files are read at their own place)",
        "loop.txt": "symlink loop",
        "outside-link.txt": "symlink pointing outside the seeds folder",
    }
    assert all(n.skipped for n in notices)


def test_discover_skips_fifos_and_missing_root(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    files, notices = read.discover(tmp_path)
    assert files == [] and notices == [Notice("pipe.txt", "not a regular file", skipped=True)]
    files, notices = read.discover(tmp_path / "nope")
    assert files == [] and notices[0].skipped


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file; permissions cannot be tested")
def test_discover_skips_unreadable_files_and_folders(tmp_path):
    write(tmp_path, "locked.txt", "x").chmod(0)
    (tmp_path / "closed").mkdir()
    write(tmp_path, "closed/inner.txt", "x")
    (tmp_path / "closed").chmod(0)
    try:
        files, notices = read.discover(tmp_path)
    finally:
        (tmp_path / "closed").chmod(0o755)
    assert files == []
    assert {n.path for n in notices} == {"locked.txt", "closed"}


# --- decoding and skipped files ----------------------------------------------------------------

BODY = "Council backs the plan\n\nThe council voted for the plan on Monday – by nine votes to two.\n"


@pytest.mark.parametrize(
    "encoded",
    [BODY.encode("utf-8"), b"\xef\xbb\xbf" + BODY.encode("utf-8"), BODY.encode("utf-16"),
     b"\xfe\xff" + BODY.encode("utf-16-be")],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom"],
)
def test_unicode_encodings(tmp_path, encoded):
    article, notices = only_article(tmp_path, "a.txt", encoded)
    assert article.title == "Council backs the plan"
    assert article.paragraphs == ("The council voted for the plan on Monday – by nine votes to two.",)
    assert not [n for n in notices if "UTF-8" in n.reason]


def test_windows_1252_fallback_warns(tmp_path):
    article, notices = only_article(tmp_path, "a.txt", BODY.replace("–", "\u2019").encode("cp1252"))
    assert article.paragraphs[0] == "The council voted for the plan on Monday \u2019 by nine votes to two."
    assert any("Windows-1252" in n.reason and not n.skipped for n in notices)


def test_crlf_and_lone_cr_become_lf(tmp_path):
    article, _ = only_article(tmp_path, "a.txt", "Headline here\r\n\r\nFirst line.\r\nSecond line.\r\rThird.\r\n")
    assert article.paragraphs == ("First line.\nSecond line.", "Third.")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\n  ", "empty file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary file (PNG image)"),
        (b"PK\x03\x04" + bytes(64), "binary file (zip archive)"),
        (b"Some text\x00with NUL bytes", "binary file (binary data (NUL bytes))"),
        (bytes(range(1, 32)) * 40, "undecodable: mostly control characters"),
    ],
    ids=["empty", "whitespace", "png", "zip", "nul", "control"],
)
def test_unusable_files_are_skipped_with_a_reason(tmp_path, content, reason):
    assert skipped_reason(tmp_path, "a.txt", content) == reason


def test_unknown_extension_and_title_only_files(tmp_path):
    assert skipped_reason(tmp_path, "photo.jpeg", b"abc") == "unsupported file type '.jpeg'"
    assert skipped_reason(tmp_path, "README", b"abc") == "unsupported file type '(none)'"
    assert skipped_reason(tmp_path, "a.md", "---\ntitle: x\n---\n\n   \n") == "no article text"


def test_big_file_and_long_line_are_capped(tmp_path):
    line = "word " * 200_000 + "end.\n"  # a single 1 MB line
    article, notices = only_article(tmp_path, "big.txt", "Big file\n\n" + line * 9)
    assert len(article.text) <= read.MAX_ARTICLE_CHARS
    assert any("only the start is read" in n.reason for n in notices)
    assert any("longer than" in n.reason for n in notices)


def test_size_cap_is_exact_and_cuts_cleanly(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_PAGE_BYTES", 40)
    exact = "Title line\n\n" + "x" * 28  # 40 bytes: read whole, no warning
    _, notices = only_article(tmp_path, "exact.txt", exact)
    assert not [n for n in notices if "only the start" in n.reason]
    article, _ = only_article(tmp_path, "cut.txt", "Title lines\n\n" + "é" * 40)  # 13 + 2 * 13.5 bytes
    assert article.paragraphs == ("é" * 13,)  # the é cut in two at byte 40 is dropped
    lines = [json.dumps({"id": f"r{n}", "text": "Some text."}) for n in range(3)]
    monkeypatch.setattr(read, "MAX_FILE_BYTES", len(lines[0]) * 2 + 10)  # the third line is cut
    articles, notices = read_one(write(tmp_path, "r.jsonl", "\n".join(lines)), tmp_path)
    assert [a.id for a in articles] == ["r-r0", "r-r1"] and not [n for n in notices if n.skipped]


# --- loose .txt headers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("20220103", "2022-01-03"), ("2022-01-03", "2022-01-03"), ("2022/1/3", "2022-01-03"),
        ("January 3, 2022", "2022-01-03"), ("Jan. 3 2022", "2022-01-03"), ("Monday, January 3rd, 2022", "2022-01-03"),
        ("3 January 2022", "2022-01-03"), ("Published: Sept 30, 2021 10:42 AM ET", "2021-09-30"),
        ("2022-01-03T09:30:00Z", "2022-01-03"),
        ("20221399", None), ("12345678", None), ("01/03/2022", None), ("Mayday 3, 2022", None),
        ("Biden speaks on January 3, 2022", None),
    ],
)
def test_parse_date(line, expected):
    assert read.parse_date(line) == expected


def test_kicker_byline_date_and_url_lines(tmp_path):
    text = (
        "world news\n\nParliament Votes On Budget\nBy Jane Doe\nJanuary 5, 2023\n"
        "https://www.herald.example/politics/budget-vote\n\nParliament voted on the budget late on Thursday.\n"
    )
    article, _ = only_article(tmp_path, "a.txt", text)
    assert article.title == "Parliament Votes On Budget"
    assert (article.date, article.date_source) == ("2023-01-05", "header")
    assert (article.outlet, article.outlet_source) == ("herald.example", "url")
    assert article.paragraphs == ("Parliament voted on the budget late on Thursday.",)


def test_date_from_url_and_dateline(tmp_path):
    article, _ = only_article(
        tmp_path, "a.txt", "Floods hit the north\nhttps://news.example/2021/07/15/floods\n\nRivers burst.\n"
    )
    assert (article.date, article.date_source) == ("2021-07-15", "url")
    article, _ = only_article(
        tmp_path, "b.txt", "Floods hit the north\n\nLONDON, July 15, 2021 (Reuters) - Rivers burst their banks.\n"
    )
    assert (article.date, article.date_source) == ("2021-07-15", "dateline")


def test_dates_inside_the_text_are_not_the_article_date(tmp_path):
    article, notices = only_article(tmp_path, "a.txt", "Talks go on\n\nThe talks began on December 31, 2021.\n")
    assert (article.date, article.date_source) == (None, "unknown")
    assert notices == []


def test_first_line_that_is_a_sentence_is_not_a_title(tmp_path):
    article, notices = only_article(tmp_path, "a.txt", "The vote passed on Monday.\nIt was close.\n")
    assert article.paragraphs == ("The vote passed on Monday.", "It was close.")
    assert article.title.startswith("The vote passed")
    assert Notice("a.txt", "no title found; using the opening words") in notices


# --- Markdown with front matter ----------------------------------------------------------------


def test_markdown_front_matter_fixture():
    [article], notices = read.read_file(FIXTURES / "front-matter.md", FIXTURES)
    assert notices == []
    assert article.title == "Harbour bridge reopens after repairs"
    assert (article.date, article.date_source) == ("2023-03-14", "front matter")
    assert article.url == "https://www.example-news.org/2023/03/14/harbour-bridge/"
    assert article.outlet == "example-news.org" and article.tags == ("transport", "city")
    assert article.paragraphs == (
        "The harbour bridge reopened on Tuesday after six months of repairs, the city council said.",
        "Traffic",
        "Officials expect heavy traffic during the first week, and asked drivers to use public transport where they can.",
    )


def test_markdown_heading_is_the_title_without_front_matter(tmp_path):
    text = "# The *real* title\n\nSome **body** text with `code`.\n\n<script>alert('MD-SCRIPT')</script>\n"
    article, _ = only_article(tmp_path, "a.md", text)
    assert article.title == "The real title"
    assert article.paragraphs == ("Some body text with code.",)


@pytest.mark.parametrize(
    ("front", "warning"),
    [
        ("date: yesterday", "date 'yesterday' is not a date; ignored"),
        ("tags: 5", "tags 5 are not a list of words; ignored"),
        ("title: [1, 2]", "title [1, 2] is not text; ignored"),
        ("language: 42", "language 42 is not a language code; found from the text instead"),
    ],
)
def test_front_matter_wrong_types_warn_and_fall_back(tmp_path, front, warning):
    article, notices = only_article(tmp_path, "a.md", f"---\n{front}\n---\nA headline\n\nThe body.\n")
    assert Notice("a.md", warning) in notices
    assert article.paragraphs == ("The body.",) and article.language == "en"


def test_malformed_front_matter_is_a_warning_and_the_body_survives(tmp_path):
    article, notices = only_article(tmp_path, "a.md", "---\ntitle: [unclosed\ndate: :\n---\nBody sentence here.\n")
    assert article.paragraphs == ("Body sentence here.",)
    assert any(n.reason.startswith("front matter is not valid YAML") and not n.skipped for n in notices)


def test_front_matter_is_loaded_safely(tmp_path):
    unsafe = "---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\nBody sentence here.\n"
    article, notices = only_article(tmp_path, "a.md", unsafe)
    assert article.paragraphs == ("Body sentence here.",)
    assert any("not valid YAML" in n.reason for n in notices)


# --- HTML ------------------------------------------------------------------------------------


def test_html_fixture_main_text_and_metadata():
    [article], _ = read.read_file(FIXTURES / "page.html", FIXTURES)
    assert article.title == "Storm closes mountain pass"
    assert article.date == "2023-02-07"
    assert article.url == "https://valleycourier.example/news/storm-closes-pass"
    assert article.outlet == "The Valley Courier"
    assert article.paragraphs[0].startswith("A winter storm closed the mountain pass")
    assert len(article.paragraphs) == 3
    assert "SCRIPT" not in article.text and "Home" not in article.text


def test_tiny_html_falls_back_to_every_block_but_scripts(tmp_path):
    html = "<html><head><title>Tiny page</title><script>var SCRIPT = 1;</script></head><body><p>Short.</p></body></html>"
    article, _ = only_article(tmp_path, "a.html", html)
    assert article.title == "Tiny page" and article.paragraphs == ("Short.",)


# --- JSON and JSON Lines -----------------------------------------------------------------------


def test_jsonl_fixture_bad_line_is_skipped_and_the_rest_read():
    articles, notices = read.read_file(FIXTURES / "records.jsonl", FIXTURES)
    assert [a.id for a in articles] == ["records-a1", "records-a3"]
    assert notices == [Notice("records.jsonl", "not valid JSON (Expecting ',' delimiter)", skipped=True, record="line 2")]
    first, third = articles
    assert first.paragraphs == ("The city council approved the new budget on Monday.", "Spending on schools rises by four percent.")
    assert (first.outlet, first.outlet_source, first.date_source) == ("City Herald", "record", "record")
    assert third.date == "2023-01-11"


def test_json_list_object_and_records_without_text(tmp_path):
    records = [{"title": "One", "text": "First article text."}, {"title": "Two"}, "not an object"]
    articles, notices = read_one(write(tmp_path, "list.json", json.dumps(records)), tmp_path)
    assert [a.title for a in articles] == ["One"]
    skipped = [(n.record, n.reason) for n in notices if n.skipped]
    assert skipped == [("item 2", "no text"), ("item 3", "not a JSON object but str")]
    article, _ = only_article(tmp_path, "one.json", json.dumps({"text": "Lone record.", "date": "2020-02-02"}))
    assert article.date == "2020-02-02" and ID_PATTERN.fullmatch(article.id)
    assert skipped_reason(tmp_path, "bad.json", "{nope") == "not valid JSON (Expecting property name enclosed in double quotes, line 1)"


def test_tac_cluster_records_expand_to_their_articles(tmp_path):
    cluster = {"id": "M001.english", "language": "english", "articles": [
        {"id": "M0010.english", "title": "Police search houses", "text": "Police searched six houses.", "date": "2005-07-12"},
        {"id": "M0011.english", "title": "Arrests made", "text": "Two men were arrested."},
    ]}
    articles, _ = read_one(write(tmp_path, "mds.jsonl", json.dumps(cluster) + "\n"), tmp_path)
    assert [a.id for a in articles] == ["mds-m0010.english", "mds-m0011.english"]
    assert {a.language for a in articles} == {"en"}


def test_repeated_record_ids_stay_unique(tmp_path):
    lines = [json.dumps({"id": "x", "text": f"Text number {n}."}) for n in range(3)]
    articles, _ = read_one(write(tmp_path, "r.jsonl", "\n".join(lines)), tmp_path)
    assert len({a.id for a in articles}) == 3 and articles[0].id == "r-x"


# --- article_from_record (the CLI's door) ------------------------------------------------------


def test_record_keeps_a_safe_id_verbatim_and_reads_fields():
    article = read.article_from_record({
        "id": "M0000.english", "title": "Aid pledges rise", "text": "Para one.\n\nPara two.",
        "date": "2005-01-08", "source": "WikiNews", "language": "english", "tags": "aid, tsunami", "other": 1,
    })
    assert article.id == "M0000.english" and article.paragraphs == ("Para one.", "Para two.")
    assert (article.date, article.date_source, article.outlet, article.outlet_source) == (
        "2005-01-08", "record", "WikiNews", "record")
    assert article.language == "en" and article.tags == ("aid", "tsunami")


def test_record_shapes_of_ecb_plus():
    article = read.article_from_record({
        "id": "1_10ecbplus", "title": "", "date": "",
        "text": "Lindsay Lohan checks into Betty Ford Center\nMay 03, 2013\nAfter skipping rehab, Lohan checked in.\nShe stays 90 days.",
        "source": "http://articles.latimes.com/2013/may/03/local/la-me-0504-lohan-rehab-20130504",
    })
    assert article.id == "1_10ecbplus"
    assert article.title == "Lindsay Lohan checks into Betty Ford Center"
    assert (article.date, article.date_source) == ("2013-05-03", "header")
    assert (article.outlet, article.outlet_source) == ("articles.latimes.com", "url")
    assert article.paragraphs == ("After skipping rehab, Lohan checked in.", "She stays 90 days.")


def test_record_date_from_url_when_no_better_one():
    article = read.article_from_record({"text": "A sentence.", "url": "https://x.example/2013/may/03/story"})
    assert (article.date, article.date_source) == ("2013-05-03", "url")


def test_record_ids_that_are_not_safe_or_missing():
    unsafe = read.article_from_record({"id": "../../etc/passwd", "text": "A sentence."})
    assert ID_PATTERN.fullmatch(unsafe.id) and ".." not in unsafe.id and unsafe.id.startswith("etc-passwd-")
    again = read.article_from_record({"id": "../../etc/passwd", "text": "Another."})
    assert again.id == unsafe.id  # derived from the given id, so stable
    labelled = read.article_from_record({"text": "A sentence."}, path="input.jsonl", record_label="line 3")
    assert labelled.id == "input-line-3"
    bare = read.article_from_record({"text": "A sentence."})
    assert ID_PATTERN.fullmatch(bare.id)


@pytest.mark.parametrize("record", [{}, {"text": "   "}, {"text": 5}, {"title": "Only a title"}])
def test_record_without_text_raises_value_error(record):
    with pytest.raises(ValueError):
        read.article_from_record(record)


@pytest.mark.data
def test_every_record_of_the_shared_data_reads():
    if not DATA.is_dir():
        pytest.skip(f"shared data not found at {DATA}")
    ids = []
    for name in ("ecbplus/clustering.jsonl", "tac2011-multiling/mds_english.jsonl"):
        articles, notices = read.read_file(DATA / name, DATA)
        assert not [n for n in notices if n.skipped]
        ids += [a.id for a in articles]
    assert len(ids) == 982 + 100 and len(set(ids)) == len(ids)


# --- feeds -----------------------------------------------------------------------------------


def test_rss_fixture():
    articles, notices = read.read_file(FIXTURES / "feed.rss", FIXTURES)
    assert notices == []
    assert [a.title for a in articles] == ["Ferry service resumes", "Beach clean-up draws hundreds"]
    ferry = articles[0]
    assert ferry.paragraphs == ("The island ferry resumed service on Monday after a two-week strike.",
                                "Operators said timetables are back to normal.")
    assert (ferry.date, ferry.date_source, ferry.outlet, ferry.outlet_source) == ("2023-03-06", "feed", "Coastal Times", "feed")
    assert ferry.url == "https://coastaltimes.example/ferry-resumes" and ferry.tags == ("transport",)
    assert ferry.language == "en"
    assert "SCRIPT" not in ferry.text
    assert len({a.id for a in articles}) == 2 and all(ID_PATTERN.fullmatch(a.id) for a in articles)


def test_atom_fixture():
    [article], _ = read.read_file(FIXTURES / "feed.atom", FIXTURES)
    assert article.title == "Ski season ends early" and article.outlet == "Mountain Gazette"
    assert (article.date, article.date_source) == ("2023-04-02", "feed")
    assert article.paragraphs == ("Warm weather ended the ski season two weeks early, resort owners said on Sunday.",)


def test_xml_that_is_not_a_feed_is_skipped(tmp_path):
    reason = skipped_reason(tmp_path, "data.xml", "<?xml version='1.0'?><root><row>1</row></root>")
    assert reason.startswith("not an RSS/Atom feed")


# --- ids and robustness --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "expected"),
    [("000_c48a26ba9f690fd9.txt", "000_c48a26ba9f690fd9"), ("World/Über Story.md", "world-uber-story"),
     ("..hidden..name.txt", "hidden.name"), ("新闻.txt", None), ("a.b.c.txt", "a.b.c")],
)
def test_file_ids(rel, expected):
    found = read.file_id(rel)
    assert ID_PATTERN.fullmatch(found) and ".." not in found
    if expected:
        assert found == expected


SUFFIXES = [".txt", ".md", ".html", ".json", ".jsonl", ".xml"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
       suffix=st.sampled_from(SUFFIXES))
def test_read_file_never_raises_and_accounts_for_the_file(tmp_path, content, suffix):
    path = write(tmp_path, "input" + suffix, content)
    articles, notices = read.read_file(path, tmp_path)
    assert articles or any(n.skipped for n in notices)
    for article in articles:
        assert ID_PATTERN.fullmatch(article.id) and ".." not in article.id
        assert article.paragraphs and all(p.strip() for p in article.paragraphs)


LANGUAGE_SAMPLES = {
    "en": "Rescue teams searched the rubble of the collapsed hotel through the night, the mayor said on Tuesday.",
    "fr": "Les secours ont fouillé toute la nuit les décombres de l'hôtel effondré, a déclaré mardi le maire de la ville.",
    "cs": "Záchranáři celou noc prohledávali trosky zříceného hotelu, uvedl v úterý starosta města a dodal, že pátrání pokračuje.",
    "el": "Οι ομάδες διάσωσης έψαχναν όλη τη νύχτα στα ερείπια του ξενοδοχείου που κατέρρευσε, δήλωσε την Τρίτη ο δήμαρχος.",
    "ar": "واصلت فرق الإنقاذ البحث طوال الليل بين أنقاض الفندق المنهار، كما قال رئيس البلدية يوم الثلاثاء في مؤتمر صحفي.",
    "he": "צוותי החילוץ חיפשו כל הלילה בין הריסות המלון שקרס, כך אמר ראש העירייה ביום שלישי במסיבת עיתונאים.",
}


@pytest.mark.parametrize("code", sorted(LANGUAGE_SAMPLES))
def test_a_script_only_one_language_uses_is_settled_as_langid_would(code):
    import py3langid

    from digest import languages

    sample = LANGUAGE_SAMPLES[code] + " (AFP) 2005"
    assert languages.detect(sample) == code
    if code != "en":  # English is settled by its function words first
        assert str(py3langid.classify(sample)[0]) == code


@pytest.mark.parametrize("code", sorted(set(LANGUAGE_SAMPLES) - {"en"}))
def test_cld2_answers_first_even_through_characters_it_refuses(code, monkeypatch):
    from digest import languages

    sample = LANGUAGE_SAMPLES[code] * 2
    assert languages._cld2(sample) == code
    # C1 control characters and a lone surrogate: CLD2 raises on them, so it does not see them
    refused = sample.replace(" ", " \x96 ", 3).replace(" ", " \ud83d ", 1)
    assert languages._cld2(refused) == code
    asked = []
    monkeypatch.setattr(languages, "_langid", lambda text: asked.append(text) or "xx")
    assert languages.detect(refused) == code and not asked


@pytest.mark.parametrize(("reliable", "share", "decides"), [(True, 40, "cld2"), (False, 75, "cld2"), (False, 55, "py3langid")])
def test_py3langid_decides_when_cld2_is_unsure_and_finds_no_language_in_most_of_the_text(reliable, share, decides, monkeypatch):
    from digest import languages

    found = (("FRENCH", "fr", share, 700.0), ("Unknown", "un", 0, 0.0), ("Unknown", "un", 0, 0.0))
    monkeypatch.setattr(languages.pycld2, "detect", lambda text: (reliable, len(text), found))
    monkeypatch.setattr(languages, "_langid", lambda text: "xx")
    assert languages.detect(LANGUAGE_SAMPLES["fr"]) == ("fr" if decides == "cld2" else "xx")


def test_py3langids_model_is_preloaded_only_where_it_decides_most_texts(monkeypatch):
    import py3langid

    from digest import languages

    loaded = []
    monkeypatch.setattr(py3langid, "classify", lambda text: loaded.append(text))
    languages.preload_model()
    assert loaded == []  # pycld2 is installed here: py3langid waits for a text that needs it
    monkeypatch.setattr(languages, "pycld2", None)
    languages.preload_model()
    assert loaded == [""]


@pytest.mark.parametrize("code", sorted(set(LANGUAGE_SAMPLES) - {"en"}))
def test_without_pycld2_py3langid_decides_alone(code, monkeypatch):
    from digest import languages

    monkeypatch.setattr(languages, "pycld2", None)  # what its import leaves where it is not installed
    assert languages._cld2(LANGUAGE_SAMPLES[code]) is None
    assert languages.detect(LANGUAGE_SAMPLES[code] + " (AFP) 2005") == code


def test_cld2_leaves_short_or_unknown_text_to_py3langid():
    from digest import languages

    assert languages._cld2("Le maire") is None  # too little for CLD2 to be sure
    assert languages._cld2("1234 5678 ---- ++++ 9999 0000 ,,,, ....") is None


@pytest.mark.data
def test_cld2_agrees_with_the_language_of_every_tac_document_it_is_sure_of(shared_data):
    from digest import languages

    codes = {"english": "en", "french": "fr", "arabic": "ar", "hindi": "hi", "czech": "cs", "greek": "el", "hebrew": "he"}
    sure = 0
    with (shared_data / "tac2011-multiling" / "mds_all_languages.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            for article in record["articles"]:
                found = languages._cld2(article["text"][: languages.SAMPLE_CHARS])
                assert found in (None, codes[record["language"]]), article["id"]
                sure += found is not None
    assert sure >= 650  # of 700: it answers nearly all of them itself


@pytest.mark.parametrize("code", sorted(LANGUAGE_SAMPLES))
def test_the_language_of_a_file_that_does_not_say_is_found_from_its_text(tmp_path, code):
    article, _ = only_article(tmp_path, "story.txt", f"Headline of the story\n\n{LANGUAGE_SAMPLES[code]}\n")
    assert article.language == code


def test_a_language_the_file_gives_wins_and_a_short_text_stays_english(tmp_path):
    french = LANGUAGE_SAMPLES["fr"]
    article, _ = only_article(tmp_path, "a.md", f"---\nlanguage: de\n---\n# Titel\n\n{french}\n")
    assert article.language == "de"
    article, _ = only_article(tmp_path, "b.txt", "Un titre\n\nBonjour à tous.\n")
    assert article.language == "en"  # three words tell nothing: the default


# Text from the characters plain news is made of, plus the ones Markdown acts on at a line's start.
_MARKDOWN_LIKE = st.lists(
    st.sampled_from(list("ab Zé1.,'\"!?|#-+=:;()%\n\t\u00a0") + ["\n\n", "1. ", "- ", "  \n", "word "]), max_size=40
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_MARKDOWN_LIKE)
def test_plain_markdown_bodies_split_as_the_converter_splits_them(body):
    """The shortcut for bodies no Markdown rule touches gives the converter's paragraphs."""
    assert read._markdown_paragraphs(body) == read._html_paragraphs(read._to_html(body))


def test_bytes_given_are_read_as_the_file_would_be(tmp_path):
    """The pipeline hands over the bytes it hashed: the same articles as reading the file, and
    the same cap on a file too large to read whole."""
    story = tmp_path / "story.txt"
    story.write_text("Storm hits town\n2022-01-03\n\nA storm hit the town on Monday.\n", encoding="utf-8")
    assert read.read_file(story, tmp_path, story.read_bytes()) == read.read_file(story, tmp_path)
    other = b"Flood in the valley\n2022-01-04\n\nThe river rose overnight.\n"
    (articles, _) = read.read_file(story, tmp_path, other)
    assert [a.title for a in articles] == ["Flood in the valley"]  # what was given, not the file
    big = tmp_path / "big.txt"
    big.write_bytes(b"Long story\n\n" + b"word " * (read.MAX_PAGE_BYTES // 5 + 1000))
    assert read.read_file(big, tmp_path, big.read_bytes()) == read.read_file(big, tmp_path)
