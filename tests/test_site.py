"""Publishing the Markdown tree (atomic, incremental, confined) and building the site."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from digest import pages, publish

ROOT = Path(__file__).resolve().parents[1]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def docs(tmp_path) -> Path:
    out = tmp_path / "docs"
    (out / "assets").mkdir(parents=True)
    (out / "assets" / "extra.css").write_text("p {}\n")
    (out / "quality.md").write_text("# Quality\n")
    return out


PAGES = {"index.md": "# Home\n", "briefings/e1.md": "# One\n", "articles/a1.md": "# A1\n"}


def test_first_write_creates_pages_and_keeps_hand_written_files(docs):
    hand_inode = (docs / "quality.md").stat().st_ino
    counts = publish.write_tree(PAGES, docs)
    assert counts == {"written": 3, "unchanged": 0, "removed": 0}
    files = tree(docs)
    assert {k: v.decode() for k, v in files.items() if k in PAGES} == PAGES
    assert files["quality.md"] == b"# Quality\n" and (docs / "quality.md").stat().st_ino == hand_inode
    manifest = json.loads(files[publish.MANIFEST])
    assert sorted(manifest["generated"]) == sorted(PAGES)


def test_unchanged_pages_keep_bytes_and_mtime(docs):
    publish.write_tree(PAGES, docs)
    past = 1_000_000_000
    for path in PAGES:
        os.utime(docs / path, ns=(past, past))
    before = {p: (docs / p).stat() for p in PAGES}

    changed = {**PAGES, "briefings/e1.md": "# One, revised\n"}
    counts = publish.write_tree(changed, docs)

    assert counts == {"written": 1, "unchanged": 2, "removed": 0}
    for path in ("index.md", "articles/a1.md"):
        after = (docs / path).stat()
        assert (after.st_mtime_ns, after.st_ino) == (before[path].st_mtime_ns, before[path].st_ino)
    assert (docs / "briefings/e1.md").read_text() == "# One, revised\n"
    assert (docs / "briefings/e1.md").stat().st_mtime_ns != past


def test_stale_pages_are_removed(docs):
    publish.write_tree(PAGES, docs)
    fewer = {k: v for k, v in PAGES.items() if k != "briefings/e1.md"}
    assert publish.write_tree(fewer, docs) == {"written": 0, "unchanged": 2, "removed": 1}
    assert not (docs / "briefings/e1.md").exists()
    assert (docs / "quality.md").exists() and (docs / "assets/extra.css").exists()


def test_a_generated_file_edited_by_hand_is_rewritten(docs):
    publish.write_tree(PAGES, docs)
    (docs / "index.md").write_text("# Home\n")  # same bytes: kept
    (docs / "articles/a1.md").write_text("edited\n")
    assert publish.write_tree(PAGES, docs)["written"] == 1
    assert (docs / "articles/a1.md").read_text() == "# A1\n"


@pytest.mark.parametrize("bad", ["/etc/x.md", "../x.md", "a/../../x.md", "a//b.md", "./a.md", "", "a\\..\\b.md", publish.MANIFEST])
def test_paths_outside_the_tree_are_refused(docs, bad):
    publish.write_tree(PAGES, docs)
    before = tree(docs)
    with pytest.raises(ValueError):
        publish.write_tree({**PAGES, bad: "x"}, docs)
    assert tree(docs) == before
    assert not (docs.parent / "x.md").exists()


def test_a_symlink_cannot_lead_outside(docs, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (docs / "escape").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError):
        publish.write_tree({"escape/x.md": "x"}, docs)
    assert list(outside.iterdir()) == []


def test_hand_written_files_are_never_overwritten(docs):
    with pytest.raises(ValueError, match="quality.md"):
        publish.write_tree({"quality.md": "generated\n"}, docs)
    assert (docs / "quality.md").read_text() == "# Quality\n"


def test_no_staging_folder_is_left_behind(docs):
    publish.write_tree(PAGES, docs)
    publish.write_tree({}, docs)
    assert sorted(p.name for p in docs.parent.iterdir()) == ["docs"]


def test_leftovers_of_a_killed_run_are_cleaned_and_a_parked_tree_restored(docs):
    publish.write_tree(PAGES, docs)
    dead_pid = _dead_pid()
    stale = docs.with_name(f"docs.digest-new-{dead_pid}")
    (stale / "briefings").mkdir(parents=True)
    # The two-rename fallback killed between its renames: docs/ parked, staging not yet moved.
    parked = docs.with_name(f"docs.digest-old-{dead_pid}")
    docs.rename(parked)
    publish.write_tree(PAGES, docs)
    assert sorted(p.name for p in docs.parent.iterdir()) == ["docs"]
    assert (docs / "quality.md").read_text() == "# Quality\n"


def test_fallback_swap_without_rename_exchange(docs, monkeypatch):
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    publish.write_tree(PAGES, docs)
    assert publish.write_tree({**PAGES, "index.md": "# New\n"}, docs)["written"] == 1
    assert (docs / "index.md").read_text() == "# New\n"
    assert sorted(p.name for p in docs.parent.iterdir()) == ["docs"]


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from digest import pages, publish

    out = Path(sys.argv[1])
    for n in range(10_000):
        version = n % 2
        pages = {f"briefings/e{i:03d}.md": f"version {version} page {i}\\n" * 50 for i in range(150 + version * 20)}
        publish.write_tree(pages, out)
        print(n, flush=True)
    """
)


