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
import itertools
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, func, insert, select

from dunbar.model import Channel
from dunbar.store.stale import chunks, forget_tallies, lock_for_filling
from dunbar.store.tables import settings, tie_tallies
from dunbar.strength.batch import CHANNEL_CODES, TALLY_FIELDS, EpisodeArrays, Tally
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
    "rows_of",
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


def channel_sql(column: str = "channel") -> str:
    """SQL for a channel column as its ``CHANNEL_CODES`` code."""
    return _code_sql(
        column, {c.value: CHANNEL_CODES[c] for c in Channel}, CHANNEL_CODES[Channel.REACTION]
    )


_CHANNEL_SQL = channel_sql()
_DIRECTION_SQL = _code_sql("initiative", {"out": 1, "in": 2}, 0)


def day_sql(conn: Connection, column: str = "occurred_at") -> str:
    """The UTC calendar day of a time column, as days since 1970-01-01."""
    if conn.dialect.name == "sqlite":
        # Stored as UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'.
        return f"CAST(julianday(substr({column}, 1, 10)) - 2440587.5 AS INTEGER)"
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {column}) / 86400) AS BIGINT)"


def rows_of(conn: Connection, sql: str) -> list[tuple[Any, ...]]:
    """All rows of ``sql`` through the driver's own cursor (no per-row wrapping)."""
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor: Any = raw.cursor()
    try:
        cursor.execute(sql)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    finally:
        cursor.close()
    return rows


def _ints(rows: list[tuple[Any, ...]], width: int) -> np.ndarray[Any, Any]:
    flat = itertools.chain.from_iterable(rows)
    return np.fromiter(flat, dtype=np.int64, count=width * len(rows)).reshape(-1, width)


def episode_arrays(conn: Connection, person_ids: Sequence[int] | None = None) -> EpisodeArrays:
    """Every episode (one person of one encounter), or those of ``person_ids``.

    ``group`` is the encounter's number of participants (people besides me).
    Days are UTC calendar days, as day ordinals. Two scans (participants,
    encounters) through the driver's cursor, joined in numpy: a million
    encounters are read in about two seconds (benchmarks/RESULTS.md).
    """
    day = day_sql(conn)
    part_sql = f"SELECT encounter_id, person_id, {day} FROM encounter_participants"
    enc_sql = (
        f"SELECT id, ({_CHANNEL_SQL}) * 3 + ({_DIRECTION_SQL}), COALESCE(minutes, -1) "
        "FROM encounters"
    )
    if person_ids is None:
        parts = _ints(rows_of(conn, part_sql), 3)
        enc = _ints(rows_of(conn, enc_sql), 3)
        group_ids, group_counts = np.unique(parts[:, 0], return_counts=True)
        groups = np.stack([group_ids, group_counts], axis=1)
    else:
        part_rows: list[tuple[Any, ...]] = []
        for chunk in chunks(sorted({int(p) for p in person_ids})):
            marks = ", ".join(str(p) for p in chunk)
            part_rows.extend(rows_of(conn, f"{part_sql} WHERE person_id IN ({marks})"))
        parts = _ints(part_rows, 3)
        enc_rows: list[tuple[Any, ...]] = []
        group_rows: list[tuple[Any, ...]] = []
        for chunk in chunks(np.unique(parts[:, 0]).tolist()):
            marks = ", ".join(str(int(e)) for e in chunk)
            enc_rows.extend(rows_of(conn, f"{enc_sql} WHERE id IN ({marks})"))
            group_rows.extend(
                rows_of(
                    conn,
                    "SELECT encounter_id, COUNT(*) FROM encounter_participants "
                    f"WHERE encounter_id IN ({marks}) GROUP BY encounter_id",
                )
            )
        enc = _ints(enc_rows, 3)
        groups = _ints(group_rows, 2)
    enc = enc[np.argsort(enc[:, 0], kind="stable")]
    groups = groups[np.argsort(groups[:, 0], kind="stable")]
    at = np.searchsorted(enc[:, 0], parts[:, 0])
    at_group = np.searchsorted(groups[:, 0], parts[:, 0])
    code = enc[at, 1] if len(parts) else np.zeros(0, dtype=np.int64)
    minutes = enc[at, 2].astype(np.float64) if len(parts) else np.zeros(0)
    return {
        "person": parts[:, 1].copy(),
        "day": parts[:, 2] + UNIX_DAY,
        "channel": code // 3,
        "direction": code % 3,
        "minutes": np.where(minutes < 0, np.nan, minutes),
        "group": groups[at_group, 1].astype(np.float64) if len(parts) else np.zeros(0),
    }


#: What ``tie_tallies.data`` holds: these Tally fields, float64, then the 12 months.
PACKED = tuple(f for f in TALLY_FIELDS if f not in ("as_of", "months", "months_base"))
WIDTH = len(PACKED) + 12


def load_tallies(conn: Connection) -> Tally:
    """Every stored tally (each row keeps its own ``as_of``)."""
    rows = rows_of(
        conn, "SELECT person_id, as_of, months_base, data FROM tie_tallies ORDER BY person_id"
    )
    keys = _ints([r[:3] for r in rows], 3)
    blob = b"".join(bytes(r[3]) for r in rows)
    data = np.frombuffer(blob, dtype="<f8").reshape(-1, WIDTH)
    ints = np.nan_to_num(data[:, : len(PACKED)], nan=-1.0).astype(np.int64)
    fields: dict[str, Any] = {}
    for i, name in enumerate(PACKED):
        is_int = name in (
            "count",
            "outbound",
            "inbound",
            "last_episode",
            "last_contact",
            "first_age",
        )
        fields[name] = ints[:, i] if is_int else data[:, i].copy()
    return Tally(
        person=keys[:, 0],
        as_of=keys[:, 1],
        months_base=keys[:, 2],
        months=data[:, len(PACKED) :].copy(),
        **fields,
    )


def save_tallies(conn: Connection, tally: Tally) -> int:
    """Store ``tally`` (replacing rows of the same people); returns the rows written."""
    if not len(tally):
        return 0
    ids = [int(p) for p in tally.person]
    forget_tallies(conn, ids)
    as_of = np.broadcast_to(np.asarray(tally.as_of), tally.person.shape)
    base = np.broadcast_to(np.asarray(tally.months_base), tally.person.shape)
    packed = np.column_stack(
        [np.asarray(getattr(tally, name), dtype="<f8") for name in PACKED]
        + [np.asarray(tally.months, dtype="<f8")]
    )
    rows = [
        {
            "person_id": ids[i],
            "as_of": int(as_of[i]),
            "months_base": int(base[i]),
            "data": packed[i].tobytes(),
        }
        for i in range(len(ids))
    ]
    for start in range(0, len(rows), 2_000):
        conn.execute(insert(tie_tallies), rows[start : start + 2_000])
    return len(rows)


def count_tallies(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(tie_tallies)).scalar() or 0)
