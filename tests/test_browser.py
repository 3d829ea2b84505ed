"""The site as a reader uses it, in Debian's Chromium driven by Playwright (never `playwright install`).

1. Built site on a local static server: search for a word of a briefing, open it, follow a
   citation, land on the highlighted sentence; no console error, no request leaves 127.0.0.1.
2. `mkdocs serve`: an article dropped into the seeds folder shows up on the home page
   without a restart.

`DIGEST_SCREENSHOT=1` also saves docs/assets/screenshot.png (used by the README).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from test_site import ROOT, build_copy, copy_project, mkdocs_build

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
HIGHLIGHT = "rgb(255, 241, 118)"  # .cite:target in docs/assets/extra.css


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed at /usr/bin/chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    project, site, _ = build_copy(tmp_path_factory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield project, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


class Watched:
    """A page whose console errors and off-machine requests are recorded (and the latter blocked)."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route):
        url = route.request.url
        if url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def close(self):
        self.context.close()


def test_search_open_briefing_follow_citation(browser, served_site):
    from digest import pages, pipeline

    project, base = served_site
    briefing = pipeline.run(project / "seeds").briefings[0]
    slug = pages.page_slug(briefing.event_id)
    # The title's longest word: specific enough to find the briefing among few results.
    word = max(re.findall(r"[A-Za-z]{4,}", briefing.title), key=len)

    watched = Watched(browser)
    page = watched.page
    try:
        page.goto(base)
        page.locator(".md-search__input").click()
        page.locator(".md-search__input").press_sequentially(word.lower(), delay=30)  # typed, as a reader would
        result = page.locator(f".md-search-result__link[href*='briefings/{slug}/']").first
        result.wait_for(timeout=15_000)
        result.click()
        page.wait_for_url(re.compile(rf"/briefings/{slug}/"))
        headline = page.locator("h1").first.inner_text().replace("¶", "")  # toc's permalink anchor
        assert " ".join(headline.split()) == " ".join(briefing.title.split())

        citation = briefing.points[0].citations[0]
        page.locator(".digest-point a[href*='#s']").first.click()
        page.wait_for_url(re.compile(rf"/articles/{pages.page_slug(citation.article_id)}/#s{citation.sentence_index}$"))
        target = page.evaluate(
            "() => { const t = document.querySelector(':target');"
            " return t && {id: t.id, cls: t.className, bg: getComputedStyle(t).backgroundColor, text: t.textContent}; }"
        )
        assert target is not None, "no element is the URL's :target"
        assert target["id"] == f"s{citation.sentence_index}" and target["cls"] == "cite"
        assert target["bg"] == HIGHLIGHT
        cited = pipeline.run(project / "seeds").sentences[citation.article_id][citation.sentence_index].text
        assert " ".join(target["text"].split()) == " ".join(cited.split())
        assert page.locator(f"#s{citation.sentence_index}").is_visible()
        if os.environ.get("DIGEST_SCREENSHOT") == "1":  # the README's picture: the briefing, unmarked by search
            page.goto(f"{base}briefings/{slug}/")
            page.screenshot(path=str(ROOT / "docs" / "assets" / "screenshot.png"))
    finally:
        watched.close()
    assert watched.errors == []
    assert watched.foreign == []


def test_hostile_titles_stay_text_in_the_browser(browser, tmp_path):
    """An article whose title and text are markup shows them as text and runs nothing."""
    project = copy_project(tmp_path / "project")
    (project / "seeds" / "zz_hostile.md").write_text(
        "---\ntitle: \"<img src=x onerror=alert(1)> {{ 7*7 }} [x](javascript:alert(1))\"\n"
        "date: 2022-02-01\n---\n\n"
        "<script>alert(2)</script> Volcanologists recorded a quiet week at the observatory. "
        "The [report](javascript:alert(3)) lists {{ 7*7 }} tremors | no damage.\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    run = mkdocs_build(project, site)
    assert run.returncode == 0, run.stderr
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    watched = Watched(browser)
    dialogs: list[str] = []
    watched.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    texts = []
    try:
        for path in ["", *sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.glob("*/*/index.html"))]:
            watched.page.goto(f"http://127.0.0.1:{server.server_port}/{path}")
            texts.append(watched.page.inner_text("body"))
    finally:
        watched.close()
        server.shutdown()
        server.server_close()
    assert dialogs == []
    assert not [e for e in watched.errors if "alert" in e]
    # What reading kept of the markup is shown as text (the reader may drop the <script> block).
    assert any("{{ 7*7 }} tremors | no damage" in text for text in texts)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _poll(url: str, found, timeout: float) -> str | None:
    """The page at `url` once `found(html)` holds, or None at the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        html = _get(url)
        if html is not None and found(html):
            return html
        time.sleep(0.5)
    return None


NEW_ARTICLE = """---
title: Reykjavik airport reopens after volcanic ash cloud clears
date: 2022-03-14
outlet: Example Wire
url: https://example.org/reykjavik-airport
---

Reykjavik airport reopened on Monday after a volcanic ash cloud that had grounded flights for three days drifted out to sea.

Airlines said the first departures left on schedule and that stranded passengers would be rebooked by Wednesday.

Geologists warned that the eruption could resume, although seismic activity had fallen sharply over the weekend.
"""


def test_serve_picks_up_a_new_article(browser, tmp_path):
    project = copy_project(tmp_path / "project")
    port = _free_port()
    scratch = tmp_path / "tmp"  # where the server's temporary folders go
    scratch.mkdir()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(scratch)}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    home = f"http://127.0.0.1:{port}/"
    try:
        first = _poll(home, lambda html: "briefings/" in html, timeout=90)
        assert first is not None, "mkdocs serve did not come up"
        assert "Reykjavik" not in first

        (project / "seeds" / "zz_reykjavik.md").write_text(NEW_ARTICLE, encoding="utf-8")
        updated = _poll(home, lambda html: "Reykjavik" in html, timeout=60)
        assert updated is not None, "the new article never reached the home page"

        watched = Watched(browser)
        try:
            watched.page.goto(home)
            link = watched.page.locator("article a[href*='briefings/']", has_text="Reykjavik").first
            link.click()
            watched.page.wait_for_url(re.compile(r"/briefings/"))
            assert "Reykjavik" in watched.page.locator("h1").first.inner_text()
        finally:
            watched.close()
        assert watched.foreign == []
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C, as a user stops it
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    # The page sources of the last build (the plugin's) and the served site (MkDocs') go with it.
    assert sorted(p.name for p in scratch.iterdir()) == []
