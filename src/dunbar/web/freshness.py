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

import contextlib
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["MAX_ENTRIES", "Freshness"]

T = TypeVar("T")

MAX_ENTRIES = 4096
"""Cached values kept at most (person pages add a few each); the least recently used go."""


class _Making(threading.local):
    """What this thread is making: per value being made, the cached values it used."""

    def __init__(self) -> None:
        self.frames: list[list[tuple[tuple[int, object], float, bool]]] = []
        self.refreshing = False
        """A background build: the values it uses must be current too."""


_making = _Making()


def _used(entry: tuple[tuple[int, object], float, Any], *, current: bool) -> None:
    if _making.frames:
        _making.frames[-1].append((entry[0], entry[1], current))


BACKGROUND_MIN_CPU_S = 0.05
"""Only values that cost this much CPU to make are made again in the background; a
cheaper one (one person's tie) is made by the next caller that needs it, and does not
take a background slot from the 50,000-people index (which, at 50 clients, never got
one while ties held both)."""

IDLE_REFRESH_DELAY_S = 1.0
"""After folding a write in an idle app, when to make the value current: not at once,
where it would share the two cores with the writer's own next page (250 ms instead of
40 ms for a Person page at 50,000 people)."""

TOUCHED_KEPT = 1024
"""Writes whose touched people are remembered (for ``fold=``); older ones are unknown."""

MAX_REFRESHES = 4
"""Background builds at a time (each of another key): on two cores, more only share them."""


def _folded(data_version: object) -> bool:
    """Whether an entry's data version marks it as folded (never current)."""
    return isinstance(data_version, tuple) and data_version[:1] == ("folded",)


WINDOW_S = 10.0
"""How long after it was last current a value may still be shown to a session whose
writes it includes (only while the app is busy: :func:`dunbar.web.deps.cached`), and
folded. At 50,000 people a remake takes 2–6 s of wall time under 50 clients, so a 5 s
window expired values while their successors were still being made
(benchmarks/RESULTS.md)."""


