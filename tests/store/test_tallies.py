"""The tie-tally cache never serves a stale score (both backends).

After every kind of write that changes what a score is made of, the scoreboard
built from stored tallies must equal one built with no cache at all (every
tally dropped first). The reference scores are independent of the cache: they
come from ``tally_many`` over every episode, which ``test_tally.py`` holds to
``score_many`` and ``test_batch.py`` holds to ``score_tie``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select

from dunbar import Ledger
from dunbar.store.encounters import EncounterInput
from dunbar.store.stale import forget_tallies
from dunbar.store.tables import tie_tallies

T0 = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def clocked(db_target: str) -> Any:
    """A ledger whose clock the test moves."""
    moment = [T0]
    ledger = Ledger.open(db_target, clock=lambda: moment[0])
    try:
        yield ledger, moment
    finally:
        ledger.close()


def _stored(ledger: Ledger) -> int:
    with ledger.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(tie_tallies)).scalar() or 0)


def _scores(ledger: Ledger) -> dict[int, tuple[float | None, str, int, int]]:
    board = ledger.scoreboard()
    return {
        int(p): (
            None if np.isnan(s) else round(float(s), 12),
            str(st),
            int(le),
            int(n),
        )
        for p, s, st, le, n in zip(
            board.scores.person,
            board.scores.score,
            board.scores.status,
            board.scores.last_episode_days,
            board.scores.episodes,
            strict=True,
        )
    }


def _fresh(ledger: Ledger) -> dict[int, tuple[float | None, str, int, int]]:
    with ledger.engine.begin() as conn:
        forget_tallies(conn)
    return _scores(ledger)


def _assert_cache_is_honest(ledger: Ledger) -> None:
    cached = _scores(ledger)
    assert _stored(ledger) > 0
    assert cached == _fresh(ledger)


def _world(ledger: Ledger) -> dict[str, int]:
    ids = {
        name: ledger.add_person(name, closeness=q).id
        for name, q in (("Ana", 6), ("Bo", None), ("Cy", 3), ("Di", None), ("Ed", None))
    }
    for days, who, channel in (
        (3, ["Ana"], "in-person"),
        (40, ["Ana", "Bo"], "call"),
        (400, ["Cy"], "email"),
        (1500, ["Di", "Ed"], "in-person"),
    ):
        ledger.log(
            "met",
            with_=[ids[w] for w in who],
            when=(T0 - dt.timedelta(days=days)).isoformat(),
            channel=channel,
            minutes=30,
            initiative="in",
        )
    return ids


Write = Callable[[Ledger, dict[str, int]], Any]

WRITES: dict[str, Write] = {
    "log": lambda led, ids: led.log("coffee", with_=[ids["Bo"]], channel="in-person"),
    "log a group (the group size of others changes)": lambda led, ids: led.log(
        "dinner", with_=[ids["Ana"], ids["Cy"], ids["Di"]], minutes=120
    ),
    "bulk": lambda led, ids: led.bulk_add_encounters(
        [
            EncounterInput(
                when=T0 - dt.timedelta(days=d),
                participants=[ids["Cy"]],
                source="test",
                source_ref=f"r{d}",
            )
            for d in (1, 2, 30)
        ]
    ),
    "closeness": lambda led, ids: led.edit_person(ids["Bo"], _fields(closeness=7)),
    "first known": lambda led, ids: led.edit_person(
        ids["Ed"], _fields(first_known=dt.date(2001, 1, 1))
    ),
    "clear closeness": lambda led, ids: led.edit_person(ids["Ana"], clear=["closeness"]),
    "merge": lambda led, ids: led.merge(ids["Di"], ids["Ed"]),
    "forget": lambda led, ids: led.forget(ids["Bo"]),
    "params": lambda led, ids: led.set_strength_params({"h_rec": 30}),
    "new person": lambda led, ids: led.add_person("Fay", closeness=5),
}


def _fields(**values: Any) -> Any:
    from dunbar.store.people import PersonFields

    return PersonFields(**values)


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_every_write_leaves_no_stale_tally(clocked: Any, write: str) -> None:
    ledger, _ = clocked
    ids = _world(ledger)
    first = _scores(ledger)  # fills the cache
    assert _stored(ledger) == len(first) == 5
    WRITES[write](ledger, ids)
    _assert_cache_is_honest(ledger)


def test_the_writes_change_scores_so_the_check_can_fail(clocked: Any) -> None:
    # Guard for the test above: each write does change some score or the set of
    # people, so a cache that ignored it would be caught.
    ledger, _ = clocked
    ids = _world(ledger)
    before = _scores(ledger)
    for name, write in WRITES.items():
        if name in ("new person", "params"):
            continue
        write(ledger, ids)
        after = _fresh(ledger)
        assert after != before, name
        before = after


def test_tallies_brought_forward_to_later_days(clocked: Any) -> None:
    ledger, moment = clocked
    _world(ledger)
    _scores(ledger)
    for days in (1, 30, 400):
        moment[0] = T0 + dt.timedelta(days=days)
        cached = _scores(ledger)
        assert ledger.scoreboard().cached == 5  # nothing read from episodes again
        assert cached == _fresh(ledger)


def test_a_past_day_is_scored_from_its_own_episodes(clocked: Any) -> None:
    ledger, _ = clocked
    ids = _world(ledger)
    _scores(ledger)
    board = ledger.scoreboard(today="2026-01-01")
    assert board.cached == 0
    # Ana's 3- and 40-day-old encounters are after that day; Cy's email is not.
    row = dict(zip(board.scores.person.tolist(), board.scores.episodes.tolist(), strict=True))
    assert row[ids["Ana"]] == 0 and row[ids["Cy"]] == 1
    assert _stored(ledger) == 5  # the stored tallies (of today) are untouched


def test_an_encounter_in_the_clock_slack_is_scored_but_not_stored(clocked: Any) -> None:
    # FUTURE_SLACK lets an encounter be logged a little ahead of the clock (time
    # zones); one dated tomorrow cannot be in a tally as of today.
    ledger, moment = clocked
    ids = _world(ledger)
    _scores(ledger)
    tomorrow = (T0 + dt.timedelta(hours=13)).isoformat()
    ledger.log("call across the date line", with_=[ids["Bo"]], when=tomorrow, channel="call")
    board = ledger.scoreboard()
    assert ledger.scoreboard().cached == 4  # Bo is scored from episodes every time
    row = dict(zip(board.scores.person.tolist(), board.scores.episodes.tolist(), strict=True))
    assert row[ids["Bo"]] == 1  # the call of tomorrow does not count today
    moment[0] = T0 + dt.timedelta(days=1)
    board = ledger.scoreboard()
    row = dict(zip(board.scores.person.tolist(), board.scores.episodes.tolist(), strict=True))
    assert row[ids["Bo"]] == 2
    _assert_cache_is_honest(ledger)


def test_episode_arrays_hold_every_episode_as_logged(clocked: Any) -> None:
    from dunbar.model import Channel
    from dunbar.store.tallies import episode_arrays
    from dunbar.strength import CHANNEL_CODES

    ledger, _ = clocked
    ids = _world(ledger)
    with ledger.engine.connect() as conn:
        everyone = episode_arrays(conn)
        some = episode_arrays(conn, [ids["Ana"]])
    assert len(everyone["person"]) == 6  # 1 + 2 + 1 + 2 participants
    rows = sorted(
        zip(
            *(
                everyone[k].tolist()
                for k in ("person", "day", "channel", "direction", "minutes", "group")
            ),
            strict=True,
        )
    )
    day = T0.date().toordinal()
    call, meet = CHANNEL_CODES[Channel.CALL], CHANNEL_CODES[Channel.IN_PERSON]
    assert [r for r in rows if r[0] == ids["Ana"]] == [
        (ids["Ana"], day - 40, call, 2, 30.0, 2.0),
        (ids["Ana"], day - 3, meet, 2, 30.0, 1.0),
    ]
    subset = sorted(zip(*(some[k].tolist() for k in ("person", "day", "group")), strict=True))
    assert subset == [(ids["Ana"], day - 40, 2.0), (ids["Ana"], day - 3, 1.0)]
