"""A persistent key -> value store that lets a rebuild redo only what changed.

Keys are content hashes: of the input bytes, of the settings, and of the code itself
(`CODE_VERSION` hashes every module of the package), so an edit to any of them misses
the cache rather than serving stale output. Values are pickled; the store is one
SQLite file, safe against a killed build (SQLite commits atomically); a file that is not a
store or is damaged (a power loss mid-write: nothing is synced to disk) is reported and
started again empty, since everything in it can be made again.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


# Packages whose data files decide the output as the code does: stop words (sumy, jusText),
# the sentence splitter's model (nupunkt), the word weights of event grouping (wordfreq).
DATA_PACKAGES = ("justext", "nupunkt", "sumy", "wordfreq")


def _code_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256()
    for package in DATA_PACKAGES:
        try:
            digest.update(f"{package} {version(package)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{package} -\n".encode())
    # the package's data (the sentence splitter's word list) changes the output as its code does
    for path in sorted(p for p in _PACKAGE.rglob("*") if p.suffix in (".py", ".txt")):
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


def _or_start_again(empty: Callable[[], Any]) -> Callable:
    """A `Cache` method that, finding the file damaged, starts it again and returns `empty()`:
    what it would have found in an empty store."""

    def wrap(method: Callable) -> Callable:
        @functools.wraps(method)
        def guarded(self: Cache, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except sqlite3.DatabaseError as error:
                self._start_again(error)
                return empty()

        return guarded

    return wrap


class Cache:
    """Namespaced values in one SQLite file; `Cache(None)` keeps nothing (a cold build)."""

    def __init__(self, path: Path | None):
        self._db: sqlite3.Connection | None = None
        self._path = path
        self._pending: list[tuple[str, dict[str, Any]]] = []  # `put_later`'s, for `flush`
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._open()
            except sqlite3.DatabaseError as error:
                self._start_again(error)

    def _open(self) -> None:
        db = self._db = sqlite3.connect(self._path, isolation_level=None)
        # A rollback journal and no syncs: a killed build leaves the last commit whole (the
        # journal undoes a half-written one), which is all a cache needs, and a cold 10k build
        # writes its 150 MB in a third of the time WAL with syncs at checkpoints took (0.24 s
        # against 0.6 s for 120 MB here). A power loss may damage the file: `_start_again`.
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("CREATE TABLE IF NOT EXISTS kv (ns TEXT, k TEXT, v BLOB, PRIMARY KEY (ns, k))")

    def _start_again(self, error: sqlite3.DatabaseError) -> None:
        """Replace a file that is not a store, or a damaged one, with an empty store."""
        if getattr(error, "sqlite_errorname", "") not in _DAMAGED:
            raise error  # a locked or read-only file, a full disk: not for a cache to paper over
        print(f"warning: {self._path}: rebuild cache unreadable ({error}); starting it again empty", file=sys.stderr)
        if self._db is not None:
            self._db.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self._path}{suffix}").unlink(missing_ok=True)
        self._open()

    @_or_start_again(dict)
    def get_many(self, ns: str, keys: Iterable[str]) -> dict[str, Any]:
        if self._db is None:
            return {}
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        for chunk in _chunks(wanted, 500):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT k, v FROM kv WHERE ns = ? AND k IN ({marks})", (ns, *chunk))
            for k, v in rows:
                found[k] = pickle.loads(v)
        return found

    @_or_start_again(bool)
    def holds(self, ns: str) -> bool:
        """Whether `ns` has any entry."""
        return self._db is not None and self._db.execute("SELECT 1 FROM kv WHERE ns = ? LIMIT 1", (ns,)).fetchone() is not None

    @_or_start_again(dict)
    def get_all(self, ns: str) -> dict[str, Any]:
        """Every entry of `ns`: after `keep_only`, what the last build used, in one query."""
        if self._db is None:
            return {}
        return {k: pickle.loads(v) for k, v in self._db.execute("SELECT k, v FROM kv WHERE ns = ?", (ns,))}

    @_or_start_again(set)
    def keys_of(self, ns: str) -> set[str]:
        """The keys of every entry of `ns`, without their values."""
        if self._db is None:
            return set()
        return {k for (k,) in self._db.execute("SELECT k FROM kv WHERE ns = ?", (ns,))}

    @_or_start_again(lambda: None)
    def put_many(self, ns: str, items: dict[str, Any]) -> None:
        if self._db is None or not items:
            return
        # A generator: one pickle at a time, not all of them (tens of MB of pages) at once.
        rows = ((ns, k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in items.items())
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO kv VALUES (?, ?, ?)", rows)

    def put_later(self, ns: str, items: dict[str, Any]) -> None:
        """`put_many` at the next `flush` (or `close`): for a caller with better use for this
        moment, such as handing work to idle workers first."""
        if self._db is not None and items:
            self._pending.append((ns, items))

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        for ns, items in pending:
            self.put_many(ns, items)

    @_or_start_again(lambda: None)
    def keep_only(self, ns: str, keys: Iterable[str]) -> None:
        """Forget every entry of `ns` not in `keys`, so the cache does not grow without bound."""
        if self._db is None:
            return
        # The stored keys are read and compared here, rather than `keys` written into a table for
        # SQLite to compare: a rebuild keeps nearly all of ten thousand, and reading them costs
        # a fraction of writing them (10k: 4 ms against 20 ms).
        live = set(keys)
        stale = [(ns, k) for (k,) in self._db.execute("SELECT k FROM kv WHERE ns = ?", (ns,)) if k not in live]
        if stale:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany("DELETE FROM kv WHERE ns = ? AND k = ?", stale)

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None


class Stored(Mapping[str, Any]):
    """Values by name, each stored in a `Cache` namespace under its key: those at hand (`found`,
    by key) in memory, the others read when first asked for, many in one query (`fetch`), or
    every one not read yet at the first miss (`bulk`: for a caller that will ask for all).

    `field` gives that attribute of each value instead; two such views of one namespace that
    share `found` read each value once for both."""

    def __init__(
        self, store: Cache, ns: str, keys: Mapping[str, str], found: dict[str, Any], bulk: bool = False, field: str | None = None
    ):
        self.store, self.ns, self.keys, self.found, self.bulk, self.field = store, ns, keys, found, bulk, field

    def fetch(self, names: Iterable[str]) -> None:
        wanted = {self.keys[n] for n in names if self.keys[n] not in self.found}
        if wanted:
            self.found.update(self.store.get_many(self.ns, wanted))

    def settle(self) -> None:
        """Read every value not read yet: for a caller that uses them once the cache is closed."""
        self.fetch(self.keys)

    def __getitem__(self, name: str) -> Any:
        key = self.keys[name]
        if key not in self.found:
            self.fetch(self.keys if self.bulk else [name])
        if key not in self.found:
            raise RuntimeError(f"{name}: no longer in the cache ({self.ns}; closed, or changed by another build); build again")
        return self.found[key] if self.field is None else getattr(self.found[key], self.field)

    def __contains__(self, name: object) -> bool:
        return name in self.keys

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)


# What SQLite says of a file that is not a database, or of one whose pages do not hold together.
_DAMAGED = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
