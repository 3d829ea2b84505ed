"""How fast the digest is at 1,000 / 10,000 / 50,000 articles, and how little a rebuild redoes.

    python bench/scale.py                          # N = 1,000 and 10,000 (about 20 minutes on 2 CPUs)
    python bench/scale.py --sizes 1000 10000 50000 # the full run: hours; mkdocs only up to --mkdocs-max
    python bench/scale.py --write-page docs/performance.md
    python bench/scale.py --sizes 10000 --profile  # then the stages again under cProfile

For each N a synthetic corpus (`bench/corpus.py`: real ECB+ and TAC text, invented outlets,
wire copies) is written into a scratch copy of the project (mkdocs.yml, templates/, docs/ and a
snapshot of the `digest` package, so edits to the checkout during a long run cannot mix two
versions of the code), and every step runs in its own child process:

1. the stages one by one through the pipeline functions (load: reading, cleaning, sentences and
   event terms of every file; events.group, summarize_events, pages.render, publish.write_tree),
   in one child, without the cache;
2. `digest build`, cold (no cache);
3. `digest build` again, unchanged, then after one new article (`corpus.add_article`): seconds,
   and which pages under docs/ were added, changed, removed or rewritten with the same bytes
   (the list is kept in logs/<step>.changes with --keep);
4. `mkdocs build` of the site; of the same pages with the digest plugin left out; and of a
   reference: plain MkDocs Material with as many pages of about the same sizes, made of the same
   text, the same theme, Markdown extensions, nav and not_in_nav, and only the `search` plugin;
5. the size of `search/search_index.json` and the time `json.loads` takes on it;
6. Material's search in Chromium on the built site (`bench/search_latency.py`): when its index is
   ready after navigation, and the slowest answer from the last keystroke to the results.

Cells give wall seconds, CPU seconds (user + system, worker processes included) and peak
memory: the larger of the biggest single process (`ru_maxrss` from wait4) and the sum over the
step's process group (worker pools included), sampled every 50 ms. Wall time grows when other
processes share the machine; CPU seconds do not, so the mkdocs ratio is taken on them.
A step that fails is reported as "n/a (error: ...)" and the run goes on.

The scratch copies of every size are deleted together at the end of the run, not each before
the next size: on ext4 without a journal (the disks here), making files soon after tens of
thousands were deleted can take 10-20 times as long (40 us a page against 500-850 us; `perf`
finds the time in the inode allocator's `recently_deleted` check), which would charge one
size's clean-up to the next size's corpus, stages and cold build. A build in use does not
follow such a deletion.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# `bench` is a folder of scripts, not an installed package. Appended, not prepended: in the child
# processes `digest` must come from the code snapshot on PYTHONPATH, not from the live checkout.
sys.path.append(str(ROOT))

from bench.corpus import add_article, load_sources, make_corpus  # noqa: E402

PROJECT_FILES = ("mkdocs.yml", "templates", "docs", "overrides", "hooks")  # copied when present
# Each size runs on a copy of the `digest` package taken at its start, so that edits to the
# checkout during a long run cannot mix two versions of the code (or of its cache key).
CODE = "code"
STAGES = ("load", "events.group", "summarize_events", "pages.render", "publish.write_tree")
MB = 1024 * 1024


# ---------------------------------------------------------------------------- running one step


@dataclass
class Step:
    seconds: float | None = None  # wall clock
    peak_mb: float | None = None
    cpu: float | None = None  # user + system seconds of the step and its children
    largest_mb: float | None = None  # the biggest single process, when the step had several
    error: str | None = None
    notes: dict = field(default_factory=dict)

    def cell(self, extra: str = "") -> str:
        if self.error:
            return f"n/a (error: {self.error})"
        if self.seconds is None:
            return "n/a"
        text = f"{self.seconds:.2f} s"
        if self.cpu is not None:
            text += f" (CPU {self.cpu:.1f} s)"
        if self.peak_mb is not None:
            text += f", {self.peak_mb:,.0f} MB"
            if self.largest_mb is not None and self.largest_mb < 0.9 * self.peak_mb:
                text += f" (largest process {self.largest_mb:,.0f} MB)"
        return text + (f"; {extra}" if extra else "")


def run_child(command: list[str], cwd: Path, log: Path, timeout: float, code: Path) -> tuple[Step, str]:
    """Run `command` with the `digest` package found in `code`; return its wall time, peak memory and output."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")]))}
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log.with_suffix(".out"), "wb") as out, open(log.with_suffix(".err"), "wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
        sampler = _TreeSampler(child.pid)
        timer = threading.Timer(timeout, _kill_group, (child.pid,))
        sampler.start()
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not the whole harness's
        seconds = time.perf_counter() - start
        timer.cancel()
        sampler.stop()
        child.returncode = os.waitstatus_to_exitcode(status)
    stdout = log.with_suffix(".out").read_text(encoding="utf-8", errors="replace")
    largest = usage.ru_maxrss * 1024 / MB  # ru_maxrss is in KiB on Linux
    # Workers started by a fork server are not this child's children: their CPU time never
    # reaches its rusage, so the sampled CPU of every process of the group counts too.
    cpu = max(usage.ru_utime + usage.ru_stime, sampler.cpu_seconds())
    step = Step(seconds=seconds, peak_mb=max(largest, sampler.peak / MB), cpu=cpu, largest_mb=largest)
    if child.returncode != 0:
        lines = log.with_suffix(".err").read_text(encoding="utf-8", errors="replace").strip().splitlines()
        reason = "timed out" if child.returncode == -9 else (lines[-1] if lines else f"exit status {child.returncode}")
        step.error = reason[:160]
    return step, stdout


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, 9)
    except ProcessLookupError:
        pass