def test_a_killed_writer_leaves_one_whole_tree(docs):
    """SIGKILL the writer at many moments: docs/ is always exactly one complete version."""
    script = docs.parent / "writer.py"
    script.write_text(_WRITER)
    delays = [0.05 + 0.037 * i for i in range(12)]  # spread over the write cycle; no timing is asserted
    for delay in delays:
        child = subprocess.Popen([sys.executable, str(script), str(docs)], stdout=subprocess.PIPE, cwd=ROOT)
        child.stdout.readline()  # at least one version is complete
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        _assert_one_whole_version(docs)
    publish.write_tree({}, docs)  # the next run cleans up after the killed ones
    assert sorted(p.name for p in docs.parent.iterdir()) == ["docs", "writer.py"]


def _assert_one_whole_version(docs: Path) -> None:
    files = tree(docs)
    manifest = json.loads(files.pop(publish.MANIFEST))["generated"]
    assert files.pop("quality.md") == b"# Quality\n" and files.pop("assets/extra.css") == b"p {}\n"
    assert sorted(files) == sorted(manifest)
    versions = {re.match(rb"version (\d)", data).group(1) for data in files.values()}
    assert len(versions) == 1
    assert len(files) == 150 + int(versions.pop()) * 20


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# --- the site -------------------------------------------------------------------------


def copy_project(dest: Path) -> Path:
    """The files `mkdocs build` needs, in a scratch folder (so no build touches the checkout)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "seeds", "templates", "docs"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns(".digest-manifest.json", "briefings", "articles"))
        else:
            shutil.copy2(source, dest / name)
    return dest


def mkdocs_build(project: Path, site: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}  # the plugin's own, as for a user
    env["NO_MKDOCS_2_WARNING"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site), *extra],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )


def build_copy(tmp_path_factory):
    """A copy of the project built with `mkdocs build --strict`: (project, site, completed run)."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    site = project.parent / "site"
    run = mkdocs_build(project, site)
    assert run.returncode == 0, run.stderr
    return project, site, run


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_copy(tmp_path_factory)


def test_strict_build_of_the_seeds(built):
    project, site, run = built
    assert "WARNING" not in run.stderr
    assert (site / "index.html").is_file() and (site / "ingest" / "index.html").is_file()
    assert (site / "feed_rss_created.xml").is_file()
    assert not list(site.parent.glob("site.digest-*")), "staging folder left behind"
    assert not (project / "docs" / "briefings").exists(), "the plugin wrote into docs/"


def test_the_feeds_are_dated_by_the_newest_article_not_by_the_build(built):
    # The feed plugin reads the build time in its on_config: pinned there, the same input
    # gives the same feed, byte for byte, whenever it is built.
    project, site, run = built
    for name in ("feed_rss_created.xml", "feed_rss_updated.xml"):
        feed = (site / name).read_text(encoding="utf-8")
        assert "<pubDate>Mon, 03 Jan 2022 00:00:00 -0000</pubDate>" in feed
        assert "<lastBuildDate>Mon, 03 Jan 2022 00:00:00 -0000</lastBuildDate>" in feed


