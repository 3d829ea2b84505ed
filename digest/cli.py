"""`digest`: the command line door onto the pipeline.

    digest build      [--seeds DIR] [--out DIR] [--words N] [--strict]
    digest cluster    ARTICLES.jsonl -o OUT.jsonl
    digest summarize  EVENTS.jsonl --words N -o OUT.jsonl

Each command only parses arguments, calls `digest.pipeline` and writes what it returns.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from . import pipeline
from .models import Notice


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.run(args)


def run() -> None:
    """`main` as a program (the `digest` command, `python -m digest.cli`): once the command is
    done, the process ends without taking its objects apart one by one, which after a build of
    10,000 articles took Python a quarter of a second (0.22-0.27 s). Nothing is left to do then:
    every file is written and closed, the cache too, and the worker pool is stopped."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(code)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="digest",
        description="Turn a folder of news articles into cited event briefings and a static site.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    build = commands.add_parser(
        "build",
        help="read, group and summarize a folder of articles into Markdown pages",
        description="Run the whole pipeline over a folder of articles and write the site's Markdown pages "
        "(briefings, article copies, home, archive, ingest report) under --out. "
        "`mkdocs build` runs the same step through the digest plugin.",
    )
    build.add_argument("--seeds", type=Path, default=Path("seeds"), help="folder of articles, read recursively (default: seeds)")
    build.add_argument("--out", type=Path, default=Path("docs"), help="folder the Markdown pages go to (default: docs)")
    build.add_argument("--templates", type=Path, default=Path("templates"), help="folder of Jinja templates that override the built-in ones (default: templates)")
    build.add_argument("--words", type=int, default=pipeline.Settings.words, help="word budget of each briefing (default: %(default)s)")
    build.add_argument("--cache", type=Path, default=Path(".digest-cache"), help="folder of the rebuild cache (default: .digest-cache)")
    build.add_argument("--no-cache", action="store_true", help="ignore and do not write the cache")
    build.add_argument("--strict", action="store_true", help="exit with status 1 if any input file was skipped or degraded")
    build.add_argument("--json", type=Path, metavar="FILE", help="also write the briefings as JSON lines to FILE")
    build.set_defaults(run=_build)

    cluster = commands.add_parser(
        "cluster",
        help="group articles (JSON lines) into events",
        description="Input: one article per line {id, title, text, date, source, url} (missing keys allowed, "
        "other keys ignored). Output: one line per article {\"id\", \"cluster\"}, in input order.",
    )
    cluster.add_argument("articles", type=Path, help="JSON lines file of articles ('-' for standard input)")
    cluster.add_argument("-o", "--output", type=Path, default=Path("-"), help="output JSON lines file (default: standard output)")
    cluster.set_defaults(run=_cluster)

    summarize = commands.add_parser(
        "summarize",
        help="summarize events (JSON lines) with citations",
        description="Input: one event per line {id, articles: [article objects]} (other keys ignored). Output: one "
        "line per event {\"id\", \"title\", \"summary\": [{\"text\", \"sources\": [article ids]}]}.",
    )
    summarize.add_argument("events", type=Path, help="JSON lines file of events ('-' for standard input)")
    summarize.add_argument("--words", type=int, default=pipeline.Settings.words, help="word budget of each summary (default: %(default)s)")
    summarize.add_argument("-o", "--output", type=Path, default=Path("-"), help="output JSON lines file (default: standard output)")
    summarize.set_defaults(run=_summarize)
    return parser


def _build(args: argparse.Namespace) -> int:
    settings = pipeline.Settings(words=args.words)
    cache_dir = None if args.no_cache else args.cache
    report = pipeline.build(args.seeds, args.out, settings, templates=args.templates, progress=True, cache_dir=cache_dir)
    for notice in report.result.corpus.notices:
        print(notice, file=sys.stderr)
    corpus = report.result.corpus
    skipped = sum(1 for n in corpus.notices if n.skipped)
    print(
        f"{len(corpus.files)} files, {len(corpus.articles)} articles, {len(report.result.events)} events; "
        f"{skipped} skipped, {len(corpus.notices) - skipped} warnings; pages: {report.written} written, "
        f"{report.unchanged} unchanged, {report.removed} removed -> {args.out}",
        file=sys.stderr,
    )
    if args.json:
        with _open_out(args.json) as out:
            for briefing in report.result.briefings:
                _write_line(out, _briefing_json(briefing))
    return 1 if args.strict and corpus.notices else 0


def _cluster(args: argparse.Namespace) -> int:
    records = list(_records(args.articles))
    assignment, notices = pipeline.cluster_records(records, progress=True)
    _warn(notices)
    with _open_out(args.output) as out:
        for record_id, cluster_id in assignment:
            _write_line(out, {"id": record_id, "cluster": cluster_id})
    return 0


def _summarize(args: argparse.Namespace) -> int:
    settings = pipeline.Settings(words=args.words)
    events = list(_records(args.events))
    with _open_out(args.output) as out:
        for briefing, notices in pipeline.summarize_records(events, settings, progress=True):
            _warn(notices)
            _write_line(out, _briefing_json(briefing))
    return 0


def _briefing_json(briefing) -> dict:
    return {
        "id": briefing.event_id,
        "title": briefing.title,
        "summary": [{"text": p.text, "sources": list(p.sources)} for p in briefing.points],
    }


def _records(path: Path) -> Iterator[dict]:
    """JSON objects, one per line; a line that is not an object is reported and skipped."""
    stream = sys.stdin if str(path) == "-" else path.open(encoding="utf-8")
    with stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                print(f"{path}:{number}: skipped: not JSON ({error.msg})", file=sys.stderr)
                continue
            if not isinstance(record, dict):
                print(f"{path}:{number}: skipped: not a JSON object", file=sys.stderr)
                continue
            yield record


def _warn(notices: list[Notice]) -> None:
    for notice in notices:
        print(notice, file=sys.stderr)


def _open_out(path: Path) -> IO[str]:
    if str(path) == "-":
        return _NoClose(sys.stdout)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8")


def _write_line(out: IO[str], obj: dict) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, sort_keys=False) + "\n")


class _NoClose:
    """stdout as a context manager that flushes instead of closing."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    def __enter__(self) -> IO[str]:
        return self.stream

    def __exit__(self, *exc) -> None:
        self.stream.flush()


if __name__ == "__main__":
    run()