class _TreeSampler(threading.Thread):
    """The largest total resident memory of a process group (the step and its workers), and the
    CPU time of each of its processes as last seen (up to one period short for one that ends)."""

    def __init__(self, group: int):
        super().__init__(daemon=True)
        self.group = group
        self.peak = 0
        self.ticks: dict[int, int] = {}  # pid -> its own user + system clock ticks
        self._done = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def cpu_seconds(self) -> float:
        return sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK")

    def run(self) -> None:
        while not self._done.wait(0.05):
            self.sample()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def sample(self) -> None:
        """One look at the group: its total memory now (kept if the largest yet), each process's CPU."""
        self.peak = max(self.peak, self._total())

    def _total(self) -> int:
        total = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                if int(fields[2]) == self.group:  # field 5 of /proc/pid/stat: process group
                    total += int(Path(entry.path, "statm").read_text().split()[1]) * self._page
                    pid = int(entry.name)  # fields 14 and 15: utime, stime
                    self.ticks[pid] = max(self.ticks.get(pid, 0), int(fields[11]) + int(fields[12]))
            except (OSError, ValueError, IndexError):
                continue  # the process ended while we looked
        return total


# ---------------------------------------------------------------------------- the stages, in a child


def stage_child(seeds: Path, out: Path, templates: Path, in_process: bool = False) -> None:
    """Run the stages one by one, printing a JSON line per stage: seconds and peak memory so far."""
    from digest import pipeline

    if in_process:
        pipeline._POOL_THRESHOLD = sys.maxsize  # no worker pool: every call in this process

    def peak_mb() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return max(own, workers) / 1024

    def cpu() -> float:
        # This process, its reaped children, and the live workers of the pipeline's pool (which
        # a fork server starts: they are not our children, and they outlive each stage).
        own = sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
        sampler = _TreeSampler(os.getpgrp())
        sampler.sample()
        return own + sum(ticks for pid, ticks in sampler.ticks.items() if pid != os.getpid()) / os.sysconf("SC_CLK_TCK")

    def stage(name, work):
        start, start_cpu = time.perf_counter(), cpu()
        try:
            value = work()
        except Exception as error:  # report and stop: later stages need this one's output
            _emit({"stage": name, "error": f"{type(error).__name__}: {error}"[:160]})
            raise SystemExit(0)
        row = {"stage": name, "seconds": time.perf_counter() - start, "cpu": cpu() - start_cpu, "peak_mb": peak_mb()}
        _emit(row)
        return value

    settings = pipeline.Settings()
    corpus = stage("load", lambda: pipeline.load(seeds))  # read, clean, sentences, event terms
    sents = corpus.sentences
    from digest import events

    evts = stage("events.group", lambda: events.group(corpus.articles, terms=corpus.terms))
    by_id = {a.id: a for a in corpus.articles}
    briefings = stage("summarize_events", lambda: tuple(pipeline.summarize_events(evts, by_id, sents, settings)))
    result = pipeline.Result(corpus=corpus, sentences=sents, events=evts, briefings=briefings, settings=settings)
    from digest import pages, publish

    overrides = [templates] if templates.is_dir() else []
    rendered = stage("pages.render", lambda: dict(pages.render(result, overrides)))
    stage("publish.write_tree", lambda: publish.write_tree(rendered, out))
    counts = {"articles": len(corpus.articles), "events": len(evts), "pages": len(rendered), "code": pipeline.__file__}
    _emit(counts)


