"""How fast the built site's in-browser search answers a reader, in Debian's Chromium.

    python bench/search_latency.py SITE_DIR                      # default news words
    python bench/search_latency.py SITE_DIR --query flood --query court

Material for MkDocs searches in a web worker: the page fetches `search/search_index.json`,
hands it to the worker, the worker builds a lunr index and then answers one query per changed
value of the search box (read on `keyup`). The site folder is served from 127.0.0.1 by
http.server and opened in Chromium (Playwright, never `playwright install`). Before any page
script runs, an init script wraps `Worker` to stamp each query sent and each answer received, and
a MutationObserver stamps each rendering of the result meta line ("3 matching documents"), all
with `performance.now()` inside the page, so Playwright's own overhead is not counted.

Reported:
- page load, index fetched (by the page), built (the worker's "ready" message) and ready (the
  first answer rendered: the meta line leaves "Initializing search"), in seconds since navigation;
- the first query typed right after the page's load event ("cold": includes whatever is left of
  fetching and indexing), then every query again once the index is ready ("warm");
- per query: seconds from the last keystroke (its keyup) to the rendering of the answer to the
  full query; of which the worker's search for the full query itself (the rest is waiting: for
  the index, when cold, and for the answers to the prefixes typed before, which the worker
  computes first, one query at a time); and the number of matching documents.

A query still unanswered after `timeout` seconds gets None and a reason; the run goes on.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
DEFAULT_QUERIES = ("earthquake", "president", "police", "minister")
TYPING_DELAY_MS = 50  # a fast typist; every keystroke before the last still sends a query
MB = 1024 * 1024

# Runs before Material's bundle. The worker answers queries in the order they were sent, and each
# answer rewrites the meta line exactly once, so sent[k], answers[k] and renders[k] belong together.
PROBE = """
(() => {
  const B = window.__bench = {sent: [], answers: [], renders: [], lastKeyup: null, built: null, ready: null};
  const Native = window.Worker;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", ev => {  // type 1: index built; type 3: a search result
        if (ev.data && ev.data.type === 1) B.built = performance.now();
        if (ev.data && ev.data.type === 3) B.answers.push({t: performance.now(), n: ev.data.data.items.length});
      });
    }
    postMessage(msg, ...rest) {  // type 2: a query
      if (msg && msg.type === 2) B.sent.push({q: msg.data, t: performance.now()});
      return super.postMessage(msg, ...rest);
    }
  };
  addEventListener("keyup", () => { B.lastKeyup = performance.now(); }, true);  // before Material's own
  document.addEventListener("DOMContentLoaded", () => {
    const meta = document.querySelector(".md-search-result__meta");
    if (!meta) return;
    const initial = meta.textContent;  // "Initializing search", in the site's language
    new MutationObserver(() => {
      const t = performance.now();
      if (B.ready === null && meta.textContent !== initial) B.ready = t;
      B.renders.push({t, text: meta.textContent});
    }).observe(meta, {childList: true, characterData: true, subtree: true});
  });
})();
"""

# True once every query sent has been answered and rendered, the last one sent being `q`.
SETTLED = """q => { const B = window.__bench;
  return B.sent.length > 0 && B.renders.length >= B.sent.length && B.sent.at(-1).q === q; }"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _row(query: str, cold: bool, error: str | None = None) -> dict:
    return {"query": query, "cold": cold, "seconds": None, "search_s": None, "results": None, "meta": None,
            "error": error}


def _type_and_time(page, query: str, timeout: float, cold: bool) -> dict:
    """Type `query` into the search box; time its answer from the last keyup."""
    row = _row(query, cold)
    box = page.locator("input.md-search__input")
    try:
        box.click()
        if not cold:  # empty the box (Material then answers "" too) and wait for the worker to be idle
            box.press("Control+a")
            box.press("Backspace")
            page.wait_for_function(SETTLED, arg="", timeout=timeout * 1000)
        box.press_sequentially(query, delay=TYPING_DELAY_MS)
        page.wait_for_function(SETTLED, arg=query, timeout=timeout * 1000)
    except Exception:  # playwright's TimeoutError; the reason comes from the page's state
        built, sent, shown = page.evaluate(
            "() => { const B = window.__bench; return [B.built !== null, B.sent.length, B.renders.length]; }")
        row["error"] = f"no answer after {timeout:g}s: " + (
            f"{sent} queries sent, {shown} answered" if built else "index not built")
        return row
    got = page.evaluate("() => { const B = window.__bench, k = B.sent.length - 1;"
                        " return {key: B.lastKeyup, sent: B.sent[k].t, answer: B.answers[k],"
                        " previous: k > 0 ? B.answers[k - 1].t : 0, render: B.renders[k]}; }")
    row["seconds"] = (got["render"]["t"] - got["key"]) / 1000
    # The worker takes queries one at a time: its work on the full query starts once the query is
    # sent and the previous one (a shorter prefix, typed earlier) is answered.
    row["search_s"] = (got["answer"]["t"] - max(got["sent"], got["previous"])) / 1000
    row["results"] = got["answer"]["n"]
    row["meta"] = got["render"]["text"]
    return row


