"""Hostile and broken input: every file accounted for, nothing injected, nothing written outside.

The seeds plus `hostile.make_hostile_corpus` are built three ways: `pipeline.build` in this
process, `digest build --strict` and `mkdocs build` (both as subprocesses, side by side with a
`mkdocs build` of the plain seeds, whose script tags are the theme's own).
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import frontmatter
import pytest

from digest import pipeline, publish, read
from digest.models import Notice
from hostile import (
    DEGRADED, INJECTIONS, ROOT, SKIPPED, USED, YAML_MARKER, copy_project, copy_seeds, digest_command,
    listing, make_hostile_corpus, mkdocs_command, run_all, scan_html, tree,
)

# Raw HTML the templates themselves write into Markdown; anything else came from an input.
# The only tags a page may hold: the templates' own (an article's body is a raw HTML block).
TEMPLATE_TAGS = re.compile(r'<span class="cite" id="s\d+">|</span>|<div class="digest-article">|</div>|</?p>|<!-- material/tags -->')


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    seeds = copy_seeds(tmp_path_factory.mktemp("hostile") / "seeds")
    fates = {path.name: USED for path in seeds.iterdir()}
    fates.update(make_hostile_corpus(seeds))
    return seeds, fates


@pytest.fixture(scope="module")
def built(corpus):
    """`pipeline.build` into a fresh folder: (report, listing before, listing after)."""
    seeds, _ = corpus
    before = listing(seeds.parent)
    report = pipeline.build(seeds, seeds.parent / "out", templates=ROOT / "templates")
    return report, before, listing(seeds.parent)


@pytest.fixture(scope="module")
def subprocess_builds(corpus, tmp_path_factory):
    """`digest build --strict` and `mkdocs build` over the hostile seeds, and `mkdocs build`
    over the plain seeds, run side by side."""
    seeds, _ = corpus
    base = tmp_path_factory.mktemp("builds")
    hostile_project = copy_project(base / "hostile", seeds)
    plain_project = copy_project(base / "plain")
    before = listing(base)
    cli, site, plain = run_all([
        (digest_command(seeds, base / "cli-out", "--strict", "--no-cache"), base, {}),
        (mkdocs_command(hostile_project, base / "hostile-site"), hostile_project, {}),
        (mkdocs_command(plain_project, base / "plain-site"), plain_project, {}),
    ])
    return {"base": base, "before": before, "cli": cli, "site": site, "plain": plain}


def by_path(items, key=lambda item: item.path) -> dict[str, list]:
    grouped = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return grouped


# --- the ingest accounting -----------------------------------------------------------------


def test_every_input_file_is_accounted_for_with_its_fate(corpus, built):
    _, fates = corpus
    result = built[0].result
    assert sorted(result.corpus.files) == sorted(fates)
    articles, notices = by_path(result.corpus.articles), by_path(result.corpus.notices)
    wrong = []
    for path, fate in sorted(fates.items()):
        found, told = articles.get(path, []), notices.get(path, [])
        if fate == USED:
            ok = bool(found) and not told
        elif fate == DEGRADED:
            ok = bool(found) and len(told) == 1
        else:
            ok = not found and len(told) == 1 and told[0].skipped
        if not ok:
            wrong.append(f"{path}: expected {fate}, got {len(found)} articles, notices {[str(n) for n in told]}")
    assert not wrong, "\n".join(wrong)


def test_each_notice_names_its_file_and_a_reason(corpus, built):
    _, fates = corpus
    for notice in built[0].result.corpus.notices:
        assert notice.path in fates, notice
        assert notice.reason.strip() and "\n" not in notice.reason, notice
        assert str(notice).startswith(notice.path), notice


def test_a_file_left_empty_by_cleaning_gets_one_notice(tmp_path):
    """A read warning and the cleaning stage's "skipped" for one file make one notice."""
    (tmp_path / "clutter.md").write_text("---\ndate: yesterday\n---\nShare this article\n")
    notices = pipeline.run(tmp_path).corpus.notices
    assert len(notices) == 1 and notices[0].skipped, [str(n) for n in notices]
    assert "no article text left after cleaning" in notices[0].reason and "yesterday" in notices[0].reason


