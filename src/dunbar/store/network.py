"""What the who-knows-whom graph is built from, read in a few scans.

The graph builder (:mod:`dunbar.graph.build`) is the only caller. Everything is
read through the driver's cursor (:func:`~dunbar.store.tallies.rows_of`) into
plain tuples or numpy arrays, so that a ledger of 50,000 people and a million
encounters is read in seconds, not minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection

from dunbar.store.tallies import UNIX_DAY, channel_sql, day_sql, rows_of

__all__ = ["NetworkRows", "PersonRow", "network_rows", "shared_episodes"]


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    is_me: bool
    organisation: str | None
    industry: str | None
    title: str | None
    kin: bool


@dataclass(frozen=True)
class NetworkRows:
    """The people, their labels, the acquaintance facts and who attended what."""

    people: list[PersonRow]
    labels: list[tuple[int, str, str]]
    """``(person_id, kind, value)`` for tags, topics, offers and needs."""
    acquaintances: list[tuple[int, int, str, float | None, int, Any]]
    """``(a, b, evidence, strength, occurrences, last_seen)``; ``a < b``."""
    attended: list[tuple[int, int]]
    """``(gathering_id, person_id)`` of everyone who attended a gathering."""


def network_rows(conn: Connection) -> NetworkRows:
    people = [
        PersonRow(int(r[0]), str(r[1]), bool(r[2]), r[3], r[4], r[5], bool(r[6]))
        for r in rows_of(
            conn,
            "SELECT p.id, p.name, p.is_me, o.name, o.industry, p.title, p.is_kin "
            "FROM people p LEFT JOIN organisations o ON o.id = p.org_id ORDER BY p.id",
        )
    ]
    labels = [
        (int(r[0]), str(r[1]), str(r[2]))
        for r in rows_of(
            conn, "SELECT person_id, kind, value FROM person_labels ORDER BY person_id, kind, value"
        )
    ]
    acquaintances = [
        (int(r[0]), int(r[1]), str(r[2]), None if r[3] is None else float(r[3]), int(r[4]), r[5])
        for r in rows_of(
            conn,
            "SELECT person_a_id, person_b_id, evidence, strength, occurrences, last_seen "
            "FROM acquaintances ORDER BY person_a_id, person_b_id, evidence",
        )
    ]
    attended = [
        (int(r[0]), int(r[1]))
        for r in rows_of(
            conn,
            "SELECT gathering_id, person_id FROM attendance WHERE status = 'attended' "
            "ORDER BY gathering_id, person_id",
        )
    ]
    return NetworkRows(people, labels, acquaintances, attended)


def shared_episodes(conn: Connection, *, max_group: int) -> dict[str, np.ndarray[Any, Any]]:
    """Every pair of contacts who took part in the same encounter, one row per encounter.

    Only encounters with 2 to ``max_group`` participants (people besides me)
    count: at a 300-person event nobody met everybody. Arrays ``a`` and ``b``
    (``a < b``), ``day`` (ordinal), ``channel`` (code), ``minutes`` (NaN when
    unknown) and ``group`` (participants in that encounter).
    """
    day = day_sql(conn, "x.occurred_at")
    channel = channel_sql("e.channel")
    sql = (
        f"SELECT x.person_id, y.person_id, {day}, {channel}, COALESCE(e.minutes, -1), g.n "
        "FROM (SELECT encounter_id, COUNT(*) AS n FROM encounter_participants "
        f"GROUP BY encounter_id HAVING COUNT(*) BETWEEN 2 AND {int(max_group)}) g "
        "JOIN encounter_participants x ON x.encounter_id = g.encounter_id "
        "JOIN encounter_participants y ON y.encounter_id = g.encounter_id "
        "AND x.person_id < y.person_id "
        "JOIN encounters e ON e.id = g.encounter_id"
    )
    rows = rows_of(conn, sql)
    flat = np.array(rows, dtype=np.float64).reshape(-1, 6)
    minutes = flat[:, 4]
    return {
        "a": flat[:, 0].astype(np.int64),
        "b": flat[:, 1].astype(np.int64),
        "day": flat[:, 2].astype(np.int64) + UNIX_DAY,
        "channel": flat[:, 3].astype(np.int64),
        "minutes": np.where(minutes < 0, np.nan, minutes),
        "group": flat[:, 5],
    }