def measure(site_dir: Path, queries: Sequence[str], timeout: float = 60.0) -> dict:
    """Search latency of the built site in `site_dir` (see the module docstring).

    Returns {"site", "index_mb", "docs", "load_s", "index_fetched_s", "index_built_s", "index_ready_s",
    "queries": [{"query", "cold", "seconds", "search_s", "results", "meta", "error"}, ...]}:
    times in seconds (None if not reached), the first row the cold query. Raises
    FileNotFoundError / RuntimeError when the site, Chromium or Playwright is missing.
    """
    site_dir = Path(site_dir)
    index = site_dir / "search" / "search_index.json"
    if not (site_dir / "index.html").is_file() or not index.is_file():
        raise FileNotFoundError(f"{site_dir} is not a built site (needs index.html and search/search_index.json)")
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise RuntimeError("playwright is not installed (pip install playwright; no `playwright install`)") from exc
    queries = list(queries)
    if not queries:
        raise ValueError("no queries")

    result = {"site": str(site_dir), "index_mb": index.stat().st_size / MB,
              "docs": len(json.loads(index.read_bytes())["docs"]), "queries": []}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                # Wide enough for the header's search box to be visible without the toggle.
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.add_init_script(PROBE)
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{server.server_port}/", timeout=timeout * 1000)  # until "load"
                # Typed at once, as a reader who opens the site to search would.
                result["queries"].append(_type_and_time(page, queries[0], timeout, cold=True))
                try:
                    page.wait_for_function("() => window.__bench.ready !== null", timeout=timeout * 1000)
                    ready = True
                except Exception:
                    ready = False
                for query in queries:
                    if ready:
                        result["queries"].append(_type_and_time(page, query, timeout, cold=False))
                    else:
                        result["queries"].append(_row(query, False, f"index not ready after {timeout:g}s"))
                times = page.evaluate("""() => {
                  const nav = performance.getEntriesByType("navigation")[0];
                  const idx = performance.getEntriesByType("resource").find(e => e.name.includes("search_index.json"));
                  return {load: nav ? nav.loadEventEnd : null, fetched: idx ? idx.responseEnd : null,
                          built: window.__bench.built, ready: window.__bench.ready};
                }""")
                for key, name in (("load", "load_s"), ("fetched", "index_fetched_s"), ("built", "index_built_s"),
                                  ("ready", "index_ready_s")):
                    result[name] = times[key] / 1000 if times[key] else None
                context.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return result


def _s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def table(result: dict) -> str:
    lines = [
        f"Site `{result['site']}`: search_index.json {result['index_mb']:.2f} MB, {result['docs']} entries. "
        f"Since navigation start: load {_s(result['load_s'])} s, index fetched {_s(result['index_fetched_s'])} s, "
        f"index built {_s(result['index_built_s'])} s, index ready {_s(result['index_ready_s'])} s.",
        "",
        "| Query | When | Last key → results shown (s) | Search of the full query (s) | Matching documents |",
        "|---|---|---:|---:|---:|",
    ]
    for row in result["queries"]:
        shown = _s(row["seconds"]) if row["error"] is None else f"n/a ({row['error']})"
        results = "n/a" if row["results"] is None else str(row["results"])
        lines.append(f"| {row['query']} | {'cold, at page load' if row['cold'] else 'warm'} | {shown} "
                     f"| {_s(row['search_s'])} | {results} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site_dir", type=Path, help="a built site folder (mkdocs build -d ...)")
    parser.add_argument("--query", action="append", dest="queries", metavar="Q",
                        help=f"a query to time (repeatable; default: {' '.join(DEFAULT_QUERIES)})")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each answer")
    args = parser.parse_args(argv)
    try:
        result = measure(args.site_dir, args.queries or DEFAULT_QUERIES, timeout=args.timeout)
    except Exception as exc:  # setup failures only: slow or unanswered queries are in the table
        print(f"search_latency: {exc}", file=sys.stderr)
        return 2
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