# Libraries print to standard output too (HiGHS does), so the child's own lines carry a mark.
_MARK = "scale-bench: "


def _emit(row: dict) -> None:
    print(_MARK + json.dumps(row), flush=True)


def run_stages(work: Path, timeout: float, profile: Path | None = None) -> dict[str, Step]:
    """Time the stages; with `profile`, under cProfile (slower), its statistics saved there."""
    command = [sys.executable, str(Path(__file__).resolve()), "--stage-child", "seeds", "stage-docs", "templates"]
    if profile is not None:  # one process, so that the profile sees the work done in pool workers
        command[1:1] = ["-m", "cProfile", "-o", str(profile)]
        command.append("--in-process")
    shutil.rmtree(work / "stage-docs", ignore_errors=True)
    whole, stdout = run_child(command, work, work / "logs" / ("stages-profiled" if profile else "stages"), timeout, work / CODE)
    steps: dict[str, Step] = {}
    for line in stdout.splitlines():
        if not line.startswith(_MARK):
            continue
        row = json.loads(line[len(_MARK) :])
        if "stage" in row:
            steps[row["stage"]] = Step(seconds=row.get("seconds"), peak_mb=row.get("peak_mb"), cpu=row.get("cpu"), error=row.get("error"))
        else:
            steps["counts"] = Step(notes=row)
    for name in STAGES:
        if name not in steps:
            steps[name] = Step(error=whole.error or "an earlier stage failed")
    return steps


# ---------------------------------------------------------------------------- digest build, cold and incremental


def snapshot(docs: Path) -> dict[str, tuple[int, int, str]]:
    """path -> (size, mtime_ns, sha1) of every page under docs/ (bookkeeping dot-files left out)."""
    found = {}
    for path in sorted(docs.rglob("*")):
        relative = path.relative_to(docs)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            stat = path.stat()
            found[relative.as_posix()] = (stat.st_size, stat.st_mtime_ns, hashlib.sha1(path.read_bytes()).hexdigest())
    return found


def compare(before: dict, after: dict) -> dict:
    common = before.keys() & after.keys()
    touched = (before.keys() ^ after.keys()) | {p for p in common if before[p][2] != after[p][2]}
    folders = Counter(p.split("/")[0] + "/" if "/" in p else "(top)" for p in touched)
    return {
        "where": ", ".join(f"{folder} {count}" for folder, count in sorted(folders.items())),
        "added": len(after.keys() - before.keys()),
        "removed": len(before.keys() - after.keys()),
        "changed": sum(1 for p in common if before[p][2] != after[p][2]),
        "rewritten same bytes": sum(1 for p in common if before[p][2] == after[p][2] and before[p][1] != after[p][1]),
        "untouched": sum(1 for p in common if before[p][1:] == after[p][1:]),
    }


def _list_changes(before: dict, after: dict, path: Path) -> None:
    """Which pages a build added (+), removed (-), changed (~) or rewrote unchanged (=), for a look with --keep."""
    lines = [f"+ {p}" for p in sorted(after.keys() - before.keys())]
    lines += [f"- {p}" for p in sorted(before.keys() - after.keys())]
    for p in sorted(before.keys() & after.keys()):
        if before[p][2] != after[p][2]:
            lines.append(f"~ {p}")
        elif before[p][1] != after[p][1]:
            lines.append(f"= {p}")
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def digest_build(work: Path, name: str, timeout: float) -> Step:
    command = [sys.executable, "-m", "digest.cli", "build", "--seeds", "seeds", "--out", "docs",
               "--templates", "templates", "--cache", ".digest-cache"]  # fmt: skip
    before = snapshot(work / "docs")
    step, _ = run_child(command, work, work / "logs" / name, timeout, work / CODE)
    after = snapshot(work / "docs")
    step.notes = compare(before, after)
    _list_changes(before, after, work / "logs" / f"{name}.changes")
    summary = [line for line in (work / "logs" / f"{name}.err").read_text(errors="replace").splitlines() if "pages:" in line]
    if summary:
        step.notes["digest says"] = summary[-1].split("pages:")[1].split("->")[0].strip()
    return step


