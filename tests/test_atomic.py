"""`digest build` killed at any moment leaves its output folder whole.

A corpus of a few hundred short articles flips between two versions (B lacks one lone event's
article and one article of another event). `digest build` runs as a subprocess and is SIGKILLed
at random moments (fixed seed): during the pipeline, and while it writes its staging tree. A
`sitecustomize` slows every page creation and hard link by a couple of milliseconds, so that
the write phase lasts long enough to be hit. After each kill the output folder must be exactly
the previous complete output or exactly the new one, compared file by file; the staging folders
the killed runs leave behind must not disturb the next build, which removes them.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from digest import pages, pipeline, publish
from hostile import ROOT, clean_env, digest_command, tree

KILLS_DURING_PIPELINE = 2
KILLS_DURING_WRITE = 4
KILL_SEED = 20240101
WRITE_DELAY = 0.002  # seconds added to each page write / hard link in the killed builds
HAND_WRITTEN = {"quality.md": b"# Quality\n\nWritten by hand.\n"}

SLOW_DISK = f"""
import os, time

_open, _link = os.open, os.link


def open(path, flags, *args, **kwargs):
    if flags & os.O_CREAT and flags & os.O_EXCL:  # a page made by publish._write_new
        time.sleep({WRITE_DELAY})
    return _open(path, flags, *args, **kwargs)


def link(*args, **kwargs):
    time.sleep({WRITE_DELAY})
    return _link(*args, **kwargs)


