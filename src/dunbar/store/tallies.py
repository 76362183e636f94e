"""What the strength engine reads from the store: episodes, tallies and settings.

Episodes come out as the flat numpy arrays of :mod:`dunbar.strength.batch`,
straight from two scans (participants, encounters) joined in numpy, because a
ledger of a million encounters is too large to walk row by row in Python.

The ``tie_tallies`` table caches each person's :class:`~dunbar.strength.batch.Tally`
(migration 0006 says how it is kept from going stale). :func:`fill_tallies` is
the only writer: it runs in a write transaction that also locks out concurrent
encounter writers while it reads their episodes, so that a tally is never saved
for episodes that changed under it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, insert, select

from dunbar.model import Channel
from dunbar.store.stale import chunks, forget_tallies, lock_for_filling
from dunbar.store.tables import settings, tie_tallies
from dunbar.strength.batch import CHANNEL_CODES, EpisodeArrays, Tally
from dunbar.strength.params import StrengthParams

__all__ = [
    "PARAMS_KEY",
    "TALLIES_KEY",
    "episode_arrays",
    "forget_tallies",
    "get_setting",
    "load_tallies",
    "lock_for_filling",
    "params_fingerprint",
    "save_tallies",
    "set_setting",
]

PARAMS_KEY = "strength.params"
TALLIES_KEY = "strength.tallies"
# Day ordinal of 1970-01-01 (what SQL epoch days are counted from).
UNIX_DAY = dt.date(1970, 1, 1).toordinal()


def get_setting(conn: Connection, key: str) -> Any:
    return conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar()


def set_setting(conn: Connection, key: str, value: Any, *, now: dt.datetime) -> None:
    updated = conn.execute(
        settings.update().where(settings.c.key == key).values(value=value, updated_at=now)
    )
    if not updated.rowcount:
        conn.execute(insert(settings).values(key=key, value=value, updated_at=now))


def params_fingerprint(params: StrengthParams) -> str:
    """A stable digest of everything a tally depends on."""
    text_ = json.dumps(params.to_dict(), sort_keys=True)
    return hashlib.sha256(text_.encode()).hexdigest()[:32]


def _code_sql(column: str, codes: dict[str, int], default: int) -> str:
    cases = " ".join(f"WHEN '{value}' THEN {code}" for value, code in codes.items())
    return f"CASE {column} {cases} ELSE {default} END"


_CHANNEL_SQL = _code_sql(
    "channel", {c.value: CHANNEL_CODES[c] for c in Channel}, CHANNEL_CODES[Channel.REACTION]
)
_DIRECTION_SQL = _code_sql("initiative", {"out": 1, "in": 2}, 0)


def _day_sql(conn: Connection) -> str:
    """The UTC calendar day of ``occurred_at``, as days since 1970-01-01."""
    if conn.dialect.name == "sqlite":
        # Stored as UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'.
        return "CAST(julianday(substr(occurred_at, 1, 10)) - 2440587.5 AS INTEGER)"
    return "CAST(FLOOR(EXTRACT(EPOCH FROM occurred_at) / 86400) AS BIGINT)"


def episode_arrays(conn: Connection, person_ids: Sequence[int] | None = None) -> EpisodeArrays:
    """Every episode (one person of one encounter), or those of ``person_ids``.

    ``group`` is the encounter's number of participants (people besides me).
    Days are UTC calendar days, as day ordinals.
    """
    day = _day_sql(conn)
    part_sql = f"SELECT encounter_id, person_id, {day} FROM encounter_participants"
    rows: list[tuple[int, int, int]] = []
    if person_ids is None:
        rows = [tuple(r) for r in conn.exec_driver_sql(part_sql)]
    else:
        for chunk in chunks(sorted(set(person_ids))):
            marks = ", ".join(str(int(p)) for p in chunk)
            rows.extend(
                tuple(r) for r in conn.exec_driver_sql(f"{part_sql} WHERE person_id IN ({marks})")
            )
    parts = np.array(rows, dtype=np.int64).reshape(-1, 3)
    enc_ids = np.unique(parts[:, 0])
    enc_sql = f"SELECT id, {_CHANNEL_SQL}, {_DIRECTION_SQL}, minutes FROM encounters"
    if person_ids is None:
        enc_rows = conn.exec_driver_sql(enc_sql).all()
        group_rows = conn.exec_driver_sql(
            "SELECT encounter_id, COUNT(*) FROM encounter_participants GROUP BY encounter_id"
        ).all()
    else:
        enc_rows, group_rows = [], []
        for chunk in chunks(enc_ids.tolist()):
            marks = ", ".join(str(int(e)) for e in chunk)
            enc_rows.extend(conn.exec_driver_sql(f"{enc_sql} WHERE id IN ({marks})").all())
            group_rows.extend(
                conn.exec_driver_sql(
                    "SELECT encounter_id, COUNT(*) FROM encounter_participants "
                    f"WHERE encounter_id IN ({marks}) GROUP BY encounter_id"
                ).all()
            )
    enc = np.array(
        [(i, c, d, -1 if m is None else m) for i, c, d, m in enc_rows], dtype=np.int64
    ).reshape(-1, 4)
    order = np.argsort(enc[:, 0])
    enc = enc[order]
    groups = np.array([tuple(r) for r in group_rows], dtype=np.int64).reshape(-1, 2)
    groups = groups[np.argsort(groups[:, 0])]
    at = np.searchsorted(enc[:, 0], parts[:, 0])
    at_group = np.searchsorted(groups[:, 0], parts[:, 0])
    minutes = enc[at, 3].astype(np.float64) if len(parts) else np.zeros(0)
    return {
        "person": parts[:, 1].copy(),
        "day": parts[:, 2] + UNIX_DAY,
        "channel": enc[at, 1] if len(parts) else np.zeros(0, dtype=np.int64),
        "direction": enc[at, 2] if len(parts) else np.zeros(0, dtype=np.int64),
        "minutes": np.where(minutes < 0, np.nan, minutes),
        "group": groups[at_group, 1].astype(np.float64) if len(parts) else np.zeros(0),
    }


_COLUMNS = (
    "activity",
    "decay_sum",
    "recency",
    "episodes",
    "outbound",
    "inbound",
    "last_episode",
    "last_contact",
    "first_age",
    "peak",
)


def load_tallies(conn: Connection) -> Tally:
    """Every stored tally (each row keeps its own ``as_of``)."""
    query = select(
        tie_tallies.c.person_id, tie_tallies.c.as_of, *[tie_tallies.c[c] for c in _COLUMNS]
    )
    rows = conn.execute(query.order_by(tie_tallies.c.person_id)).all()
    data = np.array(
        [[np.nan if v is None else v for v in row] for row in rows], dtype=np.float64
    ).reshape(-1, 2 + len(_COLUMNS))
    ints = np.nan_to_num(data, nan=-1.0).astype(np.int64)
    return Tally(
        person=ints[:, 0],
        as_of=ints[:, 1],
        activity=data[:, 2],
        decay_sum=data[:, 3],
        recency=data[:, 4],
        count=ints[:, 5],
        outbound=ints[:, 6],
        inbound=ints[:, 7],
        last_episode=ints[:, 8],
        last_contact=ints[:, 9],
        first_age=ints[:, 10],
        peak=data[:, 11],
    )


def save_tallies(conn: Connection, tally: Tally) -> int:
    """Store ``tally`` (replacing rows of the same people); returns the rows written."""
    if not len(tally):
        return 0
    ids = [int(p) for p in tally.person]
    forget_tallies(conn, ids)
    as_of = np.broadcast_to(np.asarray(tally.as_of), tally.person.shape)

    def maybe(value: float) -> float | None:
        return None if np.isnan(value) else float(value)

    rows = [
        {
            "person_id": ids[i],
            "as_of": int(as_of[i]),
            "activity": float(tally.activity[i]),
            "decay_sum": float(tally.decay_sum[i]),
            "recency": maybe(tally.recency[i]),
            "episodes": int(tally.count[i]),
            "outbound": int(tally.outbound[i]),
            "inbound": int(tally.inbound[i]),
            "last_episode": int(tally.last_episode[i]),
            "last_contact": int(tally.last_contact[i]),
            "first_age": int(tally.first_age[i]),
            "peak": maybe(tally.peak[i]),
        }
        for i in range(len(ids))
    ]
    for start in range(0, len(rows), 5_000):
        conn.execute(insert(tie_tallies), rows[start : start + 5_000])
    return len(rows)


def count_tallies(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(tie_tallies)).scalar() or 0)