def test_the_ingest_page_lists_every_file_and_why(corpus, built):
    seeds, fates = corpus
    rows = ingest_rows((seeds.parent / "out" / "ingest.md").read_text(encoding="utf-8"))
    assert sorted(rows) == sorted(fates)
    notices = by_path(built[0].result.corpus.notices)
    for path, fate in fates.items():
        status, notes = rows[path]
        if fate == SKIPPED:
            assert status == "skipped", (path, status)
        if fate == USED:
            assert status.startswith(("used", "read")) and not notes, (path, status, notes)
        for notice in notices.get(path, []):
            assert notice.reason in notes, (path, notes)


def ingest_rows(markdown: str) -> dict[str, tuple[str, str]]:
    """{file: (status, notes)} of the ingest table, cells unescaped back to plain text."""
    rows = {}
    for line in frontmatter.loads(markdown).content.splitlines():
        cells = [html.unescape(cell.strip()) for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and cells[0] not in ("File", "---"):
            rows[cells[0]] = (cells[1], cells[3])
    return rows


def test_what_is_kept_of_broken_files(built):
    articles = {a.path: a for a in built[0].result.corpus.articles}
    notices = {n.path: n for n in built[0].result.corpus.notices}
    assert articles["invalid-utf8.txt"].title == "Café owners welcome the budget"  # UTF-8 kept, one byte replaced
    assert "\ufffd" in articles["invalid-utf8.txt"].text and "valid é accents" in articles["invalid-utf8.txt"].text
    assert articles["windows-1252.txt"].title == "Budget “approved” by council" and "5 million €" in articles["windows-1252.txt"].text
    assert articles["latin-1.txt"].title == "Zürich council approves budget"
    assert articles["utf-16-bom.txt"].title == "Council approves the budget" and "5 €" in articles["utf-16-bom.txt"].text
    assert articles["crlf.txt"].paragraphs == articles["lone-cr.txt"].paragraphs
    assert not [a.path for a in articles.values() if re.search(r"[\r\x00-\x08\x0b-\x1f\x7f]", a.text + a.title)]
    assert articles["control-characters-text.txt"].title == "Council approves budget"
    assert "Tax rises." in articles["control-characters-page.html"].text
    assert [articles[f"date-{year}.md"].date for year in ("9999", "0001", "1066")] == [None] * 3
    assert articles["title-only-heading.md"].paragraphs == ("Council Approves New Budget",)
    assert len(notices["yaml-billion-laughs.md"].reason) < 1000
    assert {articles[f"language-{code}.md"].language for code in ("ar", "he", "hi", "zh")} == {"ar", "he", "hi", "zh"}
    assert len(articles["huge-50mb.txt"].text) <= read.MAX_ARTICLE_CHARS
    script_page = articles["scripts.html"].text
    assert "Residents can read the plan online" in script_page
    assert not [word for word in ("alert", "document.write", "enable scripts") if word in script_page]


# --- nothing injected into the Markdown ------------------------------------------------------


def generated_pages(out: Path) -> dict[str, str]:
    return {path: data.decode("utf-8") for path, data in tree(out).items() if path != publish.MANIFEST}


def test_markdown_carries_no_markup_from_the_articles(corpus):
    seeds, _ = corpus
    pages = generated_pages(seeds.parent / "out")
    assert "ingest.md" in pages and any(p.startswith("articles/") for p in pages)
    for path, text in pages.items():
        body = frontmatter.loads(text).content  # the front matter parses
        assert "<script" not in text.lower(), path
        stray = [tag for tag in re.findall(r"<[^>]*>?", body) if not TEMPLATE_TAGS.fullmatch(tag)]
        assert not stray, (path, stray)
        for target in re.findall(r"\]\(([^)\s]*)", body):
            assert urlsplit(target).scheme in ("", "http", "https"), (path, target)
        assert "{{" not in body and "{%" not in body, path  # no template syntax left for a later pass


def test_template_and_markup_syntax_comes_out_literally(corpus, built):
    seeds, _ = corpus
    result = built[0].result
    [article] = [a for a in result.corpus.articles if a.path == "injection.txt"]
    assert article.title == " ".join(INJECTIONS)
    page = (seeds.parent / "out" / "articles" / f"{article.id}.md").read_text(encoding="utf-8")
    heading = next(line for line in frontmatter.loads(page).content.splitlines() if line.startswith("# "))
    shown = html.unescape(heading.removeprefix("# ").removesuffix(" { #article-title }"))
    assert shown == article.title and "49" not in shown
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for injection in INJECTIONS:
        assert f"the string {injection} in paragraph" in text, injection


def test_nothing_is_written_outside_the_output_folder(corpus, built):
    seeds, _ = corpus
    _, before, after = built
    assert {p for p in after - before if p != "out" and not p.startswith("out/")} == set()
    assert before - after == set()
    manifest = publish.read_manifest(seeds.parent / "out")
    assert manifest and all(".." not in p.split("/") and not p.startswith("/") for p in manifest)
    assert not (seeds.parent / YAML_MARKER).exists(), "the YAML payload ran"


# --- the command line ------------------------------------------------------------------------


def test_cli_strict_build_reports_each_problem_file_once_and_fails(corpus, subprocess_builds):
    _, fates = corpus
    cli = subprocess_builds["cli"]
    assert cli.returncode == 1, cli.stderr[-3000:]
    lines = cli.stderr.splitlines()
    assert re.match(r"\d+ files, \d+ articles", lines[-1]), lines[-1]
    for path, fate in fates.items():
        mine = [line for line in lines if line.startswith((f"{path}: ", f"{path} ("))]
        if fate == USED:
            assert mine == [], (path, mine)
        else:
            assert len(mine) == 1, (path, mine)
            verb = "skipped" if fate == SKIPPED else r"(?:warning|skipped)"
            assert re.match(rf"{re.escape(path)}(?: \([^)]*\))?: {verb}: \S", mine[0]), mine[0]


def test_cli_writes_the_same_markdown_as_the_library(corpus, built, subprocess_builds):
    seeds, _ = corpus
    assert tree(subprocess_builds["base"] / "cli-out") == tree(seeds.parent / "out")


# --- the built site --------------------------------------------------------------------------


def site_of(subprocess_builds, name: str) -> Path:
    run = subprocess_builds[name]
    assert run.returncode == 0, run.stderr[-3000:]
    return subprocess_builds["base"] / ("hostile-site" if name == "site" else "plain-site")


def test_site_pages_carry_only_the_themes_scripts_and_no_active_attributes(subprocess_builds):
    plain, site = site_of(subprocess_builds, "plain"), site_of(subprocess_builds, "site")
    theme_scripts = {script for page in plain.rglob("*.html") for script in scan_html(page.read_text("utf-8")).scripts}
    problems = []
    for page in sorted(site.rglob("*.html")):
        scan = scan_html(page.read_text(encoding="utf-8"))
        rel = page.relative_to(site).as_posix()
        problems += [f"{rel}: script {s[:80]!r}" for s in scan.scripts if s not in theme_scripts]
        problems += [f"{rel}: {h}" for h in scan.handlers + scan.active_urls]
    assert not problems, "\n".join(problems)


def test_feeds_carry_no_active_content(subprocess_builds):
    site = site_of(subprocess_builds, "site")
    for name in ("feed_rss_created.xml", "feed_rss_updated.xml"):
        for item in ElementTree.parse(site / name).getroot().iter("item"):
            for field in ("title", "description"):  # readers render these as HTML
                scan = scan_html(item.findtext(field) or "")
                assert not (scan.scripts or scan.handlers or scan.active_urls), (name, item.findtext("link"))
    for name in ("feed_json_created.json", "feed_json_updated.json"):
        for item in json.loads((site / name).read_text(encoding="utf-8"))["items"]:
            scan = scan_html(item.get("content_html") or "")
            assert not (scan.scripts or scan.handlers or scan.active_urls), (name, item["url"])


def test_feed_titles_are_the_briefing_titles(corpus, built, subprocess_builds):
    """JSON Feed titles are plain text: a title holding `"` or `<` must not arrive HTML-escaped."""
    site = site_of(subprocess_builds, "site")
    titles = {b.title for b in built[0].result.briefings}
    assert any(set(t) & set("\"<>&'") for t in titles), "the corpus should give a title needing escapes"
    feed = json.loads((site / "feed_json_created.json").read_text(encoding="utf-8"))
    assert {item["title"] for item in feed["items"]} == titles
    rss = ElementTree.parse(site / "feed_rss_created.xml").getroot()
    assert {item.findtext("title") for item in rss.iter("item")} == titles


def test_site_shows_template_syntax_literally_and_lists_every_file(corpus, built, subprocess_builds):
    _, fates = corpus
    site = site_of(subprocess_builds, "site")
    [article] = [a for a in built[0].result.corpus.articles if a.path == "injection.txt"]
    page = (site / "articles" / article.id / "index.html").read_text(encoding="utf-8")
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)[1]
    shown = html.unescape(re.sub(r"<[^>]+>", "", heading)).replace("¶", "").strip()
    assert shown == article.title and "49" not in shown
    ingest = html.unescape(re.sub(r"<[^>]+>", " ", (site / "ingest" / "index.html").read_text(encoding="utf-8")))
    assert [path for path in fates if path not in ingest] == []