os.open, os.link = open, link
"""

_PLACES = "Arden Brisk Calder Dunmore Elston Farrow Glenby Hallam Irvine Jarrow Kelso Linton".split()
_THINGS = "bridge budget school harbour railway hospital library market stadium reservoir tunnel museum".split()
_VERBS = "approved rejected delayed opened closed inspected funded debated repaired expanded".split()
_ACTORS = ("The council", "The mayor", "Local residents", "The minister", "Engineers", "The committee")


def synthetic_corpus(dest: Path, events: int, per_event: int = 3, seed: int = 0) -> None:
    """`events` small local news events of `per_event` dated articles each, from a fixed seed."""
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    for number in range(events):
        place, thing = f"{rng.choice(_PLACES)} {number}", rng.choice(_THINGS)
        day = date(2022, 1, 1) + timedelta(days=number)
        facts = [
            f"{rng.choice(_ACTORS)} {rng.choice(_VERBS)} the {thing} plan in {place} after {rng.randint(2, 90)} days of talks."
            for _ in range(8)
        ]
        for copy in range(per_event):
            body = "\n\n".join(rng.sample(facts, 6))
            (dest / f"event-{number:04d}-{copy}.txt").write_text(f"{place} {thing} decision\n{day}\n\n{body}\n")


LONE_ARTICLE = "lone-event.txt"
DROPPED_ARTICLE = "event-0005-2.txt"


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> dict[str, Path]:
    """Seeds of versions A and B, and their complete outputs built in process for reference."""
    base = tmp_path_factory.mktemp("atomic")
    a, b = base / "seeds-a", base / "seeds-b"
    synthetic_corpus(a, events=60)
    (a / LONE_ARTICLE).write_text(
        "Volcano erupts on a remote island\n2022-03-01\n\n"
        "A volcano on the island of Pell erupted on Tuesday, sending ash ten kilometres high.\n\n"
        "Flights across the region were cancelled while scientists measured the ash cloud.\n"
    )
    synthetic_corpus(b, events=60)
    (b / DROPPED_ARTICLE).unlink()
    (base / "slow-disk").mkdir()
    (base / "slow-disk" / "sitecustomize.py").write_text(SLOW_DISK)
    found = {"base": base, "seeds-a": a, "seeds-b": b}
    for name, seeds in (("a", a), ("b", b)):
        out = _with_hand_written(base / f"expected-{name}")
        pipeline.build(seeds, out, templates=ROOT / "templates")
        found[f"expected-{name}"] = out
    return found


def _with_hand_written(folder: Path) -> Path:
    folder.mkdir()
    for name, data in HAND_WRITTEN.items():
        (folder / name).write_bytes(data)
    return folder


def _start(seeds: Path, out: Path, slow_disk: Path) -> subprocess.Popen:
    # Its own process group, so that the kill reaches any worker process it started too.
    return subprocess.Popen(
        digest_command(seeds, out, "--no-cache"), cwd=out.parent, env=clean_env(PYTHONPATH=str(slow_disk)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def _kill_at(child: subprocess.Popen, out: Path, during_write: bool, delay: float) -> None:
    """SIGKILL `child` `delay` seconds after its start, or after it began its staging tree."""
    staging = out.with_name(f"{out.name}.digest-new-{child.pid}")  # publish.staging_dir, in the child
    if during_write:
        while child.poll() is None and not staging.exists():
            time.sleep(0.002)
    time.sleep(delay)
    if child.poll() is None:
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def test_a_killed_build_leaves_the_previous_or_the_new_output(versions):
    base = versions["base"]
    expected = {"a": tree(versions["expected-a"]), "b": tree(versions["expected-b"])}
    assert expected["a"] != expected["b"]
    out = _with_hand_written(base / "out")
    slow_disk = base / "slow-disk"

    first = _start(versions["seeds-a"], out, slow_disk)
    assert first.wait(timeout=300) == 0
    assert tree(out) == expected["a"]

    rng = random.Random(KILL_SEED)
    plan = [False] * KILLS_DURING_PIPELINE + [True] * KILLS_DURING_WRITE
    rng.shuffle(plan)
    current = "a"
    for during_write in plan:
        target = "b" if current == "a" else "a"
        child = _start(versions[f"seeds-{target}"], out, slow_disk)
        _kill_at(child, out, during_write, rng.uniform(0.0, 0.6 if during_write else 2.5))
        found = tree(out)
        assert found in (expected[current], expected[target]), _mixed(found, expected[current], expected[target])
        current = current if found == expected[current] else target

    # Leftover staging folders of the killed runs do not disturb a complete build, which removes them.
    target = "b" if current == "a" else "a"
    last = _start(versions[f"seeds-{target}"], out, slow_disk)
    assert last.wait(timeout=300) == 0
    assert tree(out) == expected[target]
    assert sorted(p.name for p in base.iterdir() if p.name.startswith("out")) == ["out"]


def _mixed(found: dict, previous: dict, new: dict) -> str:
    """Which files match neither complete version, for the failure message."""
    odd = sorted(p for p in set(found) | set(previous) | set(new) if found.get(p) not in (previous.get(p), new.get(p)))
    return f"output is neither version; files of neither: {odd[:10]}"


def test_pages_of_removed_events_and_articles_are_deleted(versions):
    a, b = (pipeline.run(versions[f"seeds-{name}"]) for name in "ab")
    [lone] = [e for e in a.events if a.articles[e.article_ids[0]].path == LONE_ARTICLE]
    assert len(lone.article_ids) == 1, "the lone article should form its own event"
    assert lone.id not in {e.id for e in b.events}
    dropped = next(x.id for x in a.corpus.articles if x.path == DROPPED_ARTICLE)
    gone = {pages.briefing_path(lone.id), pages.article_path(lone.article_ids[0]), pages.article_path(dropped)}

    out = _with_hand_written(versions["base"] / "rebuilt")
    pipeline.build(versions["seeds-a"], out, templates=ROOT / "templates")
    assert gone <= set(publish.read_manifest(out)) and all((out / p).exists() for p in gone)
    report = pipeline.build(versions["seeds-b"], out, templates=ROOT / "templates")
    assert report.removed >= len(gone)
    assert not [p for p in gone if (out / p).exists()]
    assert not gone & set(publish.read_manifest(out))
    assert tree(out) == tree(versions["expected-b"])


def test_a_page_is_written_whole_even_when_the_system_writes_part_of_it(tmp_path, monkeypatch):
    write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: write(fd, data[:3]))  # 3 bytes a call
    counts = publish.write_tree({"a.md": "abcdefgh" * 10, "b/c.md": "h\u00e9llo"}, tmp_path / "out")
    monkeypatch.undo()
    assert counts["written"] == 2
    assert (tmp_path / "out" / "a.md").read_text(encoding="utf-8") == "abcdefgh" * 10
    assert (tmp_path / "out" / "b" / "c.md").read_text(encoding="utf-8") == "h\u00e9llo"


def test_a_new_page_never_overwrites_a_file(tmp_path):
    there = tmp_path / "there.md"
    there.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        publish._write_new(str(there), b"new")
    assert there.read_bytes() == b"old"
