"""Stage 7a: write the generated Markdown tree under `docs/` atomically and incrementally.

`docs/` holds hand-written files (tracked in git) and generated ones, which are listed in
the manifest `docs/.digest-manifest.json`. A write never touches the live tree:

1. a complete new tree `<out>.digest-new-<pid>` is built next to it: every hand-written
   file and every unchanged generated file is hard-linked from the live tree (same inode,
   so bytes and modification time are kept), changed and new pages are written fresh, and
   the new manifest goes last. A generated file is unchanged when its bytes are those of
   the new page, or, given the pages' cache keys and the last write's record of them, when
   its key is the same and the file still has the size and modification time it was
   written with (then its text is not even read);
2. the two directories are swapped with one `renameat2(RENAME_EXCHANGE)` (Linux): at every
   instant `<out>` is either the whole old tree or the whole new one;
3. the old tree, now at the staging name, is deleted.

Pages that no longer exist are simply not linked into the new tree. A run killed at any
point leaves `<out>` whole; its leftover staging directory is removed by the next run.
Where RENAME_EXCHANGE is unavailable (another OS, a filesystem without it) the swap is two
renames, `<out>` -> `<out>.digest-old-<pid>` and staging -> `<out>`; a kill between the two
leaves no `<out>` but a whole old tree, which the next run puts back before anything else.
Atomic against a killed process, not against power loss (nothing is fsynced).
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
import stat
import sys
from collections.abc import Mapping
from pathlib import Path

MANIFEST = ".digest-manifest.json"
_NEW = ".digest-new-"
_OLD = ".digest-old-"
_RENAME_EXCHANGE = 2  # from <linux/fs.h>
_AT_FDCWD = -100


def write_tree(
    pages: Mapping[str, str], out: Path, keys: Mapping[str, str] | None = None, record: dict | None = None
) -> dict[str, int]:
    """Make `out` hold `pages` (relative POSIX path -> text) plus its hand-written files.

    Returns counts {"written", "unchanged", "removed"} of generated pages. Raises ValueError,
    before touching anything, for a path outside `out` or one that would replace a hand-written
    file.

    `keys` name each page's content (the pipeline's cache keys) and `record` is what the last
    write recorded of its pages, {path: [key, size, mtime_ns]}, which this write replaces in
    place: a page the last write made with the same key, whose file still has the size and
    modification time it was written with (a hand edit changes them), is kept without its text
    being looked at, so `pages` may read a text only when it is asked for. (The record is not
    kept in the manifest: modification times would make two builds' outputs differ.)
    """
    out = Path(out).absolute()
    recover(out)
    checked = _Checker(out)
    paths = [checked(path) for path in pages]
    old_manifest = read_manifest(out)
    # (no stat for each page of a first build: its folders are empty or missing)
    clashes = sorted(p for p in paths if p not in old_manifest and checked.may_exist(p) and (out / p).exists())
    if clashes:
        raise ValueError(f"refusing to overwrite hand-written files in {out}: {', '.join(clashes)}")

    base = os.fspath(out)
    same_key = _kept_by_key(checked.found, keys, record, old_manifest) if keys and record else {}
    contents = {p: pages[p].encode("utf-8") for p in paths if p not in same_key}
    digests = {p: old_manifest[p] for p in same_key} | {p: _digest(data) for p, data in contents.items()}
    stats = dict(same_key)  # path -> [size, mtime_ns] of the file as written
    if old_manifest.keys() == digests.keys() and all(
        digests[p] == old_manifest[p] and _same_bytes(f"{base}/{p}", data, stats, p) for p, data in contents.items()
    ):
        _recorded(record, keys, stats)
        return {"written": 0, "unchanged": len(paths), "removed": 0}  # nothing to swap in

    staging = staging_dir(out)
    counts = {"written": 0, "unchanged": 0, "removed": 0}
    try:
        staging.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
        kept: set[str] = set()
        if out.is_dir():
            kept, counts["removed"] = _link_kept(out, staging, contents, digests, old_manifest, stats)
            counts["unchanged"] = len(kept)
        fresh = sorted(path for path in paths if path not in kept)
        by_folder: dict[str, list[str]] = {}
        for path in fresh:
            folder, _, name = path.rpartition("/")
            by_folder.setdefault(folder, []).append(name)
        for folder, names in sorted(by_folder.items()):
            where = os.path.join(staging, folder) if folder else os.fspath(staging)
            os.makedirs(where, exist_ok=True)
            # Each page is made relative to its folder's descriptor: no path to walk for each one.
            folder_fd = os.open(where, os.O_RDONLY | os.O_DIRECTORY)
            try:
                prefix = f"{folder}/" if folder else ""
                for name in names:
                    path = prefix + name
                    # (a page kept by key whose file went missing since is not in `contents`)
                    data = contents[path] if path in contents else pages[path].encode("utf-8")
                    stats[path] = _write_new(name, data, dir_fd=folder_fd)
            finally:
                os.close(folder_fd)
        counts["written"] = len(fresh)
        manifest = {"generated": dict(sorted(digests.items()))}
        # One page a line, as `indent` would put it, through the C encoder (which `indent` turns
        # off: 40 ms for 10,000 pages against 5).
        (staging / MANIFEST).write_text(json.dumps(manifest, sort_keys=True, separators=(",\n", ": ")) + "\n", encoding="utf-8")
        swap_into_place(staging, out)
        _recorded(record, keys, stats)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return counts


def _kept_by_key(
    found: Mapping[str, os.stat_result], keys: Mapping[str, str], record: Mapping, manifest: Mapping[str, str]
) -> dict[str, list[int]]:
    """The pages the last write (`record`) made with the same key whose files (`found`: their
    lstat) are as it wrote them (same size and modification time), with those two figures."""
    kept: dict[str, list[int]] = {}
    for path, now in found.items():
        last = record.get(path)
        if last is None or last[0] != keys.get(path) or path not in manifest:
            continue
        if stat.S_ISREG(now.st_mode) and [now.st_size, now.st_mtime_ns] == last[1:]:
            kept[path] = last[1:]
    return kept


def _recorded(record: dict | None, keys: Mapping[str, str] | None, stats: Mapping[str, list[int]]) -> None:
    """Replace `record` by this write's: each page's key, size and modification time, for the
    pages whose figures are known (the others are read back next time)."""
    if record is None:
        return
    record.clear()
    if keys:
        record.update({p: [keys[p], *figures] for p, figures in stats.items() if p in keys})


def staging_dir(target: Path) -> Path:
    """Where a new version of `target` is built: a sibling, so a rename can swap them."""
    return target.with_name(f"{target.name}{_NEW}{os.getpid()}")


def swap_into_place(new: Path, target: Path) -> None:
    """Make the complete directory `new` appear at `target` in one step.

    Afterwards `new` holds the previous `target` (if there was one) for the caller to delete.
    """
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        return
    # No atomic exchange here: two renames, with a window that recover() repairs.
    parked = target.with_name(f"{target.name}{_OLD}{os.getpid()}")
    os.rename(target, parked)
    os.rename(new, target)
    os.rename(parked, new)


def recover(target: Path) -> None:
    """Repair what a killed run left next to `target`: restore a parked tree if `target` is
    missing, and delete staging trees of processes that are gone."""
    parent = target.parent
    if not parent.is_dir():
        return
    for sibling in sorted(parent.iterdir()):
        name = sibling.name
        for marker in (_OLD, _NEW):
            prefix = target.name + marker
            if not name.startswith(prefix) or not name[len(prefix):].isdigit():
                continue
            if _alive(int(name[len(prefix):])):
                continue  # another build is working there right now
            if marker == _OLD and not target.exists():
                os.rename(sibling, target)
            else:
                shutil.rmtree(sibling, ignore_errors=True)


class _Checker:
    """`path` itself, or ValueError if it is not a plain relative path landing strictly inside `out`.

    Each folder is resolved once (a build has thousands of pages in a handful of folders), and
    looked into once: nothing in an empty or missing folder (a first build's) needs an lstat.
    """

    def __init__(self, out: Path):
        self.out = out.resolve()
        self.folders: dict[str, Path] = {}
        self.empty: dict[str, bool] = {}
        self.found: dict[str, os.stat_result] = {}  # the lstat of each page that is there

    def __call__(self, path: str) -> str:
        if (
            not path
            or "\\" in path
            or "\x00" in path
            or path.startswith("/")
            or any(part in ("..", ".", "") for part in path.split("/"))
            or path == MANIFEST
        ):
            raise ValueError(f"page path not allowed: {path!r}")
        folder, _, name = path.rpartition("/")
        if folder not in self.folders:
            resolved_folder = (self.out / folder).resolve()
            if not resolved_folder.is_relative_to(self.out):
                raise ValueError(f"page path resolves outside {self.out}: {path!r}")
            self.folders[folder] = resolved_folder
            try:
                with os.scandir(resolved_folder) as entries:
                    self.empty[folder] = next(entries, None) is None
            except OSError:
                self.empty[folder] = True  # not there (or not a folder): nothing in it to follow
        page = f"{self.folders[folder]}/{name}"  # (a join per page took longer than its lstat)
        mode = 0  # not there yet: nothing to follow
        if not self.empty[folder]:
            try:
                found = self.found[path] = os.lstat(page)
                mode = found.st_mode
            except OSError:
                pass
        if stat.S_ISLNK(mode) or stat.S_ISDIR(mode):  # the page itself may lead elsewhere
            resolved = Path(page).resolve()
            if not resolved.is_relative_to(self.out) or resolved == self.out:
                raise ValueError(f"page path resolves outside {self.out}: {path!r}")
        return path

    def may_exist(self, path: str) -> bool:
        """False when the folder of `path` (a path already checked) was empty or missing."""
        return not self.empty[path.rpartition("/")[0]]


def _link_kept(
    old: Path,
    new: Path,
    contents: Mapping[str, bytes],
    digests: Mapping[str, str],
    manifest: Mapping[str, str],
    stats: dict[str, list[int]],
) -> tuple[set[str], int]:
    """Hard-link into `new` every hand-written file and every unchanged generated one: those in
    `stats` already (kept by key), and those whose bytes are `contents`' (their stats added).

    Returns the generated pages kept (relative paths) and the count of those removed.
    """
    kept: set[str] = set()
    for folder, dirs, files in os.walk(old):
        rel_folder = os.path.relpath(folder, old)
        rel_prefix = "" if rel_folder == "." else rel_folder.replace(os.sep, "/") + "/"
        target_folder = os.path.join(new, rel_folder)
        # (plain joins below: a rebuild links ten thousand pages, os.path.join took a tenth of a second)
        dirs.sort()
        for name in dirs:
            source = os.path.join(folder, name)
            if os.path.islink(source):  # os.walk does not descend into it; keep the link itself
                os.symlink(os.readlink(source), os.path.join(target_folder, name))
            else:
                os.mkdir(os.path.join(target_folder, name))
        for name in sorted(files):
            rel = rel_prefix + name
            if rel == MANIFEST:
                continue
            source = f"{folder}/{name}"
            if rel in manifest:
                if rel not in stats:
                    data = contents.get(rel)
                    if data is None or digests[rel] != manifest[rel] or not _same_bytes(source, data, stats, rel):
                        continue  # changed or stale: written fresh or left out
                kept.add(rel)
            os.link(source, f"{target_folder}/{name}", follow_symlinks=False)
    removed = sum(1 for rel in manifest if rel not in digests)
    return kept, removed


def _write_new(path: str, data: bytes, dir_fd: int | None = None) -> list[int]:
    """Write `data` to a file made at `path` (relative to `dir_fd` if given); FileExistsError if
    one is there (nothing is overwritten). Returns the file's [size, modification time in ns].

    Bare system calls: a Python file object's own cost is most of a small page's write, and a
    build writes thousands of them. The mode is `open`'s (0o666 less the umask).
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666, dir_fd=dir_fd)
    try:
        done = os.write(fd, data)
        while done < len(data):  # a write may take only part of the bytes
            done += os.write(fd, data[done:])
        written = os.fstat(fd)
        return [written.st_size, written.st_mtime_ns]
    finally:
        os.close(fd)


def _same_bytes(path: str, data: bytes, stats: dict[str, list[int]] | None = None, rel: str | None = None) -> bool:
    """The manifest says what was written; this checks nobody edited the file since. The file's
    [size, modification time] goes into `stats` under `rel` when they are the same.

    Bare system calls, as in `_write_new`: without keys, a rebuild reads back every generated page."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        status = os.fstat(fd)
        if status.st_size != len(data):
            return False
        read = os.read(fd, len(data) + 1)  # one byte more: a file grown since fstat is not the same
        while len(read) < len(data):  # a read may return fewer bytes than asked for
            more = os.read(fd, len(data) + 1 - len(read))
            if not more:
                break
            read += more
        if read != data:
            return False
        if stats is not None and rel is not None:
            stats[rel] = [status.st_size, status.st_mtime_ns]
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def read_manifest(out: Path) -> dict[str, str]:
    """{relative path: sha256} of the generated pages in `out` ({} if none or unreadable)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    generated = data.get("generated", {}) if isinstance(data, dict) else {}
    return {str(k): str(v) for k, v in generated.items()} if isinstance(generated, dict) else {}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)  # glibc >= 2.28
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # kernel or filesystem without RENAME_EXCHANGE
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # a leftover of ours is from an earlier, finished call
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
