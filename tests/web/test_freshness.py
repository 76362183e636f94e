"""The web cache (dunbar.web.freshness): one build per version, the previous value
while a new one is made, read-your-writes for the writer, a bounded size."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from dunbar.web import freshness as module
from dunbar.web.freshness import Freshness


@pytest.fixture
def fresh() -> Freshness:
    # Only the app's own write counter moves; no window, so that only a build in
    # flight lets a session have a value that is not current.
    return Freshness(None, probe=lambda: 0, window=0.0, background=False)


def _slow(started: threading.Event, release: threading.Event, value: str, calls: list[str]):
    def make() -> str:
        calls.append(value)
        started.set()
        assert release.wait(5)
        return value

    return make


def _in_thread(fn) -> tuple[threading.Thread, list[object]]:
    out: list[object] = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    return thread, out


def test_a_value_is_reused_until_the_app_writes(fresh: Freshness) -> None:
    calls: list[int] = []
    assert fresh.cached("k", lambda: calls.append(1) or "a") == "a"
    assert fresh.cached("k", lambda: calls.append(1) or "b") == "a"
    assert fresh.bump() == 1
    assert fresh.cached("k", lambda: calls.append(1) or "c") == "c"
    assert len(calls) == 2


def test_concurrent_callers_share_one_build(fresh: Freshness) -> None:
    started, release, calls = threading.Event(), threading.Event(), []
    first, out1 = _in_thread(lambda: fresh.cached("k", _slow(started, release, "v", calls)))
    assert started.wait(5)
    second, out2 = _in_thread(lambda: fresh.cached("k", _slow(started, release, "w", calls)))
    release.set()
    first.join(5)
    second.join(5)
    assert out1 == ["v"] and out2 == ["v"]
    assert calls == ["v"]  # the second caller waited for the first build


def test_others_get_the_previous_value_while_the_new_one_is_made(fresh: Freshness) -> None:
    fresh.cached("k", lambda: "old")
    wrote = fresh.bump()
    started, release, calls = threading.Event(), threading.Event(), []
    builder, out = _in_thread(lambda: fresh.cached("k", _slow(started, release, "new", calls)))
    assert started.wait(5)
    # A session whose last write was before "old" was made: the previous value, at once.
    assert fresh.cached("k", lambda: "never", wrote=0) == "old"
    # The API (no session) waits; so does the session that made the write.
    waiting_api, api_out = _in_thread(lambda: fresh.cached("k", lambda: "never"))
    waiting_writer, writer_out = _in_thread(lambda: fresh.cached("k", lambda: "x", wrote=wrote))
    waiting_api.join(0.2)
    assert waiting_api.is_alive() and waiting_writer.is_alive()
    release.set()
    for t in (builder, waiting_api, waiting_writer):
        t.join(5)
    assert out == ["new"] and api_out == ["new"] and writer_out == ["new"]
    assert calls == ["new"]


def test_within_the_window_a_session_that_did_not_write_gets_the_last_value() -> None:
    now = [100.0]
    fresh = Freshness(None, probe=lambda: 0, window=1.0, clock=lambda: now[0], background=False)
    assert fresh.cached("k", lambda: "v0") == "v0"
    first = fresh.bump()
    now[0] += 0.5
    # Another session (its last write was before v0 was made): v0 is young enough.
    assert fresh.cached("k", lambda: "v1", wrote=0) == "v0"
    # The session that wrote, and the API, wait for a value with that write.
    assert fresh.cached("k", lambda: "v1", wrote=first) == "v1"
    second = fresh.bump()
    assert fresh.cached("k", lambda: "v2") == "v2"
    fresh.bump()
    now[0] += 0.4
    # v2 includes the second write: that writer may have it within the window ...
    assert fresh.cached("k", lambda: "v3", wrote=second) == "v2"
    now[0] += 0.7
    # ... and nobody may once it is older than the window.
    assert fresh.cached("k", lambda: "v3", wrote=0) == "v3"


def _costly(value: str, seconds: float = 0.06):
    def make() -> str:
        end = time.thread_time() + seconds  # CPU, as the cost is measured
        while time.thread_time() < end:
            pass
        return value

    return make


def test_a_costly_value_past_half_its_window_is_made_again_in_the_background() -> None:
    now = [0.0]
    fresh = Freshness(None, probe=lambda: 0, window=10.0, clock=lambda: now[0])
    assert fresh.cached("k", _costly("v0")) == "v0"
    fresh.bump()
    made = threading.Event()

    def make() -> str:
        made.set()
        return "v1"

    now[0] = 4.0  # younger than half the window: shown, and not made again yet
    assert fresh.cached("k", make, wrote=0) == "v0"
    assert not made.wait(0.2)
    now[0] = 6.0
    assert fresh.cached("k", make, wrote=0) == "v0"  # at once, and a refresh starts
    assert made.wait(5)
    for _ in range(100):  # the refresh stores its value just after making it
        if fresh.cached("k", lambda: "never", wrote=0) == "v1":
            break
        time.sleep(0.01)
    assert fresh.cached("k", lambda: "never") == "v1"  # current now, for everyone


def test_a_cheap_value_is_made_by_the_next_caller_not_in_the_background() -> None:
    # BACKGROUND_MIN_CPU_S: background slots are kept for the costly values.
    now = [0.0]
    fresh = Freshness(None, probe=lambda: 0, window=10.0, clock=lambda: now[0])
    assert fresh.cached("k", lambda: "v0") == "v0"
    fresh.bump()
    made = threading.Event()
    now[0] = 6.0
    assert fresh.cached("k", lambda: made.set() or "v1", wrote=0) == "v0"
    assert not made.wait(0.2)
    now[0] = 10.5  # past the window: the caller makes it
    assert fresh.cached("k", lambda: "v1", wrote=0) == "v1"


def test_a_background_build_asks_for_current_inputs() -> None:
    # A refresh that took the board of a moment ago would be dated as old as before.
    now = [0.0]
    fresh = Freshness(None, probe=lambda: 0, window=10.0, clock=lambda: now[0])
    fresh.cached("board", lambda: "board0")
    index = lambda: "index of " + fresh.cached("board", lambda: "board1", wrote=0)  # noqa: E731
    assert fresh.cached("index", _costly("index0")) == "index0"
    fresh.bump()
    now[0] = 6.0
    assert fresh.cached("index", index, wrote=0) == "index0"
    for _ in range(200):
        if fresh.cached("index", lambda: "never", wrote=0) != "index0":
            break
        time.sleep(0.01)
    assert fresh.cached("index", lambda: "never") == "index of board1"
    assert fresh.cached("board", lambda: "never") == "board1"


def test_a_value_made_from_a_young_one_is_never_taken_for_current() -> None:
    fresh = Freshness(None, probe=lambda: 0, window=60.0, background=False)
    fresh.cached("board", lambda: "board0")
    fresh.bump()

    def agenda(wrote: int | None):
        return lambda: "agenda(" + fresh.cached("board", lambda: "board1", wrote=wrote) + ")"

    # A session's agenda may be made from the young board ...
    assert fresh.cached("agenda", agenda(0), wrote=0) == "agenda(board0)"
    assert fresh.cached("agenda", agenda(0), wrote=0) == "agenda(board0)"  # kept, young
    # ... but it is kept as old as that board: who needs the current one gets it.
    assert fresh.cached("agenda", agenda(None)) == "agenda(board1)"
    assert fresh.cached("agenda", agenda(0), wrote=0) == "agenda(board1)"
    assert fresh.cached("board", lambda: "never") == "board1"


def test_a_failed_build_lets_the_next_caller_try_again(fresh: Freshness) -> None:
    def boom() -> str:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        fresh.cached("k", boom)
    assert fresh.cached("k", lambda: "ok") == "ok"


def test_a_value_made_across_a_write_is_not_taken_for_current(fresh: Freshness) -> None:
    def make() -> str:
        fresh.bump()  # the app wrote while the value was being made
        return "maybe stale"

    assert fresh.cached("k", make) == "maybe stale"
    assert fresh.cached("k", lambda: "current") == "current"


def test_the_cache_keeps_the_most_recently_used(
    fresh: Freshness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "MAX_ENTRIES", 3)
    for key in "abc":
        fresh.cached(key, lambda key=key: key)
    fresh.cached("a", lambda: "again")  # a hit: "a" is now the most recent
    fresh.cached("d", lambda: "d")
    made: list[str] = []
    assert fresh.cached("a", lambda: made.append("a") or "a2") == "a"
    assert fresh.cached("b", lambda: made.append("b") or "b2") == "b2"
    assert made == ["b"]


def test_sqlite_commits_of_other_connections_are_seen(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "l.sqlite"
    other = sqlite3.connect(db)
    other.execute("CREATE TABLE t (x)")
    other.commit()
    fresh = Freshness(db)
    try:
        assert fresh.cached("k", lambda: 1) == 1
        assert fresh.cached("k", lambda: 2) == 1
        other.execute("INSERT INTO t VALUES (1)")
        other.commit()
        assert fresh.cached("k", lambda: 3) == 3
    finally:
        fresh.close()
        other.close()


def test_close_waits_for_a_version_being_read(tmp_path: Path) -> None:
    # CI crashed (segfault) when the app closed the pragma connection while a
    # network job's thread was reading PRAGMA data_version on it; close now
    # takes the cache's lock, and after it no value is ever current.
    import sqlite3

    db = tmp_path / "l.sqlite"
    sqlite3.connect(db).close()
    fresh = Freshness(db, window=0.0, background=False)
    stop = threading.Event()
    errors: list[BaseException] = []

    def read() -> None:
        while not stop.is_set():
            try:
                fresh.version()
            except BaseException as exc:
                errors.append(exc)
                return

    readers = [threading.Thread(target=read) for _ in range(4)]
    for thread in readers:
        thread.start()
    time.sleep(0.05)
    fresh.close()
    time.sleep(0.05)
    stop.set()
    for thread in readers:
        thread.join(5)
    assert errors == []
    calls: list[int] = []
    fresh.cached("k", lambda: calls.append(1) or "a")
    fresh.cached("k", lambda: calls.append(1) or "b")
    assert calls == [1, 1]  # closed: never current, made each time


def test_load_stays_busy_for_a_moment_after_concurrent_requests() -> None:
    from dunbar.web.load import Load

    now = [100.0]
    load = Load(hold=2.0, clock=lambda: now[0])
    load.started()
    assert not load.busy  # one user, one request: every value current
    load.started()
    assert load.busy  # two at once
    load.ended()
    load.ended()
    now[0] += 1.9
    assert load.busy  # a lull between bursts is still a busy app
    now[0] += 0.2
    assert not load.busy
    load.started()
    assert not load.busy and load.in_flight == 1


def test_a_writers_value_is_folded_for_the_people_the_write_touched() -> None:
    now = [0.0]
    fresh = Freshness(None, probe=lambda: 0, window=10.0, clock=lambda: now[0], background=False)
    folds: list[tuple[str, frozenset[int]]] = []

    def fold(value: str, people: frozenset[int]) -> str:
        folds.append((value, people))
        return f"{value}+{sorted(people)}"

    assert fresh.cached("board", lambda: "b0") == "b0"
    first = fresh.bump(touched=[7])
    second = fresh.bump(touched=[8, 7])
    # The writer does not wait for a new board: theirs is the old one with 7 and 8.
    assert fresh.cached("board", lambda: "never", wrote=second, fold=fold) == "b0+[7, 8]"
    assert folds == [("b0", frozenset({7, 8}))]
    # Kept: another writer whose write it includes has it as it is.
    assert fresh.cached("board", lambda: "never", wrote=first, fold=fold) == "b0+[7, 8]"
    # Never current: whoever needs the current value gets it made.
    assert fresh.cached("board", lambda: "b1") == "b1"


def test_no_fold_after_a_write_that_may_have_touched_anyone() -> None:
    now = [0.0]
    fresh = Freshness(None, probe=lambda: 0, window=10.0, clock=lambda: now[0], background=False)
    fold = lambda value, people: value + "+folded"  # noqa: E731
    fresh.cached("board", lambda: "b0")
    fresh.bump(touched=[7])
    wrote = fresh.bump()  # an import, a merge: anything may have changed
    assert fresh.cached("board", lambda: "b1", wrote=wrote, fold=fold) == "b1"
    # Nor from a value older than the window, nor when the fold declines.
    now[0] = 20.0
    wrote = fresh.bump(touched=[7])
    assert fresh.cached("board", lambda: "b2", wrote=wrote, fold=fold) == "b2"
    now[0] = 21.0
    wrote = fresh.bump(touched=[9])
    assert fresh.cached("board", lambda: "b3", wrote=wrote, fold=lambda v, p: None) == "b3"


def test_a_value_made_from_a_folded_one_is_dated_as_it() -> None:
    now = [0.0]
    fresh = Freshness(None, probe=lambda: 0, window=10.0, clock=lambda: now[0], background=False)
    fresh.cached("board", lambda: "b0")
    wrote = fresh.bump(touched=[7])

    def tie() -> str:
        return "tie of " + fresh.cached(
            "board", lambda: "never", wrote=wrote, fold=lambda v, p: v + "+7"
        )

    assert fresh.cached("tie", tie, wrote=wrote) == "tie of b0+7"
    now[0] = 11.0  # the folded board is as old as b0: so is the tie made from it
    assert fresh.cached("tie", lambda: "tie of b1", wrote=wrote) == "tie of b1"


def test_idle_callers_get_no_earlier_value_but_their_write_folded() -> None:
    now = [0.0]
    fresh = Freshness(None, probe=lambda: 0, window=10.0, clock=lambda: now[0], background=False)
    fold = lambda value, people: f"{value}+{sorted(people)}"  # noqa: E731
    fresh.cached("board", lambda: "b0")
    other = fresh.bump(touched=[3])  # another session's write
    # previous=False (idle): a session without a write of its own since gets it current.
    assert fresh.cached("board", lambda: "b1", wrote=0, fold=fold, previous=False) == "b1"
    mine = fresh.bump(touched=[4])
    assert mine > other
    assert fresh.cached("board", lambda: "never", wrote=mine, fold=fold, previous=False) == (
        "b1+[4]"
    )


def test_age_counts_from_when_a_value_was_last_found_current() -> None:
    now = [0.0]
    fresh = Freshness(None, probe=lambda: 0, window=10.0, clock=lambda: now[0], background=False)
    fresh.cached("board", lambda: "b0")
    now[0] = 100.0
    assert fresh.cached("board", lambda: "never") == "b0"  # current: seen so at 100
    wrote = fresh.bump(touched=[1])
    now[0] = 105.0  # 105 s after it was made, 5 s after it was last current: foldable
    assert fresh.cached("board", lambda: "never", wrote=wrote, fold=lambda v, p: v + "+1") == (
        "b0+1"
    )


def test_a_request_sees_one_value_per_key_and_dates_what_it_makes_from_it() -> None:
    now = [0.0]
    fresh = Freshness(None, probe=lambda: 0, window=10.0, clock=lambda: now[0], background=False)
    fresh.cached("board", lambda: "b0")
    wrote = fresh.bump(touched=[1])
    request: dict[str, object] = {}  # one request's snapshot
    fold = lambda v, p: v + "+1"  # noqa: E731
    board = lambda: fresh.cached(  # noqa: E731
        "board", lambda: "b1", wrote=wrote, fold=fold, previous=False, snapshot=request
    )
    assert board() == "b0+1"
    # The tie, made in the same request from the same (folded) board, is dated as it.
    assert fresh.cached("tie", lambda: "tie of " + board(), snapshot=request) == "tie of b0+1"
    assert fresh.cached("tie", lambda: "tie of b1") == "tie of b1"  # not taken for current
    # A new request (another snapshot), idle, with no write of its own: current values.
    assert fresh.cached("board", lambda: "b1", wrote=wrote, previous=False, snapshot={}) == "b1"