def test_briefing_html_has_summary_and_citation_links(built):
    from digest import pipeline

    project, site, _ = built
    result = pipeline.run(project / "seeds")
    assert result.briefings
    slug = pages.page_slug
    for briefing in result.briefings:
        html = (site / "briefings" / slug(briefing.event_id) / "index.html").read_text(encoding="utf-8")
        for point in briefing.points:
            words = re.findall(r"\w+", point.text)[:6]
            assert re.search(r"\W+".join(words), html), point.text
            for c in point.citations:
                href = f"../../articles/{slug(c.article_id)}/#s{c.sentence_index}"
                assert f'href="{href}"' in html
                article = (site / "articles" / slug(c.article_id) / "index.html").read_text(encoding="utf-8")
                assert f'id="s{c.sentence_index}"' in article
        # Listed on the home page.
        assert f'href="briefings/{slug(briefing.event_id)}/"' in (site / "index.html").read_text(encoding="utf-8")


def test_search_index_holds_each_briefing_once_and_no_citation_marks(built):
    from digest import pipeline

    project, site, _ = built
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    located = [doc["location"] for doc in index["docs"]]
    # Listings and article copies are left out: a search finds each briefing, and only there.
    assert not [where for where in located if where.startswith(("articles/", "archive/", "ingest/")) or where.startswith("#")]
    summaries = {doc["location"]: doc["text"] for doc in index["docs"] if doc["location"].endswith("/#summary")}
    for briefing in pipeline.run(project / "seeds").briefings:
        text = summaries[f"briefings/{pages.page_slug(briefing.event_id)}/#summary"]
        words = re.sub(r"<[^>]+>", " ", text)
        assert all(" ".join(re.findall(r"\w+", point.text)) in " ".join(re.findall(r"\w+", words)) for point in briefing.points)
        # Citation numbers are links to follow, not words to find: "[1]" would match every briefing.
        assert not re.search(r"\[\d+\]", text), text[:200]


def test_no_external_resources(built):
    _, site, _ = built
    external = re.compile(r'(?:src|href)="(?:https?:)?//(?!127\.0\.0\.1)', re.I)
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # Links to the original articles are fine; anything loaded (scripts, styles, fonts, images) is not.
        loaded = [m for m in re.finditer(r"<(script|link|img|iframe)\b[^>]*>", html) if external.search(m.group())]
        loaded = [m.group() for m in loaded if 'rel="canonical"' not in m.group() and "alternate" not in m.group()]
        assert not loaded, (page, loaded)


def test_a_failed_build_keeps_the_previous_site(built, tmp_path):
    project, site, _ = built
    previous = site.parent / "previous-site"
    shutil.copytree(site, previous)
    broken = copy_project(tmp_path / "broken")
    shutil.rmtree(broken / "seeds")
    run = mkdocs_build(broken, previous)
    assert run.returncode != 0
    assert "seeds folder not found" in run.stderr
    assert tree(previous) == tree(site)
    assert not list(previous.parent.glob("previous-site.digest-*"))


def test_pages_left_in_docs_by_digest_build_are_replaced(tmp_path):
    """docs/ may hold an earlier `digest build`: its pages give way to the plugin's, stale ones vanish."""
    project = copy_project(tmp_path / "project")
    publish.write_tree({"index.md": "# Old home\n", "briefings/gone-event.md": "# Gone\n"}, project / "docs")
    site = tmp_path / "site"
    run = mkdocs_build(project, site)
    assert run.returncode == 0, run.stderr
    assert "Old home" not in (site / "index.html").read_text(encoding="utf-8")
    assert not (site / "briefings" / "gone-event").exists()
    assert (site / "briefings").is_dir()


def _result_dated(*dates: str):
    from types import SimpleNamespace

    return SimpleNamespace(corpus=SimpleNamespace(articles=[SimpleNamespace(date=d) for d in dates]))


def test_the_build_time_follows_the_newest_article_unless_the_user_set_it(monkeypatch):
    from digest import plugin

    monkeypatch.setattr(plugin, "_pinned", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    plugin._pin_build_time(_result_dated("2022-01-02", "2022-01-03"))
    assert os.environ["SOURCE_DATE_EPOCH"] == "1641168000"  # 2022-01-03T00:00:00Z
    plugin._pin_build_time(_result_dated("2022-01-03", "2022-01-04"))  # `mkdocs serve` builds again
    assert os.environ["SOURCE_DATE_EPOCH"] == "1641254400"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000")  # the user's own
    plugin._pin_build_time(_result_dated("2022-01-05"))
    assert os.environ["SOURCE_DATE_EPOCH"] == "1000"
