"""When a cached page part (the agenda, the network) must be made again.

:meth:`Freshness.version` changes whenever the ledger may have changed:

- every write through the web app bumps a counter (:meth:`bump`);
- on SQLite, ``PRAGMA data_version`` on a connection of our own changes when any
  other connection, in this process or another (the CLI), commits;
- on PostgreSQL, ``pg_current_wal_lsn()`` moves on with every committed write
  to the cluster (other databases' too: a cache made again too often, never a
  stale one).

:meth:`Freshness.cached` makes each value once per version, however many
requests ask at the same time (one builds, the others wait for it). A caller
that says which write of the app it last made (``wrote=``, a browser session)
may also have a value that is no longer current but includes that write, when
the value is younger than ``window`` seconds or while its successor is being
made. So under many writes a large ledger's scoreboard is made at most about
once a ``window`` instead of once per write, other tabs see the page as it was
up to a moment ago, and the tab that wrote always sees its write. A caller
without ``wrote`` (the API, the login check) always gets the current value.
The cache keeps the most recently used :data:`MAX_ENTRIES` values.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["MAX_ENTRIES", "Freshness"]

T = TypeVar("T")

MAX_ENTRIES = 4096
"""Cached values kept at most (person pages add a few each); the least recently used go."""

WINDOW_S = 1.0
"""How old a value may be and still be shown to a session that did not write since."""


class Freshness:
    def __init__(
        self,
        sqlite_file: Path | None,
        *,
        probe: Callable[[], object] | None = None,
        window: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``probe`` (PostgreSQL) returns a value that changes with every commit."""
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._counter = 0
        self._probe = probe
        self._conn: sqlite3.Connection | None = None
        if sqlite_file is not None:
            # Only ever reads a pragma; a plain connection, since a read-only one
            # cannot open a WAL database whose -shm file it may not write.
            self._conn = sqlite3.connect(str(sqlite_file), check_same_thread=False)
        # key -> (the version it was made for, when its making began, the value)
        self._cache: OrderedDict[str, tuple[tuple[int, object], float, Any]] = OrderedDict()
        self._building: dict[str, tuple[tuple[int, object], threading.Event]] = {}

    def bump(self) -> int:
        """Note a write; returns the new write counter (see ``wrote=`` of :meth:`cached`)."""
        with self._lock:
            self._counter += 1
            return self._counter

    @property
    def counter(self) -> int:
        with self._lock:
            return self._counter

    def version(self) -> tuple[int, object]:
        with self._lock:
            if self._conn is not None:
                row = self._conn.execute("PRAGMA data_version").fetchone()
                return self._counter, int(row[0])
            counter = self._counter
        return counter, self._probe() if self._probe is not None else time.monotonic()

    def cached(self, key: str, make: Callable[[], T], *, wrote: int | None = None) -> T:
        """``make()``, or its result from before when the ledger has not changed.

        ``wrote`` is the write counter (:meth:`bump`) of the caller's last write
        (0: none yet). With it, a value that includes that write will do when it
        is younger than :attr:`window` or while its successor is being made.
        ``None`` (the default) always waits for the current value.
        """
        while True:
            version = self.version()
            with self._lock:
                hit = self._cache.get(key)
                building = self._building.get(key)
                if hit is not None and (
                    hit[0] == version
                    or (
                        wrote is not None
                        and hit[0][0] >= wrote
                        and (building is not None or self._clock() - hit[1] < self.window)
                    )
                ):
                    self._cache.move_to_end(key)
                    value: T = hit[2]
                    return value
                if building is None:
                    event = threading.Event()
                    self._building[key] = (version, event)
                    break
                event = building[1]
            event.wait()
        try:
            began = self._clock()
            value = make()
            after = self.version()  # make() may itself have written (the tally cache)
            if after[0] != version[0]:
                after = version  # the app wrote meanwhile: the value may predate that write
            with self._lock:
                self._cache[key] = (after, began, value)
                self._cache.move_to_end(key)
                while len(self._cache) > MAX_ENTRIES:
                    self._cache.popitem(last=False)
        finally:
            with self._lock:
                del self._building[key]
            event.set()
        return value

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
