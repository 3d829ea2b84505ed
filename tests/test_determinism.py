"""The same input gives the same bytes: whatever the order of files on disk, the hash seed,
the locale or the time zone, `digest build` writes identical Markdown and `mkdocs build`
identical HTML.

Two builds run side by side as subprocesses over the seeds plus the hostile corpus (without
its two oversized files, which only cost time here). Build B lists every folder in reverse
name order: its seeds are written in reverse order (which tmpfs and small ext4 folders list as
written) and a `sitecustomize` reverses `os.scandir` / `os.listdir` (ext4 hashes names, so
two copies of a big folder list alike however they were written).

MkDocs and mkdocs-rss-plugin stamp the build time into the sitemaps and the feeds unless
SOURCE_DATE_EPOCH is set; the plugin sets it to the newest article's date, so nothing is masked.
"""

from __future__ import annotations

import sys

import pytest

from digest import pages, pipeline, read
from hostile import copy_in_order, copy_project, copy_seeds, digest_command, make_hostile_corpus, mkdocs_command, run_all, tree

ENVIRONMENTS = {
    "a": {"PYTHONHASHSEED": "1", "LC_ALL": "C", "LANG": "C", "TZ": "UTC"},
    "b": {"PYTHONHASHSEED": "2", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "TZ": "Asia/Kolkata"},
}

# Folder listings in reverse name order, as another filesystem might give them.
REVERSED_LISTING = """
import os

_scandir, _listdir = os.scandir, os.listdir


class _Entries:
    \"\"\"What os.scandir returns: an iterator that is also a context manager.\"\"\"

    def __init__(self, entries):
        self._entries = iter(entries)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._entries)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def close(self):
        return None


def scandir(path="."):
    with _scandir(path) as entries:
        return _Entries(sorted(entries, key=lambda e: e.name, reverse=True))


def listdir(path="."):
    return sorted(_listdir(path), reverse=True)
"""
# Installed in build B's processes through a sitecustomize module.
SITECUSTOMIZE = REVERSED_LISTING + "\nos.scandir, os.listdir = scandir, listdir\n"


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, dict]:
    base = tmp_path_factory.mktemp("determinism")
    source = copy_seeds(base / "source")
    make_hostile_corpus(source, big=False)
    (base / "reversed-listing").mkdir()
    (base / "reversed-listing" / "sitecustomize.py").write_text(SITECUSTOMIZE)
    jobs, found = [], {}
    for name, env in ENVIRONMENTS.items():
        reverse = name == "b"
        env = {**env, "PYTHONPATH": str(base / "reversed-listing")} if reverse else env
        project = copy_project(base / name / "project", seeds=None)
        copy_in_order(source, project / "seeds", reverse=reverse)
        found[name] = {"project": project, "out": base / name / "out", "site": base / name / "site", "env": env}
        jobs.append((digest_command(project / "seeds", found[name]["out"], "--no-cache"), project, env))
        jobs.append((mkdocs_command(project, found[name]["site"]), project, env))
    for run in run_all(jobs):
        assert run.returncode == 0, run.stderr[-3000:]
    return found


def test_the_two_builds_see_their_seeds_in_different_orders(builds):
    show = "import os, sys; print([e.name for e in os.scandir(sys.argv[1])], os.listdir(sys.argv[1]))"
    listed = [
        run.stdout for run in run_all([
            ([sys.executable, "-c", show, str(build["project"] / "seeds")], build["project"], build["env"])
            for build in builds.values()
        ])
    ]
    assert listed[0] and listed[1] and listed[0] != listed[1]


def test_markdown_is_byte_identical(builds):
    first, second = (tree(builds[name]["out"]) for name in ENVIRONMENTS)
    assert first and sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []


def test_site_is_byte_identical(builds):
    # The plugin pins SOURCE_DATE_EPOCH to the newest article before the feed plugin or MkDocs
    # read the time, so the sitemaps and the feeds carry no build time either.
    first, second = (tree(builds[name]["site"]) for name in ENVIRONMENTS)
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []


# --- in process: file order and the cache --------------------------------------------------------


def test_order_of_files_on_disk_and_a_warm_cache_change_nothing(tmp_path, monkeypatch):
    seeds = copy_seeds(tmp_path / "seeds")
    make_hostile_corpus(seeds, big=False)
    plain = pages.render(pipeline.run(seeds))

    cold = pages.render(pipeline.run(seeds, cache_dir=tmp_path / "cache"))
    warm = pages.render(pipeline.run(seeds, cache_dir=tmp_path / "cache"))

    reversed_listing: dict = {}
    exec(REVERSED_LISTING, reversed_listing)
    monkeypatch.setattr(read.os, "scandir", reversed_listing["scandir"])
    reversed_order = pages.render(pipeline.run(seeds))
    assert plain == cold == warm == reversed_order