class Freshness:
    def __init__(
        self,
        sqlite_file: Path | None,
        *,
        probe: Callable[[], object] | None = None,
        window: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
        background: bool = True,
    ) -> None:
        """``probe`` (PostgreSQL) returns a value that changes with every commit.

        ``background=False`` makes no value again in the background (tests).
        """
        self.window = window
        self.background = background
        self._clock = clock
        self._lock = threading.Lock()
        self._counter = 0
        self._probe = probe
        self._conn: sqlite3.Connection | None = None
        if sqlite_file is not None:
            # Only ever reads a pragma; a plain connection, since a read-only one
            # cannot open a WAL database whose -shm file it may not write.
            self._conn = sqlite3.connect(str(sqlite_file), check_same_thread=False)
        # key -> (the version it was made for, when it was last known current, the value)
        self._cache: OrderedDict[str, tuple[tuple[int, object], float, Any]] = OrderedDict()
        self._building: dict[str, threading.Event] = {}  # key -> set when made
        self._refreshers: dict[str, threading.Thread] = {}  # key -> its background build
        self._cost: dict[str, float] = {}  # key -> CPU seconds its last making took
        self._touched: dict[int, frozenset[int] | None] = {}  # write counter -> people

    def bump(self, touched: Iterable[int] | None = None) -> int:
        """Note a write; returns the new write counter (see ``wrote=`` of :meth:`cached`).

        ``touched``: the only people whose data the write may have changed (their
        names and everyone else's data unchanged), so that a cached value can be
        brought up to date for them alone (``fold=`` of :meth:`cached`); ``None``:
        anything may have changed.
        """
        with self._lock:
            self._counter += 1
            self._touched[self._counter] = None if touched is None else frozenset(touched)
            self._touched.pop(self._counter - TOUCHED_KEPT, None)
            return self._counter

    def _touched_since(self, after: int, upto: int) -> frozenset[int] | None:
        """Everyone the writes ``after`` < n <= ``upto`` touched; None if not known."""
        people: set[int] = set()
        for n in range(after + 1, upto + 1):
            touched = self._touched.get(n)
            if touched is None:
                return None
            people |= touched
        return frozenset(people)

    def version(self) -> tuple[int, object]:
        with self._lock:
            if self._conn is not None:
                row = self._conn.execute("PRAGMA data_version").fetchone()
                return self._counter, int(row[0])
            counter = self._counter
        return counter, self._probe() if self._probe is not None else time.monotonic()

    def cached(
        self,
        key: str,
        make: Callable[[], T],
        *,
        wrote: int | None = None,
        fold: Callable[[T, frozenset[int]], T | None] | None = None,
        previous: bool = True,
        snapshot: dict[str, Any] | None = None,
    ) -> T:
        """``make()``, or its result from before when the ledger has not changed.

        ``wrote`` is the write counter (:meth:`bump`) of the caller's last write
        (0: none yet). With it, a value that includes that write will do when it
        is younger than :attr:`window` or while its successor is being made; a
        value that will do but is not current is then made again in the
        background (:data:`MAX_REFRESHES` such builds at a time, with current
        inputs), so that under steady writes it
        stays young. ``None`` (the default) always waits for the current value.

        ``fold(value, people)`` brings a value up to date after writes of the app
        that touched only ``people`` (:meth:`bump`), or returns None. A caller
        whose last write the value does not include gets it folded, when it is
        younger than :attr:`window`, instead of waiting for it to be made again:
        the writer's next page costs their own people, not the 50,000. A folded
        value includes those writes but is not current (other changes may be
        missing), so it is made again in the background as any other, or at once
        when ``previous`` is false (an idle app: no value of a moment ago is shown,
        but a session's own write is still folded rather than waited for, and the
        folded value shown until it is made current, a second later).

        ``snapshot`` (one per request) keeps the entry each key gave: asked
        again within the same request, a key gives the same value (the Person
        page's tie and history see one board, folded or not).

        A value's age is the time since it was last known to be current (made,
        or found current by a caller).

        A value made from other cached values that were not current (``make``
        called :meth:`cached` itself) is kept as no newer than the oldest of them,
        so it is never taken for current.
        """
        if _making.refreshing:
            # Made again in the background so as to be current: a value of a moment
            # ago as an input would date the result as old as before (wasted work).
            wrote, snapshot = None, None
        if snapshot is not None:
            kept = snapshot.get(key)
            if kept is not None:
                _used(kept, current=kept[0] == self.version())
                again: T = kept[2]
                return again
            value = self._cached(key, make, wrote, fold, previous)
            snapshot[key] = value
            return value[2]  # type: ignore[no-any-return]
        return self._cached(key, make, wrote, fold, previous)[2]  # type: ignore[no-any-return]

    def _cached(
        self,
        key: str,
        make: Callable[[], Any],
        wrote: int | None,
        fold: Callable[[Any, frozenset[int]], Any] | None,
        previous: bool,
    ) -> tuple[tuple[int, object], float, Any]:
        """The entry :meth:`cached` gives."""
        while True:
            version = self.version()
            with self._lock:
                hit = self._cache.get(key)
                building = self._building.get(key)
                if hit is not None and hit[0] == version:
                    hit = (hit[0], self._clock(), hit[2])  # current as of now
                    self._cache[key] = hit
                    self._cache.move_to_end(key)
                    _used(hit, current=True)
                    return hit
                if (
                    hit is not None
                    and previous
                    and wrote is not None
                    and hit[0][0] >= wrote
                    and (building is not None or self._clock() - hit[1] < self.window)
                ):
                    self._cache.move_to_end(key)
                    if self._clock() - hit[1] >= self.window / 2:
                        self._start_refresh(key, make)
                    _used(hit, current=False)
                    return hit
                touched = None
                if (
                    fold is not None
                    and hit is not None
                    and wrote is not None
                    and hit[0][0] < wrote  # only to take in the caller's own writes
                    and self._clock() - hit[1] < self.window
                ):
                    touched = self._touched_since(hit[0][0], version[0])
                if touched is None:
                    if building is None:
                        event = threading.Event()
                        self._building[key] = event
                        break
                    waiting = building
            if touched is not None and fold is not None and hit is not None:
                folded = self._fold(key, hit, fold, touched, version[0])
                if folded is not None:
                    if not previous:  # idle: make it current once the page is out
                        with self._lock:
                            self._start_refresh(key, make, delay=IDLE_REFRESH_DELAY_S)
                    return folded
                fold = None  # it could not be folded: made, or waited for, as usual
                continue
            waiting.wait()
        entry, current_now = self._make(key, make, version, event)
        _used(entry, current=current_now)
        return entry

    def _start_refresh(self, key: str, make: Callable[[], Any], delay: float = 0.0) -> None:
        """Make ``key`` again in a thread, if it is worth it and a slot is free (locked).

        ``delay``: seconds to wait first (so that the page being served is not slowed).
        """
        if (
            self.background
            and key not in self._building
            and self._cost.get(key, 0.0) >= BACKGROUND_MIN_CPU_S
            and key not in self._refreshers
            and len(self._refreshers) < MAX_REFRESHES
        ):
            thread = threading.Timer(delay, self._refresh, args=(key, make))
            thread.daemon = True
            self._refreshers[key] = thread
            thread.start()

    def _fold(
        self,
        key: str,
        hit: tuple[tuple[int, object], float, Any],
        fold: Callable[[Any, frozenset[int]], Any],
        touched: frozenset[int],
        counter: int,
    ) -> tuple[tuple[int, object], float, Any] | None:
        """``hit`` folded up to write ``counter``, kept; None if it cannot be."""
        inputs: list[tuple[tuple[int, object], float, bool]] = []
        _making.frames.append(inputs)
        try:
            value = fold(hit[2], touched)
        finally:
            _making.frames.pop()
        if value is None:
            return None
        # Dated as the value it was folded from (other changes may be missing), with
        # the writes it now includes, and no newer than any input it used.
        stale = [(v, b) for v, b, current in inputs if not current]
        # ("folded", ...) never equals a version: the value is never taken for current.
        base = hit[0][1]
        if not _folded(base):
            base = ("folded", base)
        made_for = (min([counter, *(v[0] for v, _ in stale)]), base)
        entry = (made_for, min([hit[1], *(b for _, b in stale)]), value)
        with self._lock:
            kept = self._cache.get(key)
            if kept is None or kept[0][0] < made_for[0]:
                self._cache[key] = entry
                self._cache.move_to_end(key)
        _used(entry, current=False)
        return entry

    def _make(
        self, key: str, make: Callable[[], Any], version: tuple[int, object], event: threading.Event
    ) -> tuple[tuple[tuple[int, object], float, Any], bool]:
        """Make and keep ``key``'s value; returns the entry and whether it is current."""
        inputs: list[tuple[tuple[int, object], float, bool]] = []
        _making.frames.append(inputs)
        try:
            began = self._clock()
            cpu = time.thread_time()
            try:
                value = make()
            finally:
                _making.frames.pop()
                self._cost[key] = time.thread_time() - cpu
            made_for = self.version()  # make() may itself have written (the tally cache)
            if made_for[0] != version[0]:
                made_for = version  # the app wrote meanwhile: the value may predate that write
            stale = [(b, v) for v, b, current in inputs if not current]
            if stale:  # made from values that were not current: no newer than the oldest
                began, made_for = min(stale, key=lambda s: (s[1][0], s[0]))
            entry = (made_for, began, value)
            with self._lock:
                self._cache[key] = entry
                self._cache.move_to_end(key)
                while len(self._cache) > MAX_ENTRIES:
                    gone, _ = self._cache.popitem(last=False)
                    self._cost.pop(gone, None)
        finally:
            with self._lock:
                del self._building[key]
            event.set()
        return entry, not stale

    def _refresh(self, key: str, make: Callable[[], Any]) -> None:
        """Make ``key`` again in the background, unless someone already is."""
        try:
            version = self.version()
            with self._lock:
                hit = self._cache.get(key)
                if key in self._building or (hit is not None and hit[0] == version):
                    return
                event = threading.Event()
                self._building[key] = event
            _making.refreshing = True
            with contextlib.suppress(Exception):  # the next caller that waits will see it
                self._make(key, make, version, event)
        finally:
            _making.refreshing = False
            with self._lock:
                self._refreshers.pop(key, None)

    def close(self, timeout: float = 30.0) -> None:
        """Wait for a background build, then close the pragma connection.

        :meth:`version` then never finds a value current.

        Under the lock: closing a connection while another thread runs a
        statement on it crashes the interpreter (seen in CI: a network job
        still asking for a version as the app stopped).
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            refreshers = list(self._refreshers.values())
        for thread in refreshers:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