# What a build may add besides its output: the digest cache and mkdocs-rss-plugin's cache
# (both in the project folder, both in .gitignore).
BUILD_CACHES = tuple(f"{project}/{cache}" for project in ("hostile", "plain") for cache in (".digest-cache", ".cache"))


def test_site_build_writes_only_its_site_and_caches(subprocess_builds):
    base = subprocess_builds["base"]
    site_of(subprocess_builds, "site")
    new = listing(base) - subprocess_builds["before"]
    outside = {
        p for p in new
        if p.split("/")[0] not in ("cli-out", "hostile-site", "plain-site") and not p.startswith(BUILD_CACHES)
    }
    assert outside == set()
    assert not (base.parent / YAML_MARKER).exists()


# --- files nobody may read (we run as root, so the refusal is simulated) -------------------------


@pytest.fixture
def locked_folder(tmp_path, monkeypatch) -> Path:
    """A seeds folder whose `locked.txt` raises PermissionError on every read."""
    (tmp_path / "open.txt").write_text("Council approves the budget\n\nThe council approved the budget on Tuesday.\n")
    locked = tmp_path / "locked.txt"
    locked.write_text("Secret budget\n\nNobody may read this sentence.\n")

    def refuse(original):
        def guarded(self, *args, **kwargs):
            if Path(self).name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return original(self, *args, **kwargs)
        return guarded

    monkeypatch.setattr(Path, "open", refuse(Path.open))
    monkeypatch.setattr(Path, "read_bytes", refuse(Path.read_bytes))
    return tmp_path


def test_an_unreadable_file_is_skipped_with_one_notice(locked_folder):
    articles, notices = read.read_file(locked_folder / "locked.txt", locked_folder)
    assert articles == []
    assert notices == [Notice("locked.txt", "cannot be read (Permission denied)", skipped=True)]
    result = pipeline.run(locked_folder)
    assert result.corpus.files == ("locked.txt", "open.txt")
    assert [a.path for a in result.corpus.articles] == ["open.txt"]
    assert [n for n in result.corpus.notices if n.path == "locked.txt"] == notices


def test_a_file_without_read_permission_is_passed_over_at_discovery(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("Title\n\nBody sentence.\n")
    real_access = read.os.access
    monkeypatch.setattr(read.os, "access", lambda path, mode: False if Path(path).name == "a.txt" else real_access(path, mode))
    files, notices = read.discover(tmp_path)
    assert files == []
    assert notices == [Notice("a.txt", "file cannot be read (permission denied)", skipped=True)]