# ---------------------------------------------------------------------------- mkdocs, the site and its reference


class _Tagged:
    """A YAML value with a tag PyYAML's safe loader does not know (!ENV, !!python/name:...), kept as is."""

    def __init__(self, tag: str, value):
        self.tag, self.value = tag, value


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


def _construct_tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return _Tagged(node.tag, loader.construct_scalar(node))
    if isinstance(node, yaml.SequenceNode):
        return _Tagged(node.tag, loader.construct_sequence(node, deep=True))
    return _Tagged(node.tag, loader.construct_mapping(node, deep=True))


def _represent_tagged(dumper, tagged: _Tagged):
    if isinstance(tagged.value, list):
        return dumper.represent_sequence(tagged.tag, tagged.value)
    if isinstance(tagged.value, dict):
        return dumper.represent_mapping(tagged.tag, tagged.value)
    return dumper.represent_scalar(tagged.tag, tagged.value)


_Loader.add_multi_constructor("!", _construct_tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_tagged)
_Dumper.add_representer(_Tagged, _represent_tagged)

_REFERENCE_KEYS = ("site_name", "theme", "markdown_extensions", "nav", "not_in_nav", "validation")


def make_reference(work: Path, reference: Path) -> int:
    """A plain Material site shaped like the generated one; returns its page count.

    Every page of the generated docs/ gets a namesake of about the same size made of corpus
    paragraphs, so nav entries resolve; config: the project's theme, Markdown extensions, nav and
    not_in_nav, with only the search plugin.
    """
    config = yaml.load((work / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader) or {}
    reference_config = {k: config[k] for k in _REFERENCE_KEYS if k in config}
    reference_config["plugins"] = ["search"]
    (reference / "docs").mkdir(parents=True, exist_ok=True)
    (reference / "mkdocs.yml").write_text(yaml.dump(reference_config, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    text = _paragraph_stream()
    pages = 0
    docs = work / "docs"
    for path in sorted(docs.rglob("*.md")):
        relative = path.relative_to(docs)
        if any(part.startswith(".") for part in relative.parts):
            continue
        size, body = path.stat().st_size, [f"# {relative.stem.replace('-', ' ').title()}"]
        while sum(len(p) + 2 for p in body) < size:
            body.append(next(text))
        target = reference / "docs" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n\n".join(body) + "\n", encoding="utf-8")
        pages += 1
    return pages


def _paragraph_stream() -> Iterator[str]:
    paragraphs = [p for event in load_sources() for doc in event.docs for p in doc.paragraphs]
    while True:
        yield from paragraphs


def without_digest_plugin(work: Path) -> Path:
    """A copy of the project's mkdocs.yml without the digest plugin: it builds the pages that
    `digest build` left in docs/, so its time is MkDocs and the other plugins alone."""
    config = yaml.load((work / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader) or {}
    config["plugins"] = [p for p in config.get("plugins", []) if _plugin_name(p) != "digest"]
    path = work / "mkdocs-no-digest.yml"
    path.write_text(yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _plugin_name(entry) -> str:
    return entry if isinstance(entry, str) else next(iter(entry), "")


def mkdocs_build(config: Path, site: Path, log: Path, timeout: float, code: Path) -> Step:
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site)]
    step, _ = run_child(command, config.parent, log, timeout, code)
    index = site / "search" / "search_index.json"
    if step.error is None and index.is_file():
        start = time.perf_counter()
        json.loads(index.read_bytes())
        step.notes = {"index MB": index.stat().st_size / MB, "json.loads s": time.perf_counter() - start}
    return step


# ---------------------------------------------------------------------------- one size, all steps


def copy_project(work: Path) -> None:
    """The files a build needs (mkdocs.yml, templates/, docs/, ...) and a snapshot of the code."""
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns(".digest-*"))
        elif source.is_file():
            shutil.copy2(source, work / name)
    (work / "docs").mkdir(exist_ok=True)
    shutil.copytree(ROOT / "digest", work / CODE / "digest", ignore=shutil.ignore_patterns("__pycache__"))


def measure(n: int, work: Path, args: argparse.Namespace) -> dict[str, Step]:
    copy_project(work)
    start = time.perf_counter()
    stats = make_corpus(work / "seeds", n, seed=args.seed)
    results = {"corpus": Step(seconds=time.perf_counter() - start, notes=stats)}
    print(f"N={n}: corpus {stats['files']} files, {stats['bytes'] / MB:.0f} MB, {stats['events']} gold events", file=sys.stderr)

    results.update(run_stages(work, args.timeout))
    results["stages total"] = _total(results[name] for name in STAGES)
    _say(n, "stages", results["stages total"])
    results.update(measure_builds(n, work, args))
    if args.skip_mkdocs or n > args.mkdocs_max:
        reason = "skipped (--skip-mkdocs)" if args.skip_mkdocs else f"skipped (N > --mkdocs-max {args.mkdocs_max})"
        results.update({key: Step(notes={"skipped": reason}) for key in (*MKDOCS_STEPS, "search")})
    elif not (work / "mkdocs.yml").is_file():
        results.update({key: Step(error="no mkdocs.yml in the project") for key in (*MKDOCS_STEPS, "search")})
    else:
        results.update(measure_mkdocs(n, work, args))
    return results


def measure_builds(n: int, work: Path, args: argparse.Namespace) -> dict[str, Step]:
    """`digest build` cold, again unchanged, then after one new article."""
    shutil.rmtree(work / ".digest-cache", ignore_errors=True)
    results = {"build cold": digest_build(work, "build-cold", args.timeout)}
    _say(n, "cold build", results["build cold"])
    results["build warm"] = digest_build(work, "build-warm", args.timeout)
    _say(n, "unchanged build", results["build warm"])
    added = add_article(work / "seeds", seed=args.seed + n)
    results["build +1"] = digest_build(work, "build-add", args.timeout)
    results["build +1"].notes["new article"] = added.relative_to(work / "seeds").as_posix()
    _say(n, "build after one new article", results["build +1"])
    return results


MKDOCS_STEPS = ("mkdocs site", "mkdocs no digest", "mkdocs reference")


def measure_mkdocs(n: int, work: Path, args: argparse.Namespace) -> dict[str, Step]:
    """`mkdocs build` of the site, of its pages without the digest plugin, and of the reference."""
    logs, code = work / "logs", work / CODE
    results = {"mkdocs site": mkdocs_build(work / "mkdocs.yml", work / "site", logs / "mkdocs-site", args.timeout, code)}
    _say(n, "mkdocs build", results["mkdocs site"])
    results["search"] = search_step(work / "site", results["mkdocs site"])
    print(f"N={n}: search in Chromium: {_search_cell(results['search'])}", file=sys.stderr, flush=True)
    try:  # a config these copies cannot mirror must not end the run
        config = without_digest_plugin(work)
        results["mkdocs no digest"] = mkdocs_build(config, work / "site-no-digest", logs / "mkdocs-no-digest", args.timeout, code)
    except Exception as error:
        results["mkdocs no digest"] = Step(error=f"{type(error).__name__}: {error}"[:160])
    _say(n, "mkdocs build without the digest plugin", results["mkdocs no digest"])
    try:
        reference = work / "reference"
        pages = make_reference(work, reference)
        results["mkdocs reference"] = mkdocs_build(reference / "mkdocs.yml", reference / "site", logs / "mkdocs-reference", args.timeout, code)
        results["mkdocs reference"].notes["pages"] = pages
    except Exception as error:
        results["mkdocs reference"] = Step(error=f"{type(error).__name__}: {error}"[:160])
    _say(n, "reference mkdocs build", results["mkdocs reference"])
    return results


def search_step(site: Path, built: Step) -> Step:
    """Material's search in Chromium on the built site: when the index is ready after the page
    loads, and the slowest answer to a query typed once it is (bench/search_latency.py)."""
    if built.error or not site.is_dir():
        return Step(error="no site")
    try:
        from bench.search_latency import DEFAULT_QUERIES, measure as measure_search

        found = measure_search(site, DEFAULT_QUERIES, timeout=120.0)
    except Exception as error:  # no Chromium here, say: the other figures still count
        return Step(error=f"{type(error).__name__}: {error}"[:160])
    warm = [q for q in found["queries"] if not q["cold"]]
    failed = [q for q in warm if q["seconds"] is None]
    if failed or not warm:
        return Step(error=(failed[0]["error"] if failed else "no query answered") or "no answer")
    slowest = max(warm, key=lambda q: q["seconds"])
    return Step(notes={
        "index ready s": found["index_ready_s"], "slowest s": slowest["seconds"], "slowest query": slowest["query"],
        "cold s": next((q["seconds"] for q in found["queries"] if q["cold"]), None), "index MB": found["index_mb"],
    })  # fmt: skip


def _search_cell(step: Step) -> str:
    if step.error or "slowest s" not in step.notes:
        return _mkdocs_cell(step) if ("skipped" in step.notes or step.error) else "n/a"
    notes = step.notes
    ready = f"{notes['index ready s']:.2f} s" if notes["index ready s"] is not None else "n/a"
    cold = f"{notes['cold s']:.2f} s" if notes["cold s"] is not None else "n/a"
    return (f"index ready {ready} after navigation; slowest answer {notes['slowest s']:.3f} s "
            f"('{notes['slowest query']}', last key to results); first query typed at page load {cold}")  # fmt: skip


def profile_stages(n: int, work: Path, args: argparse.Namespace, top: int = 40) -> None:
    """Run the stages once more under cProfile and print the costliest calls (cumulative time)."""
    import pstats

    stats_file = work / "logs" / "stages.prof"
    run_stages(work, args.timeout, profile=stats_file)
    if not stats_file.is_file():
        print(f"N={n}: profile failed, see {work / 'logs'}", file=sys.stderr)
        return
    print(f"\nN={n}: cProfile of the stages (main process only; pool workers are not profiled), by cumulative time:", file=sys.stderr)
    pstats.Stats(str(stats_file), stream=sys.stderr).sort_stats("cumulative").print_stats(top)


def _total(steps) -> Step:
    steps = list(steps)
    failed = next((s.error for s in steps if s.error), None)
    if failed:
        return Step(error=failed)
    return Step(seconds=sum(s.seconds for s in steps), peak_mb=max(s.peak_mb for s in steps), cpu=sum(s.cpu or 0 for s in steps))


def _say(n: int, what: str, step: Step) -> None:
    print(f"N={n}: {what}: {step.cell()}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- the report


def _files_note(step: Step) -> str:
    notes = step.notes
    if step.error or "changed" not in notes:
        return ""
    text = f"pages {notes['added']} added, {notes['changed']} changed, {notes['removed']} removed, {notes['rewritten same bytes']} rewritten same bytes"
    text += f" [{notes['where']}]" if notes["where"] else ""
    return text + (f" (digest: {notes['digest says']})" if "digest says" in notes else "")


def _mkdocs_cell(step: Step) -> str:
    if "skipped" in step.notes:
        return step.notes["skipped"]
    return step.cell()


def _ratio(results: dict[str, Step], site_key: str = "mkdocs site", measure: str = "cpu") -> float | None:
    """Site time over reference time. MkDocs runs in one process, so its CPU seconds are its wall
    time on an idle machine, and unlike wall time they do not depend on what else was running."""
    site, reference = results.get(site_key), results.get("mkdocs reference")
    if site and reference and not site.error and not reference.error:
        a, b = getattr(site, measure), getattr(reference, measure)
        if a and b:
            return a / b
    return None


def _ratio_cell(results: dict[str, Step], site_key: str) -> str:
    cpu, wall = _ratio(results, site_key), _ratio(results, site_key, "seconds")
    return f"{cpu:.2f}x CPU ({wall:.2f}x wall)" if cpu and wall else "n/a"


def _index_cell(step: Step) -> str:
    if "index MB" not in step.notes:
        return _mkdocs_cell(step) if (step.error or "skipped" in step.notes) else "n/a (no search index)"
    return f"{step.notes['index MB']:.1f} MB, json.loads {step.notes['json.loads s']:.2f} s"


def table(runs: dict[int, dict[str, Step]]) -> str:
    sizes = list(runs)
    rows: list[tuple[str, list[str]]] = []
    rows.append(("corpus (generate)", [_corpus_cell(runs[n]["corpus"]) for n in sizes]))
    for name in STAGES:
        rows.append((f"stage `{name}` (peak so far)", [runs[n][name].cell() for n in sizes]))
    rows.append(("stages, total", [runs[n]["stages total"].cell() for n in sizes]))
    rows.append(("`digest build`, cold", [runs[n]["build cold"].cell() for n in sizes]))
    rows.append(("`digest build`, unchanged", [runs[n]["build warm"].cell(_files_note(runs[n]["build warm"])) for n in sizes]))
    rows.append(("`digest build`, +1 article", [runs[n]["build +1"].cell(_files_note(runs[n]["build +1"])) for n in sizes]))
    rows.append(("`mkdocs build`, digest site", [_mkdocs_cell(runs[n]["mkdocs site"]) for n in sizes]))
    rows.append(("`mkdocs build`, same pages, digest plugin off", [_mkdocs_cell(runs[n]["mkdocs no digest"]) for n in sizes]))
    rows.append(("`mkdocs build`, reference", [_ref_cell(runs[n]["mkdocs reference"]) for n in sizes]))
    rows.append(("mkdocs site / reference", [_ratio_cell(runs[n], "mkdocs site") for n in sizes]))
    rows.append(("mkdocs plugin off / reference", [_ratio_cell(runs[n], "mkdocs no digest") for n in sizes]))
    rows.append(("search index, digest site", [_index_cell(runs[n]["mkdocs site"]) for n in sizes]))
    rows.append(("search index, reference", [_index_cell(runs[n]["mkdocs reference"]) for n in sizes]))
    rows.append(("search in Chromium, digest site", [_search_cell(runs[n].get("search", Step(error="not run"))) for n in sizes]))
    head = "| step | " + " | ".join(f"N={n:,}" for n in sizes) + " |"
    rule = "|---|" + "---|" * len(sizes)
    return "\n".join([head, rule, *("| " + label + " | " + " | ".join(cells) + " |" for label, cells in rows)])


def _corpus_cell(step: Step) -> str:
    s = step.notes
    return f"{s['articles']:,} articles in {s['files']:,} files, {s['bytes'] / MB:.0f} MB, {s['events']:,} gold events ({step.seconds:.1f} s)"


def _ref_cell(step: Step) -> str:
    cell = _mkdocs_cell(step)
    return cell + (f"; {step.notes['pages']:,} pages" if "pages" in step.notes else "")


def targets(runs: dict[int, dict[str, Step]]) -> list[str]:
    """Each target of the issue: met, NOT met, or not measured in this run."""

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else ("met" if ok else "NOT met")

    def seconds(n: int, key: str) -> float | None:
        step = runs.get(n, {}).get(key)
        return step.seconds if step and not step.error else None

    cold10, cold50 = seconds(10000, "build cold"), seconds(50000, "build cold")
    add10 = runs.get(10000, {}).get("build +1")
    only_changed = None
    if add10 and not add10.error and "changed" in add10.notes:
        warm = runs[10000]["build warm"].notes
        only_changed = add10.notes["rewritten same bytes"] == 0 and warm.get("changed") == 0 and warm.get("rewritten same bytes") == 0
    ratio10 = _ratio(runs.get(10000, {}))
    search10 = runs.get(10000, {}).get("search")
    # A reader's view: every query answered within a second of the last keystroke, the first
    # one typed as soon as the page has loaded (while the index may still be loading) included.
    search_ok = None if search10 is None or "slowest s" not in search10.notes else (
        search10.notes["slowest s"] <= 1 and (search10.notes["cold s"] if search10.notes["cold s"] is not None else 99) <= 1)
    peaks = {n: _project_peak(runs[n]) for n in runs}
    lines = [
        f"- read-to-Markdown (`digest build`, cold) at 10k <= 20 s: {verdict(None if cold10 is None else cold10 <= 20)}"
        + (f" ({cold10:.1f} s)" if cold10 is not None else ""),
        f"- 50k <= 6x 10k: {verdict(None if None in (cold10, cold50) else cold50 <= 6 * cold10)}"
        + (f" ({cold50 / cold10:.1f}x)" if None not in (cold10, cold50) else ""),
        f"- incremental add at 10k <= 2 s: {verdict(None if add10 is None or add10.error else add10.seconds <= 2)}"
        + (f" ({add10.seconds:.1f} s)" if add10 and not add10.error else ""),
        f"- ... and only changed pages rewritten (unchanged rebuild rewrites nothing, +1 rewrites no same-bytes page): {verdict(only_changed)}",
        f"- mkdocs build at 10k <= 1.5x reference (CPU seconds): {verdict(None if ratio10 is None else ratio10 <= 1.5)}"
        + (f" ({ratio10:.2f}x)" if ratio10 is not None else ""),
        f"- search in the browser answers within 1 s at 10k (a query typed at page load, and every later one): {verdict(search_ok)}"
        + (f" (at page load {search10.notes['cold s']:.2f} s, later ones at most {search10.notes['slowest s']:.2f} s)" if search_ok is not None and search10.notes["cold s"] is not None else ""),
        f"- peak memory <= 1 GB at 10k: {verdict(None if peaks.get(10000) is None else peaks[10000] <= 1024)}"
        + (f" ({peaks[10000]:,.0f} MB)" if peaks.get(10000) is not None else ""),
        f"- peak memory <= 3 GB at 50k: {verdict(None if peaks.get(50000) is None else peaks[50000] <= 3072)}"
        + (f" ({peaks[50000]:,.0f} MB)" if peaks.get(50000) is not None else ""),
    ]
    return lines


def _project_peak(results: dict[str, Step]) -> float | None:
    """The largest peak of the project's own steps (the reference site is not ours)."""
    peaks = [s.peak_mb for k, s in results.items() if k != "mkdocs reference" and s.peak_mb is not None and not s.error]
    return max(peaks) if peaks else None


def report(runs: dict[int, dict[str, Step]], command: str, load: tuple[float, float]) -> str:
    machine = f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, {platform.system()}"
    return "\n".join([
        "## Scale benchmark",
        "",
        f"`{command}` on {machine}; load average {load[0]:.1f} before, {load[1]:.1f} after.",
        "Cells: wall seconds (CPU seconds of the step and its worker processes), peak resident memory.",
        "Wall time grows when other processes share the machine; CPU seconds are the steadier figure.",
        "",
        table(runs),
        "",
        "### Targets",
        "",
        *targets(runs),
        "",
    ])  # fmt: skip


# ---------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="corpus sizes (default: 1000 10000; the full run adds 50000)")
    parser.add_argument("--workdir", type=Path, help="scratch folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copies (corpus, docs, site, logs)")
    parser.add_argument("--skip-mkdocs", action="store_true", help="leave out the mkdocs builds")
    parser.add_argument("--mkdocs-max", type=int, default=10000, help="largest N to run mkdocs builds at (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds one step may take (default: %(default)s)")
    parser.add_argument("--write-page", type=Path, metavar="PATH", help="also write the report as Markdown to PATH")
    parser.add_argument("--profile", action="store_true", help="then run the stages once more under cProfile and print the top calls")
    parser.add_argument("--stage-child", nargs=3, type=Path, help=argparse.SUPPRESS)  # internal: SEEDS OUT TEMPLATES
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)  # internal: no worker pool
    args = parser.parse_args(argv)
    if args.stage_child:
        stage_child(*args.stage_child, in_process=args.in_process)
        return 0

    root = args.workdir or Path(tempfile.mkdtemp(prefix="digest-scale-"))
    load_before = os.getloadavg()[0]
    runs: dict[int, dict[str, Step]] = {}
    works = [root / f"n{n}" for n in args.sizes]
    for work in works:  # left by an earlier run in --workdir: deleted before anything is timed
        shutil.rmtree(work, ignore_errors=True)
    try:
        for n, work in zip(args.sizes, works):
            work.mkdir(parents=True)
            runs[n] = measure(n, work, args)
            if args.profile:
                try:
                    profile_stages(n, work, args)
                except Exception as error:  # the profile is an extra: the measurements still count
                    print(f"N={n}: profile failed: {error}", file=sys.stderr)
    finally:
        # Only now (see the module's docstring): a deletion slows the file making that follows it.
        if args.keep:
            print(f"scratch copies kept in {root}", file=sys.stderr)
        elif args.workdir is None:
            shutil.rmtree(root, ignore_errors=True)
        else:
            for work in works:
                shutil.rmtree(work, ignore_errors=True)
    text = report(runs, _command(args), (load_before, os.getloadavg()[0]))
    print(text)
    if args.write_page:
        args.write_page.parent.mkdir(parents=True, exist_ok=True)
        args.write_page.write_text("# Performance\n\n" + text, encoding="utf-8")
    return 0


def _command(args: argparse.Namespace) -> str:
    """The options that shape the figures (not scratch paths, which must not reach a page)."""
    parts = ["python bench/scale.py --sizes", *map(str, args.sizes), f"--mkdocs-max {args.mkdocs_max}"]
    parts += [f"--seed {args.seed}"] if args.seed else []
    parts += ["--skip-mkdocs"] if args.skip_mkdocs else []
    return " ".join(parts)


if __name__ == "__main__":
    sys.exit(main())
