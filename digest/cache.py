"""A persistent key -> value store that lets a rebuild redo only what changed.

Keys are content hashes: of the input bytes, of the settings, and of the code itself
(`CODE_VERSION` hashes every module of the package), so an edit to any of them misses
the cache rather than serving stale output. Values are pickled; the store is one
SQLite file, safe against a killed build (SQLite commits atomically).

Writes go to one background thread with a connection of its own, in the order they are
asked for: a build stores tens of MB (articles, pages) while it goes on with the next stage,
and SQLite lets go of the interpreter while it writes. A read of a namespace first waits for
the writes to it that are still queued, so a build always reads what it wrote.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


def _code_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def key(*parts: object) -> str:
    """A stable hash of `parts` (bytes, str or anything with a stable repr) and the code version."""
    digest = hashlib.sha256(CODE_VERSION.encode())
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode()
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


class Cache:
    """Namespaced values in one SQLite file; `Cache(None)` keeps nothing (a cold build).

    `close` waits for the queued writes and raises the first error one of them met.
    """

    def __init__(self, path: Path | None):
        self._db = None
        self._path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = _connect(path)
            self._db.execute("CREATE TABLE IF NOT EXISTS kv (ns TEXT, k TEXT, v BLOB, PRIMARY KEY (ns, k))")
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="digest-cache")
            self._queued: dict[str, list[Future]] = defaultdict(list)
            self._local = threading.local()

    def get_many(self, ns: str, keys: Iterable[str]) -> dict[str, Any]:
        if self._db is None:
            return {}
        self._wait(ns)
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        for chunk in _chunks(wanted, 500):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT k, v FROM kv WHERE ns = ? AND k IN ({marks})", (ns, *chunk))
            for k, v in rows:
                found[k] = pickle.loads(v)
        return found

    def get_all(self, ns: str) -> dict[str, Any]:
        """Every entry of `ns`: after `keep_only`, what the last build used, in one query."""
        if self._db is None:
            return {}
        self._wait(ns)
        return {k: pickle.loads(v) for k, v in self._db.execute("SELECT k, v FROM kv WHERE ns = ?", (ns,))}

    def put_many(self, ns: str, items: dict[str, Any]) -> None:
        """Store `items` (values are pickled in the writer thread: they must not change afterwards)."""
        if self._db is None or not items:
            return
        self._queue(ns, _put, ns, dict(items))

    def keep_only(self, ns: str, keys: Iterable[str]) -> None:
        """Forget every entry of `ns` not in `keys`, so the cache does not grow without bound."""
        if self._db is None:
            return
        self._queue(ns, _keep_only, ns, list(keys))

    def close(self) -> None:
        if self._db is None:
            return
        self._writer.submit(self._close_writer)
        self._writer.shutdown(wait=True)
        self._db.close()
        self._db = None
        for futures in self._queued.values():
            for future in futures:
                future.result()  # the first failed write, if any, is raised here

    def _queue(self, ns: str, work: Callable[..., None], *args: Any) -> None:
        self._queued[ns].append(self._writer.submit(self._in_writer, work, *args))

    def _in_writer(self, work: Callable[..., None], *args: Any) -> None:
        if not hasattr(self._local, "db"):  # a connection belongs to the thread that made it
            self._local.db = _connect(self._path)
        work(self._local.db, *args)

    def _close_writer(self) -> None:
        if hasattr(self._local, "db"):
            self._local.db.close()

    def _wait(self, ns: str) -> None:
        for future in self._queued.pop(ns, []):
            future.result()


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")  # readers go on while the writer thread writes
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def _put(db: sqlite3.Connection, ns: str, items: dict[str, Any]) -> None:
    # A generator: one pickle at a time, not all of them (tens of MB of pages) at once.
    rows = ((ns, k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in items.items())
    with db:
        db.execute("BEGIN")
        db.executemany("INSERT OR REPLACE INTO kv VALUES (?, ?, ?)", rows)


def _keep_only(db: sqlite3.Connection, ns: str, keys: list[str]) -> None:
    with db:
        db.execute("BEGIN")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS live (k TEXT PRIMARY KEY)")
        db.execute("DELETE FROM live")
        db.executemany("INSERT OR IGNORE INTO live VALUES (?)", ((k,) for k in keys))
        db.execute("DELETE FROM kv WHERE ns = ? AND k NOT IN (SELECT k FROM live)", (ns,))


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
