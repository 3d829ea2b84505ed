"""write_tree: what it refuses, what it keeps, and how it checks the pages already written.

It looks into each folder once, stats no page in an empty or missing folder, writes pages
relative to their folder's descriptor and reads pages back with bare system calls: the same
checks and the same tree as before, which is what is asserted here.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from digest import publish

PAGES = {"index.md": "# Home\n", "articles/a.md": "# A\n", "articles/b.md": "# B\u00e9\n", "briefings/x/y.md": "deep\n"}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_first_build_writes_every_page_and_the_manifest(tmp_path):
    out = tmp_path / "site" / "docs"  # its parent is missing too
    assert publish.write_tree(PAGES, out) == {"written": 4, "unchanged": 0, "removed": 0}
    written = tree(out)
    assert {p: written[p].decode() for p in PAGES} == PAGES
    manifest = json.loads(written[publish.MANIFEST])["generated"]
    assert list(manifest) == sorted(PAGES) and manifest["index.md"] == publish._digest(b"# Home\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((out / "articles" / "a.md").stat().st_mode) == 0o666 & ~umask
    assert not list(tmp_path.glob("site/docs.digest-*"))  # no staging tree left over


def test_a_rebuild_keeps_unchanged_pages_and_rewrites_edited_ones(tmp_path):
    out = tmp_path / "docs"
    publish.write_tree(PAGES, out)
    inode = (out / "articles" / "a.md").stat().st_ino
    assert publish.write_tree(PAGES, out) == {"written": 0, "unchanged": 4, "removed": 0}
    (out / "articles" / "a.md").write_text("# A\n", encoding="utf-8")  # the same bytes, rewritten by hand
    (out / "articles" / "b.md").write_text("# C\u00e9\n", encoding="utf-8")  # edited, same size
    changed = {**PAGES, "index.md": "# Home, new\n"}
    del changed["briefings/x/y.md"]
    # index.md changed, b.md edited since: written; a.md holds its bytes: linked into the new tree
    assert publish.write_tree(changed, out) == {"written": 2, "unchanged": 1, "removed": 1}
    assert {p: t.decode() for p, t in tree(out).items() if p != publish.MANIFEST} == changed
    assert (out / "articles" / "a.md").stat().st_ino == inode


class _Texts(dict):
    """Pages that note which texts are asked for."""

    def __init__(self, pages):
        super().__init__(pages)
        self.asked: list[str] = []

    def __getitem__(self, path):
        self.asked.append(path)
        return super().__getitem__(path)


def test_with_keys_a_rebuild_reads_only_the_texts_of_changed_pages_and_keeps_the_rest(tmp_path):
    out = tmp_path / "docs"
    keys = {path: f"key of {text}" for path, text in PAGES.items()}
    record: dict = {}
    assert publish.write_tree(_Texts(PAGES), out, keys=keys, record=record)["written"] == 4
    assert record == {p: [keys[p], (out / p).stat().st_size, (out / p).stat().st_mtime_ns] for p in PAGES}
    before = {p: (out / p).stat() for p in PAGES}
    changed = _Texts({**PAGES, "index.md": "# Home, new\n", "articles/c.md": "# C\n"})
    new_keys = {path: f"key of {text}" for path, text in changed.items()}
    last = dict(record)
    assert publish.write_tree(changed, out, keys=new_keys, record=record) == {"written": 2, "unchanged": 3, "removed": 0}
    assert sorted(changed.asked) == ["articles/c.md", "index.md"]  # the others were not read
    assert {p: t.decode() for p, t in tree(out).items() if p != publish.MANIFEST} == dict(changed)
    for path in ("articles/a.md", "articles/b.md", "briefings/x/y.md"):
        now = (out / path).stat()
        assert (now.st_ino, now.st_mtime_ns) == (before[path].st_ino, before[path].st_mtime_ns)
        assert record[path] == last[path]
    assert record["index.md"][0] == new_keys["index.md"] and record["index.md"][1:] != last["index.md"][1:]
    # the manifest is what a write without keys makes: no keys, no times in the output
    plain = tmp_path / "plain"
    publish.write_tree(dict(changed), plain)
    assert (plain / publish.MANIFEST).read_bytes() == (out / publish.MANIFEST).read_bytes()


def test_with_keys_a_page_edited_by_hand_is_written_again(tmp_path):
    out = tmp_path / "docs"
    keys = {path: f"key of {text}" for path, text in PAGES.items()}
    record: dict = {}
    publish.write_tree(PAGES, out, keys=keys, record=record)
    page = out / "articles" / "b.md"
    page.write_text("# Xé\n", encoding="utf-8")  # same size, later time
    os.utime(out / "articles" / "a.md", ns=(0, 0))  # same bytes, another time: read back, kept
    texts = _Texts(PAGES)
    assert publish.write_tree(texts, out, keys=keys, record=record) == {"written": 1, "unchanged": 3, "removed": 0}
    assert sorted(texts.asked) == ["articles/a.md", "articles/b.md"]
    assert page.read_text(encoding="utf-8") == PAGES["articles/b.md"]
    assert record["articles/a.md"][1:] == [4, 0]  # known again from the read-back


def test_a_hand_written_file_is_never_replaced(tmp_path):
    out = tmp_path / "docs"
    (out / "articles").mkdir(parents=True)
    (out / "articles" / "b.md").write_text("mine\n", encoding="utf-8")
    with pytest.raises(ValueError, match="refusing to overwrite hand-written files.*articles/b.md"):
        publish.write_tree(PAGES, out)
    assert tree(out) == {"articles/b.md": b"mine\n"}
    # once generated pages exist around it, still refused
    publish.write_tree({"articles/a.md": "# A\n"}, out)
    with pytest.raises(ValueError, match="articles/b.md"):
        publish.write_tree(PAGES, out)


def test_a_page_that_is_a_link_out_of_the_tree_is_refused(tmp_path):
    out, outside = tmp_path / "docs", tmp_path / "outside"
    outside.mkdir()
    (out / "articles").mkdir(parents=True)
    (out / "articles" / "a.md").symlink_to(outside / "a.md")  # the folder's only entry
    with pytest.raises(ValueError, match="resolves outside"):
        publish.write_tree(PAGES, out)
    (out / "articles" / "a.md").unlink()
    (out / "articles").rmdir()
    (out / "articles").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="resolves outside"):
        publish.write_tree(PAGES, out)
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("path", ["", "/abs.md", "../up.md", "a/../b.md", "a//b.md", "./a.md", "a\\b.md", publish.MANIFEST])
def test_a_path_that_is_not_plain_is_refused(tmp_path, path):
    with pytest.raises(ValueError, match="not allowed"):
        publish.write_tree({path: "x"}, tmp_path / "docs")
    assert not (tmp_path / "docs").exists()


def test_same_bytes_reads_the_whole_file(tmp_path, monkeypatch):
    page = tmp_path / "p.md"
    page.write_bytes(b"abcdefgh" * 100)
    assert publish._same_bytes(str(page), b"abcdefgh" * 100)
    assert not publish._same_bytes(str(page), b"abcdefgh" * 99 + b"abcdefgX")  # edited
    assert not publish._same_bytes(str(page), b"abcdefgh" * 99)  # grown
    assert not publish._same_bytes(str(page), b"abcdefgh" * 101)  # shrunk
    assert not publish._same_bytes(str(tmp_path / "missing.md"), b"")
    read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: read(fd, min(n, 3)))  # the system hands back 3 bytes a call
    assert publish._same_bytes(str(page), b"abcdefgh" * 100)
    assert not publish._same_bytes(str(page), b"abcdefgh" * 99 + b"abcdefgX")


def test_a_new_page_made_in_a_folder_never_overwrites_a_file(tmp_path):
    (tmp_path / "there.md").write_bytes(b"old")
    folder = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with pytest.raises(FileExistsError):
            publish._write_new("there.md", b"new", dir_fd=folder)
        publish._write_new("new.md", b"new", dir_fd=folder)
    finally:
        os.close(folder)
    assert (tmp_path / "there.md").read_bytes() == b"old" and (tmp_path / "new.md").read_bytes() == b"new"
