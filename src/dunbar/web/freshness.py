"""When a cached page part (the agenda, the network) must be made again.

:meth:`Freshness.version` changes whenever the ledger may have changed:

- every write through the web app bumps a counter (:meth:`bump`);
- on SQLite, ``PRAGMA data_version`` on a connection of our own changes when any
  other connection, in this process or another (the CLI), commits;
- on PostgreSQL, ``pg_current_wal_lsn()`` moves on with every committed write
  to the cluster (other databases' too: a cache made again too often, never a
  stale one).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["Freshness"]

T = TypeVar("T")


class Freshness:
    def __init__(
        self, sqlite_file: Path | None, *, probe: Callable[[], object] | None = None
    ) -> None:
        """``probe`` (PostgreSQL) returns a value that changes with every commit."""
        self._lock = threading.Lock()
        self._counter = 0
        self._probe = probe
        self._conn: sqlite3.Connection | None = None
        if sqlite_file is not None:
            # Only ever reads a pragma; a plain connection, since a read-only one
            # cannot open a WAL database whose -shm file it may not write.
            self._conn = sqlite3.connect(str(sqlite_file), check_same_thread=False)
        self._cache: dict[str, tuple[Any, Any]] = {}

    def bump(self) -> None:
        with self._lock:
            self._counter += 1
            self._cache.clear()

    def version(self) -> tuple[int, object]:
        with self._lock:
            if self._conn is not None:
                row = self._conn.execute("PRAGMA data_version").fetchone()
                return self._counter, int(row[0])
            counter = self._counter
        return counter, self._probe() if self._probe is not None else time.monotonic()

    def cached(self, key: str, make: Callable[[], T]) -> T:
        """``make()``, or its result from before when the ledger has not changed."""
        version = self.version()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and hit[0] == version:
            value: T = hit[1]
            return value
        value = make()
        after = self.version()  # make() may itself have written (the tally cache)
        with self._lock:
            self._cache[key] = (after, value)
        return value

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
